"""The nightly HTML report for QA managers: one static file per date, opened from disk.

    inputs (published tables)  ->  sections / automation (numbers)  ->  html (one file, inline SVG)

The pipeline writes it after publishing a date; `touchstone report --date` writes it again, e.g.
after `touchstone calibrate` has added the reviewers' outcomes.
"""

from __future__ import annotations

import os
import uuid
from datetime import date
from pathlib import Path

from touchstone.settings import Settings
from warehouse.location import Warehouse
from warehouse.report.html import render
from warehouse.report.inputs import load_inputs


def write_report(warehouse: Warehouse | Path, standards_dir: Path, reviews_dir: Path, reports_dir: Path, day: date, out: Path | None = None) -> Path:
    """Build the report of `day` and write it atomically (readers never open half a file)."""
    page = render(load_inputs(warehouse, standards_dir, reviews_dir, day))
    target = out or reports_dir / f"{day.isoformat()}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")  # concurrent writers apart
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, target)
    return target


def report_day(settings: Settings, day: date, out: Path | None = None) -> Path:
    """`write_report` with the deployment's folders: what the pipeline, the CLI and scripts call."""
    return write_report(settings.warehouse, settings.standards_dir, settings.reviews_dir, settings.reports_dir, day, out)
