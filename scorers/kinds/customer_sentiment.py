"""customer_sentiment: how the customer felt, from the standard's lexicon, first third against last.

`require: improved` (the last third is better than the first), `not_worse`, or `ends_non_negative`
(the last third is not negative). Not applicable without a lexicon for the language, or when the
customer says nothing in the first or the last third.
"""

from __future__ import annotations

from typing import Literal

from scorers.nlp import Analysed
from scorers.outcome import NotApplicable, Verdict
from scorers.phrases import turns_in_scope
from scorers.registry import Resources, Scorer, register_kind
from scorers.standard import CriterionConfig


class CustomerSentiment(CriterionConfig):
    require: Literal["improved", "not_worse", "ends_non_negative"] = "not_worse"


@register_kind("customer_sentiment.v1", config=CustomerSentiment)
def customer_sentiment(config: CustomerSentiment, resources: Resources) -> Scorer:
    """Customer sentiment in the last third of the conversation compared with the first."""
    sentiment = resources.sentiment

    def score(analysed: Analysed) -> Verdict:
        ix = analysed.interaction
        if not sentiment.covers(ix.language):
            return Verdict.not_applicable(NotApplicable.LANGUAGE_NOT_COVERED, f"no sentiment lexicon for {ix.language!r}")
        n = len(analysed.turns)
        thirds = (range(0, max(1, n // 3)), range(n - max(1, n // 3), n))
        scores = []
        for third in thirds:
            turns = list(turns_in_scope(analysed, "customer", turns=third))
            if not turns:
                return Verdict.not_applicable(NotApplicable.DATA_MISSING, "the customer says nothing in the first or last third")
            scores.append((sum(sentiment.turn(analysed, i).score for i in turns) / len(turns), turns[-1]))
        (start, _), (end, last_turn) = scores
        ok = {"improved": end > start, "not_worse": end >= start, "ends_non_negative": end >= 0}[config.require]
        evidence = analysed.evidence(last_turn, f"customer sentiment {start:+.2g} in the first third, {end:+.2g} in the last")
        reason = f"required {config.require.replace('_', ' ')}: {start:+.2g} -> {end:+.2g}"
        return Verdict.passed(reason, evidence) if ok else Verdict.failed(reason, evidence)

    return score
