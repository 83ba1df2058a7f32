"""The impact DAG: wired as designed, and a real `dag.test()` run over two dates gives the same
comparison as `touchstone standards impact`, publishing nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from tests.builders import write_draft
from touchstone.impact import impact
from touchstone.pipeline import run_day
from touchstone.sample_data import generate_day
from touchstone.settings import Settings
from warehouse.store import in_force

DAGS = Path(__file__).resolve().parents[2] / "dags"
DAYS = [date(2026, 11, 21), date(2026, 11, 22)]


@pytest.fixture
def dag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS)).get_dag("touchstone_impact")


def test_structure(dag) -> None:
    edges = {(t.task_id, d) for t in dag.tasks for d in sorted(t.downstream_task_ids)}
    assert edges == {
        ("plan", "ingest"), ("plan", "aggregate"), ("plan", "compare"), ("ingest", "jobs"), ("jobs", "score"),
        ("score", "aggregate"), ("aggregate", "compare"),
    }  # fmt: skip
    assert dag.schedule is None or str(dag.timetable.summary) == "None"
    assert not any(t.outlets for t in dag.tasks)  # it publishes nothing


def test_a_run_compares_every_shard_of_every_date_like_the_command(dag, data_dir: Path, tmp_path: Path) -> None:
    settings = Settings.from_env()
    for day, count in zip(DAYS, (50, 70)):
        generate_day(settings.landing_dir, day, interactions=count, seed=9)
        run_day(settings, day, run_id=f"published-{day}")
    draft = write_draft(tmp_path / "drafts")
    published = in_force(settings.warehouse)

    run = dag.test(run_conf={"draft": str(draft), "from": str(DAYS[0]), "to": str(DAYS[-1]), "shard_size": 20})
    assert run.state == "success"
    scored = [ti for ti in run.get_task_instances() if ti.task_id == "score"]
    assert len(scored) == 3 + 4 and all(ti.state == "success" for ti in scored)  # 50 and 70 interactions in shards of 20
    assert in_force(settings.warehouse) == published
    folder = settings.data_dir / "impact" / f"eu_core@2.1_{DAYS[0]}_{DAYS[-1]}"
    by_dag = {name: pd.read_parquet(folder / f"{name}.parquet") for name in ("criteria", "agents", "teams", "flips")}
    assert (folder / "impact.html").exists() and len(by_dag["flips"]) > 0

    impact(settings, draft, DAYS[0], DAYS[-1])  # the command's way, in one process, one shard a date
    for name, frame in by_dag.items():
        pd.testing.assert_frame_equal(frame, pd.read_parquet(folder / f"{name}.parquet"), obj=name)


def test_a_run_with_nothing_to_compare_fails(dag, data_dir: Path, tmp_path: Path) -> None:
    run = dag.test(run_conf={"draft": str(write_draft(tmp_path)), "from": "2026-10-01", "to": "2026-10-02"})
    assert run.state == "failed"
