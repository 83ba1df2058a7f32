"""The nightly DAG: it imports cleanly, is wired as designed, and a real `dag.test()` run publishes
the day to Parquet with the right values (SQLite metadata DB, in-process tasks)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_DAY
from tests.sensitive_day import leaks, write_sensitive_day
from touchstone.sample_data import generate_day, read_ground_truth
from touchstone.settings import Settings
from warehouse.store import read_table

DAGS = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture
def dagbag(airflow_db):
    """Parsed afresh for each test: `dag.test()` keeps a run's params on the DAG object."""
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_dags_import_without_errors(dagbag) -> None:
    assert dagbag.import_errors == {}
    assert sorted(dagbag.dag_ids) == ["touchstone_housekeeping", "touchstone_impact", "touchstone_nightly"]


def test_structure(dagbag) -> None:
    dag = dagbag.get_dag("touchstone_nightly")
    edges = {(t.task_id, d) for t in dag.tasks for d in sorted(t.downstream_task_ids)}
    assert edges == {
        ("plan", "ingest"), ("plan", "score"), ("plan", "aggregate"), ("plan", "publish"), ("plan", "report"),
        ("ingest", "score"), ("score", "aggregate"), ("aggregate", "publish"), ("publish", "report"),
    }
    assert dag.max_active_runs == 1 and not dag.catchup
    assert {a.name for a in dag.get_task("publish").outlets} == {
        "touchstone.criterion_results", "touchstone.interaction_scores", "touchstone.agent_daily_scores", "touchstone.quarantine", "touchstone.runs",
    }
    assert dag.doc_md and "nightly" in dag.doc_md.lower()


