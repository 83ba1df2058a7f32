"""conversation_metric: a measure from the turn timestamps kept within bounds.

Metrics: longest_silence_seconds, hold_seconds (silences of at least `hold_gap_seconds`),
agent_talk_ratio (0-1, the service side's share of talk time), overtalk_count, agent_interruptions.
Not applicable without timestamps (chats), or when turns lack end times.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from scorers.metrics import METRICS
from scorers.nlp import Analysed
from scorers.outcome import Evidence, NotApplicable, Verdict
from scorers.registry import Resources, Scorer, register_kind
from scorers.standard import CriterionConfig


class ConversationMetric(CriterionConfig):
    metric: Literal["longest_silence_seconds", "hold_seconds", "agent_talk_ratio", "overtalk_count", "agent_interruptions"]
    min: float | None = None
    max: float | None = None
    hold_gap_seconds: float = Field(default=10, gt=0, description="a silence at least this long counts as hold")

    @model_validator(mode="after")
    def _bounds(self) -> ConversationMetric:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self


@register_kind("conversation_metric.v1", config=ConversationMetric)
def conversation_metric(config: ConversationMetric, resources: Resources) -> Scorer:
    """A timing measure (silence, hold, talk ratio, overtalk) within min/max."""
    measure = METRICS[config.metric]
    bounds = " and ".join(f"{word} {value:g}" for word, value in (("at least", config.min), ("at most", config.max)) if value is not None)

    def score(analysed: Analysed) -> Verdict:
        ix = analysed.interaction
        if not ix.has_timestamps:
            return Verdict.not_applicable(NotApplicable.NO_TIMESTAMPS, f"{config.metric} needs turn timestamps")
        if any(t.end_ms is None for t in ix.turns if t.speaker != "system"):
            return Verdict.not_applicable(NotApplicable.DATA_MISSING, f"{config.metric} needs the end time of every turn")
        value, turn = measure(ix, config.hold_gap_seconds)
        if turn is not None:
            evidence = Evidence(turn, ix.turns[turn].start_ms, f"{config.metric} = {value:g}")
        else:  # a total over the conversation: the evidence says so
            evidence = Evidence(0, ix.turns[0].start_ms, f"{config.metric} = {value:g} over the whole call ({len(ix.turns)} turns, {(ix.duration_ms or 0) / 1000:g} s)")
        within = (config.min is None or value >= config.min) and (config.max is None or value <= config.max)
        reason = f"{config.metric} {value:.3g} ({bounds})"
        return Verdict.passed(reason, evidence) if within else Verdict.failed(reason, evidence)

    return score
