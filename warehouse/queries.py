"""Ask the warehouse your own questions: DuckDB views over the Delta tables.

Each table is a view of the same name, with its `date` column, over the table's Arrow dataset
(delta-rs lists the files; DuckDB scans them, pushing filters down, and needs no extension). Daily
tables show the run in force on each date only, as `warehouse.store.read_table` does; `runs` shows
every run. Nothing is copied; the Parquet files of the Delta tables stay the single source of truth.
A date a routed run scored with several standards has rows of each, told apart by `standard_id`;
the ready queries group by it, and `connect(..., standard_id=...)` narrows every view to one.

    touchstone query "select agent_id, avg(quality_score) from interaction_scores group by 1"
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.dataset as ds

from warehouse.location import Warehouse
from warehouse.staging import strings
from warehouse.store import snapshot
from warehouse.tables import TABLES

if TYPE_CHECKING:
    import duckdb


class _ScannedInOrder(ds.FileSystemDataset):
    """A table's dataset as DuckDB scans it: without Arrow's thread pool. A query that stops a scan
    early (`limit`) left Arrow's threads blocked on batches read ahead that nobody took, and at exit
    Arrow's pool waited for them: `touchstone query "... limit 2"` on a 100,000-call day hung or
    crashed at exit in three runs of eight (none in sixteen scanned so; the report as fast)."""

    def scanner(self, *args: Any, **kwargs: Any) -> ds.Scanner:
        return ds.Scanner.from_dataset(self, *args, **{**kwargs, "use_threads": False})

    @classmethod
    def of(cls, rows: ds.FileSystemDataset) -> _ScannedInOrder:
        return cls(list(rows.get_fragments()), rows.schema, rows.format, rows.filesystem)


_TEXT = sorted({name for table in TABLES.values() for name in strings(list(table.schema))})  # read as dictionaries by whole scans
_SQL_TYPES = {pa.string(): "varchar", pa.int32(): "integer", pa.int64(): "bigint", pa.float64(): "double", pa.bool_(): "boolean"}

def connect(warehouse: Warehouse | Path | str, as_of: datetime | None = None, standard_id: str | None = None, whole_scans: bool = False) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per published table (as it was at `as_of`, when given;
    with `standard_id`, the daily tables show only the rows that standard scored).

    With `whole_scans` (for queries that read every row they scan, as the report's), text columns
    are read as dictionaries: scanning a 100,000-call day's 1.5 million criterion results decoded
    every reason and piece of evidence as a string of its own (~190 MB more held)."""
    import duckdb

    connection = duckdb.connect()
    forced, datasets = snapshot(warehouse, list(TABLES), as_of, _TEXT if whole_scans else ())
    connection.register("_runs_in_force", pa.table({"date": list(forced), "run_id": list(forced.values())}))
    for name, table in TABLES.items():
        rows = datasets[name]
        if rows is None:
            continue
        connection.register(f"_{name}_all_runs", _ScannedInOrder.of(rows))
        # The run in force of each date: an inner join (one run per date), not a semi join, which
        # made DuckDB hold 0.8 GB for the report's join of a 100,000-call day's 1.5 million results.
        chosen = "" if table.history else " join _runs_in_force using (date, run_id)"
        # Columns declared since the table was written (or as of then) read as nulls.
        added = "".join(f", cast(null as {_SQL_TYPES.get(f.type, 'varchar')}) as {f.name}" for f in table.schema if f.name not in rows.schema.names)
        only = f" where standard_id = {_quoted(standard_id)}" if standard_id is not None and not table.history and "standard_id" in table.schema.names else ""
        connection.execute(f"create view {name} as select kept.*{added} from _{name}_all_runs kept{chosen}{only}")
    return connection


def _quoted(text: str) -> str:
    """A SQL string literal (views cannot take parameters)."""
    return "'" + text.replace("'", "''") + "'"
