"""Reviewers' work: `calibrate` (the machine against human reviewers) and the `override` group
(reviewers correct verdicts)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from foundation.errors import TouchstoneError
from touchstone.cli.options import console, data_option, date_callback, date_option, err_console, print_frame, settings_from, standard_filter, standard_rows, user_errors


@click.command()
@date_option
@click.option("--human", "human_file", required=True, type=click.Path(path_type=Path, exists=True, dir_okay=False), help="CSV: interaction_id, criterion_id, human_outcome.")
@click.option("--top", default=20, show_default=True, help="How many disagreements to list.")
@click.option("--keep/--no-keep", default=True, show_default=True, help="Keep the reviews for the date and add them to its report.")
@standard_filter
@data_option
@user_errors
def calibrate(day: date, human_file: Path, top: int, keep: bool, standard_id: str | None, data_dir: Path | None) -> None:
    """Compare the verdicts of a date with human reviewers: agreement and Cohen's kappa per criterion.

    With --standard, only the reviews of that standard's criteria count (a routed date has several).

    The overrides in force on the date count as reviews too. The reviews are kept for the date and
    added to its HTML report (--no-keep only prints).

    \b
    Example:
        touchstone calibrate --date 2026-11-22 --human reviews.csv
    """
    from warehouse.calibration import calibrate as compare
    from warehouse.calibration import read_human_outcomes, with_overrides
    from warehouse.overrides import in_force, read_overrides
    from warehouse.store import read_table
    from touchstone.steps.report import report_day
    from warehouse.report.inputs import reviews_file

    settings = settings_from(data_dir)
    results = read_table(settings.warehouse, "criterion_results", day)
    if results.empty:
        raise TouchstoneError(f"nothing published for {day} in {settings.warehouse}", f"run `touchstone run --date {day}` first")
    results = standard_rows(results, standard_id, day)
    human = read_human_outcomes(human_file)
    overrides = in_force(read_overrides(settings.warehouse, day))
    reviews = with_overrides(human, overrides)
    if standard_id is not None and reviews is not None:  # reviews of other standards' criteria are not this one's
        reviews = reviews[reviews["criterion_id"].isin(set(results["criterion_id"]))]
    report = compare(reviews, results)  # type: ignore[arg-type]
    print_frame(report.per_criterion, f"calibration · {day}{f' · {standard_id}' if standard_id else ''} · agreement and Cohen's kappa")
    print_frame(report.disagreements.head(top), f"disagreements ({len(report.disagreements)})")
    if report.not_scored:
        console.print(f"[yellow]{report.not_scored} reviewed row(s) have no automatic verdict for {day}[/]")
    if keep:
        kept = reviews_file(settings.reviews_dir, day)
        kept.parent.mkdir(parents=True, exist_ok=True)
        human.to_csv(kept, index=False)
        page = report_day(settings, day)
        console.print(f"Reviews kept in {kept}; the report has them: {page}")


@click.group()
def override() -> None:
    """Reviewers correct verdicts: overrides applied on top of the machine's, with an audit trail.

    Each override is recorded in the append-only `overrides` table (who, when, why, what the machine
    said) and the date is published again with it applied to the interaction and agent scores and
    the report. Re-scoring the date keeps it while the criterion is unchanged.
    """


def _print_recorded(recorded: Any) -> None:
    for day, run_id in recorded.dates.items():
        console.print(f"{day}: published again with the overrides applied (run {run_id})", highlight=False)
    for day, why in recorded.reports_failed.items():
        err_console.print(f"[yellow]{day}: the report could not be written ({escape(why)}); `touchstone report --date {day}` writes it[/]", highlight=False)
    console.print(f"[green]Recorded {recorded.overrides} override(s)[/]", highlight=False)


interaction_option = click.option("--interaction", "interaction_id", required=True, help="The interaction id.")
criterion_option = click.option("--criterion", "criterion_id", required=True, help="The criterion id.")
reason_option = click.option("--reason", required=True, help="Why: what the reviewer heard.")
reviewer_option = click.option("--reviewer", required=True, help="Who overrides (a name or an id).")


@override.command("set")
@date_option
@interaction_option
@criterion_option
@click.option("--outcome", required=True, type=click.Choice(["pass", "fail", "not_applicable"]), help="The reviewer's outcome.")
@reason_option
@reviewer_option
@data_option
@user_errors
def override_set(day: date, interaction_id: str, criterion_id: str, outcome: str, reason: str, reviewer: str, data_dir: Path | None) -> None:
    """Override one verdict: an interaction and criterion of a published date.

    \b
    Example:
        touchstone override set --date 2026-11-22 --interaction c-0042 --criterion offer_human_when_asked \\
            --outcome pass --reason "offered a transfer at 3:10, heard on the recording" --reviewer maria
    """
    from touchstone.overrides import record
    from warehouse.overrides import request

    _print_recorded(record(settings_from(data_dir), [request(day.isoformat(), interaction_id, criterion_id, outcome, reason, reviewer, "command line")]))


@override.command("withdraw")
@date_option
@interaction_option
@criterion_option
@reason_option
@reviewer_option
@data_option
@user_errors
def override_withdraw(day: date, interaction_id: str, criterion_id: str, reason: str, reviewer: str, data_dir: Path | None) -> None:
    """Withdraw the override in force on a verdict: the machine's verdict counts again.

    \b
    Example:
        touchstone override withdraw --date 2026-11-22 --interaction c-0042 --criterion greeting --reason "entered by mistake" --reviewer maria
    """
    from touchstone.overrides import record
    from warehouse.overrides import request

    _print_recorded(record(settings_from(data_dir), [request(day.isoformat(), interaction_id, criterion_id, "", reason, reviewer, "command line", withdraw=True)]))


@override.command("import")
@click.argument("csv_file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--reviewer", default=None, help="Reviewer for lines without a `reviewer` value.")
@data_option
@user_errors
def override_import(csv_file: Path, reviewer: str | None, data_dir: Path | None) -> None:
    """Import overrides from a CSV: date, interaction_id, criterion_id, outcome, reason, reviewer.

    Every line is checked first (date, outcome, the interaction and criterion against what is
    published); one bad line refuses the file, naming every bad line, and nothing is recorded.

    \b
    Example:
        touchstone override import disputes-week-48.csv
    """
    from touchstone.overrides import record
    from warehouse.overrides import read_requests

    _print_recorded(record(settings_from(data_dir), *read_requests(csv_file, reviewer)))


@override.command("reapply")
@date_option
@data_option
@user_errors
def override_reapply(day: date, data_dir: Path | None) -> None:
    """Publish a date again from its tables with the overrides in force applied (no transcript is
    read): after an import whose publication of the date failed.

    \b
    Example:
        touchstone override reapply --date 2026-11-22
    """
    from touchstone.overrides import reapply

    published = reapply(settings_from(data_dir), day)
    console.print(f"{day}: published again with {published['overrides_applied']} override(s) applied (run {published['run_id']})", highlight=False)


@override.command("list")
@date_option
@data_option
@user_errors
def override_list(day: date, data_dir: Path | None) -> None:
    """The overrides of a date and whether each applies: applied; withdrawn; machine_agrees (the
    machine now gives the reviewer's outcome), criterion_changed, criterion_removed,
    interaction_not_scored (no longer applying); not_yet_applied or withdrawal_not_yet_applied (the
    published day does not reflect it yet: `touchstone override reapply`); standard_missing (the
    version that scored the date is not in the standards folder).

    \b
    Example:
        touchstone override list --date 2026-11-22
    """
    from touchstone.overrides import statuses

    frame = statuses(settings_from(data_dir), day)
    if frame.empty:
        console.print(f"No overrides recorded for {day}")
        return
    columns = ["interaction_id", "criterion_id", "machine_outcome", "outcome", "status", "reviewer", "overridden_at", "reason"]
    print_frame(frame[columns], f"overrides · {day} · {(frame['status'] == 'applied').sum()} of {len(frame)} applied")


@override.command("history")
@click.option("--date", "day", default=None, callback=date_callback, metavar="YYYY-MM-DD", help="Only this date.")
@click.option("--interaction", "interaction_id", default=None, help="Only this interaction.")
@data_option
@user_errors
def override_history(day: date | None, interaction_id: str | None, data_dir: Path | None) -> None:
    """The audit trail: every override and withdrawal ever recorded, oldest first.

    \b
    Example:
        touchstone override history --interaction c-0042
    """
    from warehouse.overrides import read_overrides

    frame = read_overrides(settings_from(data_dir).warehouse, day)
    if interaction_id is not None:
        frame = frame[frame["interaction_id"] == interaction_id]
    columns = ["date", "overridden_at", "reviewer", "interaction_id", "criterion_id", "machine_outcome", "outcome", "reason", "origin", "standard_version"]
    print_frame(frame[columns], f"override history · {len(frame)} row(s)")
