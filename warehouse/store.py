"""The published warehouse: one Delta Lake table per table, partitioned by `date`, on a local
folder or an object store (the same code for both; `warehouse.location`).

Publishing a date makes one run's staged tables the day's, in three kinds of Delta commits:

1. write: every daily table gets the run's rows (a predicate overwrite of `date = D and run_id = R`,
   so a retry of the run replaces its own rows and never touches another run's);
2. switch: the run's row is written to `runs`. The run in force for a date is its latest published
   row there, and readers (`read_table`, `touchstone query`, the report) read every daily table at
   the run in force only: all tables of a day change together, at this one commit;
3. clean: the day's rows of the runs the switch superseded are deleted (and, on a folder, what
   crashed runs left).

A crash before the switch leaves the previous day in force and whole (the new rows are never read);
a crash after it leaves the new day whole, and a retry finishes the clean-up. The three happen under
the date's lock (`warehouse.lock`: fcntl on a folder, a lease object on S3), which recording an
override of the date takes too: two runs of one date publish one after the other, and the check of
the overrides just before the switch sees every override recorded before it. The switch is made
only while the lock is verifiably held (renewed right before it). On an object store, where a lease
could in theory lapse, a clean-up deletes only runs whose switch came before its own (whatever the
order of two switches, the day in force stays whole); what crashed runs left there is removed by
`touchstone warehouse clean` (`warehouse.housekeeping`). Every commit is a new table version:
`as_of` reads what a table said at a moment (time travel for auditors), for the days the vacuum
keeps (`TOUCHSTONE_RETENTION_DAYS`).
"""

from __future__ import annotations

import re
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
from deltalake import DeltaTable, write_deltalake
from deltalake.exceptions import CommitFailedError, DeltaError, TableNotFoundError

from foundation.errors import TouchstoneError
from warehouse.location import Warehouse
from warehouse.lock import LockTiming, date_lock
from warehouse.staging import Staging, read_staged, staged_name, strings
from warehouse.tables import RUNS, TABLES, Table

# Integer columns may hold nulls (turn_index, start_ms): keep them integers, not floats.
PANDAS_TYPES = {pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype()}
DATE = pa.field("date", pa.string(), nullable=False)
COMMIT_ATTEMPTS = 30
BATCH_ROWS = 250_000  # rows written per commit: 0.7 GB at the peak for a day of 1.5 million results


class PublishError(TouchstoneError):
    """The warehouse could not be written (full disk, no permission, read-only file system)."""


FIX = "free space or fix the warehouse's permissions, then run the date again"


def unwritable(warehouse: Warehouse | Path | str, day: date, exc: BaseException) -> PublishError:
    """The error for a write that failed before `day`'s switch: nothing of it was published."""
    return PublishError(f"{_cannot_write(warehouse, exc)}; nothing was published for {day.isoformat()}, its previous data is intact", FIX)


def _cannot_write(warehouse: Warehouse | Path | str, exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"cannot write the warehouse {warehouse}: {exc.strerror or exc}" + (f" ({exc.filename})" if exc.filename else "")
    # delta-rs explains an error over several indented, coloured lines: one line of text here.
    return f"cannot write the warehouse {warehouse}: " + " ".join(re.sub(r"\x1b\[[0-9;]*m|↳", " ", str(exc)).split())


def committed(action: Callable[[], Any]) -> Any:
    """Run a Delta commit, again while a concurrent writer's commit conflicts with it."""
    for attempt in range(COMMIT_ATTEMPTS):
        try:
            return action()
        except CommitFailedError:
            if attempt == COMMIT_ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))
    raise AssertionError("unreachable")


def sql_text(value: str) -> str:
    """A string literal for a Delta predicate."""
    return "'" + value.replace("'", "''") + "'"


def _with_date(rows: pa.Table, day: date) -> pa.Table:
    return rows.add_column(0, DATE, pa.array([day.isoformat()] * rows.num_rows, pa.string()))


def _staged_parts(staging: Staging, table: Table) -> Iterator[pa.Table]:
    """The staged table in parts of BATCH_ROWS rows, in order (at least one part, maybe empty)."""
    parts = (pa.Table.from_batches([batch]).cast(table.schema) for batch in staging.batches(staged_name(table), BATCH_ROWS))
    yield next(parts, table.schema.empty_table())
    yield from parts


