"""Conversation metrics from turn timestamps: silence, talk ratio, overtalk, hold time.

Pure functions over the turns of one interaction. Each returns the value and the turn where it was
decided (the longest silence ends at that turn; the first overtalk starts there), or None for the
turn when the metric is a total.
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.interaction import Interaction, Turn

SERVICE = ("agent", "bot")
Value = tuple[float, int | None]


def _spoken(interaction: Interaction) -> list[tuple[int, Turn]]:
    return [(i, t) for i, t in enumerate(interaction.turns) if t.speaker != "system"]


def _end(turn: Turn) -> int:
    assert turn.start_ms is not None and turn.end_ms is not None
    return turn.end_ms


def silences(interaction: Interaction) -> list[tuple[float, int]]:
    """(seconds, turn ending the silence) for every gap in which nobody speaks."""
    gaps, heard_until = [], None
    for i, turn in _spoken(interaction):
        assert turn.start_ms is not None
        if heard_until is not None and turn.start_ms > heard_until:
            gaps.append(((turn.start_ms - heard_until) / 1000, i))
        heard_until = max(heard_until or 0, _end(turn))
    return gaps


def longest_silence_seconds(interaction: Interaction, hold_gap: float) -> Value:
    gaps = silences(interaction)
    return max(gaps) if gaps else (0.0, None)


def hold_seconds(interaction: Interaction, hold_gap: float) -> Value:
    return sum(s for s, _ in silences(interaction) if s >= hold_gap), None


def agent_talk_ratio(interaction: Interaction, hold_gap: float) -> Value:
    talk = {"service": 0, "customer": 0}
    for _, turn in _spoken(interaction):
        talk["service" if turn.speaker in SERVICE else "customer"] += _end(turn) - (turn.start_ms or 0)
    total = talk["service"] + talk["customer"]
    return (talk["service"] / total if total else 0.0), None


def _overtalk(interaction: Interaction, only_agent_over_customer: bool) -> Value:
    count, first, previous = 0, None, None
    for i, turn in _spoken(interaction):
        if previous is not None and previous.speaker != turn.speaker and (turn.start_ms or 0) < _end(previous):
            if not only_agent_over_customer or (turn.speaker in SERVICE and previous.speaker == "customer"):
                count += 1
                first = i if first is None else first
        if previous is None or _end(turn) >= _end(previous):
            previous = turn
    return float(count), first


def overtalk_count(interaction: Interaction, hold_gap: float) -> Value:
    """Turns that start while another speaker is still talking."""
    return _overtalk(interaction, only_agent_over_customer=False)


def agent_interruptions(interaction: Interaction, hold_gap: float) -> Value:
    """Agent turns that start while the customer is still talking."""
    return _overtalk(interaction, only_agent_over_customer=True)


METRICS: dict[str, Callable[[Interaction, float], Value]] = {
    "longest_silence_seconds": longest_silence_seconds,
    "hold_seconds": hold_seconds,
    "agent_talk_ratio": agent_talk_ratio,
    "overtalk_count": overtalk_count,
    "agent_interruptions": agent_interruptions,
}
