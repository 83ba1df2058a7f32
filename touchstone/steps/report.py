"""Step six, report: the QA managers' HTML report of the date (`warehouse.report`), with the
deployment's folders. Written from the published tables alone, after publish, so it can be written
again at any time (`touchstone report --date`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from touchstone.settings import Settings
from touchstone.steps.plan import RunPlan
from warehouse.report import write_report


def report_day(settings: Settings, day: date, out: Path | None = None, standard_id: str | None = None) -> Path | str:
    """`warehouse.report.write_report` with the deployment's folders: what the pipeline, the CLI
    and scripts call (the report itself takes its folders as arguments and knows no settings). The
    pages go to `<data>/reports/`, or beside a warehouse on an object store (`<warehouse>/reports/`:
    the report task may run on any worker, and none shares a folder)."""
    warehouse = settings.warehouse
    reports = settings.reports_dir if warehouse.local is not None else warehouse
    return write_report(warehouse, settings.standards_dir, settings.reviews_dir, reports, day, out, standard_id)


def report(settings: Settings, plan: RunPlan) -> dict[str, Any]:
    """Write the date's HTML report from what is published (after publish; never changes the tables)."""
    path = report_day(settings, plan.day)
    return {**plan.to_dict(), "report": str(path)}
