"""
### Touchstone: weekly warehouse housekeeping

Once a week (Sunday 04:00 UTC, after the nightly run): rows of runs not in force removed (of runs
that never switched, once two days old; the run in force never), each date's small files compacted,
and files older than `TOUCHSTONE_RETENTION_DAYS` (30) that no newer version reads vacuumed. Each
date is cleaned under its lock, so a nightly run publishing it meanwhile waits for it. The same
function as `touchstone warehouse clean` (`touchstone.housekeeping`).

**Params**: `dry_run` (say what would be done, change nothing).
"""

from __future__ import annotations

from typing import Any

import pendulum
from airflow.sdk import Param, dag, task

from touchstone.tasks import settings_for, user_errors_fail


@dag(
    dag_id="touchstone_housekeeping",
    schedule="0 4 * * 0",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    params={"dry_run": Param(False, type="boolean", description="Say what would be removed, compacted and vacuumed; change nothing.")},
    doc_md=__doc__,
    tags=["touchstone", "warehouse"],
)
def touchstone_housekeeping() -> None:
    @task(retries=2, retry_delay=pendulum.duration(minutes=10))
    def clean(params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Clean every table of the warehouse; its summary per table is the task's result."""
        from touchstone.housekeeping import clean_warehouse

        dry_run = bool((params or {}).get("dry_run"))
        return user_errors_fail(lambda: clean_warehouse(settings_for({}), dry_run))

    clean()


touchstone_housekeeping()
