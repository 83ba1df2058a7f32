"""`report`: the HTML report of a published date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from touchstone.cli.options import console, data_option, date_option, settings_from, standard_filter, user_errors


@click.command()
@date_option
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Write here instead of <data>/reports/<date>.html.")
@data_option
@standard_filter
@user_errors
def report(day: date, out: Path | None, standard_id: str | None, data_dir: Path | None) -> None:
    """Write the HTML report of a published date: league table, trends, evidence, bots, contact reasons.

    One static file with inline charts; open it from disk, no server needed. A date scored with
    several standards (a routed run) gets one page per standard, linked; --standard writes one.

    \b
    Example:
        touchstone report --date 2026-11-22
        touchstone report --date 2026-11-22 --out /tmp/qa-2026-11-22.html
    """
    from touchstone.steps.report import report_day

    settings = settings_from(data_dir)
    console.print(f"Report: {report_day(settings, day, out, standard_id)}")
