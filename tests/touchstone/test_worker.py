"""The warm Celery worker (`touchstone.worker`): importing it names Airflow's Celery configuration and
loads nothing heavy (the scheduler imports it too); its warm-up, in a fresh process, loads what a
score task needs, and a score step in a process forked from it (as Airflow forks a task process)
loads nothing more: the project's own caches are asked, not spaCy mocked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_DAY
from touchstone.sample_data import generate_day
from touchstone.settings import Settings
from touchstone.steps.ingest import ingest
from touchstone.steps.plan import RunPlan, plan_run
from touchstone.steps.staging import shard_file, staging

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter: import the module, warm up, then score shard 0 in a forked child and
# report what the caches loaded there.
WARM_THEN_SCORE = """
import json, multiprocessing, sys
from datetime import date
from pathlib import Path

import touchstone.worker as worker
from airflow.providers.celery.executors.default_celery import DEFAULT_CELERY_CONFIG

light = [m for m in ("spacy", "scorers.nlp", "pyarrow.parquet", "great_expectations") if m in sys.modules]
same_config = worker.CELERY_CONFIG is DEFAULT_CELERY_CONFIG

from touchstone.settings import Settings
data, plan, today = Path(sys.argv[1]), json.loads(sys.argv[2]), date.fromisoformat(sys.argv[3])
settings = Settings.from_env(data_dir=data, landing_dir=data / "landing")
warmed = worker.preload(settings, today)

from scorers import engine, nlp
from touchstone.steps.plan import RunPlan
from touchstone.steps.score import score_shard


def loaded():
    return {
        "pipelines": nlp.pipeline.cache_info().misses,
        "lemma_tables": nlp.lemma_norm.cache_info().misses,
        "compiled": sorted(map(id, engine._COMPILED.values())),
        "automata": {lang: id(entry.automaton) for lang, entry in nlp.SCANNER._languages.items()},
    }


def forked_task(queue):
    before = loaded()
    done = score_shard(settings, RunPlan.from_dict(plan), 0)
    queue.put({"before": before, "after": loaded(), "scored": done["scored"], "seconds": done["seconds"]})


context = multiprocessing.get_context("fork")
queue = context.Queue()
child = context.Process(target=forked_task, args=(queue,))
child.start()
task = queue.get(timeout=600)
child.join()
print(json.dumps({"light": light, "same_config": same_config, "warmed": warmed, "task": task, "exitcode": child.exitcode}))
"""


def test_a_warm_worker_scores_a_shard_without_loading_anything(tmp_path: Path) -> None:
    settings = Settings.from_env(data_dir=tmp_path, landing_dir=tmp_path / "landing")
    generate_day(settings.landing_dir, SAMPLE_DAY, interactions=40, seed=8)
    plan = plan_run(settings, SAMPLE_DAY, "warm", None, 25)
    assert ingest(settings, plan)["shards"] == [0, 1]
    # The worker starts on the day after the scored date: it warms the standards in force then and the day before.
    today = (SAMPLE_DAY + timedelta(days=1)).isoformat()
    env = {**os.environ, "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags")}  # parsed as each task process parses it
    ran = subprocess.run([sys.executable, "-c", WARM_THEN_SCORE, str(tmp_path), json.dumps(plan.to_dict()), today], capture_output=True, text=True, timeout=900, env=env)
    assert ran.returncode == 0, ran.stderr[-3000:]
    found = json.loads(ran.stdout.strip().splitlines()[-1])
    assert found["light"] == [] and found["same_config"]
    assert "touchstone_nightly" in found["warmed"]["dags"] and found["warmed"]["standards"] == list(plan.standard_refs) and found["warmed"]["languages"] == ["de", "en", "fr", "sv"]
    task = found["task"]
    assert found["exitcode"] == 0 and task["scored"] == 25 and task["seconds"] > 0
    assert task["before"]["pipelines"] == 4 and task["before"]["lemma_tables"] == 4 and task["before"]["automata"]
    assert task["after"] == task["before"]  # no pipeline, lemma table, compiled standard or automaton made in the task


def test_a_task_in_a_daemonic_process_ingests_with_several_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Airflow forks a task from a Celery pool process, which `multiprocessing` marks daemonic (no
    children allowed); the DAG's ingest step still reads with TOUCHSTONE_INGEST_PROCESSES workers."""
    from touchstone.steps.processes import FORK
    from touchstone.tasks import step

    monkeypatch.setenv("TOUCHSTONE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TOUCHSTONE_INGEST_PROCESSES", "2")
    settings = Settings.from_env()
    generate_day(settings.landing_dir, SAMPLE_DAY, interactions=30, seed=3)
    plan = plan_run(settings, SAMPLE_DAY, "daemonic", shard_size=10).to_dict()
    with FORK.Pool(1) as pool:  # a daemonic process, as Celery's pool processes are
        assert pool.apply(_is_daemonic)
        done = pool.apply(step, ("ingest", "ingest_task", plan))
    assert (done["read"], sorted(done["shards"])) == (30, [0, 1, 2])
    # The DAG maps its scoring tasks in this order: the largest shards first.
    folder = staging(settings, RunPlan.from_dict(plan))
    sizes = [folder.size(shard_file("interactions", n)) for n in done["shards"]]
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) > 1


def _is_daemonic() -> bool:
    import multiprocessing

    return bool(multiprocessing.current_process().daemon)
