"""proximity: phrase A within N tokens of phrase B in the same turn (a price with "including VAT").

`expect: present`: whenever A is said, B must be said near it; not applicable when A never is.
`expect: absent`: A must never be said near B ("guarantee ... profit").
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from scorers.nlp import Analysed
from scorers.outcome import NotApplicable, Verdict
from scorers.phrases import Match, PhraseCriterion, PhraseSet, Words, not_applicable
from scorers.registry import Resources, Scorer, register_kind
from scorers.sensitive import redact


class Proximity(PhraseCriterion):
    near: Words  # searched in the same turn as the phrase, so said by the same speaker
    max_distance: int = Field(default=5, ge=0, description="tokens allowed between A and B")
    expect: Literal["present", "absent"] = "present"


def _distance(a: Match, b: Match) -> int:
    return max(b.start - a.end, a.start - b.end, 0)


@register_kind("proximity.v1", config=Proximity)
def proximity(config: Proximity, resources: Resources) -> Scorer:
    """Phrase A within `max_distance` tokens of phrase B, in one turn of the speaker."""
    a_set, b_set = PhraseSet(config), PhraseSet(config.near)

    def score(analysed: Analysed) -> Verdict:
        if (na := not_applicable(analysed, [a_set, b_set], config.within)) is not None:
            return na
        near = f"within {config.max_distance} tokens"
        seen = None
        for a in a_set.find(analysed, config.within):
            b = next((b for b in b_set.find(analysed, turns=range(a.turn_index, a.turn_index + 1), speaker=config.speaker) if _distance(a, b) <= config.max_distance), None)
            if b is None:
                if config.expect == "present":
                    return Verdict.failed(f"said without its companion phrase {near}", a.evidence)
                continue
            doc = analysed.docs[a.turn_index]
            span = doc[min(a.start, b.start) : max(a.end, b.end)].text  # "costs 4539 1488 ... including VAT": redacted
            seen = analysed.evidence(a.turn_index, redact(span, analysed.interaction.language), min(a.start, b.start))
            if config.expect == "absent":
                return Verdict.failed(f"both said {near} of each other", seen)
        if config.expect == "absent":
            return Verdict.passed(f"the two were never said {near} of each other")
        if seen is None:
            return Verdict.not_applicable(NotApplicable.TRIGGER_NOT_OBSERVED, "the first phrase was never said")
        return Verdict.passed(f"every time with its companion phrase {near}", seen)

    return score
