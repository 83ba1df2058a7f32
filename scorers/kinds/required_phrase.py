"""required_phrase: something the given speaker must say, optionally within a window."""

from __future__ import annotations

from scorers.nlp import Analysed
from scorers.outcome import Verdict
from scorers.phrases import PhraseCriterion, PhraseSet, not_applicable
from scorers.registry import Resources, Scorer, register_kind
from scorers.windows import searched, turns_in_scope


class RequiredPhrase(PhraseCriterion):
    """speaker, phrases and/or patterns, an optional window (`within`); negated matches do not count."""


@register_kind("required_phrase.v1", config=RequiredPhrase)
def required_phrase(config: RequiredPhrase, resources: Resources) -> Scorer:
    """A phrase the speaker must say (first/last N turns, seconds or percent, or anywhere)."""
    phrases = PhraseSet(config)
    where = config.within.describe() if config.within else "anywhere in the conversation"

    def score(analysed: Analysed) -> Verdict:
        if (na := not_applicable(analysed, [phrases], config.within)) is not None:
            return na
        match = phrases.first(analysed, config.within)
        if match is None:
            span, evidence = searched(analysed, list(turns_in_scope(analysed, config.speaker, config.within)))
            return Verdict.failed(f"the {config.speaker} did not say it {where} (searched {span})", evidence)
        return Verdict.passed(f"the {config.speaker} said it {where}", match.evidence)

    return score
