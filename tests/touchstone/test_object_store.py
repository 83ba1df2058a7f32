"""A day read from a bucket and published to a bucket, through an Airflow connection, on a real S3
endpoint (moto's server on loopback): the same tables as the same day run on local folders."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import date
from pathlib import Path

import boto3
import pandas as pd
import pytest

from foundation.errors import TouchstoneError
from touchstone.object_store import storage_options
from touchstone.pipeline import run_day
from touchstone.sample_data import generate_day
from touchstone.settings import Settings
from warehouse.store import in_force, read_table
from warehouse.tables import PUBLISHED

DAY = date(2026, 11, 22)
CONN = "touchstone_s3"
KEYS = {"interaction_scores": ["interaction_id"], "criterion_results": ["interaction_id", "criterion_id"], "agent_daily_scores": ["agent_id"], "quarantine": ["source", "locator"]}


@pytest.fixture
def connection(s3_endpoint: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> str:
    """The Airflow connection to the endpoint, as a deployment defines it (here: an AIRFLOW_CONN_ variable)."""
    extra = {"endpoint_url": s3_endpoint["AWS_ENDPOINT_URL"], "region_name": "us-east-1"}
    monkeypatch.setenv(f"AIRFLOW_CONN_{CONN.upper()}", json.dumps({"conn_type": "aws", "login": "testing", "password": "testing", "extra": extra}))
    for name in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):  # only the connection may get it there
        monkeypatch.delenv(name, raising=False)
    return CONN


def _tables(settings: Settings) -> dict[str, pd.DataFrame]:
    return {
        name: read_table(settings.warehouse, name, DAY).drop(columns="run_id").sort_values(keys, ignore_index=True)
        for name, keys in KEYS.items()
    }


def test_a_day_landed_in_a_bucket_publishes_to_a_bucket_what_local_folders_give(tmp_path: Path, s3_bucket: str, s3_endpoint: dict[str, str], connection: str) -> None:
    landing = tmp_path / "landing"
    generate_day(landing, DAY, interactions=60, seed=21)
    folder = landing / DAY.isoformat()
    with (folder / "voice.jsonl").open("rb") as plain, gzip.open(folder / "voice.jsonl.gz", "wb") as packed:
        shutil.copyfileobj(plain, packed)  # gzip as deliveries come
    (folder / "voice.jsonl").unlink()
    (folder / "broken.jsonl").write_text('{"interaction_id": "b-1", \n')
    local = Settings.from_env(data_dir=tmp_path / "local", landing_dir=landing)
    run_day(local, DAY, run_id="local")

    client = boto3.client("s3", endpoint_url=s3_endpoint["AWS_ENDPOINT_URL"], aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    bucket = s3_bucket.removeprefix("s3://")
    for path in folder.iterdir():
        client.upload_file(str(path), bucket, f"landing/{DAY.isoformat()}/{path.name}")
    remote = Settings.from_env(
        data_dir=tmp_path / "remote", landing_url=f"{s3_bucket}/landing", landing_conn_id=connection, warehouse_url=f"{s3_bucket}/warehouse", warehouse_conn_id=connection
    )
    summary = run_day(remote, DAY, run_id="remote")

    assert (summary["read"], summary["scored"], summary["quarantined"]) == (61, 60, 1)
    assert summary["warehouse"] == f"{s3_bucket}/warehouse"
    assert not (tmp_path / "remote" / "warehouse").exists()  # nothing of the tables on local disk
    assert in_force(remote.warehouse) == {DAY.isoformat(): "remote"}
    for name, frame in _tables(remote).items():
        pd.testing.assert_frame_equal(frame, _tables(local)[name], obj=name)
    stored = {o["Key"] for o in client.list_objects_v2(Bucket=bucket, Prefix="warehouse/")["Contents"]}
    assert f"warehouse/checks/date={DAY.isoformat()}/remote.json" in stored
    assert {key.split("/")[1] for key in stored} == {*(t.name for t in PUBLISHED), "checks"}
    assert any(key.startswith("warehouse/criterion_results/_delta_log/") for key in stored)
    assert (tmp_path / "remote" / "reports" / f"{DAY.isoformat()}.html").exists()  # the report read the bucket


def test_the_connection_gives_the_credentials_and_endpoint(connection: str, s3_endpoint: dict[str, str]) -> None:
    options = storage_options(connection)
    assert options == {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
                       "AWS_ENDPOINT_URL": s3_endpoint["AWS_ENDPOINT_URL"], "AWS_ALLOW_HTTP": "true"}  # fmt: skip
    assert "testing" not in repr(Settings.from_env(warehouse_url="s3://b/w", warehouse_conn_id=connection).warehouse)


def test_an_unknown_connection_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(TouchstoneError, match="the warehouse connection 'no_such_conn' cannot be read"):
        storage_options("no_such_conn")
