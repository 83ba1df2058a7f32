"""`warehouse`: keeping the published warehouse small and fast (`touchstone.housekeeping`)."""

from __future__ import annotations

from pathlib import Path

import click

from touchstone.cli.options import console, data_option, print_frame, settings_from, user_errors


@click.group()
def warehouse() -> None:
    """Look after the published warehouse: clean-up, compaction, vacuum.

    \b
    Example:
        touchstone warehouse clean --dry-run
    """


@warehouse.command()
@click.option("--dry-run", is_flag=True, help="Say what would be removed, compacted and vacuumed; change nothing.")
@click.option(
    "--grace-days", type=click.FloatRange(min=0), default=2.0, show_default=True, help="Rows of a run that never switched are removed once this many days old."
)
@data_option
@user_errors
def clean(dry_run: bool, grace_days: float, data_dir: Path | None) -> None:
    """Remove rows no reader reads, compact each date's files, vacuum old files.

    Rows of runs not in force go: of runs that never switched (a crash before the switch) once older
    than --grace-days, of superseded runs at once; the run in force is never touched, and each date
    is cleaned under its lock, so a run publishing it meanwhile waits. Each date's small files are
    compacted. Files older than TOUCHSTONE_RETENTION_DAYS (30) that no newer version reads are
    deleted: `--as-of` reads keep working that far back. Prints a summary per table.

    \b
    Example:
        touchstone warehouse clean --dry-run
        touchstone warehouse clean --grace-days 7
    """
    import pandas as pd

    from touchstone.housekeeping import clean_warehouse

    settings = settings_from(data_dir)
    cleaned = clean_warehouse(settings, dry_run, grace_days)
    frame = pd.DataFrame(
        [
            {
                "table": c["table"],
                "rows removed": c["removed_rows"],
                "runs removed": sum(len(runs) for runs in c["removed_runs"].values()),
                "dates compacted": c["compacted_dates"],
                "files before": c["files_before"],
                "files after": c["files_after"],
                "files vacuumed": c["vacuumed_files"],
            }
            for c in cleaned
        ]
    )
    what = "would do (dry run, nothing changed)" if dry_run else "did"
    if frame.empty:
        console.print(f"Nothing to clean: {settings.warehouse} has no tables yet")
        return
    print_frame(frame, f"warehouse clean {what} · {settings.warehouse} · keeps {settings.retention_days} days of time travel")
