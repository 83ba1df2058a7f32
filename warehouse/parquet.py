"""Partitioned Parquet I/O: stage a run's tables, then publish the whole day at once.

Readers see `<warehouse>/<table>/date=YYYY-MM-DD/part-0.parquet`, hive-partitioned. Behind it, each
published day is a complete version, `<warehouse>/.days/<date>/<run_id>/<table>/part-0.parquet`, and
one symbolic link, `.days/<date>/current`, names the version in force; every table's `date=`
partition is a link through `current`. Publishing copies the staged tables into a new version and
then replaces `current` with one atomic rename, so all tables of a day change together: a crash at
any point before the rename leaves the previous day whole, and after it the new day is whole.
Older versions are removed after the switch. A per-date lock keeps two runs of one date apart;
re-running a date replaces its rows, never adds to them. The `runs` history keeps one file per run.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from touchstone.errors import TouchstoneError
from warehouse.tables import TABLES, Table

PART = "part-0.parquet"
_PARTITIONING = ds.partitioning(pa.schema([("date", pa.string())]), flavor="hive")
# Integer columns may hold nulls (turn_index, start_ms): keep them integers, not floats.
_PANDAS_TYPES = {pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype()}


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


def read_staged(table: Table, staging: Path, columns: Sequence[str] | None = None, compact: bool = False) -> pa.Table:
    """A staged table; `compact` keeps strings dictionary-encoded (categoricals in pandas)."""
    if compact:
        fields = [table.schema.field(n) for n in (columns if columns is not None else table.schema.names)]
        return pq.read_table(staged_path(table, staging), columns=[f.name for f in fields], read_dictionary=_strings(fields))
    return pq.read_table(staged_path(table, staging), schema=table.schema, columns=list(columns) if columns is not None else None)


def staged_rows(table: Table, staging: Path) -> int:
    """Rows of a staged table, from its footer (no data read)."""
    return pq.ParquetFile(staged_path(table, staging)).metadata.num_rows


def partition(warehouse: Path, table: Table, day: date) -> Path:
    return warehouse / table.name / f"date={day.isoformat()}"


@contextmanager
def date_lock(warehouse: Path, day: date) -> Iterator[None]:
    """An exclusive lock on one date of the warehouse, held while it is published."""
    locks = warehouse / ".locks"
    locks.mkdir(parents=True, exist_ok=True)
    with (locks / f"{day.isoformat()}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


DAYS = ".days"


def _flip(days: Path, run_id: str) -> None:
    """Point `days/current` at the version `run_id`, atomically (a rename over the old link)."""
    incoming = days / f".current-{run_id}"
    incoming.unlink(missing_ok=True)
    os.symlink(run_id, incoming)
    os.replace(incoming, days / "current")


def _link_partition(warehouse: Path, table: Table, day: date) -> None:
    """Make the table's `date=` partition a link through the day's `current` version (once)."""
    link = partition(warehouse, table, day)
    if link.is_symlink():
        return
    if link.exists():
        raise RuntimeError(f"{link} is a folder, not a link to a published version; move it away and publish again")
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(Path("..") / DAYS / day.isoformat() / "current" / table.name, link)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    with target.open("rb") as handle:
        os.fsync(handle.fileno())


class PublishError(TouchstoneError):
    """The warehouse could not be written (full disk, no permission, read-only file system)."""


FIX = "free space or fix the warehouse's permissions, then run the date again"


def publish(staging: Path, warehouse: Path, day: date, run_id: str, tables: Sequence[Table]) -> None:
    """Make this run's staged tables the published `day`, all tables at once.

    Everything that writes data (the version's copies, the history rows under temporary names)
    happens before the switch, so a full disk or an unwritable warehouse fails with the previous day
    untouched; after the switch only renames and links remain, which need no space for data.
    """
    daily = [t for t in tables if not t.history]
    history = [t for t in tables if t.history]
    days = warehouse / DAYS / day.isoformat()
    pending: list[tuple[Path, Path]] = []
    try:
        with date_lock(warehouse, day):
            # A retry of this run after a crash past the switch finds its version complete and in force.
            in_force = (days / "current").is_symlink() and os.readlink(days / "current") == run_id
            try:
                if not in_force:
                    shutil.rmtree(days / run_id, ignore_errors=True)  # a version a crash left half-copied
                    for table in daily:
                        _copy(staged_path(table, staging), days / run_id / table.name / PART)
                for table in history:
                    live = partition(warehouse, table, day) / f"{run_id}.parquet"
                    pending.append((live.with_name(f".{run_id}.parquet.tmp"), live))
                    _copy(staged_path(table, staging), pending[-1][0])
            except OSError as exc:
                for tmp, _ in pending:
                    tmp.unlink(missing_ok=True)
                if not in_force:
                    shutil.rmtree(days / run_id, ignore_errors=True)
                raise unwritable(warehouse, day, exc) from exc
            if daily:
                _flip(days, run_id)
            for tmp, live in pending:
                os.replace(tmp, live)
            for table in daily:
                _link_partition(warehouse, table, day)
            for old in days.iterdir() if daily else ():  # earlier versions, and what crashed runs left behind
                if old.name not in (run_id, "current"):
                    shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
            for table in history:  # history rows of runs that died before their switch (under the lock: no one else's)
                for stale in partition(warehouse, table, day).glob(".*.parquet.tmp"):
                    stale.unlink()
    except OSError as exc:  # before any copy (the lock) or after the switch (links, clean-up)
        published = daily and os.path.realpath(days / "current") == os.path.realpath(days / run_id)
        state = "the new data is published, the clean-up was not finished" if published else f"nothing was published for {day.isoformat()}, its previous data is intact"
        raise PublishError(f"{_cannot_write(warehouse, exc)}; {state}", FIX) from exc


def _cannot_write(warehouse: Path, exc: OSError) -> str:
    return f"cannot write the warehouse {warehouse}: {exc.strerror or exc}" + (f" ({exc.filename})" if exc.filename else "")


def unwritable(warehouse: Path, day: date, exc: OSError) -> PublishError:
    """The error for a write that failed before anything of `day` was published."""
    return PublishError(f"{_cannot_write(warehouse, exc)}; nothing was published for {day.isoformat()}, its previous data is intact", FIX)


def read_table(
    warehouse: Path, name: str, day: date | None = None, since: date | None = None, compact: bool = False, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """A published table as a DataFrame with its `date` column: one date, all of them, or from
    `since` up to `day` (both included). Columns added to a table later read as nulls in older days.

    `compact` reads strings as categoricals: a day's 1.5 million criterion results repeat a few
    thousand distinct values, and take a tenth of the memory that way. `columns` reads only those
    (and `date`)."""
    table = TABLES[name]
    root = warehouse / name
    fields = [pa.field("date", pa.string()), *table.schema]
    if columns is not None:
        fields = [f for f in fields if f.name == "date" or f.name in columns]
    if not root.is_dir():
        return pa.schema(fields).empty_table().to_pandas()
    if compact:
        frame = _read_compact(root, fields, day, since).to_pandas(types_mapper=_PANDAS_TYPES.get)
        frame["date"] = frame["date"].astype(str)  # compared as text: 2026-11-01 <= date <= 2026-11-30
        return frame.sort_values("date", kind="stable", ignore_index=True)
    dataset = ds.dataset(root, format="parquet", partitioning=_PARTITIONING, schema=pa.schema(fields))
    if since is not None:
        last = (day or date.max).isoformat()
        where = (ds.field("date") >= since.isoformat()) & (ds.field("date") <= last)
    else:
        where = ds.field("date") == day.isoformat() if day is not None else None
    filtered = dataset.to_table(filter=where)
    order = ["date", "published_at"] if table.history else ["date"]
    return filtered.to_pandas(types_mapper=_PANDAS_TYPES.get).sort_values(order, kind="stable", ignore_index=True)


def _read_compact(root: Path, fields: list[pa.Field], day: date | None, since: date | None) -> pa.Table:
    """The partitions' files one by one, strings dictionary-encoded as stored: the dataset scanner
    reads ahead and expands them, which took twice the memory for a day of 100,000 calls."""
    first, last = (since or day or date.min).isoformat(), (day or date.max).isoformat()
    stored = [f for f in fields if f.name != "date"]
    strings = _strings(stored)
    parts = []
    for folder in sorted(root.glob("date=*")):
        when = folder.name.removeprefix("date=")
        if first <= when <= last:
            for path in sorted(folder.glob("*.parquet")):
                present = set(pq.read_schema(path).names)  # the footer only
                part = pq.read_table(path, columns=[f.name for f in stored if f.name in present], read_dictionary=[n for n in strings if n in present])
                for f in stored:  # columns the table gained after this day was written
                    if f.name not in present:
                        kind = pa.dictionary(pa.int32(), f.type) if f.name in strings else f.type
                        part = part.append_column(pa.field(f.name, kind), pa.nulls(part.num_rows, kind))
                parts.append(part.append_column(pa.field("date", pa.string()), pa.array([when] * part.num_rows, pa.string())))
    if not parts:
        return pa.schema(fields).empty_table()
    return pa.concat_tables(parts, promote_options="default").select([f.name for f in fields])


def _strings(fields: Sequence[pa.Field]) -> list[str]:
    """The string columns among `fields`: read dictionary-encoded in compact reads."""
    return [f.name for f in fields if f.type == pa.string()]
