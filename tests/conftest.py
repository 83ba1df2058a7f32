"""Shared fixtures. Airflow runs against its own SQLite DB under data/airflow-test (git-ignored),
set before anything imports Airflow, so tests never touch the demo's Airflow home."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ["AIRFLOW_HOME"] = str(ROOT / "data" / "airflow-test")
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(ROOT / "dags")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ.pop("TOUCHSTONE_DATA_DIR", None)
os.environ.pop("TOUCHSTONE_LANDING_DIR", None)
os.environ.pop("TOUCHSTONE_STANDARDS_DIR", None)

SAMPLE_DAY = date(2026, 11, 22)


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """A fresh, migrated Airflow metadata DB (SQLite), created once per session."""
    home = Path(os.environ["AIRFLOW_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "airflow.db").unlink(missing_ok=True)  # no DAG runs or assets left from an earlier session
    airflow = Path(sys.executable).with_name("airflow")
    result = subprocess.run([str(airflow), "db", "migrate"], capture_output=True, text=True, env=os.environ.copy())
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return home


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data folder, also set in the environment for code that reads Settings.from_env()."""
    folder = tmp_path / "data"
    monkeypatch.setenv("TOUCHSTONE_DATA_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def scored_sample_day(tmp_path_factory: pytest.TempPathFactory):
    """A generated sample day scored once by the pipeline: (settings, generated day)."""
    from touchstone.pipeline import run_day
    from touchstone.sample_data import generate_day
    from touchstone.settings import Settings

    data = tmp_path_factory.mktemp("sample") / "data"
    settings = Settings.from_env(data_dir=data, landing_dir=data / "landing")
    generated = generate_day(settings.landing_dir, SAMPLE_DAY, interactions=300, seed=11)
    run_day(settings, SAMPLE_DAY, run_id="sample-run")
    return settings, generated


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[dict[str, str]]:
    """An S3 API on loopback (moto's server, a real HTTP endpoint in its own process) for the
    session: the storage options that reach it. Stopped when the session ends."""
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(endpoint, timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1", "AWS_ALLOW_HTTP": "true"}
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def s3_bucket(s3_endpoint: dict[str, str], request: pytest.FixtureRequest) -> str:
    """A new, empty bucket for one test: its s3:// URL."""
    import uuid

    import boto3

    name = "t-" + re.sub(r"[^a-z0-9-]+", "-", request.node.name.lower())[:40].strip("-") + "-" + uuid.uuid4().hex[:8]
    client = boto3.client("s3", endpoint_url=s3_endpoint["AWS_ENDPOINT_URL"], aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    client.create_bucket(Bucket=name)
    return f"s3://{name}"
