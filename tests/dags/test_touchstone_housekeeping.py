"""The housekeeping DAG: wired as designed (one task, weekly), and a real `dag.test()` run cleans
the warehouse as `touchstone warehouse clean` does."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from touchstone.settings import Settings
from warehouse import store
from tests.warehouse.test_store import TABLES_OF_A_DAY, _stage, _stored_runs

DAGS = Path(__file__).resolve().parents[2] / "dags"
DAY = date(2026, 11, 22)


@pytest.fixture
def dag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS))
    assert not bag.import_errors
    return bag.get_dag("touchstone_housekeeping")


def test_structure(dag) -> None:
    assert [t.task_id for t in dag.tasks] == ["clean"]
    assert dag.schedule == "0 4 * * 0" and dag.max_active_runs == 1 and not dag.catchup
    assert dag.params["dry_run"] is False


def test_a_run_compacts_the_warehouse_and_keeps_the_day_in_force(dag, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "BATCH_ROWS", 2)
    settings = Settings.from_env()
    store.publish(_stage(tmp_path / "r1", "r1", 7), settings.warehouse, DAY, "r1", TABLES_OF_A_DAY)  # four files a table
    before = store.read_table(settings.warehouse, "quarantine", DAY).sort_values("locator", ignore_index=True)

    run = dag.test()
    assert run.state == "success"
    from deltalake import DeltaTable

    assert len(DeltaTable(settings.warehouse.table_uri("quarantine")).file_uris()) == 1
    after = store.read_table(settings.warehouse, "quarantine", DAY).sort_values("locator", ignore_index=True)
    assert after.equals(before) and _stored_runs(settings.warehouse, "quarantine") == {"r1"}
