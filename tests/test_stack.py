"""The nightly DAG on a production-like stack, through the real scheduler: Airflow on PostgreSQL,
two Celery workers on Redis, scheduler, API server and DAG processor as separate processes
(`scripts/stack.sh`, driven by `touchstone.stack`), transcripts and tables on an S3 endpoint (moto's
server) through an Airflow connection. What it proves, each from the metadata database or the
tables read back:

- the mapped `score` tasks run on both Celery workers (the Celery results name the worker);
- `airflow backfill create` over three nights scores each date with the version in force on it;
- a worker killed (SIGKILL, its whole process group) in the middle of a shard has its task retried
  to completion by the other worker;
- every day's tables, read back from the S3 endpoint, equal a local `touchstone run` of the day;
- the workers share no disk: each runs as its own OS user (as root) with its own folder that
  neither the other worker nor the scheduler can read, and none holds a run's staging (it is in
  the bucket, as the reports are) after all of the above, only caches and task logs.

The stack is brought up once for the module and taken down (purged) at the end, pass or fail.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from touchstone.pipeline import run_day
from touchstone.sample_data import generate_day
from touchstone.settings import Settings
from touchstone.stack import CORE_USER, DAG, WORKER_USERS, Stack, running_stack
from warehouse.location import filesystem
from warehouse.store import read_table

KEYS = {"interaction_scores": ["interaction_id"], "criterion_results": ["interaction_id", "criterion_id"], "agent_daily_scores": ["agent_id"], "quarantine": ["source", "locator"]}
# The nightly run at 02:00 on D scores D-1: this window takes the runs that score 09-29 .. 10-01,
# across eu_core 2.0 coming into force on 2026-10-01.
BACKFILL = {date(2026, 9, 29): "1.0", date(2026, 9, 30): "1.0", date(2026, 10, 1): "2.0"}


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    base = Path(tempfile.mkdtemp(prefix="touchstone-stack-"))
    base.chmod(0o755)  # PostgreSQL runs as its own user and must reach its data folder
    # A lost worker's tasks are found after 30 s without a heartbeat (default 5 minutes).
    heartbeats = {"AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "30", "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5"}
    try:
        with running_stack(base / "stack", base / "data", **heartbeats) as running:
            yield running
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def landing(stack: Stack) -> Path:
    """Where the days are generated before they are delivered to the bucket (and run locally)."""
    return Path(stack.env["TOUCHSTONE_DATA_DIR"]).parent / "landing-local"


def _deliver(stack: Stack, landing: Path, day: date, interactions: int, seed: int) -> None:
    generate_day(landing, day, interactions=interactions, seed=seed)
    stack.deliver(landing, day)


def _same_as_a_local_run(stack: Stack, landing: Path, day: date) -> None:
    """The day's tables read back from the bucket equal a local `touchstone run` of the same files."""
    local = Settings.from_env(data_dir=landing.parent / "local", landing_dir=landing)
    run_day(local, day, run_id=f"local-{day.isoformat()}")
    for name, keys in KEYS.items():
        remote_rows = read_table(stack.warehouse, name, day).drop(columns="run_id").sort_values(keys, ignore_index=True)
        local_rows = read_table(local.warehouse, name, day).drop(columns="run_id").sort_values(keys, ignore_index=True)
        assert len(remote_rows) or name == "quarantine", (name, day)
        pd.testing.assert_frame_equal(remote_rows, local_rows, obj=f"{name} {day}")


def _owner(pid: int) -> str:
    return pwd.getpwuid(int(next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("Uid:")).split()[1])).pw_name


def _can_list(user: str, folder: Path) -> bool:
    return subprocess.run(["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", "--", "ls", str(folder)], capture_output=True).returncode == 0


def test_each_worker_has_a_folder_of_its_own_that_no_other_component_can_read(stack: Stack) -> None:
    """As two machines' disks: mode 0700; as root, each worker runs as its own user, the scheduler,
    dag-processor and API server as a third, and only the folder's worker may even list it."""
    for worker in WORKER_USERS:
        assert (stack.worker_folder(worker).stat().st_mode & 0o777) == 0o700, worker
    if os.geteuid() != 0:
        return  # one user runs everything: the folders are apart, not locked
    assert {worker: _owner(stack.pid(worker)) for worker in WORKER_USERS} == WORKER_USERS
    assert {_owner(stack.pid(c)) for c in ("scheduler", "dag-processor", "api-server")} == {CORE_USER}
    for worker, user in WORKER_USERS.items():
        folder = stack.worker_folder(worker)
        assert folder.owner() == user and _can_list(user, folder), worker
        assert not any(_can_list(other, folder) for other in (CORE_USER, *WORKER_USERS.values()) if other != user), worker


