"""conditional: when a trigger happens, the responder must answer within N of their turns.

The trigger is something said (phrases or patterns, negation-aware: "I'm not angry" is no trigger),
or a turn whose customer sentiment is at or below a threshold, or either. Not applicable when the
trigger never happens. Every trigger occurrence needs its own answer: a customer who asks twice for a
person and is answered once has been ignored once.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from scorers.nlp import Analysed
from scorers.outcome import Evidence, NotApplicable, Verdict
from scorers.phrases import PhraseSet, Said, not_applicable, turns_in_scope
from scorers.registry import Resources, Scorer, register_kind
from scorers.standard import CriterionConfig, SpeakerRole
from scorers.windows import describe_span


class Trigger(Said):
    speaker: SpeakerRole = "customer"
    sentiment_at_most: float | None = Field(default=None, description="a turn whose sentiment score is at or below this triggers")

    @model_validator(mode="after")
    def _something_to_match(self) -> Trigger:
        if not self.phrases and not self.patterns and self.sentiment_at_most is None:
            raise ValueError("give phrases, patterns or sentiment_at_most")
        return self


class Response(Said):
    within_turns: int = Field(default=2, gt=0, description="how many of the responder's next turns may answer")


class Conditional(CriterionConfig):
    trigger: Trigger
    response: Response


@register_kind("conditional.v1", config=Conditional)
def conditional(config: Conditional, resources: Resources) -> Scorer:
    """When the trigger is said (or felt), the response must follow within N of the responder's turns."""
    trigger = config.trigger
    said = PhraseSet(trigger) if trigger.phrases or trigger.patterns else None
    responses = PhraseSet(config.response)
    sentiment = resources.sentiment if trigger.sentiment_at_most is not None else None
    responder, n = config.response.speaker, config.response.within_turns

    def triggered(analysed: Analysed) -> dict[int, Evidence]:
        """Trigger turns, each with the words that triggered it."""
        found: dict[int, Evidence] = {}
        if sentiment is not None:
            for i in turns_in_scope(analysed, trigger.speaker):
                felt = sentiment.turn(analysed, i)
                if felt.words and felt.score <= (trigger.sentiment_at_most or 0):
                    found[i] = analysed.evidence(i, f"sentiment {felt.score:+g}: {', '.join(felt.words)}")
        for match in said.find(analysed) if said else ():
            found.setdefault(match.turn_index, match.evidence)
        return dict(sorted(found.items()))

    def score(analysed: Analysed) -> Verdict:
        ix = analysed.interaction
        if (na := not_applicable(analysed, [p for p in (said, responses) if p])) is not None:
            return na
        if sentiment is not None and not sentiment.covers(ix.language):
            return Verdict.not_applicable(NotApplicable.LANGUAGE_NOT_COVERED, f"no sentiment lexicon for {ix.language!r}")
        triggers = triggered(analysed)
        if not triggers:
            return Verdict.not_applicable(NotApplicable.TRIGGER_NOT_OBSERVED, "the trigger never happened")
        answer = None
        for turn, evidence in triggers.items():
            replies = list(turns_in_scope(analysed, responder, turns=range(turn + 1, len(analysed.turns))))[:n]
            answer = next((m for i in replies for m in responses.find(analysed, turns=range(i, i + 1))), None)
            if answer is None:
                searched = describe_span(analysed, replies) if replies else f"no {responder} turn followed"
                return Verdict.failed(f"triggered in turn {evidence.turn_index} but the {responder} did not respond within {n} turn(s) (searched {searched})", evidence)
        assert answer is not None
        return Verdict.passed(f"the {responder} responded to every trigger ({len(triggers)})", answer.evidence)

    return score
