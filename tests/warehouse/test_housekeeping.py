"""Housekeeping on a folder and on an S3 endpoint: rows of runs not in force removed and counted,
the run in force and time travel inside the retention untouched, each date's files compacted with
every row equal, files older than the retention vacuumed (and `as_of` older than it refused
clearly), a publish of the same date at the same time unharmed."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from foundation.errors import TouchstoneError
from warehouse import store
from warehouse.housekeeping import clean
from warehouse.location import Warehouse
from tests.warehouse.test_store import DAY, TABLES_OF_A_DAY, _day, _publish, _stage, _stored_runs

LONG = 30  # days


@pytest.fixture(params=["folder", "s3"])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Warehouse:
    if request.param == "folder":
        return Warehouse.at(tmp_path / "wh")
    return Warehouse.at(request.getfixturevalue("s3_bucket") + "/warehouse", request.getfixturevalue("s3_endpoint"))


def _crashed_before_switch(warehouse: Warehouse, tmp_path: Path, run_id: str, n: int) -> None:
    """A run that wrote its rows and died before its switch (its rows are never read)."""
    with pytest.raises(RuntimeError):
        store.publish(_stage(tmp_path / run_id, run_id, n), warehouse, DAY, run_id, TABLES_OF_A_DAY, before_switch=_die)


def _die() -> None:
    raise RuntimeError("killed before the switch")


def _rows(warehouse: Warehouse, name: str) -> list[tuple[object, ...]]:
    frame = store.read_table(warehouse, name, DAY)
    return sorted(map(tuple, frame.astype(str).values.tolist()))


def _summary(cleaned: list, name: str):  # type: ignore[no-untyped-def]
    return next(c for c in cleaned if c.table == name)


def test_rows_of_runs_not_in_force_go_after_the_grace_period_and_the_day_in_force_stays(warehouse: Warehouse, tmp_path: Path) -> None:
    _publish(warehouse, tmp_path, "r1", 3)
    _crashed_before_switch(warehouse, tmp_path, "crashed", 4)
    before = {name: _rows(warehouse, name) for name in ("quarantine", "agent_daily_scores")}
    assert _stored_runs(warehouse, "quarantine") == {"r1", "crashed"}

    young = clean(warehouse, LONG)  # the crashed run's rows are younger than the grace period: kept
    assert _summary(young, "quarantine").removed_rows == 0 and _stored_runs(warehouse, "quarantine") == {"r1", "crashed"}

    planned = clean(warehouse, LONG, grace=timedelta(0), dry_run=True)
    assert (_summary(planned, "quarantine").removed_rows, _summary(planned, "quarantine").removed_runs) == (4, {DAY.isoformat(): ["crashed"]})
    assert _stored_runs(warehouse, "quarantine") == {"r1", "crashed"}  # a dry run changes nothing

    done = clean(warehouse, LONG, grace=timedelta(0))
    assert {c.table: c.removed_rows for c in done if c.removed_rows} == {"quarantine": 4, "agent_daily_scores": 4}
    assert _stored_runs(warehouse, "quarantine") == _stored_runs(warehouse, "agent_daily_scores") == {"r1"}
    assert {name: _rows(warehouse, name) for name in before} == before
    assert store.in_force(warehouse) == {DAY.isoformat(): "r1"}


def test_compaction_leaves_fewer_files_and_every_row_equal(warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "BATCH_ROWS", 2)
    _publish(warehouse, tmp_path, "r1", 9)  # five files per table
    before = {name: _rows(warehouse, name) for name in ("quarantine", "agent_daily_scores")}
    done = clean(warehouse, LONG)
    quarantine = _summary(done, "quarantine")
    assert quarantine.compacted_dates == 1 and quarantine.files_before == 5 and quarantine.files_after == 1
    assert {name: _rows(warehouse, name) for name in before} == before
    assert _stored_runs(warehouse, "quarantine") == {"r1"} and store.in_force(warehouse) == {DAY.isoformat(): "r1"}


def test_vacuum_keeps_time_travel_inside_the_retention_and_refuses_older_moments_clearly(warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "BATCH_ROWS", 2)
    _publish(warehouse, tmp_path, "r1", 3)
    time.sleep(1.1)  # object stores keep commit times to the second
    first = datetime.now(UTC)
    time.sleep(1.1)
    _publish(warehouse, tmp_path, "r2", 5)

    kept = clean(warehouse, 30)  # compacted (r2's three files), nothing old enough to vacuum
    assert sum(c.vacuumed_files for c in kept) == 0 and _summary(kept, "quarantine").files_after == 1
    assert _day(warehouse, as_of=first) == {"quarantine": (3, {"r1"}), "agent_daily_scores": (3, {"r1"})}  # inside the retention
    time.sleep(1.1)
    assert _day(warehouse, as_of=first) == {"quarantine": (3, {"r1"}), "agent_daily_scores": (3, {"r1"})}  # inside the retention

    done = clean(warehouse, 0)  # keeps only what the latest version reads
    assert _summary(done, "quarantine").vacuumed_files == 2 + 3  # r1's two files, r2's three before compaction
    assert _day(warehouse) == {"quarantine": (5, {"r2"}), "agent_daily_scores": (5, {"r2"})}
    with pytest.raises(TouchstoneError, match=rf"time travel keeps 0 days; {re.escape(first.isoformat())} is older \(the [a-z_]+ table of {re.escape(str(warehouse))} was vacuumed at ") as raised:
        _day(warehouse, as_of=first)
    assert "TOUCHSTONE_RETENTION_DAYS" in (raised.value.hint or "")
    assert _day(warehouse, as_of=datetime.now(UTC)) == {"quarantine": (5, {"r2"}), "agent_daily_scores": (5, {"r2"})}


def test_a_publish_of_the_date_during_a_clean_up_is_unharmed(warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The clean-up holds the date while a nightly run of it publishes: the run waits, then
    publishes whole; the clean-up removed only what was not in force when it held the date."""
    monkeypatch.setattr(store, "BATCH_ROWS", 2)
    _publish(warehouse, tmp_path, "r1", 5)
    _crashed_before_switch(warehouse, tmp_path, "crashed", 4)
    staged = _stage(tmp_path / "nightly", "nightly", 7)
    errors: list[BaseException] = []

    def nightly() -> None:
        try:
            store.publish(staged, warehouse, DAY, "nightly", TABLES_OF_A_DAY)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    thread = threading.Thread(target=nightly)
    cleaning = threading.Thread(target=lambda: clean(warehouse, LONG, grace=timedelta(0)))
    cleaning.start()
    thread.start()
    cleaning.join(timeout=300)
    thread.join(timeout=300)
    assert not errors
    assert _day(warehouse) == {"quarantine": (7, {"nightly"}), "agent_daily_scores": (7, {"nightly"})}
    assert "crashed" not in _stored_runs(warehouse, "quarantine") | _stored_runs(warehouse, "agent_daily_scores")
    assert sorted(store.read_table(warehouse, "runs", DAY)["run_id"]) == ["nightly", "r1"]


