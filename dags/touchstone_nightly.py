"""
### Touchstone nightly scoring

Scores every interaction of the previous day against the compliance standard in force on that day
and publishes per-criterion, per-interaction and per-agent scores to the warehouse: Delta Lake
tables in a local folder, or in an object store with `TOUCHSTONE_WAREHOUSE_URL` (`s3://...`) and
`TOUCHSTONE_WAREHOUSE_CONN_ID` (an `aws` connection with the credentials and endpoint).

`plan -> ingest -> score (one mapped task per shard) -> aggregate -> publish -> report`: each task is one step
of `touchstone.steps` (a module each, named as the task), the same code that `touchstone run` calls. Tasks hand over through the
run's staging area, beside the warehouse (its bucket, on an object store: workers share no disk); only
`publish` writes the warehouse: the date's rows of every table, then the run's row in `runs`, the one
commit at which the whole day switches (`warehouse.store`). At most one run is active at a time
(`max_active_runs=1`); runs of one date from elsewhere (a backfill, the command line) end as if one
had run after the other. A scoring task whose worker dies is retried; it rewrites its shard.
`report` then writes the QA managers' HTML report of the date (`<data>/reports/<date>.html`).

**Params**: `date` (YYYY-MM-DD) scores that date instead of the day before the run;
`shard_size` sets how many interactions one mapped scoring task takes;
`standard` (`id` or `id@version`) scores every interaction with that standard; `routing` (`id` or
`id@version`, default `TOUCHSTONE_ROUTING`) gives each interaction the standards the routing in
force on the date gives it (`standards/routing/`); `source` (a folder or a
`file://`, `s3://`, `gs://`, `abfs://` URL) and `source_conn_id` (the Airflow connection with its
credentials) override where the transcripts are read from.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, Param, dag, task

from touchstone.tasks import TASK_SHARD_SIZE, settings_for, step, user_errors_fail

TABLES = ("criterion_results", "interaction_scores", "agent_daily_scores", "quarantine", "runs")
# Stable identities, whatever folder or bucket the warehouse is in: Airflow keys assets by name and
# URI, and a URI that moved with TOUCHSTONE_DATA_DIR would leave the registered asset inactive.
ASSETS = [Asset(name=f"touchstone.{table}", uri=f"touchstone://warehouse/{table}") for table in TABLES]
IO_RETRIES: dict[str, Any] = {"retries": 2, "retry_delay": timedelta(minutes=1), "retry_exponential_backoff": True}


@dag(
    dag_id="touchstone_nightly",
    schedule="0 2 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    params={
        "date": Param(None, type=["null", "string"], format="date", description="Date to score (default: the day before the run)."),
        "standard": Param(None, type=["null", "string"], description="Standard `id` or `id@version` for every interaction (default: in force on the date)."),
        "routing": Param(None, type=["null", "string"], description="Routing `id` or `id@version`: each interaction gets the standards it routes to (default: TOUCHSTONE_ROUTING)."),
        "shard_size": Param(TASK_SHARD_SIZE, type="integer", minimum=1, description="Interactions per mapped scoring task."),
        "source": Param(None, type=["null", "string"], description="Folder or URL of the landing area (default: TOUCHSTONE_LANDING_URL or the data folder)."),
        "source_conn_id": Param(None, type=["null", "string"], description="Airflow connection id with the object store's credentials."),
    },
    doc_md=__doc__,
    tags=["touchstone", "scoring"],
)
def touchstone_nightly() -> None:
    @task
    def plan(params: dict[str, Any] | None = None, dag_run: Any = None, logical_date: Any = None, run_id: str | None = None) -> dict[str, Any]:
        """Resolve the scored date, the standard versions and the routing in force; refuse to start
        with a broken standard or a routing that cannot route the date whole."""
        from touchstone.steps.plan import plan_run, scored_date

        params = params or {}
        source = {"source": params.get("source"), "source_conn_id": params.get("source_conn_id")}

        def planned() -> dict[str, Any]:
            day = scored_date(logical_date or dag_run.run_after, params.get("date"))
            settings = settings_for(source)
            return plan_run(settings, day, f"airflow-{run_id}", params.get("standard"), params.get("shard_size"), routing=params.get("routing")).to_dict() | source

        return user_errors_fail(planned)

    @task(**IO_RETRIES)
    def ingest(plan: dict[str, Any]) -> list[int]:
        """Read the day's landing files (with TOUCHSTONE_INGEST_PROCESSES), quarantine what cannot be
        read, split the rest into shards."""
        return step("ingest", "ingest_task", plan)["shards"]

    @task(**IO_RETRIES)
    def score(plan: dict[str, Any], shard: int) -> dict[str, Any]:
        """Score one shard against every criterion (one mapped task per shard)."""
        return step("score", "score_shard", plan, shard)

    @task
    def aggregate(plan: dict[str, Any]) -> dict[str, Any]:
        """Per-agent daily scores with confidence intervals."""
        return step("aggregate", "aggregate", plan)

    @task(outlets=ASSETS, **IO_RETRIES)
    def publish(plan: dict[str, Any]) -> dict[str, Any]:
        """Reconcile counts, then publish the date's tables; the day switches at one commit."""
        return step("publish", "publish", plan)

    @task
    def report(plan: dict[str, Any]) -> dict[str, Any]:
        """The QA managers' HTML report of the date, from the published tables."""
        return step("report", "report", plan)

    planned = plan()
    scored = score.partial(plan=planned).expand(shard=ingest(planned))
    scored >> aggregate(planned) >> publish(planned) >> report(planned)


touchstone_nightly()
