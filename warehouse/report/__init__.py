"""The nightly HTML report for QA managers: one static file per date, opened from disk.

    inputs (published tables)  ->  sections / automation (numbers)  ->  html (one file, inline SVG)

The pipeline writes it after publishing a date; `touchstone report --date` writes it again, e.g.
after `touchstone calibrate` has added the reviewers' outcomes. A date scored with several
standards (a routed run) gets one page per standard, linked to each other: `<date>.html` for the
first (the company-wide standard), `<date>.<standard>.html` for each other.
"""

from __future__ import annotations

import os
import uuid
from datetime import date
from pathlib import Path

from scorers.loader import load_standards
from warehouse.location import Warehouse
from warehouse.report.html import render
from warehouse.report.inputs import load_inputs


def page_name(first: Path, standards: tuple[str, ...], standard_id: str) -> Path:
    """The page of one standard beside the date's first page (`2026-11-22.html` -> `2026-11-22.sales.html`)."""
    return first if standard_id == standards[0] else first.with_name(f"{first.stem}.{standard_id}{first.suffix}")


def write_report(
    warehouse: Warehouse | Path, standards_dir: Path, reviews_dir: Path, reports_dir: Path, day: date, out: Path | None = None, standard_id: str | None = None
) -> Path:
    """Build the report of `day` and write it atomically (readers never open half a file): the
    page of each standard that scored it (or of `standard_id` alone); returns the first page."""
    folder = load_standards(standards_dir)  # read once for every page and the clean-up
    first = load_inputs(warehouse, standards_dir, reviews_dir, day, standard_id, folder)
    target = out or reports_dir / f"{day.isoformat()}.html"
    ids = tuple(i for i, _v, _n in first.day_standards) or ("",)
    pages = {i: page_name(target, ids, i) for i in ids}
    if standard_id is not None:  # one page: in its place among the others, or alone at `out`
        written = out or pages[standard_id]
        _write(written, render(first, {} if out else {i: p.name for i, p in pages.items()}))
        return written
    for inputs in [first, *(load_inputs(warehouse, standards_dir, reviews_dir, day, i, folder) for i in ids[1:])]:
        _write(pages[inputs.standard_id or ""], render(inputs, {i: p.name for i, p in pages.items()}))
    if out is None:  # pages of standards that no longer score the date (never files elsewhere)
        for known in {s.id for s in folder} - set(ids):
            (reports_dir / f"{day.isoformat()}.{known}.html").unlink(missing_ok=True)
    return target


def _write(target: Path, page: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")  # concurrent writers apart
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, target)
