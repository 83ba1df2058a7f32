"""The published warehouse (Delta tables) on a local folder and on an S3 endpoint: the same tests,
the same guarantees: a date replaced as a whole, a crash or a full disk leaving the previous day,
runs of one date serialised, readers never seeing a mixed day, time travel."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.compute as pc
import pytest

from warehouse import staging, store
from warehouse.location import Warehouse
from warehouse.lock import LockTiming
from warehouse.queries import connect
from warehouse.store import read_table
from warehouse.tables import AGENT_DAILY_SCORES, QUARANTINE, RUNS, TABLES

DAY = date(2026, 11, 22)
TABLES_OF_A_DAY = [QUARANTINE, AGENT_DAILY_SCORES, RUNS]


@pytest.fixture(params=["folder", "s3"])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Warehouse:
    """The same warehouse code on a local folder and on an S3 endpoint (moto's server)."""
    if request.param == "folder":
        return Warehouse.at(tmp_path / "wh")
    options = request.getfixturevalue("s3_endpoint")
    return Warehouse.at(request.getfixturevalue("s3_bucket") + "/warehouse", options)


def _stage(folder: Path, run_id: str, n: int, published_at: datetime | None = None) -> Path:
    """A run's staged tables: n quarantined records, n agents, and its row for `runs`."""
    staging.write_staged([{"source": "f", "locator": f"line {i}", "reason": "r", "raw_excerpt": "x", "run_id": run_id} for i in range(n)], QUARANTINE, folder)
    staging.write_staged([{"run_id": run_id, "standard_id": "s", "standard_version": "1", "agent_id": f"a{i}", "agent_type": "human",
                           "interactions": 1, "scored_interactions": 1, "compliance_rate": 1.0, "critical_failures": 0, "section_scores": {}}
                          for i in range(n)], AGENT_DAILY_SCORES, folder)  # fmt: skip
    staging.write_staged([{"run_id": run_id, "standard_id": "s", "standard_version": "1", "standard_sha256": "h", "files": 1, "read": n, "scored": n,
                           "quarantined": 0, "duplicates_dropped": 0, "input_checks_failed": 0, "output_checks_passed": True, "status": "published",
                           "published_at": published_at or datetime.now(UTC)}], RUNS, folder)  # fmt: skip
    return folder


def _publish(warehouse: Warehouse, tmp_path: Path, run_id: str, n: int, day: date = DAY) -> None:
    store.publish(_stage(tmp_path / f"{run_id}-{day}", run_id, n), warehouse, day, run_id, TABLES_OF_A_DAY)


def _day(warehouse: Warehouse, day: date = DAY, **kwargs: object) -> dict[str, tuple[int, set[str]]]:
    """(rows, run ids) of each daily table of the day, as readers see it."""
    return {t.name: (len(f := read_table(warehouse, t.name, day, **kwargs)), set(f.run_id)) for t in (QUARANTINE, AGENT_DAILY_SCORES)}  # type: ignore[arg-type]


def _stored_runs(warehouse: Warehouse, name: str, day: date = DAY) -> set[str]:
    """The run ids whose rows the table physically holds for the day (what a raw reader sees)."""
    rows = store.dataset(warehouse, name).to_table(columns=["run_id"], filter=pc.field("date") == day.isoformat())
    return set(rows["run_id"].to_pylist())


def test_publishing_a_date_again_replaces_it_and_keeps_other_dates(warehouse: Warehouse, tmp_path: Path) -> None:
    _publish(warehouse, tmp_path, "r1", 3)
    _publish(warehouse, tmp_path, "other", 4, date(2026, 11, 21))
    _publish(warehouse, tmp_path, "r2", 2)
    assert _day(warehouse) == {"quarantine": (2, {"r2"}), "agent_daily_scores": (2, {"r2"})}
    assert _day(warehouse, date(2026, 11, 21)) == {"quarantine": (4, {"other"}), "agent_daily_scores": (4, {"other"})}
    frame = read_table(warehouse, "quarantine", DAY)
    assert list(frame["date"]) == ["2026-11-22"] * 2 and list(frame.columns)[0] == "date"
    assert _stored_runs(warehouse, "quarantine") == {"r2"}  # the superseded run's rows are gone, not only hidden
    assert sorted(read_table(warehouse, "runs", DAY)["run_id"]) == ["r1", "r2"]  # the history keeps every run
    assert len(read_table(warehouse, "quarantine", since=date(2026, 11, 21))) == 6


def test_publishing_is_idempotent_for_a_retried_run(warehouse: Warehouse, tmp_path: Path) -> None:
    _publish(warehouse, tmp_path, "r1", 3)
    _publish(warehouse, tmp_path, "r1", 3)
    assert _day(warehouse) == {"quarantine": (3, {"r1"}), "agent_daily_scores": (3, {"r1"})}
    assert list(read_table(warehouse, "runs", DAY)["run_id"]) == ["r1"]


def test_a_day_written_in_parts_keeps_its_order_and_a_retry_replaces_every_part(warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "BATCH_ROWS", 2)
    _publish(warehouse, tmp_path, "r1", 7)  # four parts per table
    _publish(warehouse, tmp_path, "r1", 7)  # the retry
    frame = read_table(warehouse, "quarantine", DAY)
    assert frame["locator"].tolist() == [f"line {i}" for i in range(7)]
    assert _day(warehouse) == {"quarantine": (7, {"r1"}), "agent_daily_scores": (7, {"r1"})}


@pytest.mark.parametrize("crash_at", ["writing the second table", "at the switch"])
def test_a_crash_while_publishing_leaves_the_previous_day_whole(warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crash_at: str) -> None:
    _publish(warehouse, tmp_path, "r1", 3)
    calls, real = {"n": 0}, store._write_rows

    def crash_on_second(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        real(*args, **kwargs)  # type: ignore[arg-type]

    def crash(*args: object) -> None:
        raise OSError(28, "No space left on device")

    if crash_at == "at the switch":
        monkeypatch.setattr(store, "_switch", crash)
    else:
        monkeypatch.setattr(store, "_write_rows", crash_on_second)
    with pytest.raises(store.PublishError, match="No space left on device; nothing was published for 2026-11-22, its previous data is intact"):
        _publish(warehouse, tmp_path, "r2", 5)
    assert _day(warehouse) == {"quarantine": (3, {"r1"}), "agent_daily_scores": (3, {"r1"})}  # every table the previous run, all of it
    assert "r2" in _stored_runs(warehouse, "quarantine")  # written, never read
    monkeypatch.undo()
    _publish(warehouse, tmp_path, "r3", 2)
    assert _day(warehouse) == {"quarantine": (2, {"r3"}), "agent_daily_scores": (2, {"r3"})}
    if warehouse.local is not None:  # under the date lock the next publish removes what the crash left
        assert _stored_runs(warehouse, "quarantine") == {"r3"}


def _publish_killed_at(point: str, uri: str, options: dict[str, str], staged: Path, run_id: str) -> None:
    """In a child: publish, and die by SIGKILL (no clean-up runs, the lock left behind) on reaching
    `point`. Its lease on an object store is stale 2 s after its last renewal."""
    setattr(store, point, lambda *_args, **_kwargs: os.kill(os.getpid(), signal.SIGKILL))
    store.publish(staged, Warehouse.at(uri, options), DAY, run_id, TABLES_OF_A_DAY, timing=LockTiming(expiry=2))


@pytest.mark.parametrize(("point", "in_force"), [("_switch", "r1"), ("_clean", "r2")])
def test_a_publish_killed_at_or_after_the_switch_leaves_a_whole_day_and_its_retry_completes(
    warehouse: Warehouse, tmp_path: Path, point: str, in_force: str
) -> None:
    _publish(warehouse, tmp_path, "r1", 3)
    staged = _stage(tmp_path / "r2", "r2", 5)
    child = multiprocessing.get_context("spawn").Process(target=_publish_killed_at, args=(point, warehouse.uri, dict(warehouse.storage_options), staged, "r2"))
    child.start()
    child.join(timeout=120)
    assert child.exitcode == -signal.SIGKILL
    rows = {"r1": 3, "r2": 5}[in_force]
    assert _day(warehouse) == {"quarantine": (rows, {in_force}), "agent_daily_scores": (rows, {in_force})}  # the old day or the new, whole
    store.publish(staged, warehouse, DAY, "r2", TABLES_OF_A_DAY)  # the task's retry: the same run id, once the dead run's lock expired
    assert _day(warehouse) == {"quarantine": (5, {"r2"}), "agent_daily_scores": (5, {"r2"})}
    assert _stored_runs(warehouse, "quarantine") == _stored_runs(warehouse, "agent_daily_scores") == {"r2"}
    assert list(read_table(warehouse, "runs", DAY)["run_id"]).count("r2") == 1


def test_concurrent_runs_of_one_date_publish_one_of_them_whole(warehouse: Warehouse, tmp_path: Path) -> None:
    """Four runs of the date at once (threads: delta-rs releases the GIL while it writes)."""
    _publish(warehouse, tmp_path, "before", 3)
    folders = {f"rival-{i}": _stage(tmp_path / f"rival-{i}", f"rival-{i}", 2 + i) for i in range(4)}
    errors: list[BaseException] = []

    def run(run_id: str) -> None:
        try:
            store.publish(folders[run_id], warehouse, DAY, run_id, TABLES_OF_A_DAY)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(r,)) for r in folders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    seen = _day(warehouse)
    (winner,) = seen["quarantine"][1]
    size = 2 + int(winner.split("-")[1])
    assert seen == {"quarantine": (size, {winner}), "agent_daily_scores": (size, {winner})}  # one run, whole, in every table
    assert winner == store.in_force(warehouse)[DAY.isoformat()]
    assert set(read_table(warehouse, "runs", DAY).run_id) == {"before", *folders}
    assert _stored_runs(warehouse, "agent_daily_scores") == {winner}


def test_readers_during_publishes_never_see_a_mixed_or_partial_day(warehouse: Warehouse, tmp_path: Path) -> None:
    """A reader polls while the date is published again and again, by runs of other sizes: every
    table read is one whole run, and one DuckDB connection sees the same run in every table."""
    _publish(warehouse, tmp_path, "r0", 2)
    folders = [_stage(tmp_path / f"r{i}", f"r{i}", 2 + i) for i in range(1, 5)]
    done, seen = threading.Event(), []

    def publisher() -> None:
        for i, folder in enumerate(folders, start=1):
            store.publish(folder, warehouse, DAY, f"r{i}", TABLES_OF_A_DAY)
        done.set()

    thread = threading.Thread(target=publisher)
    thread.start()
    while not done.is_set():
        for table in (QUARANTINE, AGENT_DAILY_SCORES):
            frame = read_table(warehouse, table.name, DAY)
            seen.append((len(frame), set(frame.run_id)))
        views = connect(warehouse).sql("select (select list(distinct run_id) from quarantine), (select list(distinct run_id) from agent_daily_scores), "
                                       "(select count(*) from quarantine), (select count(*) from agent_daily_scores)").fetchall()[0]  # fmt: skip
        assert len(views[0]) == 1 and views[0] == views[1] and views[2] == views[3] == 2 + int(views[0][0][1:]), views
    thread.join()
    assert len(seen) > 4
    for rows, runs in seen:
        assert len(runs) == 1 and rows == 2 + int(next(iter(runs))[1:])
    assert _day(warehouse) == {"quarantine": (6, {"r4"}), "agent_daily_scores": (6, {"r4"})}


def test_as_of_reads_what_the_tables_said_at_a_moment(warehouse: Warehouse, tmp_path: Path) -> None:
    before_anything = datetime.now(UTC)
    time.sleep(1.1)  # object stores keep commit times to the second
    _publish(warehouse, tmp_path, "r1", 3)
    time.sleep(1.1)  # object stores keep commit times to the second
    between = datetime.now(UTC)
    time.sleep(1.1)  # object stores keep commit times to the second
    _publish(warehouse, tmp_path, "r2", 2)
    assert _day(warehouse, as_of=between) == {"quarantine": (3, {"r1"}), "agent_daily_scores": (3, {"r1"})}
    assert _day(warehouse) == {"quarantine": (2, {"r2"}), "agent_daily_scores": (2, {"r2"})}
    assert _day(warehouse, as_of=before_anything) == {"quarantine": (0, set()), "agent_daily_scores": (0, set())}
    assert connect(warehouse, between).sql("select distinct run_id from agent_daily_scores").fetchall() == [("r1",)]
    operations = store.history(warehouse, "quarantine")["operation"].tolist()
    assert operations[-1] == "CREATE TABLE" and "DELETE" in operations


def test_duckdb_pandas_and_pyarrow_read_the_same_day(warehouse: Warehouse, tmp_path: Path) -> None:
    _publish(warehouse, tmp_path, "r1", 3)
    _publish(warehouse, tmp_path, "r2", 4)
    frame = read_table(warehouse, "agent_daily_scores", DAY)
    duck = connect(warehouse).sql("select * from agent_daily_scores order by agent_id").df()
    assert duck["agent_id"].tolist() == sorted(frame["agent_id"]) and set(duck["run_id"]) == {"r2"}
    # A plain Delta reader (what Spark or Trino do) after the publish: the table holds the run in force only.
    from deltalake import DeltaTable

    raw = DeltaTable(warehouse.table_uri("agent_daily_scores"), storage_options=warehouse.options()).to_pandas()
    assert set(raw["run_id"]) == {"r2"} and len(raw) == 4


def test_views_for_whole_scans_read_text_as_dictionaries_and_the_same_rows(warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The report's connection reads text columns as dictionaries (memory): every view gives the
    rows and values of the plain one."""
    from warehouse import queries

    _publish(warehouse, tmp_path, "r1", 3)
    _publish(warehouse, tmp_path, "r2", 4)
    read_as_dictionaries, snapshot = [], queries.snapshot
    monkeypatch.setattr(queries, "snapshot", lambda *args: read_as_dictionaries.append(set(args[3])) or snapshot(*args))
    plain, whole = connect(warehouse), connect(warehouse, whole_scans=True)
    assert read_as_dictionaries[0] == set() and {"agent_id", "reason", "evidence", "run_id"} <= read_as_dictionaries[1]
    datasets = snapshot(warehouse, ["agent_daily_scores"], None, sorted(read_as_dictionaries[1]))[1]
    assert pa.types.is_dictionary(datasets["agent_daily_scores"].to_table().schema.field("agent_id").type)
    # DuckDB scans each table without Arrow's thread pool (a scan stopped early by `limit` left its
    # threads waiting at exit): the same rows, pushed-down filters and columns applied.
    in_order = queries._ScannedInOrder.of(datasets["agent_daily_scores"])
    wanted = {"columns": ["agent_id", "run_id"], "filter": ds.field("run_id") == "r2"}
    assert in_order.scanner(**wanted).to_table().equals(datasets["agent_daily_scores"].scanner(**wanted).to_table())
    assert whole.sql("select count(*) from (select * from agent_daily_scores limit 1)").fetchall() == [(1,)]
    views = [name for name in TABLES if plain.sql(f"select count(*) from duckdb_views() where view_name = '{name}'").fetchall() == [(1,)]]
    assert len(views) >= 3
    for name in views:
        query = f"select * from {name} order by all"
        assert plain.sql(query).fetchall() == whole.sql(query).fetchall(), name


def test_a_read_only_warehouse_folder_fails_cleanly(tmp_path: Path) -> None:
    warehouse = Warehouse.at(tmp_path / "wh")
    _publish(warehouse, tmp_path, "r1", 3)
    # Unwritable to this process: the folder becomes a file's child.
    blocked = Warehouse.at(tmp_path / "file" / "wh")
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(store.PublishError, match="nothing was published for 2026-11-22, its previous data is intact"):
        _publish(blocked, tmp_path, "r2", 2)
    assert _day(warehouse) == {"quarantine": (3, {"r1"}), "agent_daily_scores": (3, {"r1"})}


def test_rows_must_match_the_declared_schema(tmp_path: Path) -> None:
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError, KeyError, TypeError)):
        staging.write_staged([{"source": 1}], QUARANTINE, tmp_path)


def test_reading_an_unpublished_table_gives_empty_frame_with_columns(tmp_path: Path) -> None:
    frame = read_table(tmp_path, "agent_daily_scores", DAY)
    assert frame.empty and "mean_quality_score" in frame.columns


def test_every_table_has_provenance() -> None:
    for table in TABLES.values():
        assert "run_id" in table.schema.names, table.name


def _scores(when: date, schema: pa.Schema) -> pa.Table:
    """Two interaction scores of a day, in the columns of `schema`."""
    rows = {f.name: [None, None] for f in schema}
    rows.update(interaction_id=[f"{when}-a", f"{when}-b"], agent_id=["a-1", "a-2"], team=["billing", None], run_id=[f"r-{when}"] * 2,
                standard_id=["s"] * 2, standard_version=["1"] * 2, agent_type=["human"] * 2, channel=["chat"] * 2, language=["en"] * 2,
                turns=[1, 1], compliance_passed=[True] * 2, critical_failures=[0] * 2, criteria_passed=[0] * 2, criteria_failed=[0] * 2,
                criteria_not_applicable=[0] * 2, section_scores=[[], []], source=["f"] * 2, reason_source=["none"] * 2, transfers=[0] * 2,
                handed_over=[False] * 2)  # fmt: skip
    if "contact_reason" in rows:
        rows.update(contact_reason=["billing", "moving"], words=[120, 80])
    return pa.table(rows, schema=schema)


def test_compact_reads_equal_plain_reads_and_fill_columns_added_later(tmp_path: Path) -> None:
    """Two days of interaction scores; the older day was published before the contact columns existed."""
    from deltalake import write_deltalake

    warehouse, table = Warehouse.at(tmp_path / "wh"), TABLES["interaction_scores"]
    old_day, new_day = date(2026, 11, 1), date(2026, 11, 2)
    old_schema = pa.schema([f for f in table.schema if f.name not in ("contact_reason", "words")])
    write_deltalake(warehouse.table_uri(table.name), store._with_date(_scores(old_day, old_schema), old_day), partition_by=["date"])
    store._switch(warehouse, _stage(tmp_path / "old", f"r-{old_day}", 0), old_day, f"r-{old_day}")
    staged = _stage(tmp_path / "new", f"r-{new_day}", 0)
    staging.write_staged(_scores(new_day, table.schema), table, staged)
    store.publish(staged, warehouse, new_day, f"r-{new_day}", [table, RUNS])
    columns = ["interaction_id", "agent_id", "team", "contact_reason", "words"]
    plain = read_table(warehouse, "interaction_scores", new_day, since=old_day, columns=columns)
    compact = read_table(warehouse, "interaction_scores", new_day, since=old_day, columns=columns, compact=True)
    assert isinstance(compact["agent_id"].dtype, pd.CategoricalDtype)
    assert compact.astype(object).where(compact.notna(), None).values.tolist() == plain.astype(object).where(plain.notna(), None).values.tolist()
    assert compact["contact_reason"].astype(object).where(compact["contact_reason"].notna(), None).tolist() == [None, None, "billing", "moving"]


def test_a_warehouse_written_before_columns_were_added_reads_them_as_nulls(tmp_path: Path) -> None:
    """A warehouse from before `overrides_applied` and the override columns, read by this version:
    pandas, Arrow, DuckDB and time travel see the new columns as nulls, and nothing fails."""
    from deltalake import write_deltalake

    warehouse = Warehouse.at(tmp_path / "wh")
    runs, results = TABLES["runs"], TABLES["criterion_results"]
    new = {"overrides_applied", "machine_outcome", "override_id", "override_reviewer", "override_reason", "routing_id", "routing_version", "routing_sha256", "standards", "routes"}
    old = {name: pa.schema([f for f in t.schema if f.name not in new]) for name, t in (("runs", runs), ("criterion_results", results))}
    row = {f.name: None for f in old["criterion_results"]} | {
        "interaction_id": "i-1", "agent_id": "a-1", "criterion_id": "greeting", "criterion_kind": "required_phrase", "section": "opening", "outcome": "pass",
        "reason": "said hello", "points": 2.0, "max_points": 2.0, "critical": False, "run_id": "r-old", "standard_id": "s", "standard_version": "1",
    }  # fmt: skip
    write_deltalake(warehouse.table_uri("criterion_results"), store._with_date(pa.Table.from_pylist([row], old["criterion_results"]), DAY), partition_by=["date"])
    run = {f.name: 0 for f in old["runs"]} | {"run_id": "r-old", "standard_id": "s", "standard_version": "1", "standard_sha256": "x", "output_checks_passed": True,
                                              "status": "published", "published_at": datetime(2026, 11, 23, tzinfo=UTC)}  # fmt: skip
    write_deltalake(warehouse.table_uri("runs"), store._with_date(pa.Table.from_pylist([run], old["runs"]), DAY), partition_by=["date"])
    then = datetime.now(UTC)

    for as_of in (None, then):
        frame = read_table(warehouse, "criterion_results", DAY, as_of=as_of)
        assert frame.outcome.tolist() == ["pass"] and frame.override_id.isna().all() and frame.machine_outcome.isna().all()
        old_run = read_table(warehouse, "runs", DAY, as_of=as_of)
        assert old_run.overrides_applied.isna().all() and old_run.routing_id.isna().all() and old_run.standards.isna().all()
        assert store.read_arrow(warehouse, "criterion_results", DAY, as_of=as_of).schema.names == ["date", *results.schema.names]
        for whole_scans in (False, True):
            db = connect(warehouse, as_of, whole_scans=whole_scans)
            assert db.sql("select count(*) filter (where override_id is null), max(overrides_applied) from criterion_results, runs").fetchall() == [(1, None)]