def test_the_clean_up_waits_for_the_date_and_never_touches_a_run_switched_meanwhile(warehouse: Warehouse, tmp_path: Path) -> None:
    """A run holds the date (between its writes and its switch) when the clean-up starts: the
    clean-up waits, then reads the runs in force again and keeps the one that switched."""
    _publish(warehouse, tmp_path, "r1", 3)
    result: list[list[object]] = []
    cleaning = threading.Thread(target=lambda: result.append(clean(warehouse, LONG, grace=timedelta(0))))

    def clean_up_starts() -> None:
        cleaning.start()
        time.sleep(1.5)
        assert not result  # waiting for the date

    store.publish(_stage(tmp_path / "s", "switched-meanwhile", 4), warehouse, DAY, "switched-meanwhile", TABLES_OF_A_DAY, before_switch=clean_up_starts)
    cleaning.join(timeout=300)
    assert store.in_force(warehouse) == {DAY.isoformat(): "switched-meanwhile"}
    assert _day(warehouse) == {"quarantine": (4, {"switched-meanwhile"}), "agent_daily_scores": (4, {"switched-meanwhile"})}
    assert _stored_runs(warehouse, "quarantine") == {"switched-meanwhile"}


def test_the_command_says_what_it_would_do_then_does_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from touchstone.cli import cli

    data = tmp_path / "data"
    warehouse = Warehouse.at(data / "warehouse")
    monkeypatch.setattr(store, "BATCH_ROWS", 2)
    _publish(warehouse, tmp_path, "r1", 5)
    _crashed_before_switch(warehouse, tmp_path, "crashed", 4)
    dry = CliRunner().invoke(cli, ["warehouse", "clean", "--dry-run", "--grace-days", "0", "--data-dir", str(data)])
    assert dry.exit_code == 0, dry.output
    assert "would do (dry run, nothing changed)" in dry.output and "keeps 30 days of time travel" in dry.output
    assert _stored_runs(warehouse, "quarantine") == {"r1", "crashed"}
    done = CliRunner().invoke(cli, ["warehouse", "clean", "--grace-days", "0", "--data-dir", str(data)])
    assert done.exit_code == 0, done.output
    lines = {line.split("│")[1].strip(): [cell.strip() for cell in line.split("│")[2:-1]] for line in done.output.splitlines() if line.count("│") > 3}
    assert lines["quarantine"][:4] == ["4", "1", "1", "5"]  # rows and runs removed, dates compacted, files before (3 of r1, 2 of crashed)
    assert lines["quarantine"][4] == "1" and _stored_runs(warehouse, "quarantine") == {"r1"}
    monkeypatch.setenv("TOUCHSTONE_RETENTION_DAYS", "0")
    refused = CliRunner().invoke(cli, ["warehouse", "clean", "--data-dir", str(data)])
    assert refused.exit_code == 1 and "TOUCHSTONE_RETENTION_DAYS='0' is not a positive whole number" in refused.output
