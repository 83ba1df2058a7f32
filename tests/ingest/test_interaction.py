from __future__ import annotations

import pytest
from pydantic import ValidationError

from ingest.interaction import Interaction

GOOD = {
    "interaction_id": "c-1",
    "channel": "voice",
    "language": "de",
    "started_at": "2026-11-22T09:14:03Z",
    "agent": {"id": "a-017", "type": "human", "team": "billing"},
    "customer": {"id": "k-9912", "name": "Patricia Brown"},
    "turns": [
        {"speaker": "agent", "text": "Guten Tag", "start_ms": 0, "end_ms": 2400},
        {"speaker": "customer", "text": "Hallo", "start_ms": 2600, "end_ms": 5100},
    ],
    "metadata": {"queue": "payments"},
}


def test_design_example_is_valid() -> None:
    ix = Interaction.model_validate(GOOD)
    assert ix.has_timestamps and ix.duration_ms == 5100


def _with(path: str, value: object) -> dict:
    record = {**GOOD, "turns": [dict(t) for t in GOOD["turns"]], "agent": dict(GOOD["agent"])}
    *parents, last = path.split(".")
    node: object = record
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]  # type: ignore[index]
    if value is ...:
        del node[int(last) if last.isdigit() else last]  # type: ignore[union-attr]
    else:
        node[int(last) if last.isdigit() else last] = value  # type: ignore[index]
    return record


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("turns.1.speaker", "supervisor", "turns.1.speaker"),
        ("turns.0.text", "   ", "turn text is empty"),
        ("turns.1.start_ms", -5, "greater than or equal to 0"),
        ("turns.1.start_ms", 0, None),  # same start as the previous turn: allowed
        ("turns.1.end_ms", 100, "end_ms 100 is before start_ms 2600"),
        ("language", "nl", "Input should be 'en', 'de', 'sv' or 'fr'"),
        ("agent.type", "robot", "agent.type"),
        ("channel", "fax", "channel"),
        ("interaction_id", ..., "interaction_id"),
        ("surprise", 1, "Extra inputs are not permitted"),
        ("turns", [], "at least 1 item"),
    ],
)
def test_invalid_records(path: str, value: object, message: str | None) -> None:
    record = _with(path, value)
    if message is None:
        Interaction.model_validate(record)
        return
    with pytest.raises(ValidationError, match=message.replace("(", r"\(")):
        Interaction.model_validate(record)


def test_timestamps_are_all_or_none_and_ordered() -> None:
    with pytest.raises(ValidationError, match="either every turn has start_ms or none"):
        Interaction.model_validate(_with("turns.1.start_ms", None) | {"turns": [GOOD["turns"][0], {"speaker": "customer", "text": "x"}]})
    with pytest.raises(ValidationError, match=r"turns\[1\].start_ms 100 is before the previous turn's 2600"):
        Interaction.model_validate(
            {**GOOD, "turns": [{"speaker": "agent", "text": "a", "start_ms": 2600}, {"speaker": "customer", "text": "b", "start_ms": 100}]}
        )
