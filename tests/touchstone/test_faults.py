"""Fault injection and concurrency: runs killed with SIGKILL inside each step, a full disk, a
read-only warehouse, two runs of one date at once, and runs of two dates at once.

Each run under test is a new process (spawned: the Delta writer's runtime does not survive a fork of
a process that has used it) that kills itself the moment it reaches the named point: no clean-up
code gets to run, as when a worker is lost. The warehouse holds the date scored with eu_core 1.0 beforehand; the killed
run scores it with 2.0. Before the switch the day must still be wholly 1.0, after it wholly 2.0, and a
run started afresh must publish exactly what an undisturbed run publishes.
"""

from __future__ import annotations

import multiprocessing
import os
import pwd
import resource
import shutil
import signal
import stat
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.compute as pc
import pytest

from touchstone.pipeline import run_day
from touchstone.sample_data import generate_day, read_ground_truth
from touchstone.settings import Settings
from touchstone.steps.aggregate import aggregate
from touchstone.steps.ingest import ingest
from touchstone.steps.plan import plan_run
from touchstone.steps.publish import publish
from touchstone.steps.score import score
from touchstone.steps.staging import staging
from warehouse import store
from warehouse.store import read_table
from warehouse.tables import TABLES

DAY = date(2026, 11, 22)
SHARDS = 25
DAILY = [name for name, table in TABLES.items() if not table.history]
# point -> (object, attribute, the call that is never finished)
KILL_POINTS: dict[str, tuple[str, str, int]] = {
    "ingest, after the first shard": ("touchstone.steps.ingest", "check_input", 2),
    "score, in the second shard": ("scorers.engine:CompiledStandard", "score", SHARDS + 5),
    "aggregate, mid-merge": ("warehouse.aggregate:AgentAccumulator", "add", 40),
    "publish, mid-write": ("warehouse.store", "_write_rows", 3),
    "publish, at the switch": ("warehouse.store", "_switch", 1),
    "publish, after the switch": ("warehouse.store", "_clean", 1),
    "report": ("touchstone.steps.report", "report_day", 1),
}
SWITCHED = {"publish, after the switch", "report"}


def _published(warehouse: Path) -> dict[str, pd.DataFrame]:
    """Every daily table of the date, without the run id, in a stable order."""
    tables = {}
    for name in DAILY:
        frame = read_table(warehouse, name, DAY).drop(columns=["run_id"])
        keys = [c for c in ("interaction_id", "criterion_id", "agent_id", "source", "locator") if c in frame]
        tables[name] = frame.sort_values(keys).reset_index(drop=True)
    return tables


def _stored_runs(settings: Settings) -> set[str]:
    """The runs whose rows the daily tables physically hold for the date (what a raw Delta reader sees)."""
    found: set[str] = set()
    for name in DAILY:
        rows = store.dataset(settings.warehouse_dir, name).to_table(columns=["run_id"], filter=pc.field("date") == DAY.isoformat())
        found |= set(rows["run_id"].to_pylist())
    return found


def _settings(data: Path) -> Settings:
    return Settings.from_env(data_dir=data, landing_dir=data / "landing")


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, pd.DataFrame]]:
    """A data folder with the date published with eu_core 1.0, and what an undisturbed 2.0 run publishes."""
    base = tmp_path_factory.mktemp("faults") / "data"
    generate_day(base / "landing", DAY, interactions=80, seed=41)
    (base / "landing" / DAY.isoformat() / "broken.jsonl").write_text('{"interaction_id": "b-1", \n')
    undisturbed = tmp_path_factory.mktemp("undisturbed") / "data"
    shutil.copytree(base, undisturbed)
    run_day(_settings(undisturbed), DAY, shard_size=SHARDS, run_id="undisturbed")
    run_day(_settings(base), DAY, standard="eu_core@1.0", shard_size=SHARDS, run_id="before")
    return base, _published(undisturbed / "warehouse")


def _copy_of(prepared_data: Path, tmp_path: Path) -> Settings:
    data = tmp_path / "data"
    shutil.copytree(prepared_data, data)
    return _settings(data)


