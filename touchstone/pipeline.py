"""One run of a date, without a scheduler: the steps in a row, each timed (`run_day`, what
`touchstone run` and the scripts call). The steps are in touchstone/steps/, one module each, named as
the DAG's tasks: plan -> ingest -> score -> aggregate -> publish -> report (`touchstone.steps`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from touchstone.settings import Settings
from touchstone.steps.aggregate import aggregate
from touchstone.steps.ingest import ingest
from touchstone.steps.plan import new_run_id, plan_run
from touchstone.steps.publish import output_checks, publish
from touchstone.steps.report import report
from touchstone.steps.score import score


class StepTimes:
    """How long each step of a run took, in seconds: what a data engineer reads first when a night
    runs long, and what the benchmark subtracts to see the scoring apart from the rest. The
    process's own start-up (imports) is in no step. Publish includes waiting for its check (with
    several processes, a child that imports Great Expectations meanwhile) and, if a reviewer's
    override arrived during the run, merging the shards again."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, step: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[step] = time.perf_counter() - start


def run_day(
    settings: Settings,
    day: date,
    standard: str | None = None,
    run_id: str | None = None,
    shard_size: int | None = None,
    processes: int = 1,
    on_step: Callable[[str], None] = lambda _step: None,
    routing: str | None = None,
) -> dict[str, Any]:
    """All steps for one date, without a scheduler; `on_step` hears each step as it starts. The
    summary says how long each took (`seconds`: plan, ingest, score, aggregate, publish, report)."""
    timed = StepTimes()
    with timed("plan"):
        plan = plan_run(settings, day, run_id or new_run_id(), standard, shard_size, routing=routing)
    on_step("reading the landing files")
    with timed("ingest"):
        ingested = ingest(settings, plan, processes)
    on_step(f"scoring {ingested['valid']:,} interactions in {len(ingested['shards'])} shards")
    with timed("score"):
        score(settings, plan, processes)
    with output_checks(processes) as check:
        on_step("scoring the agents")
        with timed("aggregate"):
            aggregated = aggregate(settings, plan)
        on_step("checking and publishing the tables")
        with timed("publish"):
            published = publish(settings, plan, check=check)
    on_step("writing the report")
    with timed("report"):
        written = report(settings, plan)["report"]
    return {**published, "agents": aggregated["agents"], "report": written, "seconds": timed.seconds}

