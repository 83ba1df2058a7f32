"""sequence: A must happen before B (identity verified before any account detail is given).

Not applicable when B never happens. Fails when B happens before any A, with B as the evidence.
"""

from __future__ import annotations

from scorers.nlp import Analysed
from scorers.outcome import NotApplicable, Verdict
from scorers.phrases import PhraseSet, Said, not_applicable
from scorers.registry import Resources, Scorer, register_kind
from scorers.standard import CriterionConfig


class Sequence(CriterionConfig):
    first: Said
    then: Said


@register_kind("sequence.v1", config=Sequence)
def sequence(config: Sequence, resources: Resources) -> Scorer:
    """`first` must be said before `then` is said."""
    first, then = PhraseSet(config.first), PhraseSet(config.then)

    def score(analysed: Analysed) -> Verdict:
        if (na := not_applicable(analysed, [first, then])) is not None:
            return na
        later = then.first(analysed)
        if later is None:
            return Verdict.not_applicable(NotApplicable.TRIGGER_NOT_OBSERVED, "the second step never happened")
        earlier = first.first(analysed, turns=range(0, later.turn_index + 1))
        if earlier is None or (earlier.turn_index, earlier.start) > (later.turn_index, later.start):
            return Verdict.failed(f"the second step came in turn {later.evidence.turn_index} before the first", later.evidence)
        return Verdict.passed(f"the first step (turn {earlier.evidence.turn_index}) came before the second (turn {later.evidence.turn_index})", earlier.evidence)

    return score
