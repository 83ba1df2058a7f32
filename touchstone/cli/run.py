"""Scoring without a scheduler: `run` (one date) and `backfill` (a range of dates), and the summary
a run ends with."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from foundation.errors import TouchstoneError
from touchstone.cli.options import console, data_option, date_callback, date_option, processes_option, routing_option, source_options, source_settings, user_errors, verbose_option


@click.command()
@date_option
@click.option("--standard", default=None, metavar="ID[@VERSION]", help="Standard to score every interaction with (default: the version in force on the date).")
@routing_option
@processes_option()
@source_options
@data_option
@verbose_option
@user_errors
def run(
    day: date,
    standard: str | None,
    routing: str | None,
    shard_size: int | None,
    processes: int,
    landing: str | None,
    conn_id: str | None,
    source_config: Path | None,
    data_dir: Path | None,
) -> None:
    """Ingest, score, aggregate and publish one date, without a scheduler.

    Re-running a date replaces its rows. With a routing, each interaction is scored by the
    standards the routing in force on the date gives it (`standards/routing/`).

    \b
    Example:
        touchstone run --date 2026-11-22
        touchstone run --date 2026-11-22 --standard eu_core@1.0
        touchstone run --date 2026-11-22 --routing lines_of_business
        touchstone run --date 2026-11-22 --landing s3://calls/landing --conn-id aws_calls --source-config source.yaml
    """
    from touchstone.pipeline import run_day

    settings = source_settings(data_dir, landing, conn_id, source_config)
    with console.status(f"{day}: planning ...") as status:
        summary = run_day(settings, day, standard, shard_size=shard_size, processes=processes, on_step=lambda step: status.update(f"{day}: {step} ..."), routing=routing)
    console.print(run_summary(day, summary), highlight=False)


def run_summary(day: date, summary: dict[str, Any]) -> str:
    """The one paragraph a run ends with: what was read, scored, set aside, and where it went."""
    dropped = f", {summary['duplicates_dropped']} duplicates dropped" if summary["duplicates_dropped"] else ""
    dropped += f", {summary['overrides_applied']} reviewer override(s) applied" if summary.get("overrides_applied") else ""
    return (
        f"[green]Published {day}[/] with {summary['standard_ref']} (run {summary['run_id']}): read {summary['read']:,} interactions, "
        f"scored {summary['scored']:,} across {summary['agents']} agents, quarantined {summary['quarantined']:,}{dropped}. "
        f"{routing_summary(summary)}Tables: {summary['warehouse']}. Report: {summary['report']}. {step_times(summary['seconds'])}"
    )


def step_times(seconds: dict[str, float]) -> str:
    """Where a run's time went, step by step ("Took 130.3 s: plan 0.3 s, ingest 23.0 s, ..."), the
    first thing to read when a night runs long; the total is the steps', without the start-up."""
    return f"Took {sum(seconds.values()):,.1f} s: " + ", ".join(f"{step} {s:,.1f} s" for step, s in seconds.items()) + "."


def routing_summary(summary: dict[str, Any]) -> str:
    """For a routed run: how many interactions each standard scored, and the rules no interaction
    matched on the date (a queue renamed upstream shows here first)."""
    if not summary.get("routing_ref"):
        return ""
    each = ", ".join(f"{s['standard_id']}@{s['standard_version']} {s['interactions']:,}" for s in summary["standards"])
    from scorers.routing import idle_rules

    idle = [f"{r['rule']} ({r['defined_at']})" for r in idle_rules(summary["routes"])]
    warning = f" [yellow]Rule(s) matching no interaction on {summary['day']}: {', '.join(idle)}.[/]" if idle else ""
    return f"Routed by {summary['routing_ref']}: {each}.{warning} "


@click.command()
@click.option("--from", "first", required=True, callback=date_callback, metavar="YYYY-MM-DD", help="First date to score.")
@click.option("--to", "last", required=True, callback=date_callback, metavar="YYYY-MM-DD", help="Last date to score (included).")
@click.option("--standard", default=None, metavar="ID[@VERSION]", help="Re-score with this version (default: each date's version in force).")
@routing_option
@processes_option("Read each date's landing files and score its shards in this many processes.")
@source_options
@data_option
@verbose_option
@user_errors
def backfill(
    first: date,
    last: date,
    standard: str | None,
    routing: str | None,
    processes: int,
    shard_size: int | None,
    landing: str | None,
    conn_id: str | None,
    source_config: Path | None,
    data_dir: Path | None,
) -> None:
    """Score a range of dates without a scheduler, replacing what each date had.

    Each date uses the standard version in force on it, unless a version is named; with a
    routing, each date is routed by the routing version in force on it. A date that fails is
    reported and the others go on; the command exits 1 if any failed.

    \b
    Example:
        touchstone backfill --from 2026-09-01 --to 2026-09-30
        touchstone backfill --from 2026-09-01 --to 2026-09-30 --standard eu_core@2.0
        touchstone backfill --from 2026-09-01 --to 2026-09-30 --processes 4
    """
    from datetime import timedelta

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from touchstone.pipeline import run_day

    if last < first:
        raise TouchstoneError(f"--to {last} is before --from {first}")
    settings = source_settings(data_dir, landing, conn_id, source_config)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    failed = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        bar = progress.add_task("backfill", total=len(days))
        for day in days:
            progress.update(bar, description=f"scoring {day}")
            try:
                summary = run_day(settings, day, standard, shard_size=shard_size, processes=processes, routing=routing)
                progress.console.print(
                    f"{day}: {summary['standard_ref']}, read {summary['read']}, scored {summary['scored']}, quarantined {summary['quarantined']}. {routing_summary(summary)}",
                    highlight=False,
                )
            except TouchstoneError as exc:
                failed.append(day)
                progress.console.print(f"[red]{day}: {escape(exc.message)}[/]", highlight=False)
            progress.advance(bar)
    console.print(f"{len(days) - len(failed)} of {len(days)} dates published" + (f"; failed: {', '.join(map(str, failed))}" if failed else ""))
    sys.exit(1 if failed else 0)
