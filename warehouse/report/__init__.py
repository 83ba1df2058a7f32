"""The nightly HTML report for QA managers: one static file per date, opened from disk.

    inputs (published tables)  ->  sections / automation (numbers)  ->  html (one file, inline SVG)

The pipeline writes it after publishing a date; `touchstone report --date` writes it again, e.g.
after `touchstone calibrate` has added the reviewers' outcomes. A date scored with several
standards (a routed run) gets one page per standard, linked to each other: `<date>.html` for the
first (the company-wide standard), `<date>.<standard>.html` for each other. The pages are written to
a local folder, or beside a warehouse on an object store (`<warehouse>/reports/`), where every
worker of a cluster reaches them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from foundation.errors import TouchstoneError, one_line
from scorers.loader import load_standards
from warehouse.location import Warehouse
from warehouse.report.html import render
from warehouse.report.inputs import load_inputs


def page_name(first: Path, standards: tuple[str, ...], standard_id: str) -> Path:
    """The page of one standard beside the date's first page (`2026-11-22.html` -> `2026-11-22.sales.html`)."""
    return first if standard_id == standards[0] else first.with_name(f"{first.stem}.{standard_id}{first.suffix}")


def write_report(
    warehouse: Warehouse | Path,
    standards_dir: Path,
    reviews_dir: Path,
    reports: Path | Warehouse,
    day: date,
    out: Path | None = None,
    standard_id: str | None = None,
) -> Path | str:
    """Build the report of `day` and write it whole (readers never open half a file): the page of
    each standard that scored it (or of `standard_id` alone); returns the first page. `reports` is
    a folder, or a warehouse on an object store whose `reports/` prefix takes the pages (a cluster's
    workers share no folder); `out` is a file on this machine."""
    folder = load_standards(standards_dir)  # read once for every page and the clean-up
    first = load_inputs(warehouse, standards_dir, reviews_dir, day, standard_id, folder)
    where = reports if out is None else out.parent
    pages_at = _Pages(Warehouse.at(where), "") if isinstance(where, Path) else _Pages(where, f"{REPORTS}/")
    target = Path(out.name if out else f"{day.isoformat()}.html")
    ids = tuple(i for i, _v, _n in first.day_standards) or ("",)
    pages = {i: page_name(target, ids, i).name for i in ids}
    if standard_id is not None:  # one page: in its place among the others, or alone at `out`
        written = target.name if out else pages[standard_id]
        pages_at.write(written, render(first, {} if out else pages))
        return pages_at.where(written)
    for inputs in [first, *(load_inputs(warehouse, standards_dir, reviews_dir, day, i, folder) for i in ids[1:])]:
        pages_at.write(pages[inputs.standard_id or ""], render(inputs, pages))
    if out is None:  # pages of standards that no longer score the date (never files elsewhere)
        for known in {s.id for s in folder} - set(ids):
            pages_at.remove(f"{day.isoformat()}.{known}.html")
    return pages_at.where(target.name)


class ReportError(TouchstoneError):
    """The report's pages could not be written where they go."""


@dataclass(frozen=True)
class _Pages:
    """Where the pages go: a local folder, or the `reports/` prefix of a warehouse on an object
    store; written whole through the warehouse's side files either way."""

    at: Warehouse
    prefix: str  # "" in a folder of reports, "reports/" beside a warehouse

    def where(self, name: str) -> Path | str:
        return self.at.local / f"{self.prefix}{name}" if self.at.local is not None else f"{self.at.uri}/{self.prefix}{name}"

    def write(self, name: str, page: str) -> None:
        try:
            self.at.write_text(self.prefix + name, page)
        except OSError as exc:
            raise ReportError(f"cannot write the report {self.where(name)}: {one_line(exc)}", HINT) from exc

    def remove(self, name: str) -> None:
        try:
            self.at.remove_file(self.prefix + name)
        except OSError as exc:
            raise ReportError(f"cannot remove the report {self.where(name)}: {one_line(exc)}", HINT) from exc


REPORTS = "reports"  # the prefix of the pages beside a warehouse on an object store
HINT = "check that the folder or bucket exists and may be written, then write the report again: touchstone report --date DATE"
