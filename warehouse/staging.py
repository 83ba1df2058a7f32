"""A run's tables before they are published: one Parquet file per table in the run's staging folder.

Staging is private to the run (a local folder); nothing reads it but the run's own later steps and
`warehouse.store.publish`, which makes it the published day.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.tables import Table


def to_arrow(rows: Sequence[dict[str, Any]], table: Table) -> pa.Table:
    """Rows as an Arrow table of the declared schema (a missing or mistyped column is an error)."""
    return pa.Table.from_pylist(list(rows), schema=table.schema)


def staged_path(table: Table, staging: Path) -> Path:
    """Where a run stages a table before it is published."""
    return staging / f"{table.name}.parquet"


def write_staged(rows: Sequence[dict[str, Any]] | pa.Table, table: Table, staging: Path) -> Path:
    """Write a table (rows, or an Arrow table of its schema) for one run into the staging folder."""
    staging.mkdir(parents=True, exist_ok=True)
    path = staged_path(table, staging)
    pq.write_table(rows if isinstance(rows, pa.Table) else to_arrow(rows, table), path)
    return path


def write_rows(rows: pa.Table, path: Path) -> Path:
    """Write Arrow rows as one staged Parquet file (a shard, or a table staged whole)."""
    pq.write_table(rows, path)
    return path


def read_staged(table: Table, staging: Path, columns: Sequence[str] | None = None, compact: bool = False) -> pa.Table:
    """A staged table; `compact` keeps strings dictionary-encoded (categoricals in pandas)."""
    if compact:
        fields = [table.schema.field(n) for n in (columns if columns is not None else table.schema.names)]
        return pq.read_table(staged_path(table, staging), columns=[f.name for f in fields], read_dictionary=strings(fields))
    return pq.read_table(staged_path(table, staging), schema=table.schema, columns=list(columns) if columns is not None else None)


def staged_rows(table: Table, staging: Path) -> int:
    """Rows of a staged table, from its footer (no data read)."""
    return pq.ParquetFile(staged_path(table, staging)).metadata.num_rows


def strings(fields: Sequence[pa.Field]) -> list[str]:
    """The string columns among `fields`: read dictionary-encoded in compact reads."""
    return [f.name for f in fields if f.type == pa.string()]
