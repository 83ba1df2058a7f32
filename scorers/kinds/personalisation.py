"""personalisation: the agent addresses the customer by name, when the name is known."""

from __future__ import annotations

from scorers.nlp import Analysed
from scorers.outcome import Evidence, NotApplicable, Verdict
from scorers.phrases import turns_in_scope
from scorers.registry import Resources, Scorer, register_kind
from scorers.standard import CriterionConfig, SpeakerRole, Window


class Personalisation(CriterionConfig):
    speaker: SpeakerRole = "agent"
    within: Window | None = None


@register_kind("personalisation.v1", config=Personalisation)
def personalisation(config: Personalisation, resources: Resources) -> Scorer:
    """The speaker says the customer's first or last name (case-insensitive, whole words)."""

    def score(analysed: Analysed) -> Verdict:
        ix = analysed.interaction
        name = (ix.customer.name or "").strip()
        if not name:
            return Verdict.not_applicable(NotApplicable.DATA_MISSING, "the customer's name is not known")
        if config.within is not None and config.within.needs_timestamps and not ix.has_timestamps:
            return Verdict.not_applicable(NotApplicable.NO_TIMESTAMPS, f"{config.within.describe()} needs turn timestamps")
        parts = {p.lower() for p in name.replace("-", " ").split() if len(p) > 1}
        for i in turns_in_scope(ix, config.speaker, config.within):
            said = ix.turns[i].text.lower()
            if not any(part in said for part in parts):  # whole-word matches are substrings too
                continue
            for token in analysed.docs[i]:
                if token.lower_ in parts:
                    return Verdict.passed("the customer was addressed by name", Evidence(i, ix.turns[i].start_ms, token.text))
        return Verdict.failed(f"the {config.speaker} never used the customer's name")

    return score
