"""conditional: when a trigger happens, the responder must answer within N of their turns.

Not applicable when the trigger never happens. Every trigger occurrence needs its own answer: a
customer who asks twice for a person and is answered once has been ignored once.
"""

from __future__ import annotations

from pydantic import Field

from scorers.nlp import Analysed
from scorers.outcome import NotApplicable, Verdict
from scorers.phrases import PhraseSet, not_applicable, turns_in_scope
from scorers.registry import Scorer, register_kind
from scorers.standard import CriterionConfig, Phrases, SpeakerRole, StrictModel


class Trigger(StrictModel):
    speaker: SpeakerRole = "customer"
    phrases: Phrases


class Response(StrictModel):
    speaker: SpeakerRole = "agent"
    within_turns: int = Field(default=2, gt=0, description="how many of the responder's next turns may answer")
    phrases: Phrases


class Conditional(CriterionConfig):
    trigger: Trigger
    response: Response


@register_kind("conditional.v1", config=Conditional)
def conditional(config: Conditional) -> Scorer:
    """When the trigger is said, the response must follow within N of the responder's turns."""
    triggers, responses = PhraseSet(config.trigger.phrases), PhraseSet(config.response.phrases)
    responder, n = config.response.speaker, config.response.within_turns

    def score(analysed: Analysed) -> Verdict:
        if (na := not_applicable(analysed, [triggers, responses])) is not None:
            return na
        interaction = analysed.interaction
        seen: set[int] = set()
        answer = None
        for trigger in triggers.find(analysed, config.trigger.speaker):
            if trigger.turn_index in seen:
                continue
            seen.add(trigger.turn_index)
            after = range(trigger.turn_index + 1, len(interaction.turns))
            replies = list(turns_in_scope(interaction, responder, turns=after))[:n]
            answer = next((m for i in replies for m in responses.find(analysed, responder, turns=range(i, i + 1))), None)
            if answer is None:
                return Verdict.failed(
                    f"triggered in turn {trigger.turn_index} but the {responder} did not respond within {n} turn(s)",
                    trigger.evidence,
                )
        if answer is None:
            return Verdict.not_applicable(NotApplicable.TRIGGER_NOT_OBSERVED, "the trigger never happened")
        return Verdict.passed(f"the {responder} responded to every trigger ({len(seen)})", answer.evidence)

    return score