def test_nightly_run_scores_the_previous_day_and_publishes_it(dagbag, airflow_db, data_dir: Path) -> None:
    """A cron run at 02:00 on the 23rd scores the 22nd (the data interval is empty in Airflow 3)."""
    settings = Settings.from_env()
    generated = generate_day(settings.landing_dir, SAMPLE_DAY, interactions=60, seed=21)
    dag = dagbag.get_dag("touchstone_nightly")
    run = dag.test(logical_date=datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    assert run.state == "success"

    scores = read_table(settings.warehouse_dir, "interaction_scores", SAMPLE_DAY)
    assert len(scores) == 60 and scores.run_id.str.startswith("airflow-").all()
    results = read_table(settings.warehouse_dir, "criterion_results", SAMPLE_DAY)
    truth = read_ground_truth(generated.ground_truth)
    assert {(r.interaction_id, r.criterion_id): r.outcome for r in results.itertuples()} == {
        (i, c): o for i, row in truth.items() for c, o in row["expected"].items()
    }
    agents = read_table(settings.warehouse_dir, "agent_daily_scores", SAMPLE_DAY)
    assert agents.interactions.sum() == 60 and set(agents.agent_id) == set(scores.agent_id)
    runs = read_table(settings.warehouse_dir, "runs", SAMPLE_DAY)
    assert list(runs[["read", "scored", "quarantined", "status"]].iloc[0]) == [60, 60, 0, "published"]
    report = (settings.reports_dir / f"{SAMPLE_DAY}.html").read_text()
    assert f"report · {SAMPLE_DAY}" in report and runs.run_id.iat[0] in report


def test_date_source_and_standard_params_and_a_rerun_replace_the_day(dagbag, airflow_db, data_dir: Path, tmp_path: Path) -> None:
    settings = Settings.from_env()
    elsewhere = tmp_path / "bucket"
    generate_day(elsewhere, SAMPLE_DAY, interactions=30, seed=22)
    dag = dagbag.get_dag("touchstone_nightly")
    for attempt in range(2):
        run = dag.test(run_conf={"date": SAMPLE_DAY.isoformat(), "standard": "eu_core@1.0", "source": elsewhere.as_uri()})
        assert run.state == "success"
    scores = read_table(settings.warehouse_dir, "interaction_scores", SAMPLE_DAY)
    assert len(scores) == 30 and set(scores.standard_version) == {"1.0"}
    assert len(read_table(settings.warehouse_dir, "runs", SAMPLE_DAY)) == 2


def test_the_routing_param_scores_each_interaction_with_its_lines_standards(dagbag, airflow_db, data_dir: Path) -> None:
    settings = Settings.from_env()
    generated = generate_day(settings.landing_dir, SAMPLE_DAY, interactions=40, seed=23, lines_of_business=True)
    run = dagbag.get_dag("touchstone_nightly").test(run_conf={"date": SAMPLE_DAY.isoformat(), "routing": "lines_of_business", "shard_size": 15})
    assert run.state == "success"
    results = read_table(settings.warehouse_dir, "criterion_results", SAMPLE_DAY)
    truth = read_ground_truth(generated.ground_truth)
    assert {(r.interaction_id, r.standard_id, r.criterion_id): r.outcome for r in results.itertuples()} == {
        (i, s, c): o for i, row in truth.items() for s, verdicts in row["by_standard"].items() for c, o in verdicts.items()
    }
    runs = read_table(settings.warehouse_dir, "runs", SAMPLE_DAY)
    assert (runs.routing_id.iat[-1], runs.scored.iat[-1]) == ("lines_of_business", 40)
    assert (settings.reports_dir / f"{SAMPLE_DAY}.sales.html").exists() and (settings.reports_dir / f"{SAMPLE_DAY}.support.html").exists()


def test_a_missing_delivery_fails_the_run(dagbag, airflow_db, data_dir: Path) -> None:
    dag = dagbag.get_dag("touchstone_nightly")
    run = dag.test(run_conf={"date": "2026-11-20"})
    assert run.state == "failed"
    assert not (Settings.from_env().warehouse_dir / "interaction_scores").exists()


def test_a_sharded_run_publishes_the_same_rows_as_one_process(dagbag, airflow_db, data_dir: Path, tmp_path: Path, monkeypatch) -> None:
    from touchstone.pipeline import run_day

    landing = tmp_path / "landing"
    monkeypatch.setenv("TOUCHSTONE_LANDING_DIR", str(landing))
    generate_day(landing, SAMPLE_DAY, interactions=45, seed=23)
    single = Settings.from_env(data_dir=tmp_path / "single")
    run_day(single, SAMPLE_DAY, run_id="single", shard_size=10_000)
    run = dagbag.get_dag("touchstone_nightly").test(run_conf={"date": SAMPLE_DAY.isoformat(), "shard_size": 10})
    assert run.state == "success"
    mapped = [ti for ti in run.get_task_instances() if ti.task_id == "score"]
    assert sorted(ti.map_index for ti in mapped) == [0, 1, 2, 3, 4]  # 45 interactions, 10 a shard
    sharded = Settings.from_env()
    for table in ("criterion_results", "interaction_scores", "agent_daily_scores", "quarantine"):
        a = read_table(single.warehouse_dir, table, SAMPLE_DAY).drop(columns="run_id")
        b = read_table(sharded.warehouse_dir, table, SAMPLE_DAY).drop(columns="run_id")
        assert len(a) > 0 or table == "quarantine"
        assert a.equals(b), table


def test_task_logs_hold_no_sensitive_value(dagbag, airflow_db, data_dir: Path, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    """What the tasks log (captured at the file descriptors, from the loggers, and any log file in
    the Airflow home) over a day full of card numbers, addresses and phone numbers: none in clear."""
    settings = Settings.from_env()
    values = write_sensitive_day(settings.landing_dir, SAMPLE_DAY, interactions=60)
    caplog.set_level("DEBUG")
    run = dagbag.get_dag("touchstone_nightly").test(run_conf={"date": SAMPLE_DAY.isoformat()})
    assert run.state == "success"
    out, err = capfd.readouterr()
    files = {str(p): p.read_text(errors="replace") for p in (airflow_db / "logs").rglob("*") if p.is_file()}
    assert "Returned value was" in out + err + caplog.text + "".join(files.values())  # the task logs were seen
    found = leaks(data_dir, values, stdout=out, stderr=err, records=caplog.text, **files)
    assert not found, found[:5]
