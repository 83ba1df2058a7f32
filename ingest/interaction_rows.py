"""Interactions as Arrow rows: how ingest stages them (Parquet shards) for score to read back.

One row per interaction, its turns nested (a list of structs), so a shard is one columnar file
that any machine reads from the object store, rather than JSON text parsed again. Two fields keep
the text the model writes, so what is read back validates into the very same interaction:
`started_at` (ISO 8601 with its offset: an Arrow timestamp would keep the instant and lose the
offset) and `metadata` (free-form JSON, as JSON text: its shape differs between interactions).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa

from ingest.interaction import Interaction

TURN = pa.struct([("speaker", pa.string()), ("text", pa.string()), ("start_ms", pa.int64()), ("end_ms", pa.int64())])
INTERACTIONS = pa.schema(
    [
        pa.field("interaction_id", pa.string(), nullable=False),
        ("channel", pa.string()),
        ("language", pa.string()),
        ("started_at", pa.string()),
        ("agent", pa.struct([("id", pa.string()), ("type", pa.string()), ("team", pa.string()), ("name", pa.string())])),
        ("customer", pa.struct([("id", pa.string()), ("name", pa.string())])),
        ("turns", pa.list_(TURN)),
        ("metadata", pa.string()),
    ]
)


def to_rows(dumped: Iterable[dict[str, Any]]) -> pa.Table:
    """Interactions dumped as JSON values (`model_dump(mode="json")`, or their JSON text parsed) as
    one Arrow table. The dumps are the caller's, made for this: their metadata is replaced in place."""
    rows = list(dumped)
    for item in rows:
        item["metadata"] = json.dumps(item["metadata"], ensure_ascii=False)
    return pa.Table.from_pylist(rows, schema=INTERACTIONS)


def interactions_to_rows(interactions: Iterable[Interaction]) -> pa.Table:
    return to_rows(item.model_dump(mode="json") for item in interactions)


def from_rows(rows: pa.Table | pa.RecordBatch) -> Iterator[Interaction]:
    """The interactions of staged rows, validated again (a shard is read by another machine than
    wrote it: what a scorer gets is checked, as at the edge)."""
    for row in rows.to_pylist():
        row["metadata"] = json.loads(row["metadata"])
        yield Interaction.model_validate(row)
