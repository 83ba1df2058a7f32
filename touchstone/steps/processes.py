"""How the steps use processes: the garbage collector tuned while a step runs, the heap set aside
before forking, and the fork context the workers (ingest's readers and checkers, the scoring
workers, publish's output check) are started with. Shared by ingest, score and publish.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager

FORK = multiprocessing.get_context("fork")  # workers share what their parent loaded


def may_start_workers() -> None:
    """Let this process start worker processes. An Airflow task on a Celery worker runs in a process
    forked from a pool process that `multiprocessing` marks daemonic, and inherits the mark, which
    forbids children ("daemonic processes are not allowed to have children"). The mark guards a
    daemon's children from being orphaned when it is stopped; a step waits for its workers, and
    they end when their parent's pipe closes."""
    multiprocessing.current_process()._config.pop("daemon", None)  # type: ignore[attr-defined]


@contextmanager
def fewer_collections(young: int = 50_000) -> Iterator[None]:
    """The garbage collector's young generation collected every `young` allocations (700 by
    default) while a step runs (as a `with` block or a decorator). A day is read and scored as
    millions of short-lived objects (records, turns, matches) beside a large heap that lives all
    run (lemma tables, compiled standards); at the default the collector took a quarter of ingest.
    The code makes hardly any cycles, so memory does not grow for it."""
    before = gc.get_threshold()
    gc.set_threshold(young, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextmanager
def heap_set_aside() -> Iterator[None]:
    """What the process already holds (imports, lemma tables, the day's sources) kept out of the
    garbage collector's walks while a block runs. Workers forked in the block then share those pages
    (a collection would write to them, so copy them), and the input suite's full collection after
    each shard (`warehouse.checks.run_suite`) skips them: staging in one process (the DAG's ingest
    task) walked the whole heap each time, ~0.2 s a shard. A process that inherited a freeze (Airflow's executors freeze
    before forking the processes that run tasks) keeps what is set aside here frozen with it, as
    giving it back would give back its parent's too; such a process ends with its task."""
    give_back = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if give_back:
            gc.unfreeze()


def import_great_expectations() -> None:
    """Great Expectations imported ahead (2-3 s): by a process that checks, or whose children do,
    while other processes work; or before the heap is set aside (`heap_set_aside`)."""
    import great_expectations  # noqa: F401