def _write_rows(warehouse: Warehouse, table: Table, parts: Iterable[pa.Table], day: date, run_id: str) -> None:
    """Replace this run's rows of the day in one table (creating the table the first time): the
    first part replaces them, the others are appended. A part is one chunk, which delta-rs writes
    in order (the chunks of a table it writes in parallel, out of order); a day is written in parts
    since delta-rs holds what it writes three times over (1.9 GB for 1.5 million results at once)."""
    uri = warehouse.table_uri(table.name)
    DeltaTable.create(uri, pa.schema([DATE, *table.schema]), partition_by=["date"], mode="ignore", storage_options=warehouse.options())
    predicate = f"date = {sql_text(day.isoformat())} AND run_id = {sql_text(run_id)}"
    for number, part in enumerate(parts):
        data = _with_date(part, day).combine_chunks()
        mode: Any = "overwrite" if number == 0 else "append"
        committed(lambda: write_deltalake(uri, data, mode=mode, predicate=predicate if number == 0 else None, schema_mode="merge", storage_options=warehouse.options()))


def _switch(warehouse: Warehouse, staging: Staging, day: date, run_id: str) -> None:
    """Record the run in `runs`, stamped with this moment: from this commit on it is the day in force."""
    row = read_staged(RUNS, staging)
    stamp = pa.array([datetime.now(UTC)] * row.num_rows, RUNS.schema.field("published_at").type)
    row = row.set_column(RUNS.schema.get_field_index("published_at"), RUNS.schema.field("published_at"), stamp)
    _write_rows(warehouse, RUNS, [row], day, run_id)


def _superseded(warehouse: Warehouse, day: date, exclusive: bool) -> str | None:
    """The predicate of the day's rows to delete: of superseded runs (with a lock that cannot lapse
    held, a folder's: of every run but the one in force); None when there are none.

    The run in force and the superseded ones come from one reading of `runs`: a run superseded
    there can never be in force again, so a concurrent switch can only add runs to keep."""
    published = [run_id for _, run_id in published_runs(warehouse, day)]
    if not published or (len(published) == 1 and not exclusive):
        return None
    others = f"run_id <> {sql_text(published[-1])}" if exclusive else f"run_id IN ({', '.join(map(sql_text, published[:-1]))})"
    return f"date = {sql_text(day.isoformat())} AND {others}"


def _clean(warehouse: Warehouse, table: Table, predicate: str) -> None:
    """Delete the rows of `predicate` from one table."""
    uri = warehouse.table_uri(table.name)
    committed(lambda: DeltaTable(uri, storage_options=warehouse.options()).delete(predicate))


def published_runs(warehouse: Warehouse, day: date | None = None, as_of: datetime | None = None) -> list[tuple[str, str]]:
    """(date, run id) of the published runs (of `day`, or of every date), in the order of their switch."""
    runs = dataset(warehouse, RUNS.name, as_of)
    if runs is None:
        return []
    published = ds.field("status") == "published"
    rows = runs.to_table(columns=["date", "run_id", "published_at"], filter=published & (ds.field("date") == day.isoformat()) if day else published)
    rows = rows.sort_by([("published_at", "ascending"), ("run_id", "ascending")])
    return list(zip(rows["date"].to_pylist(), rows["run_id"].to_pylist(), strict=True))


def publish(
    staging: Staging | Path,
    warehouse: Warehouse | Path | str,
    day: date,
    run_id: str,
    tables: Sequence[Table],
    before_switch: Callable[[], None] | None = None,
    timing: LockTiming | None = None,
) -> None:
    """Make this run's staged tables the published `day`, all tables at once (see the module's
    docstring), under the date's lock (waiting for it as `timing` says). Everything that writes
    data happens before the switch, so a full disk or an unwritable warehouse fails with the
    previous day in force and whole. `before_switch` runs just before the switch, with the lock
    held; raising there publishes nothing, and a later publish of the run replaces the rows it
    wrote. A run that finds it lost the lock raises `warehouse.lock.LockLost` and switches nothing.
    `staging` is the run's staging place (a folder, or a prefix of an object store)."""
    where, staged = Warehouse.at(warehouse), Staging.at(staging)
    daily = [t for t in tables if not t.history]
    switched = False
    try:
        with date_lock(where, day, f"publish of run {run_id}", run_id, timing) as held:
            for table in daily:
                _write_rows(where, table, _staged_parts(staged, table), day, run_id)
            if before_switch is not None:
                before_switch()
            if RUNS in tables:
                held.verify()  # renewed now: a whole expiry ahead for the one small commit
                _switch(where, staged, day, run_id)
                switched = True
            predicate = _superseded(where, day, exclusive=held.certain)
            for table in daily if predicate else ():
                _clean(where, table, predicate)
    except (OSError, DeltaError) as exc:
        if not switched:
            raise unwritable(where, day, exc) from exc
        raise PublishError(f"{_cannot_write(where, exc)}; the new data is published, the clean-up was not finished", FIX) from exc


