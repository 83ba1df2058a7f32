"""Warm Celery workers: what scoring needs, loaded once in the worker's main process, before it forks.

Airflow 3's Celery worker runs a task in two forks, never a fresh interpreter on Linux: the worker's
main process forks its pool processes (billiard's prefork pool), and for each task the pool process
runs the task SDK's supervisor, which forks the task process (`airflow.sdk.execution_time.supervisor`,
`WatchedSubprocess.start`: `os.fork()`, an exec only on macOS; `[core]
execute_tasks_new_python_interpreter` is read by Airflow 2's path alone). What the main process
holds when it forks, every task process starts with. A mapped `score` task that loads the spaCy
pipelines, lemma tables and compiled standards itself spends ~8 s on it before scoring a shard;
forked from a warm worker, it finds them in `scorers.engine`'s and `scorers.nlp`'s caches.

Set in the workers' environment:

    AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS=touchstone.worker.CELERY_CONFIG

Airflow imports that name wherever it builds its Celery app (the workers, and the scheduler that
sends them tasks), so importing this module loads nothing heavy: the warm-up runs on Celery's
`worker_init` signal, which only a worker's main process sends, before its pool starts. A warm-up
that fails (a broken standard) is logged and the worker starts cold: the tasks then load what they
need themselves, and the score task reports the broken standard as it always did.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airflow.providers.celery.executors.default_celery import DEFAULT_CELERY_CONFIG
from celery.signals import worker_init

if TYPE_CHECKING:
    from scorers.standard import Standard
    from touchstone.settings import Settings

# Airflow's own configuration, unchanged (the same object: Airflow then adds nothing on top of it);
# naming this module in `celery_config_options` is what makes a worker import it and warm up.
CELERY_CONFIG: dict[str, Any] = DEFAULT_CELERY_CONFIG

# What a task process imports before and while it scores a shard: the DAG file's imports (it is
# parsed again in every task process) and the score step's (pyarrow, pydantic models, the warehouse
# tables). Imported here, they are in the task process's `sys.modules` when it starts.
MODULES = ("pendulum", "airflow.sdk", "touchstone.tasks", "touchstone.steps.plan", "touchstone.steps.score")

log = logging.getLogger(__name__)


def standards_in_force(settings: Settings, days: Iterable[date]) -> list[Standard]:
    """The standards a nightly run of `days` scores with, as `touchstone.steps.plan.plan_run` picks
    them without a named standard: those the routing in force gives (with `TOUCHSTONE_ROUTING`), else
    the settings' standard in force; each once."""
    from touchstone.steps.plan import load_standard_for, router_for

    found: dict[str, Standard] = {}
    for day in days:
        chosen = router_for(settings, day, settings.routing).scored_with if settings.routing else [load_standard_for(settings, day)]
        found.update((s.ref, s) for s in chosen)
    return list(found.values())


def parse_dags() -> list[str]:
    """Parse the DAG folder as every task process does first (the task SDK's `task_runner.parse`,
    with the same `BundleDagBag`): parsing imports ~400 modules (Airflow's DAG models, serialisation,
    timetables; ~1 s) that are then loaded once, not in each task. The DAG ids parsed."""
    from airflow.configuration import conf
    from airflow.dag_processing.dagbag import BundleDagBag

    folder = Path(conf.get("core", "dags_folder"))
    if not folder.is_dir():
        return []
    bag = BundleDagBag(dag_folder=str(folder), safe_mode=False, load_op_links=False, bundle_path=folder, bundle_name="dags-folder")
    return sorted(bag.dags)


def preload(settings: Settings | None = None, today: date | None = None) -> dict[str, Any]:
    """Import what a score task imports, parse the DAGs as a task does, compile the standards in
    force yesterday and today (a nightly run scores yesterday) and load the spaCy pipelines, lemma
    tables and scan automata of their languages (`scorers.engine.warm`), the large patterns from
    `scorers.regex_cache`. Returns what was loaded and the seconds it took, for the worker's log."""
    start = time.perf_counter()
    for module in MODULES:
        import_module(module)
    dags = parse_dags()
    from ingest.source_config import load_source_config
    from scorers.engine import warm
    from touchstone.settings import Settings

    settings = settings or Settings.from_env()
    today = today or datetime.now(UTC).date()
    standards = standards_in_force(settings, (today - timedelta(days=1), today))
    languages = sorted({lang for standard in standards for lang in standard.languages})
    warm(standards, load_source_config(settings.source_config).non_speech, languages)
    return {"dags": dags, "standards": [s.ref for s in standards], "languages": languages, "seconds": round(time.perf_counter() - start, 2)}


@worker_init.connect
def _warm_worker(**_: Any) -> None:
    """Preload in the worker's main process, then set the heap aside from the garbage collector,
    so the pool processes and the task processes forked from them keep sharing its pages (a
    collection would write to every object it walks, and so copy the page)."""
    try:
        log.info("touchstone: worker warmed: %s", preload())
    except Exception:  # noqa: BLE001 - a worker that starts cold is slower, never wrong
        log.warning("touchstone: warming the worker failed; its tasks load what they need themselves", exc_info=True)
    gc.freeze()
