"""Housekeeping: what publishing leaves behind, removed, so the warehouse stays small and fast.

1. Rows of runs not in force: what a crashed run wrote before its switch (never read: readers read
   a date at its run in force), and what a run superseded but a crash kept its clean-up from
   deleting. A run that never switched is removed once its newest rows were committed more than
   the grace period ago (two days by default: the rows' commit time, not the run id's, since run
   ids are free text); a superseded run at once (it can never be in force again). Each date is
   cleaned under its lock (`warehouse.lock`), and the runs in force are read again under it: the
   run in force is never touched, and a run publishing the date meanwhile waits.
2. Compaction: each date's small files (a day written in parts, superseded runs deleted) rewritten
   as few large ones (delta-rs `optimize.compact`), under the same lock. Every row stays, with every
   value; the order of a day's rows in its files may change (delta-rs packs files by size), so
   readers that need an order sort.
3. Vacuum: the files no version newer than the retention needs are deleted. `as_of` reads keep
   working for moments inside the retention; older moments are refused with a clear error
   (`warehouse.store`), since their files are gone.

Every step is a Delta commit (or, for the vacuum, a deletion of files no current version reads):
readers see the same rows before and after.
"""

from __future__ import annotations

from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
from deltalake import DeltaTable
from deltalake.exceptions import DeltaError

from foundation.errors import TouchstoneError
from warehouse.location import Warehouse
from warehouse.lock import LockTiming, date_lock
from warehouse.store import committed, delta_table, published_runs, sql_text
from warehouse.tables import TABLES

GRACE = timedelta(days=2)


@dataclass
class Cleaned:
    """What cleaning did (or, in a dry run, would do) to one table."""

    table: str
    removed_rows: int = 0
    removed_runs: dict[str, list[str]] = field(default_factory=dict)  # date -> run ids
    compacted_dates: int = 0
    files_before: int = 0
    files_after: int = 0
    vacuumed_files: int = 0


def _latest(warehouse: Warehouse, name: str) -> DeltaTable:
    table = delta_table(warehouse, name)
    assert table is not None  # it was there when the clean-up began, and nothing drops a table
    return table


def _files_per_date(table: DeltaTable) -> Counter[str]:
    actions = pa.table(table.get_add_actions(flatten=True))
    column = "partition.date" if "partition.date" in actions.column_names else "partition_values.date"
    return Counter(actions[column].to_pylist()) if column in actions.column_names else Counter()


Stored = dict[str, dict[str, tuple[int, datetime]]]  # date -> run id -> (rows, commit time of its newest file)


def _runs_stored(table: DeltaTable) -> Stored:
    """The runs whose rows each date of a daily table holds, from the run id column of every file."""
    actions = pa.table(table.get_add_actions(flatten=True)).select(["path", "modification_time"])
    written = dict(zip(actions["path"].to_pylist(), actions["modification_time"].cast(pa.int64()).to_pylist(), strict=True))
    found: Stored = {}
    for fragment in table.to_pyarrow_dataset().get_fragments():
        day = str(ds.get_partition_keys(fragment.partition_expression).get("date"))
        when = datetime.fromtimestamp(written.get(fragment.path.lstrip("/"), 0) / 1000, UTC)
        for item in pc.value_counts(fragment.to_table(columns=["run_id"])["run_id"]).to_pylist():
            rows, newest = found.setdefault(day, {}).get(str(item["values"]), (0, when))
            found[day][str(item["values"])] = (rows + item["counts"], max(newest, when))
    return found


def _published(warehouse: Warehouse, day: date | None = None) -> dict[str, list[str]]:
    """date -> its published runs, in the order of their switch (the last is in force)."""
    found: dict[str, list[str]] = {}
    for switched_day, run in published_runs(warehouse, day):
        found.setdefault(switched_day, []).append(run)
    return found


def removable(stored: dict[str, tuple[int, datetime]], published: list[str], before: datetime) -> list[str]:
    """The runs of a date whose rows may go: superseded ones, and those never switched whose
    newest rows were committed before `before`; never the run in force (the last published)."""
    in_force = published[-1] if published else None
    return sorted(run for run, (_, newest) in stored.items() if run != in_force and (run in published or newest < before))


def clean(
    warehouse: Warehouse | Path | str,
    retention_days: int,
    grace: timedelta = GRACE,
    dry_run: bool = False,
    timing: LockTiming | None = None,
    now: datetime | None = None,
) -> list[Cleaned]:
    """Remove rows of runs not in force, compact each date's files and vacuum files no version of
    the last `retention_days` reads (see the module's docstring), in every table; with `dry_run`,
    only say what would be done. One summary per table, in the order of `warehouse.tables.TABLES`.

    The work is planned from one reading of the tables; only the dates with something to do are
    locked, and each is planned again under its lock (a run may have switched in meanwhile)."""
    where = Warehouse.at(warehouse)
    before = (now or datetime.now(UTC)) - grace
    opened = {name: delta_table(where, name) for name in TABLES}
    tables = {name: t for name, t in opened.items() if t is not None}
    files = {name: _files_per_date(t) for name, t in tables.items()}
    summaries = {name: Cleaned(name, files_before=sum(files[name].values())) for name in tables}
    stored = {name: _runs_stored(t) for name, t in tables.items() if not TABLES[name].history}
    published = _published(where)

    def busy(day: str) -> bool:
        return any(files[n].get(day, 0) > 1 for n in tables) or any(removable(stored[n].get(day, {}), published.get(day, []), before) for n in stored)

    try:
        for day in sorted({d for counts in files.values() for d in counts if d is not None and busy(d)}):
            with nullcontext() if dry_run else date_lock(where, date.fromisoformat(day), "touchstone warehouse clean", timing=timing):
                runs = published.get(day, []) if dry_run else _published(where, date.fromisoformat(day)).get(day, [])
                _clean_date(where, list(tables), stored, summaries, day, runs, before, dry_run)
        for name in tables:
            latest = _latest(where, name)
            summaries[name].vacuumed_files = len(latest.vacuum(retention_hours=retention_days * 24, enforce_retention_duration=False, dry_run=dry_run))
            summaries[name].files_after = sum(_files_per_date(latest).values()) if not dry_run else summaries[name].files_before
    except (OSError, DeltaError) as exc:
        raise TouchstoneError(f"cannot clean the warehouse {where}: " + " ".join(str(exc).split()), "check the warehouse's permissions and run the clean-up again") from exc
    return [summaries[name] for name in TABLES if name in summaries]


def _clean_date(
    where: Warehouse, names: list[str], stored: dict[str, Stored], summaries: dict[str, Cleaned], day: str, published: list[str], before: datetime, dry_run: bool
) -> None:
    """One date (its lock held): its rows of runs not in force removed, then its files compacted."""
    for name in names:
        summary = summaries[name]
        runs = removable(stored[name].get(day, {}), published, before) if name in stored else []
        if runs:
            summary.removed_runs[day] = runs
            summary.removed_rows += sum(stored[name][day][run][0] for run in runs)
            if not dry_run:
                predicate = f"date = {sql_text(day)} AND run_id IN ({', '.join(map(sql_text, runs))})"
                committed(lambda: _latest(where, name).delete(predicate))
        if _files_per_date(_latest(where, name)).get(day, 0) > 1:
            summary.compacted_dates += 1
            if not dry_run:
                committed(lambda: _latest(where, name).optimize.compact(partition_filters=[("date", "=", day)]))