def append(warehouse: Warehouse | Path | str, table: Table, rows: pa.Table) -> None:
    """Add rows (with their `date` column) to a history table in one commit: all of them or none."""
    where = Warehouse.at(warehouse)
    uri = where.table_uri(table.name)
    data = rows.select([DATE.name, *table.schema.names]).cast(pa.schema([DATE, *table.schema])).combine_chunks()
    try:
        DeltaTable.create(uri, data.schema, partition_by=["date"], mode="ignore", storage_options=where.options())
        committed(lambda: write_deltalake(uri, data, mode="append", schema_mode="merge", storage_options=where.options()))
    except (OSError, DeltaError) as exc:
        raise PublishError(f"{_cannot_write(where, exc)}; nothing was added to {table.name}", FIX) from exc


def delta_table(warehouse: Warehouse, name: str, as_of: datetime | None = None) -> DeltaTable | None:
    """The table, at its latest version or as it was at `as_of`; None where it did not exist."""
    try:
        table = DeltaTable(warehouse.table_uri(name), storage_options=warehouse.options())
    except TableNotFoundError:
        return None
    if as_of is not None:
        _within_time_travel(warehouse, name, table, as_of)
        try:
            table.load_as_version(as_of)
        except (DeltaError, ValueError):  # the table was created after `as_of`
            return None
    return table


def _within_time_travel(warehouse: Warehouse, name: str, table: DeltaTable, as_of: datetime) -> None:
    """Refuse a moment whose files a vacuum deleted (`warehouse.housekeeping`): each vacuum keeps
    what the versions of its last `retention` read, and says how long in its commit."""
    for commit in table.history():
        if commit.get("operation") != "VACUUM START":
            continue
        parameters = commit.get("operationParameters", {})
        kept = timedelta(milliseconds=int(parameters.get("specifiedRetentionMillis") or parameters.get("defaultRetentionMillis") or 0))
        horizon = datetime.fromtimestamp(commit["timestamp"] / 1000, UTC) - kept
        if (as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)) < horizon:
            span = f"{kept.days} days" if kept % timedelta(days=1) == timedelta(0) else f"{kept.total_seconds():g} seconds"
            raise TouchstoneError(
                f"time travel keeps {span}; {as_of.isoformat()} is older (the {name} table of {warehouse} was vacuumed at {horizon + kept:%Y-%m-%d %H:%M:%S} UTC)",
                f"read a moment from {horizon.isoformat(timespec='seconds')} on; TOUCHSTONE_RETENTION_DAYS sets how long `touchstone warehouse clean` keeps",
            )


def dataset(warehouse: Warehouse | Path | str, name: str, as_of: datetime | None = None, dictionary: Sequence[str] = ()) -> ds.Dataset | None:
    """All the table's rows (of every run) as an Arrow dataset, for readers that filter themselves;
    its files in the order they were written, so a day reads back in the order it was written."""
    table = delta_table(Warehouse.at(warehouse), name, as_of)
    if table is None:
        return None
    rows = table.to_pyarrow_dataset(parquet_read_options=ds.ParquetReadOptions(dictionary_columns=set(dictionary)) if dictionary else None)
    added = pa.table(table.get_add_actions(flatten=True)).select(["path", "modification_time"])
    written = dict(zip(added["path"].to_pylist(), added["modification_time"].cast(pa.int64()).to_pylist(), strict=True))
    fragments = sorted(rows.get_fragments(), key=lambda f: (written.get(f.path.lstrip("/"), 0), f.path))
    return ds.FileSystemDataset(fragments, rows.schema, rows.format, rows.filesystem)


def in_force(warehouse: Warehouse | Path | str, as_of: datetime | None = None) -> dict[str, str]:
    """The run in force for every published date: the last one switched in."""
    return dict(sorted(dict(published_runs(Warehouse.at(warehouse), as_of=as_of)).items()))  # the last switch of each date wins


def snapshot(warehouse: Warehouse | Path | str, names: Sequence[str], as_of: datetime | None = None, dictionary: Sequence[str] = ()) -> tuple[dict[str, str], dict[str, ds.Dataset | None]]:
    """The runs in force and the named tables' datasets, read consistently.

    The datasets are opened between two readings of the runs in force, and again if those differ:
    a run still in force at the second reading had not been cleaned up, so its rows are in the
    datasets (whose files stay on storage after a clean-up, until a vacuum)."""
    where = Warehouse.at(warehouse)
    forced = in_force(where, as_of)
    while True:
        datasets = {name: dataset(where, name, as_of, dictionary) for name in names}
        again = in_force(where, as_of)
        if again == forced:
            return forced, datasets
        forced = again


