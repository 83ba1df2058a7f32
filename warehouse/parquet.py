"""Partitioned Parquet I/O: stage a run's tables, publish them by swapping whole date partitions.

Layout: `<warehouse>/<table>/date=YYYY-MM-DD/part-0.parquet`; the `runs` history keeps one file per
run in its date partition. A run writes its tables to a staging folder first; `publish` moves each
into a hidden folder beside the live partition and swaps it in with renames, under a per-date lock,
so re-running a date replaces its rows instead of adding to them and two runs cannot interleave.
Readers (pyarrow, DuckDB) skip hidden folders, so they never see a half-written day.
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

from warehouse.tables import TABLES, Table

PART = "part-0.parquet"
_PARTITIONING = ds.partitioning(pa.schema([("date", pa.string())]), flavor="hive")
# Integer columns may hold nulls (turn_index, start_ms): keep them integers, not floats.
_PANDAS_TYPES = {pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype()}


def to_arrow(rows: Sequence[dict[str, Any]], table: Table) -> pa.Table:
    """Rows as an Arrow table of the declared schema (a missing or mistyped column is an error)."""
    return pa.Table.from_pylist(list(rows), schema=table.schema)


def write_staged(rows: Sequence[dict[str, Any]], table: Table, staging: Path) -> Path:
    """Write a table's rows for one run into the run's staging folder."""
    staging.mkdir(parents=True, exist_ok=True)
    path = staging / f"{table.name}.parquet"
    pq.write_table(to_arrow(rows, table), path)
    return path


def read_staged(table: Table, staging: Path) -> pa.Table:
    return pq.read_table(staging / f"{table.name}.parquet", schema=table.schema)


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


def _recover(live: Path) -> None:
    """Undo a swap that a crash interrupted: bring back the old partition if the new one is missing."""
    leftovers = sorted(live.parent.glob(f".{live.name}.*"))
    if not live.exists():
        old = [p for p in leftovers if ".old-" in p.name]
        if old:
            old[-1].rename(live)
    for path in leftovers:
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)


def _swap_in(staged: Path, live: Path, run_id: str) -> None:
    incoming = live.parent / f".{live.name}.incoming-{run_id}"
    old = live.parent / f".{live.name}.old-{run_id}"
    incoming.mkdir(parents=True)
    shutil.copyfile(staged, incoming / PART)
    if live.exists():
        live.rename(old)
    incoming.rename(live)
    shutil.rmtree(old, ignore_errors=True)


def publish(staging: Path, warehouse: Path, day: date, run_id: str, tables: Sequence[Table]) -> None:
    """Replace `day`'s partition of every table with the staged files of this run."""
    with date_lock(warehouse, day):
        for table in tables:
            staged = staging / f"{table.name}.parquet"
            live = partition(warehouse, table, day)
            live.parent.mkdir(parents=True, exist_ok=True)
            if table.history:
                live.mkdir(exist_ok=True)
                tmp = live / f".{run_id}.parquet.tmp"
                shutil.copyfile(staged, tmp)
                os.replace(tmp, live / f"{run_id}.parquet")
            else:
                _recover(live)
                _swap_in(staged, live, run_id)


def read_table(warehouse: Path, name: str, day: date | None = None) -> pd.DataFrame:
    """A published table as a DataFrame with its `date` column; one date, or all of them."""
    table = TABLES[name]
    root = warehouse / name
    columns = [pa.field("date", pa.string()), *table.schema]
    if not root.is_dir():
        return pa.schema(columns).empty_table().to_pandas()
    dataset = ds.dataset(root, format="parquet", partitioning=_PARTITIONING, schema=pa.schema(columns))
    filtered = dataset.to_table(filter=ds.field("date") == day.isoformat() if day is not None else None)
    order = ["date", "published_at"] if table.history else ["date"]
    return filtered.to_pandas(types_mapper=_PANDAS_TYPES.get).sort_values(order, kind="stable", ignore_index=True)
