"""The nightly DAG on a production-like stack, through the real scheduler: Airflow on PostgreSQL,
two Celery workers on Redis, scheduler, API server and DAG processor as separate processes
(`scripts/stack.sh`), transcripts and tables on an S3 endpoint (moto's server) through an Airflow
connection. What it proves, each from the metadata database or the tables read back:

- the mapped `score` tasks run on both Celery workers (the Celery results name the worker);
- `airflow backfill create` over three nights scores each date with the version in force on it;
- a worker killed (SIGKILL, its whole process group) in the middle of a shard has its task retried
  to completion by the other worker;
- every day's tables, read back from the S3 endpoint, equal a local `touchstone run` of the day.

The stack is brought up once for the module and taken down (purged) at the end, pass or fail.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import boto3
import pandas as pd
import psycopg2
import pytest

from touchstone.pipeline import run_day
from touchstone.sample_data import generate_day
from touchstone.settings import Settings
from warehouse.location import Warehouse
from warehouse.store import read_table

ROOT = Path(__file__).resolve().parents[1]
DAG = "touchstone_nightly"
BUCKET = "touchstone"
KEYS = {"interaction_scores": ["interaction_id"], "criterion_results": ["interaction_id", "criterion_id"], "agent_daily_scores": ["agent_id"], "quarantine": ["source", "locator"]}
# The nightly run at 02:00 on D scores D-1: this window takes the runs that score 09-29 .. 10-01,
# across eu_core 2.0 coming into force on 2026-10-01.
BACKFILL = {date(2026, 9, 29): "1.0", date(2026, 9, 30): "1.0", date(2026, 10, 1): "2.0"}


@dataclass
class Stack:
    env: dict[str, str]  # the environment of env.sh: airflow CLI, the metadata DB, the S3 endpoint
    base: Path
    local_landing: Path

    def airflow(self, *args: str, timeout: int = 120) -> str:
        result = subprocess.run([str(ROOT / ".venv" / "bin" / "airflow"), *args], env=self.env, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, f"airflow {' '.join(args)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        return result.stdout

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        dsn = self.env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].replace("postgresql+psycopg2://", "postgresql://")
        with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall()

    @property
    def warehouse(self) -> Warehouse:
        options = {k: self.env[k] for k in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_ALLOW_HTTP")}
        return Warehouse.at(f"s3://{BUCKET}/warehouse", options)

    def land(self, day: date, interactions: int, seed: int) -> None:
        """Generate a day locally and deliver the same files to the bucket's landing area."""
        generate_day(self.local_landing, day, interactions=interactions, seed=seed)
        client = boto3.client("s3", endpoint_url=self.env["AWS_ENDPOINT_URL"], aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
        for path in (self.local_landing / day.isoformat()).iterdir():
            client.upload_file(str(path), BUCKET, f"landing/{day.isoformat()}/{path.name}")

    def wait_for_runs(self, run_ids: list[str] | str, timeout: int = 900) -> None:
        """Until every run succeeded; fails at once when one failed, with its task states."""
        wanted = [run_ids] if isinstance(run_ids, str) else run_ids
        deadline = time.monotonic() + timeout
        while True:
            states = dict(self.sql("select run_id, state from dag_run where dag_id = %s and run_id = any(%s)", DAG, wanted))
            if any(s == "failed" for s in states.values()):
                tasks = self.sql("select run_id, task_id, map_index, state, try_number from task_instance where run_id = any(%s) order by 1, 2, 3", wanted)
                pytest.fail(f"a run failed: {states}\n" + "\n".join(map(str, tasks)) + "\n" + self.log_tail("scheduler"))
            if len(states) == len(wanted) and all(s == "success" for s in states.values()):
                return
            assert time.monotonic() < deadline, f"runs not done in {timeout}s: {states}\n{self.log_tail('scheduler')}"
            time.sleep(3)

    def log_tail(self, component: str, lines: int = 40) -> str:
        path = Path(self.env["TOUCHSTONE_STACK_DIR"]) / "logs" / f"{component}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def trigger(self, day: date, shard_size: int) -> str:
        run_id = f"stack-{day.isoformat()}"
        self.airflow("dags", "trigger", DAG, "--run-id", run_id, "--conf", json.dumps({"date": day.isoformat(), "shard_size": shard_size}))
        return run_id

    def same_as_a_local_run(self, day: date) -> None:
        """The day's tables read back from the bucket equal a local `touchstone run` of the same files."""
        local = Settings.from_env(data_dir=self.base / "local", landing_dir=self.local_landing)
        run_day(local, day, run_id=f"local-{day.isoformat()}")
        for name, keys in KEYS.items():
            remote_rows = read_table(self.warehouse, name, day).drop(columns="run_id").sort_values(keys, ignore_index=True)
            local_rows = read_table(local.warehouse, name, day).drop(columns="run_id").sort_values(keys, ignore_index=True)
            assert len(remote_rows) or name == "quarantine", (name, day)
            pd.testing.assert_frame_equal(remote_rows, local_rows, obj=f"{name} {day}")


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    base = Path(tempfile.mkdtemp(prefix="touchstone-stack-"))
    base.chmod(0o755)  # PostgreSQL runs as its own user and must reach its data folder
    env = {
        **os.environ,
        "TOUCHSTONE_STACK_DIR": str(base / "stack"),
        "TOUCHSTONE_DATA_DIR": str(base / "data"),  # staging, shared by the workers of this one machine
        "TOUCHSTONE_LANDING_URL": f"s3://{BUCKET}/landing",
        "TOUCHSTONE_LANDING_CONN_ID": "touchstone_s3",
        "TOUCHSTONE_WAREHOUSE_URL": f"s3://{BUCKET}/warehouse",
        "TOUCHSTONE_WAREHOUSE_CONN_ID": "touchstone_s3",
        # A lost worker's tasks are found after 30 s without a heartbeat (default 5 minutes).
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "30",
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
    }
    for name in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        env.pop(name, None)  # the connection must carry them
    script = str(ROOT / "scripts" / "stack.sh")
    up = subprocess.run(["bash", script, "up"], env=env, capture_output=True, text=True, timeout=900)
    try:
        assert up.returncode == 0, up.stdout[-4000:] + up.stderr[-4000:]
        sourced = subprocess.run(["bash", "-c", f'source "{base}/stack/env.sh" && env -0'], env=env, capture_output=True, text=True, check=True)
        stack = Stack(dict(line.split("=", 1) for line in sourced.stdout.split("\0") if "=" in line), base, base / "landing-local")
        stack.airflow("dags", "unpause", DAG)  # the latest nightly run starts too, and fails: no delivery for its date
        yield stack
    finally:
        down = subprocess.run(["bash", script, "down", "--purge"], env=env, capture_output=True, text=True, timeout=300)
        shutil.rmtree(base, ignore_errors=True)
        assert down.returncode == 0, down.stdout[-2000:] + down.stderr[-2000:]


def _workers_of(stack: Stack, run_id: str, task_id: str) -> dict[int, str]:
    """map index -> Celery worker that ran the task's last try (from Celery's result table)."""
    rows = stack.sql(
        """select ti.map_index, m.worker from task_instance ti join celery_taskmeta m on m.task_id = ti.external_executor_id
           where ti.dag_id = %s and ti.run_id = %s and ti.task_id = %s and ti.state = 'success'""",
        DAG, run_id, task_id,
    )  # fmt: skip
    return {index: worker.split("@")[0] for index, worker in rows}


def test_the_shards_of_a_day_run_on_both_celery_workers_and_publish_to_the_bucket(stack: Stack) -> None:
    day = date(2026, 11, 22)
    stack.land(day, interactions=160, seed=5)
    run_id = stack.trigger(day, shard_size=20)
    stack.wait_for_runs(run_id)
    workers = _workers_of(stack, run_id, "score")
    assert sorted(workers) == list(range(8)) and set(workers.values()) == {"worker1", "worker2"}, workers
    stack.same_as_a_local_run(day)


def test_a_backfill_scores_each_date_with_the_version_in_force(stack: Stack) -> None:
    for n, day in enumerate(BACKFILL):
        stack.land(day, interactions=25, seed=30 + n)
    stack.airflow("backfill", "create", "--dag-id", DAG, "--from-date", "2026-09-30", "--to-date", "2026-10-03", "--reprocess-behavior", "completed")
    deadline = time.monotonic() + 120
    while len(runs := [r for (r,) in stack.sql("select run_id from dag_run where dag_id = %s and run_type = 'backfill'", DAG)]) < 3:
        assert time.monotonic() < deadline, runs
        time.sleep(2)
    stack.wait_for_runs(runs)
    for day, version in BACKFILL.items():
        scores = read_table(stack.warehouse, "interaction_scores", day)
        assert (len(scores), set(scores.standard_version)) == (25, {version}), day
        stack.same_as_a_local_run(day)


def _ancestors(pid: int) -> list[int]:
    chain = []
    while pid > 1:
        chain.append(pid)
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    return chain


def test_a_worker_killed_mid_shard_has_its_task_retried_to_completion(stack: Stack) -> None:
    day = date(2026, 11, 21)
    stack.land(day, interactions=120, seed=9)
    run_id = stack.trigger(day, shard_size=15)
    worker1 = int((Path(stack.env["TOUCHSTONE_STACK_DIR"]) / "run" / "worker1.pid").read_text())
    deadline, victim = time.monotonic() + 600, None
    while victim is None:  # a shard being scored in a process of worker1
        assert time.monotonic() < deadline, "no score task ran on worker1"
        for index, pid in stack.sql("select map_index, pid from task_instance where run_id = %s and task_id = 'score' and state = 'running' and pid is not null", run_id):
            if worker1 in _ancestors(pid):
                victim = index
                break
        time.sleep(0.5)
    os.killpg(worker1, signal.SIGKILL)  # the whole worker: its Celery processes, supervisors and tasks
    stack.wait_for_runs(run_id)
    ((state, tries),) = stack.sql("select state, try_number from task_instance where run_id = %s and task_id = 'score' and map_index = %s", run_id, victim)
    assert (state, tries) == ("success", 2)
    assert _workers_of(stack, run_id, "score")[victim] == "worker2"
    stack.same_as_a_local_run(day)