def test_the_shards_of_a_day_run_on_both_celery_workers_and_publish_to_the_bucket(stack: Stack, landing: Path) -> None:
    day = date(2026, 11, 22)
    _deliver(stack, landing, day, interactions=160, seed=5)
    run_id = stack.trigger(day, shard_size=20)
    stack.wait_for_runs([run_id])
    workers = stack.workers_of(run_id, "score")
    assert sorted(workers) == list(range(8)) and set(workers.values()) == {"worker1", "worker2"}, workers
    _same_as_a_local_run(stack, landing, day)
    files, root = filesystem(stack.warehouse.uri, stack.warehouse.storage_options)
    with files.open_input_stream(f"{root}/reports/{day.isoformat()}.html") as page:  # the report task's page, in the bucket
        assert f"{day.isoformat()}" in page.read().decode()


def test_a_backfill_scores_each_date_with_the_version_in_force(stack: Stack, landing: Path) -> None:
    for n, day in enumerate(BACKFILL):
        _deliver(stack, landing, day, interactions=25, seed=30 + n)
    stack.airflow("backfill", "create", "--dag-id", DAG, "--from-date", "2026-09-30", "--to-date", "2026-10-03", "--reprocess-behavior", "completed")
    deadline = time.monotonic() + 120
    while len(runs := [r for (r,) in stack.sql("select run_id from dag_run where dag_id = %s and run_type = 'backfill'", DAG)]) < 3:
        assert time.monotonic() < deadline, runs
        time.sleep(2)
    stack.wait_for_runs(runs)
    for day, version in BACKFILL.items():
        scores = read_table(stack.warehouse, "interaction_scores", day)
        assert (len(scores), set(scores.standard_version)) == (25, {version}), day
        _same_as_a_local_run(stack, landing, day)


def _ancestors(pid: int) -> list[int]:
    chain = []
    while pid > 1:
        chain.append(pid)
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    return chain


def test_a_worker_killed_mid_shard_has_its_task_retried_to_completion(stack: Stack, landing: Path) -> None:
    day = date(2026, 11, 21)
    _deliver(stack, landing, day, interactions=120, seed=9)
    run_id = stack.trigger(day, shard_size=15)
    worker1 = stack.pid("worker1")
    deadline, victim = time.monotonic() + 600, None
    while victim is None:  # a shard being scored in a process of worker1
        assert time.monotonic() < deadline, "no score task ran on worker1"
        for index, pid in stack.sql("select map_index, pid from task_instance where run_id = %s and task_id = 'score' and state = 'running' and pid is not null", run_id):
            if worker1 in _ancestors(pid):
                victim = index
                break
        time.sleep(0.5)
    os.killpg(worker1, signal.SIGKILL)  # the whole worker: its Celery processes, supervisors and tasks
    stack.wait_for_runs([run_id])
    ((state, tries),) = stack.sql("select state, try_number from task_instance where run_id = %s and task_id = 'score' and map_index = %s", run_id, victim)
    assert (state, tries) == ("success", 2)
    assert stack.workers_of(run_id, "score")[victim] == "worker2"
    _same_as_a_local_run(stack, landing, day)


def _owner(pid: int) -> str:
    return pwd.getpwuid(int(next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("Uid:")).split()[1])).pw_name


def _can_list(user: str, folder: Path) -> bool:
    return subprocess.run(["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", "--", "ls", str(folder)], capture_output=True).returncode == 0



def test_no_worker_folder_holds_a_run_s_staging(stack: Stack) -> None:
    """Run last, after the days above: their staging and reports were in the bucket, never in a worker's folder."""
    for worker in WORKER_USERS:
        folder = stack.worker_folder(worker)
        found = [p.relative_to(folder) for p in folder.rglob("*") if p.is_file()]
        staged = [p for p in found if p.parts[:2] == ("data", "staging") or p.suffix in (".parquet", ".jsonl", ".html")]
        assert not staged and not (folder / "data" / "staging").exists(), (worker, staged[:5])
        assert any(p.parts[0] == "airflow" and "run_id=" in str(p) for p in found), worker  # its own task logs
