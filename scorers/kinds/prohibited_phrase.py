"""prohibited_phrase: something the given speaker must never say."""

from __future__ import annotations

from scorers.nlp import Analysed
from scorers.outcome import Verdict
from scorers.phrases import PhraseCriterion, PhraseSet, not_applicable
from scorers.registry import Resources, Scorer, register_kind


class ProhibitedPhrase(PhraseCriterion):
    """speaker, phrases and/or patterns, an optional window; negated forms count too by default."""

    skip_negated: bool = False


@register_kind("prohibited_phrase.v1", config=ProhibitedPhrase)
def prohibited_phrase(config: ProhibitedPhrase, resources: Resources) -> Scorer:
    """A phrase the speaker must never say; the first one said is the evidence."""
    phrases = PhraseSet(config)

    def score(analysed: Analysed) -> Verdict:
        if (na := not_applicable(analysed, [phrases], config.within)) is not None:
            return na
        match = phrases.first(analysed, config.within)
        if match is not None:
            return Verdict.failed(f"the {config.speaker} said a prohibited phrase", match.evidence)
        return Verdict.passed(f"the {config.speaker} said no prohibited phrase")

    return score
