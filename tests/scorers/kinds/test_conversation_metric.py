from __future__ import annotations

import pytest
from pydantic import ValidationError

from ingest.interaction import Interaction
from scorers.outcome import Outcome
from tests.builders import criterion, interaction, verdict


def _call(*turns: tuple[str, int, int]) -> Interaction:
    return Interaction.model_validate(
        {
            "interaction_id": "t",
            "channel": "voice",
            "language": "en",
            "agent": {"id": "a", "type": "human"},
            "turns": [{"speaker": s, "text": "words", "start_ms": a, "end_ms": b} for s, a, b in turns],
        }
    )


CALL = _call(
    ("agent", 0, 4_000),
    ("customer", 3_000, 8_000),  # overtalk: the customer starts before the agent ends
    ("agent", 20_000, 26_000),  # 12 s of silence (hold) before it
    ("customer", 26_500, 30_000),
    ("agent", 29_000, 32_000),  # the agent interrupts the customer
)


@pytest.mark.parametrize(
    ("metric", "bounds", "outcome", "value"),
    [
        ("longest_silence_seconds", {"max": 10}, Outcome.FAIL, "12"),
        ("longest_silence_seconds", {"max": 15}, Outcome.PASS, "12"),
        ("hold_seconds", {"max": 5}, Outcome.FAIL, "12"),
        ("agent_talk_ratio", {"max": 0.6}, Outcome.FAIL, "0.605"),  # 13 s of 21.5 s
        ("agent_talk_ratio", {"min": 0.3, "max": 0.7}, Outcome.PASS, "0.605"),
        ("overtalk_count", {"max": 1}, Outcome.FAIL, "2"),
        ("agent_interruptions", {"max": 0}, Outcome.FAIL, "1"),
    ],
)
def test_metrics(metric: str, bounds: dict, outcome: Outcome, value: str) -> None:
    result = verdict(criterion("conversation_metric", metric=metric, **bounds), CALL)
    assert result.outcome is outcome
    assert f"{metric} {value}" in result.reason


def test_silence_evidence_points_at_the_turn_after_it() -> None:
    result = verdict(criterion("conversation_metric", metric="longest_silence_seconds", max=10), CALL)
    assert result.evidence.turn_index == 2 and result.evidence.start_ms == 20_000


def test_chat_is_not_applicable() -> None:
    result = verdict(criterion("conversation_metric", metric="hold_seconds", max=60), interaction([("agent", "hi")]))
    assert result.outcome is Outcome.NOT_APPLICABLE and result.reason.startswith("no_timestamps")


def test_bounds_are_checked() -> None:
    with pytest.raises(ValidationError, match="give min, max or both"):
        criterion("conversation_metric", metric="hold_seconds")
    with pytest.raises(ValidationError, match="min 5.0 is above max 1.0"):
        criterion("conversation_metric", metric="hold_seconds", min=5, max=1)
