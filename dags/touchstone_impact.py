"""
### Touchstone: a draft standard's impact on past days

Re-scores the published dates from `from` to `to` with a draft standard and compares the result with
what is published, publishing nothing: pass rate per criterion, mean quality per team and agent,
the interactions whose compliance flips (both ways) with their evidence, and what the draft changes
in the standard. The same steps as the nightly run (`touchstone.steps`) and the same comparison as
`touchstone standards impact` (`touchstone.impact`).

`plan -> ingest (one task per date) -> score (one mapped task per shard of every date) -> aggregate
(one task per date) -> compare`. The tables (Parquet), `summary.json` and the page `impact.html` go
to `<data>/impact/<draft>_<from>_<to>/`. The draft file must be readable by the workers.

**Params**: `draft` (path of the draft standard's YAML), `from` and `to` (YYYY-MM-DD, both
included), `shard_size`, and `source` / `source_conn_id` as in the nightly DAG.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pendulum
from airflow.sdk import Param, dag, task

from touchstone.tasks import TASK_SHARD_SIZE, settings_for, step, user_errors_fail


@dag(
    dag_id="touchstone_impact",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    params={
        "draft": Param("", type="string", minLength=1, description="Path of the draft standard (YAML)."),
        "from": Param("", type="string", format="date", description="First date to re-score (YYYY-MM-DD)."),
        "to": Param("", type="string", format="date", description="Last date to re-score, included (YYYY-MM-DD)."),
        "shard_size": Param(TASK_SHARD_SIZE, type="integer", minimum=1, description="Interactions per mapped scoring task."),
        "source": Param(None, type=["null", "string"], description="Folder or URL of the landing area (default: TOUCHSTONE_LANDING_URL or the data folder)."),
        "source_conn_id": Param(None, type=["null", "string"], description="Airflow connection id with the object store's credentials."),
    },
    doc_md=__doc__,
    tags=["touchstone", "standards"],
)
def touchstone_impact() -> None:
    @task
    def plan(params: dict[str, Any] | None = None, run_id: str | None = None) -> list[dict[str, Any]]:
        """One draft run per date that has a published run and landing files (each carries the dates
        left out, with why, for the page)."""
        from touchstone.impact import plan_days
        from touchstone.steps.plan import parse_day

        params = params or {}
        source = {"source": params.get("source"), "source_conn_id": params.get("source_conn_id")}

        def planned() -> list[dict[str, Any]]:
            first, last = parse_day(params.get("from") or ""), parse_day(params.get("to") or "")
            plans, skipped = plan_days(settings_for(source), Path(params["draft"]), first, last, params.get("shard_size"), f"impact-{run_id}")
            return [p.to_dict() | source | {"skipped": skipped} for p in plans]

        return user_errors_fail(planned)

    @task
    def ingest(plan: dict[str, Any]) -> list[dict[str, Any]]:
        """Read one date's landing files into shards: one scoring job per shard."""
        return [{"plan": plan, "shard": shard} for shard in step("ingest", "ingest_task", plan)["shards"]]

    @task
    def jobs(per_date: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
        """Every date's shards in one list, to map the scoring over."""
        return [job for date_jobs in per_date for job in date_jobs]

    @task
    def score(job: dict[str, Any]) -> dict[str, Any]:
        """Score one shard with the draft (one mapped task per shard)."""
        return step("score", "score_shard", job["plan"], job["shard"])

    @task
    def aggregate(plan: dict[str, Any]) -> dict[str, Any]:
        """One date's scores merged and its agents aggregated (staged, never published)."""
        return step("aggregate", "aggregate", plan)

    @task
    def compare(plans: list[dict[str, Any]]) -> dict[str, Any]:
        """Set every date against what is published; write the tables and the page."""
        from touchstone.impact import compare as compared
        from touchstone.steps.plan import RunPlan

        result = user_errors_fail(lambda: compared(settings_for(plans[0]), [RunPlan.from_dict(p) for p in plans], plans[0]["skipped"]))
        return {"page": str(result.page), **result.headline}

    planned = plan()
    scored = score.expand(job=jobs(ingest.expand(plan=planned)))
    scored >> aggregate.expand(plan=planned) >> compare(planned)


touchstone_impact()
