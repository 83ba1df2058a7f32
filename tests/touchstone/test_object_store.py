"""A day read from a bucket and published to a bucket, through an Airflow connection, on a real S3
endpoint (moto's server on loopback): the same tables as the same day run on local folders, with the
run's staging in the bucket too (nothing of the day on the local disk), and one clear error naming
the URL when the bucket, the keys or the endpoint are wrong."""

from __future__ import annotations

import gzip
import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
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
from touchstone.steps.aggregate import aggregate
from touchstone.steps.ingest import ingest
from touchstone.steps.plan import plan_run
from touchstone.steps.publish import publish
from touchstone.steps.score import score
from touchstone.steps.staging import staging
from warehouse import store
from warehouse.staging import StagingError
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
    staged: list[str] = []
    real_publish = store.publish

    def publish_seen(*args: object, **kwargs: object) -> None:  # what the bucket holds as publish starts
        staged.extend(o["Key"] for o in client.list_objects_v2(Bucket=bucket, Prefix="warehouse/_staging/")["Contents"])
        real_publish(*args, **kwargs)  # type: ignore[arg-type]

    store.publish = publish_seen  # type: ignore[assignment]
    try:
        summary = run_day(remote, DAY, run_id="remote", processes=2, shard_size=25)  # scoring workers forked after the bucket is used
    finally:
        store.publish = real_publish  # type: ignore[assignment]

    assert (summary["read"], summary["scored"], summary["quarantined"]) == (61, 60, 1)
    assert summary["warehouse"] == f"{s3_bucket}/warehouse"
    assert not (tmp_path / "remote" / "warehouse").exists()  # nothing of the tables on local disk
    assert not (tmp_path / "remote" / "staging").exists()  # nor of the run's staging
    run = f"warehouse/_staging/{DAY.isoformat()}/remote"
    assert {f"{run}/shards/interactions-0000{n}.parquet" for n in range(3)} | {f"{run}/counts.json", f"{run}/criterion_results.parquet"} <= set(staged)
    assert in_force(remote.warehouse) == {DAY.isoformat(): "remote"}
    for name, frame in _tables(remote).items():
        pd.testing.assert_frame_equal(frame, _tables(local)[name], obj=name)
    stored = {o["Key"] for o in client.list_objects_v2(Bucket=bucket, Prefix="warehouse/")["Contents"]}
    assert f"warehouse/checks/date={DAY.isoformat()}/remote.json" in stored
    assert {key.split("/")[1] for key in stored} == {*(t.name for t in PUBLISHED), "checks", "_staging", "reports"}
    assert [key for key in stored if key.startswith("warehouse/_staging/")] == [f"warehouse/_staging/{DAY.isoformat()}/"]  # publish removed the run's staging: an empty folder marker is left
    assert any(key.startswith("warehouse/criterion_results/_delta_log/") for key in stored)
    # The report read the bucket and was written to it, where any worker of a cluster reaches it.
    assert summary["report"] == f"{s3_bucket}/warehouse/reports/{DAY.isoformat()}.html" and not (tmp_path / "remote" / "reports").exists()
    page = client.get_object(Bucket=bucket, Key=f"warehouse/reports/{DAY.isoformat()}.html")["Body"].read().decode()
    assert page.startswith("<!DOCTYPE html>") and "run remote" in page and "run local" not in page


def test_the_connection_gives_the_credentials_and_endpoint(connection: str, s3_endpoint: dict[str, str]) -> None:
    options = storage_options(connection)
    assert options == {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
                       "AWS_ENDPOINT_URL": s3_endpoint["AWS_ENDPOINT_URL"], "AWS_ALLOW_HTTP": "true"}  # fmt: skip
    assert "testing" not in repr(Settings.from_env(warehouse_url="s3://b/w", warehouse_conn_id=connection).warehouse)


def test_an_unknown_connection_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(TouchstoneError, match="the warehouse connection 'no_such_conn' cannot be read"):
        storage_options("no_such_conn")


