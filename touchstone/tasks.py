"""What the DAGs' tasks share: the deployment's settings for a planned run, one step of
`touchstone.steps` per task, and user errors that fail a task without retries."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from foundation.errors import TouchstoneError
from touchstone.settings import Settings

# Interactions per mapped scoring task, by default. A DAG task costs a slot ~1.6 s beyond its work
# (Celery, the task's supervisor, the API calls that start and end it): on shards of 2,000 (4-11 s
# of work) that was a fifth of the scoring phase on the stack. `touchstone run`'s worker processes
# cost nothing a shard, and keep 2,000 (`steps.plan.DEFAULT_SHARD_SIZE`).
TASK_SHARD_SIZE = 5000


def settings_for(plan: dict[str, Any]) -> Settings:
    """The deployment's settings, with the source the run was planned with."""
    return Settings.from_env(landing_url=plan.get("source"), landing_conn_id=plan.get("source_conn_id"))


def user_errors_fail(action: Callable[[], Any]) -> Any:
    """Run `action`; a TouchstoneError (bad standard, missing delivery) fails the task for good:
    retrying cannot fix what the user has to."""
    from airflow.sdk.exceptions import AirflowFailException

    try:
        return action()
    except TouchstoneError as exc:
        raise AirflowFailException(str(exc)) from exc


def step(module: str, name: str, plan: dict[str, Any], *args: Any) -> dict[str, Any]:
    """Run one step for a planned run: `name` of `touchstone.steps.<module>`, the module named as
    the task (`step("score", "score_shard", plan, shard)`); only that step's module is imported."""
    from touchstone.steps.plan import RunPlan
    from touchstone.steps.processes import may_start_workers

    may_start_workers()  # ingest reads with several processes
    run = getattr(import_module(f"touchstone.steps.{module}"), name)
    return user_errors_fail(lambda: run(settings_for(plan), RunPlan.from_dict(plan), *args))
