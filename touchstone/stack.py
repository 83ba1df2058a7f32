"""Driving the production-like stack of `scripts/stack.sh` from Python: the stack test and the
benchmark bring it up, deliver a day to its bucket, trigger the nightly DAG and read what happened
from the metadata database (PostgreSQL), then take it down.

Needs the `stack` extra (psycopg2, boto3). The stack's own environment (`env.sh`: the Airflow
settings, the S3 endpoint) is read back after `up`, so everything here talks to that stack only.
Its two Celery workers share nothing but the bucket and the database: each has its own folder
(`worker_folder`), and, when `up` runs as root, its own OS user (`WORKER_USERS`).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from foundation.errors import TouchstoneError
from touchstone.settings import PROJECT_ROOT
from warehouse.location import Warehouse

DAG = "touchstone_nightly"
BUCKET = "touchstone"  # created by `stack.sh up` on its S3 endpoint
CONNECTION = "touchstone_s3"  # the Airflow connection to that endpoint, defined by `stack.sh up`
SCRIPT = PROJECT_ROOT / "scripts" / "stack.sh"
WORKER_USERS = {"worker1": "touchstone-worker1", "worker2": "touchstone-worker2"}  # as root: who runs each worker
CORE_USER = "touchstone-airflow"  # as root: who runs the scheduler, dag-processor and API server


@dataclass
class Stack:
    env: dict[str, str]  # env.sh of the stack on top of the caller's environment

    @property
    def folder(self) -> Path:
        return Path(self.env["TOUCHSTONE_STACK_DIR"])

    @property
    def warehouse(self) -> Warehouse:
        """The bucket's warehouse, as the workers write it."""
        options = {k: self.env[k] for k in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_ALLOW_HTTP")}
        return Warehouse.at(f"s3://{BUCKET}/warehouse", options)

    def worker_folder(self, worker: str) -> Path:
        """A worker's own folder, as another machine's disk: `data` (its TOUCHSTONE_DATA_DIR), `home`,
        `cache`, `tmp` and `airflow` (its task logs)."""
        return self.folder / "workers" / worker

    def airflow(self, *args: str, timeout: int = 120) -> str:
        result = subprocess.run([str(PROJECT_ROOT / ".venv" / "bin" / "airflow"), *args], env=self.env, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise TouchstoneError(f"airflow {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result.stdout

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        """A query on the Airflow metadata database."""
        import psycopg2

        dsn = self.env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].replace("postgresql+psycopg2://", "postgresql://")
        with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall()

    def deliver(self, landing: Path, day: date) -> None:
        """Copy a day's landing files from a local landing folder to the bucket's landing area."""
        import boto3

        client = boto3.client(
            "s3", endpoint_url=self.env["AWS_ENDPOINT_URL"], aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"], region_name=self.env["AWS_REGION"],
        )  # fmt: skip
        for path in sorted((landing / day.isoformat()).iterdir()):
            client.upload_file(str(path), BUCKET, f"landing/{day.isoformat()}/{path.name}")

    def trigger(self, day: date, shard_size: int | None = None) -> str:
        """Trigger the nightly DAG for `day`; its run id."""
        run_id = f"stack-{day.isoformat()}-{time.time_ns() % 10**9}"
        conf: dict[str, Any] = {"date": day.isoformat()} | ({"shard_size": shard_size} if shard_size else {})
        self.airflow("dags", "trigger", DAG, "--run-id", run_id, "--conf", json.dumps(conf))
        return run_id

    def wait_for_runs(self, run_ids: list[str], timeout: float = 900) -> None:
        """Until every run succeeded; an error naming the task states as soon as one failed."""
        deadline = time.monotonic() + timeout
        while True:
            states = dict(self.sql("select run_id, state from dag_run where dag_id = %s and run_id = any(%s)", DAG, run_ids))
            if any(s == "failed" for s in states.values()):
                tasks = self.sql("select run_id, task_id, map_index, state, try_number from task_instance where run_id = any(%s) order by 1, 2, 3", run_ids)
                raise TouchstoneError(f"a run failed: {states}\n" + "\n".join(map(str, tasks)) + "\n" + self.log_tail("scheduler"))
            if len(states) == len(run_ids) and all(s == "success" for s in states.values()):
                return
            if time.monotonic() > deadline:
                raise TouchstoneError(f"runs not done in {timeout:.0f} s: {states}\n{self.log_tail('scheduler')}")
            time.sleep(3)

    def duration(self, run_id: str) -> float:
        """Seconds from the run's start to its end, as the scheduler recorded them."""
        ((seconds,),) = self.sql("select extract(epoch from end_date - start_date) from dag_run where run_id = %s", run_id)
        return float(seconds)

    def workers_of(self, run_id: str, task_id: str) -> dict[int, str]:
        """map index -> the Celery worker (`worker1`, `worker2`) that ran the task's successful try."""
        rows = self.sql(
            """select ti.map_index, m.worker from task_instance ti join celery_taskmeta m on m.task_id = ti.external_executor_id
               where ti.dag_id = %s and ti.run_id = %s and ti.task_id = %s and ti.state = 'success'""",
            DAG, run_id, task_id,
        )  # fmt: skip
        return {index: worker.split("@")[0] for index, worker in rows}

    def pid(self, component: str) -> int:
        """The process (group leader) of a component: `worker1`, `scheduler`, ..."""
        return int((self.folder / "run" / f"{component}.pid").read_text())

    def log_tail(self, component: str, lines: int = 40) -> str:
        path = self.folder / "logs" / f"{component}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def _script(command: str, env: Mapping[str, str], timeout: int) -> None:
    done = subprocess.run(["bash", str(SCRIPT), *command.split()], env=dict(env), capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise TouchstoneError(f"scripts/stack.sh {command} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")


@contextmanager
def running_stack(folder: Path, data_dir: Path, **env: str) -> Iterator[Stack]:
    """Bring the stack up in `folder`, with transcripts, tables and the runs' staging in its bucket
    through its Airflow connection (`data_dir`: the scheduler's data folder; each worker has its
    own); take it down and purge it afterwards, whatever happened. `env` adds settings for every
    component (read when they start)."""
    environment = {
        **os.environ,
        "TOUCHSTONE_STACK_DIR": str(folder),
        "TOUCHSTONE_DATA_DIR": str(data_dir),
        "TOUCHSTONE_LANDING_URL": f"s3://{BUCKET}/landing",
        "TOUCHSTONE_LANDING_CONN_ID": CONNECTION,
        "TOUCHSTONE_WAREHOUSE_URL": f"s3://{BUCKET}/warehouse",
        "TOUCHSTONE_WAREHOUSE_CONN_ID": CONNECTION,
        **env,
    }
    for name in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        environment.pop(name, None)  # the workers must get them from the connection
    try:
        _script("up", environment, timeout=900)
        sourced = subprocess.run(["bash", "-c", f'source "{folder}/env.sh" && env -0'], env=environment, capture_output=True, text=True, check=True)
        stack = Stack(dict(line.split("=", 1) for line in sourced.stdout.split("\0") if "=" in line))
        # As an operator does it: a shell without the venv, `source env.sh`, then `airflow`. The
        # latest nightly run starts too, and fails: no delivery for its date.
        plain = {**environment, "PATH": "/usr/bin:/bin"}
        subprocess.run(["bash", "-c", f'source "{folder}/env.sh" && airflow dags unpause {DAG}'], env=plain, capture_output=True, text=True, check=True, timeout=120)
        yield stack
    finally:
        _script("down --purge", environment, timeout=300)