def _day_in(tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    generate_day(landing, DAY, interactions=12, seed=5)
    return landing


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"warehouse_url": "s3://no-such-bucket/warehouse"}, "s3://no-such-bucket/warehouse/_staging/2026-11-22/r/"),
        ({"staging_url": "s3://no-such-bucket/staging"}, "s3://no-such-bucket/staging/2026-11-22/r/"),  # a staging prefix that cannot be written
        ({"AWS_ENDPOINT_URL": "closed"}, "/warehouse/_staging/2026-11-22/r"),
    ],
    ids=["missing bucket", "unwritable staging prefix", "unreachable endpoint"],
)
def test_a_staging_area_that_cannot_be_used_is_one_clear_error_and_nothing_is_published(
    where: dict[str, str], expected: str, tmp_path: Path, s3_bucket: str, s3_endpoint: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in s3_endpoint.items():
        monkeypatch.setenv(name, value)
    if where.get("AWS_ENDPOINT_URL") == "closed":
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_closed_port()}")
    chosen = {"warehouse_url": f"{s3_bucket}/warehouse"} | {k: v for k, v in where.items() if not k.startswith("AWS")}
    settings = Settings.from_env(data_dir=tmp_path / "data", landing_dir=_day_in(tmp_path), **chosen)
    with pytest.raises(StagingError) as raised:
        run_day(settings, DAY, run_id="r")
    message = str(raised.value)
    assert expected in message and "Traceback" not in message and "\n" in message and message.count("\n") == 1  # the error and its hint
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint["AWS_ENDPOINT_URL"])
    assert in_force(Settings.from_env(warehouse_url=f"{s3_bucket}/warehouse").warehouse) == {}
    assert not (tmp_path / "data" / "staging").exists()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the probe is


def test_a_staged_file_lost_before_publish_is_named_and_nothing_is_published(tmp_path: Path, s3_bucket: str, s3_endpoint: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in s3_endpoint.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env(data_dir=tmp_path / "data", landing_dir=_day_in(tmp_path), warehouse_url=f"{s3_bucket}/warehouse")
    plan = plan_run(settings, DAY, "lost")
    for step in (ingest, score, aggregate):
        step(settings, plan)
    folder = staging(settings, plan)
    folder.filesystem.delete_file(folder.path("criterion_results.parquet"))
    with pytest.raises(StagingError, match=f"cannot read the staging area {s3_bucket}/warehouse/_staging/2026-11-22/lost/criterion_results.parquet"):
        publish(settings, plan)
    assert in_force(settings.warehouse) == {}


@pytest.fixture(scope="module")
def keys_checked() -> Iterator[str]:
    """An S3 endpoint (moto's server on loopback) that checks the keys of every request after its
    first, which creates the bucket `guarded`: no key is known to it, so every later request is
    refused as an unknown key would be. Stopped when the module's tests end."""
    import boto3

    port = _closed_port()
    endpoint = f"http://127.0.0.1:{port}"
    moto = Path(sys.executable).with_name("moto_server")
    server = subprocess.Popen([str(moto), "-H", "127.0.0.1", "-p", str(port)], env={"INITIAL_NO_AUTH_ACTION_COUNT": "1", "PATH": ""}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):  # until it listens (a connection, not a request: the request is the bucket's)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="k", aws_secret_access_key="s", region_name="us-east-1").create_bucket(Bucket="guarded")
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_wrong_keys_are_one_clear_error_naming_the_staging_url(keys_checked: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"AWS_ENDPOINT_URL": keys_checked, "AWS_ACCESS_KEY_ID": "wrong", "AWS_SECRET_ACCESS_KEY": "wrong", "AWS_REGION": "us-east-1", "AWS_ALLOW_HTTP": "true"}.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env(data_dir=tmp_path / "data", landing_dir=_day_in(tmp_path), warehouse_url="s3://guarded/warehouse")
    with pytest.raises(StagingError, match=r"cannot \w+ the staging area s3://guarded/warehouse/_staging/2026-11-22/r.*(ACCESS_DENIED|INVALID_ACCESS_KEY_ID)"):
        run_day(settings, DAY, run_id="r")
    assert not (tmp_path / "data" / "staging").exists()
