"""Interactions staged as Arrow rows read back as the very same interactions: the offset of a
start time, free-form metadata, chats without timestamps, and what a schema-less reader would lose."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pydantic import ValidationError

from ingest.interaction import Interaction
from ingest.interaction_rows import INTERACTIONS, from_rows, interactions_to_rows, to_rows

CALL = {
    "interaction_id": "c-1",
    "channel": "voice",
    "language": "de",
    "started_at": "2026-11-22T09:15:00+01:00",
    "agent": {"id": "a-1", "type": "human", "team": "billing"},
    "customer": {"id": "k-9"},
    "turns": [{"speaker": "agent", "text": "Guten Tag", "start_ms": 0, "end_ms": 900}, {"speaker": "customer", "text": "Hallo", "start_ms": 1000}],
    "metadata": {"queue": "cancellations", "scores": [1, 2.5, None], "nested": {"ä": True}},
}
CHAT = {"interaction_id": "x-1", "channel": "chat", "language": "en", "agent": {"id": "b-1", "type": "bot"}, "turns": [{"speaker": "customer", "text": "hi"}]}


def test_interactions_read_back_from_parquet_are_the_same_models(tmp_path) -> None:
    interactions = [Interaction.model_validate(CALL), Interaction.model_validate(CHAT)]
    pq.write_table(interactions_to_rows(interactions), tmp_path / "shard.parquet")
    back = list(from_rows(pq.read_table(tmp_path / "shard.parquet")))
    assert back == interactions
    assert [i.model_dump_json() for i in back] == [i.model_dump_json() for i in interactions]  # the quarantine's excerpts too
    assert back[0].started_at.isoformat() == "2026-11-22T09:15:00+01:00" and back[1].started_at is None


def test_rows_from_json_text_equal_rows_from_models() -> None:
    """Ingest's workers stage the JSON text they wrote; one process stages the models: one table."""
    interactions = [Interaction.model_validate(CALL), Interaction.model_validate(CHAT)]
    assert to_rows(json.loads(i.model_dump_json()) for i in interactions).equals(interactions_to_rows(interactions))


def test_the_schema_is_fixed_and_what_is_read_back_is_validated_again() -> None:
    rows = interactions_to_rows([Interaction.model_validate(CHAT)])
    assert rows.schema == INTERACTIONS and rows.schema.field("turns").type == pa.list_(INTERACTIONS.field("turns").type.value_type)
    broken = rows.set_column(INTERACTIONS.get_field_index("language"), "language", pa.array(["xx"]))
    with pytest.raises(ValidationError, match="language"):
        list(from_rows(broken))