def _all_in_children(targets: list[tuple[Callable[..., Any], tuple[Any, ...]]]) -> list[int]:
    """Start every (function, arguments) in its own new process at once; their exit codes."""
    children = [multiprocessing.get_context("spawn").Process(target=f, args=a) for f, a in targets]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=300)
        assert child.exitcode is not None, "a run hung"
    return [child.exitcode for child in children]  # type: ignore[misc]


def _in_child(function: Callable[..., Any], *args: Any) -> int:
    """Run `function(*args)` in a new process; its exit code (-9 when it was killed)."""
    return _all_in_children([(function, args)])[0]


def _run(data: Path, day: date, run_id: str | None = None, kill_at: str | None = None) -> None:
    """A run of `day` (in a child), killed at the named point when one is given."""
    if kill_at is not None:
        _kill_at(kill_at)
    run_day(_settings(data), day, shard_size=SHARDS, run_id=run_id)


def _publish_killed_after_the_switch(settings: Settings, plan: Any) -> None:
    _kill_at("publish, after the switch")
    publish(settings, plan)


def _kill_at(point: str) -> None:
    """Make the named call kill this process (SIGKILL: nothing is cleaned up) when it is reached."""
    where, attribute, call = KILL_POINTS[point]
    module, _, cls = where.partition(":")
    owner: Any = __import__(module, fromlist=["_"])
    owner = getattr(owner, cls) if cls else owner
    real, calls = getattr(owner, attribute), [0]

    def killing(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == call:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    setattr(owner, attribute, killing)


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_a_run_killed_in_a_step_and_run_again_publishes_what_an_undisturbed_run_does(point: str, prepared, tmp_path: Path) -> None:
    base, undisturbed = prepared
    settings = _copy_of(base, tmp_path)

    assert _in_child(_run, settings.data_dir, DAY, "killed", point) == -signal.SIGKILL
    published = _published(settings.warehouse_dir)
    versions = {t: set(published[t].standard_version) for t in ("criterion_results", "interaction_scores", "agent_daily_scores")}
    assert all(v == {"2.0" if point in SWITCHED else "1.0"} for v in versions.values())  # the whole day, old or new
    if point in SWITCHED:
        assert all(published[t].equals(undisturbed[t]) for t in DAILY)

    run_day(settings, DAY, shard_size=SHARDS, run_id="again")
    again = _published(settings.warehouse_dir)
    for name in DAILY:
        pd.testing.assert_frame_equal(again[name], undisturbed[name], obj=name)
    assert _stored_runs(settings) == {"again"}  # what the killed run wrote is gone, not only hidden
    runs = read_table(settings.warehouse_dir, "runs", DAY).set_index("run_id")
    assert set(runs.index) == ({"before", "again", "killed"} if point in SWITCHED else {"before", "again"})
    assert (runs.read == runs.scored + runs.quarantined).all() and runs.at["again", "quarantined"] == 1


def test_airflow_retrying_publish_after_a_kill_past_the_switch_completes_it(prepared, tmp_path: Path) -> None:
    """A task retry keeps the run id: the version already in force is kept, the rest is finished."""
    base, undisturbed = prepared
    settings = _copy_of(base, tmp_path)
    plan = plan_run(settings, DAY, "scheduled__2026-11-23", shard_size=SHARDS)
    for step in (ingest, score, aggregate):
        step(settings, plan)
    assert _in_child(_publish_killed_after_the_switch, settings, plan) == -signal.SIGKILL
    publish(settings, plan)  # the retry
    for name in DAILY:
        pd.testing.assert_frame_equal(_published(settings.warehouse_dir)[name], undisturbed[name], obj=name)
    assert not staging(settings, plan).exists()


def _run_failing(data: Path, prepare: Callable[[], None]) -> None:
    """A run of the date (in a child) that calls `prepare` just before publishing."""
    real = store.publish

    def publish_after_prepare(*args: Any, **kwargs: Any) -> None:
        prepare()
        real(*args, **kwargs)

    store.publish = publish_after_prepare  # type: ignore[assignment]
    try:
        run_day(_settings(data), DAY, shard_size=SHARDS, run_id="failing")
    except store.PublishError as exc:
        (data / "error.txt").write_text(str(exc))
        os._exit(3)


def _fail_to_publish(settings: Settings, prepare: Callable[[], None]) -> str:
    """Run the date in a child that calls `prepare` just before publishing; the error it ended with."""
    assert _in_child(_run_failing, settings.data_dir, prepare) == 3
    return (settings.data_dir / "error.txt").read_text()


def _disk_full() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def _as_nobody() -> None:
    if os.geteuid() == 0:
        os.setuid(pwd.getpwnam("nobody").pw_uid)


def test_a_full_disk_fails_cleanly_and_the_previous_day_stays(prepared, tmp_path: Path) -> None:
    """A real limit on file size (RLIMIT_FSIZE: writes past 4 KB fail with EFBIG, as a full disk fails
    with ENOSPC) set as the publish starts."""
    base, _ = prepared
    settings = _copy_of(base, tmp_path)
    before = _published(settings.warehouse_dir)
    error = _fail_to_publish(settings, _disk_full)
    assert "File too large" in error and "nothing was published for 2026-11-22, its previous data is intact" in error
    after = _published(settings.warehouse_dir)
    assert all(after[t].equals(before[t]) for t in DAILY)
    assert set(read_table(settings.warehouse_dir, "runs", DAY).run_id) == {"before"}


def test_a_read_only_warehouse_fails_cleanly_and_the_previous_day_stays(prepared) -> None:
    """Every folder of the warehouse made read-only; as root (who may write anyway) the publish runs
    as the unprivileged user `nobody`, in a folder it can reach (pytest's own are private to root)."""
    base, _ = prepared
    reachable = Path(tempfile.mkdtemp(prefix="touchstone-read-only-"))
    settings = _copy_of(base, reachable)
    before = _published(settings.warehouse_dir)
    for folder in [reachable, *reachable.rglob("*")]:  # the staging stays writable for everyone
        if folder.is_dir() and not folder.is_symlink():
            folder.chmod(0o777)
    for folder in [settings.warehouse_dir, *settings.warehouse_dir.rglob("*")]:
        if folder.is_dir() and not folder.is_symlink():
            folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    error = _fail_to_publish(settings, _as_nobody)
    assert "Permission denied" in error and "nothing was published for 2026-11-22, its previous data is intact" in error
    after = _published(settings.warehouse_dir)
    assert all(after[t].equals(before[t]) for t in DAILY)
    shutil.rmtree(reachable)


def test_concurrent_runs_of_one_date_publish_one_of_them_whole(prepared, tmp_path: Path) -> None:
    base, undisturbed = prepared
    settings = _copy_of(base, tmp_path)
    assert _all_in_children([(_run, (settings.data_dir, DAY, f"rival-{i}")) for i in range(2)]) == [0, 0]
    published = _published(settings.warehouse_dir)
    for name in DAILY:
        pd.testing.assert_frame_equal(published[name], undisturbed[name], obj=name)
    winners = {name: set(read_table(settings.warehouse_dir, name, DAY).run_id) for name in DAILY}
    assert len(set(map(frozenset, winners.values()))) == 1 and len(winners["criterion_results"]) == 1  # one run, in every table
    (winner,) = winners["criterion_results"]
    assert _stored_runs(settings) == {winner}
    assert set(read_table(settings.warehouse_dir, "runs", DAY).run_id) == {"before", "rival-0", "rival-1"}


def test_concurrent_runs_of_different_dates_do_not_interfere(prepared, tmp_path: Path) -> None:
    base, undisturbed = prepared
    settings = _copy_of(base, tmp_path)
    other = date(2026, 11, 21)
    generated = generate_day(settings.landing_dir, other, interactions=40, seed=43)
    assert _all_in_children([(_run, (settings.data_dir, DAY)), (_run, (settings.data_dir, other))]) == [0, 0]
    published = _published(settings.warehouse_dir)
    for name in DAILY:
        pd.testing.assert_frame_equal(published[name], undisturbed[name], obj=name)
    results = read_table(settings.warehouse_dir, "criterion_results", other)
    truth = read_ground_truth(generated.ground_truth)
    assert {(r.interaction_id, r.criterion_id): r.outcome for r in results.itertuples()} == {(i, c): o for i, row in truth.items() for c, o in row["expected"].items()}
    assert {p.name for p in settings.reports_dir.iterdir()} == {f"{DAY}.html", f"{other}.html"}
