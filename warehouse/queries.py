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

# Questions QA managers ask every morning; also in the README.
READY_QUERIES = {
    "worst_criteria": """
        select standard_id, criterion_id, count(*) filter (where outcome = 'fail') as failed,
               count(*) filter (where outcome <> 'not_applicable') as applicable,
               round(100.0 * failed / nullif(applicable, 0), 1) as failure_rate
        from criterion_results group by standard_id, criterion_id order by failure_rate desc nulls last, standard_id, criterion_id""",
    "bots_against_humans": """
        select standard_id, agent_type, count(*) as interactions, round(avg(quality_score), 1) as mean_quality,
               round(100.0 * avg(compliance_passed::int), 1) as compliance_rate
        from interaction_scores group by standard_id, agent_type order by standard_id, agent_type""",
    "asked_for_a_person": """
        select r.outcome, i.agent_type, count(*) as interactions
        from criterion_results r join interaction_scores i using (date, interaction_id, standard_id)
        where r.criterion_id = 'offer_human_when_asked' and r.outcome <> 'not_applicable'
        group by 1, 2 order by 2, 1""",
    "most_overridden_criteria": """
        select standard_id, criterion_id, count(*) filter (where override_id is not null) as overridden,
               count(*) filter (where override_id is not null and outcome = 'pass') as to_pass,
               count(*) filter (where override_id is not null and outcome = 'fail') as to_fail
        from criterion_results group by standard_id, criterion_id having overridden > 0 order by overridden desc, standard_id, criterion_id""",
    "standards_per_day": """
        select date, standard_id, standard_version, count(*) as interactions,
               round(avg(quality_score), 1) as mean_quality, round(100.0 * avg(compliance_passed::int), 1) as compliance_rate
        from interaction_scores group by all order by date, standard_id""",
    "critical_failures_with_evidence": """
        select date, agent_id, interaction_id, criterion_id, turn_index, evidence
        from criterion_results where critical and outcome = 'fail' order by date, agent_id""",
}


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