def _run_filter(forced: dict[str, str], first: str, last: str) -> ds.Expression | None:
    """Rows of the runs in force on the dates from `first` to `last`; None when there are none."""
    chosen = [(d, r) for d, r in forced.items() if first <= d <= last]
    if not chosen:
        return None
    expression = None
    for day, run in chosen:
        term = (ds.field("date") == day) & (ds.field("run_id") == run)
        expression = term if expression is None else expression | term
    return expression


def read_arrow(
    warehouse: Warehouse | Path | str,
    name: str,
    day: date | None = None,
    since: date | None = None,
    compact: bool = False,
    columns: Sequence[str] | None = None,
    as_of: datetime | None = None,
) -> pa.Table:
    """`read_table` as Arrow, in the order the rows were written, for readers that keep a day in
    compiled memory (a day of criterion results takes a few times less than as a DataFrame)."""
    where, table = Warehouse.at(warehouse), TABLES[name]
    fields = [DATE, *table.schema]
    if columns is not None:
        fields = [f for f in fields if f.name == "date" or f.name in columns]
    schema = pa.schema(fields)
    first, last = (since or day or date.min).isoformat(), (day or date.max).isoformat()
    dictionary = strings(fields) if compact else ()
    if table.history:  # every run's rows: the runs in force are not needed
        rows, chosen = dataset(where, name, as_of, dictionary), (ds.field("date") >= first) & (ds.field("date") <= last)
    else:
        forced, datasets = snapshot(where, [name], as_of, dictionary)
        rows, chosen = datasets[name], _run_filter(forced, first, last)
    if rows is None or chosen is None:
        return schema.empty_table()
    # One file at a time: the dataset scanner reads ahead and expands dictionaries, which took
    # twice the memory for a day of 100,000 calls. Columns the table did not have yet (a warehouse
    # written before they were added, or read as of then) read as nulls.
    present = [name for name in schema.names if name in rows.schema.names]
    parts = [
        _without_null_entries(fragment.to_table(schema=rows.schema, columns=present, filter=chosen))
        for fragment in rows.get_fragments(filter=(ds.field("date") >= first) & (ds.field("date") <= last))
    ]
    parts = [p for p in parts if p.num_rows]
    if not parts:
        return schema.empty_table()
    found = pa.concat_tables(parts, promote_options="permissive")
    for field in schema:
        if field.name not in found.schema.names:
            found = found.append_column(field, pa.nulls(found.num_rows, field.type))
    return found.select(schema.names)


def read_table(
    warehouse: Warehouse | Path | str,
    name: str,
    day: date | None = None,
    since: date | None = None,
    compact: bool = False,
    columns: Sequence[str] | None = None,
    as_of: datetime | None = None,
) -> pd.DataFrame:
    """A published table as a DataFrame with its `date` column: one date, all of them, or from
    `since` up to `day` (both included); as it was at `as_of` when given. Daily tables give the
    rows of the run in force on each date; history tables (`runs`, `overrides`) every row, in the
    order stamped. Columns added to a table later read as nulls in older days.

    `compact` reads strings as categoricals: a day's 1.5 million criterion results repeat a few
    thousand distinct values, and take a tenth of the memory that way. `columns` reads only those
    (and `date`)."""
    table = TABLES[name]
    # Converted a column at a time, each let go once converted: a day of a million interactions held
    # twice over while converting (Arrow and pandas) set the report's peak.
    frame = read_arrow(warehouse, name, day, since, compact, columns, as_of).to_pandas(types_mapper=PANDAS_TYPES.get, self_destruct=True, split_blocks=True)
    if frame.empty:
        return frame
    if compact:
        frame["date"] = frame["date"].astype(str)  # compared as text: 2026-11-01 <= date <= 2026-11-30
    order = [c for c in ("date", table.stamped) if c in frame.columns]
    return frame.sort_values(order, kind="stable", ignore_index=True)


def _without_null_entries(part: pa.Table) -> pa.Table:
    """Dictionary columns without a null among their values (delta-rs writes an all-null column as
    a dictionary holding null, which pandas refuses as a category): those are encoded again."""
    for index, column in enumerate(part.columns):
        if pa.types.is_dictionary(column.type) and any(chunk.dictionary.null_count for chunk in column.chunks):
            encoded = pc.dictionary_encode(column.cast(column.type.value_type)).cast(column.type)
            part = part.set_column(index, part.field(index), encoded)
    return part


def has_day(warehouse: Warehouse | Path | str, day: date) -> bool:
    """Whether a run of `day` is published."""
    return day.isoformat() in in_force(warehouse)


def history(warehouse: Warehouse | Path | str, name: str) -> pd.DataFrame:
    """The table's Delta commits: version, timestamp and operation, newest first (for audits)."""
    table = delta_table(Warehouse.at(warehouse), name)
    return pd.DataFrame(table.history() if table is not None else [])

