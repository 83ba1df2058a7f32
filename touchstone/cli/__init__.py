"""The `touchstone` command: the pipeline without a scheduler, sample data, tables and standards.

User errors print a message and a hint and exit 1, never a traceback.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from foundation.errors import TouchstoneError
from touchstone.settings import Settings
from warehouse.queries import READY_QUERIES

if TYPE_CHECKING:
    from scorers.standard import Standard

F = TypeVar("F", bound=Callable[..., Any])
# Off a terminal (CI logs, `make demo | tee`) rich would assume 80 columns and fold every cell.
console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, soft_wrap=True)


def user_errors(func: F) -> F:
    """Turn a TouchstoneError into a short message and exit status 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TouchstoneError as exc:
            err_console.print(f"[bold red]Error:[/] {escape(exc.message)}", highlight=False)
            if exc.hint:
                err_console.print(f"[yellow]Hint:[/] {escape(exc.hint)}", highlight=False)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    from touchstone.pipeline import parse_day

    if value is None:
        return None
    try:
        return parse_day(value)
    except TouchstoneError as exc:
        raise click.BadParameter(f"{exc.message}; {exc.hint}") from None


def _moment(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a timestamp; e.g. 2026-11-30T08:00:00Z or '2026-11-30 08:00'") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


as_of_option = click.option(
    "--as-of", "as_of", default=None, callback=_moment, metavar="TIMESTAMP", help="Read the tables as they were at this moment (ISO 8601; UTC unless a zone is given)."
)
date_option = click.option("--date", "day", required=True, callback=_day, metavar="YYYY-MM-DD", help="The date to work on.")
data_option = click.option(
    "--data-dir", type=click.Path(path_type=Path, file_okay=False), default=None, help="Data folder (default: TOUCHSTONE_DATA_DIR or ./data)."
)


def source_options(func: F) -> F:
    """The options of the commands that read transcripts: where from, how, in what shards."""
    for option in reversed(
        [
            click.option("--shard-size", default=None, type=click.IntRange(min=1), help="Interactions per shard (default 2000)."),
            click.option("--landing", default=None, metavar="PATH|URL", help="Where the day's files are: a folder, or file://, s3://, gs://, abfs:// URL."),
            click.option("--conn-id", default=None, help="Airflow connection id with the object store's credentials."),
            click.option("--source-config", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None, help="Source configuration YAML (layout, speakers, defaults, metadata)."),
        ]
    ):
        func = option(func)
    return func


def _settings(data_dir: Path | None, **overrides: Any) -> Settings:
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if data_dir is not None:
        data_dir = data_dir.resolve()
        overrides.setdefault("landing_dir", data_dir / "landing")
    return Settings.from_env(data_dir=data_dir, **overrides)


def _verbose(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta["verbose"] = True
        logging.disable(logging.NOTSET)
        # Where no library set up logging (a local run imports no Airflow), show it on stderr.
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    return value


# Third-party info logging (Great Expectations alone prints ~220 lines a run) is off unless asked for;
# warnings and errors still show. Accepted before or after the command: `touchstone run -v ...`.
verbose_option = click.option(
    "--verbose", "-v", is_flag=True, expose_value=False, is_eager=True, callback=_verbose, help="Show the libraries' info logging."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="touchstone")
@verbose_option
def cli() -> None:
    """Score customer-service interactions against a written standard.

    \b
    Example:
        touchstone generate --date 2026-11-22
        touchstone run --date 2026-11-22
        touchstone show agents --date 2026-11-22
    """
    ctx = click.get_current_context()
    if not ctx.meta.get("verbose"):
        logging.disable(logging.INFO)
        ctx.call_on_close(lambda: logging.disable(logging.NOTSET))  # for callers in the same process


@cli.command()
@date_option
@click.option("--standard", default=None, metavar="ID[@VERSION]", help="Standard to score every interaction with (default: the version in force on the date).")
@click.option("--routing", default=None, metavar="ID[@VERSION]", help="Give each interaction the standards this routing gives it (default: TOUCHSTONE_ROUTING; none: one standard).")
@click.option("--processes", default=1, show_default=True, type=click.IntRange(min=1), help="Read the landing files and score shards in this many processes.")
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

    settings = _source_settings(data_dir, landing, conn_id, source_config)
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


def _source_settings(data_dir: Path | None, landing: str | None, conn_id: str | None, source_config: Path | None) -> Settings:
    is_url = landing is not None and "://" in landing
    return _settings(
        data_dir,
        landing_url=landing if is_url else None,
        landing_dir=Path(landing).resolve() if landing and not is_url else None,
        landing_conn_id=conn_id,
        source_config=source_config,
    )


@cli.command()
@click.option("--from", "first", required=True, callback=_day, metavar="YYYY-MM-DD", help="First date to score.")
@click.option("--to", "last", required=True, callback=_day, metavar="YYYY-MM-DD", help="Last date to score (included).")
@click.option("--standard", default=None, metavar="ID[@VERSION]", help="Re-score with this version (default: each date's version in force).")
@click.option("--routing", default=None, metavar="ID[@VERSION]", help="Give each interaction the standards this routing gives it (default: TOUCHSTONE_ROUTING; none: one standard).")
@source_options
@data_option
@verbose_option
@user_errors
def backfill(
    first: date,
    last: date,
    standard: str | None,
    routing: str | None,
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
    settings = _source_settings(data_dir, landing, conn_id, source_config)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    failed = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        bar = progress.add_task("backfill", total=len(days))
        for day in days:
            progress.update(bar, description=f"scoring {day}")
            try:
                summary = run_day(settings, day, standard, shard_size=shard_size, routing=routing)
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


@cli.command()
@date_option
@click.option("--interactions", "-n", default=400, show_default=True, help="How many interactions.")
@click.option("--seed", default=7, show_default=True, help="Random seed; the same seed and date give the same files.")
@click.option(
    "--lines-of-business", is_flag=True, help="Add the sales (contract queue) and support lines, and each routed standard's expected verdicts."
)
@data_option
@user_errors
def generate(day: date, interactions: int, seed: int, lines_of_business: bool, data_dir: Path | None) -> None:
    """Write a realistic sample day into the landing folder, with its ground truth.

    \b
    Example:
        touchstone generate --date 2026-11-22 -n 1000
        touchstone generate --date 2026-11-22 --lines-of-business
    """
    from touchstone.sample_data import generate_day

    settings = _settings(data_dir)
    result = generate_day(settings.landing_dir, day, interactions, seed, lines_of_business=lines_of_business)
    console.print(f"Generated {result.interactions} interactions for {day} in {settings.landing_dir / day.isoformat()}")
    console.print("Injected violations: " + ", ".join(f"{k} {v}" for k, v in result.violations.items()))
    console.print(f"Ground truth: {result.ground_truth}")


# What `show` prints per table: the table, its columns with their labels, and the ordering column.
SHOW: dict[str, tuple[str, dict[str, str], str | None]] = {
    "agents": (
        "agent_daily_scores",
        {"agent_id": "agent", "agent_type": "type", "team": "team", "interactions": "n", "mean_quality_score": "quality",
         "quality_ci_low": "95% CI low", "quality_ci_high": "95% CI high", "compliance_rate": "compliance", "critical_failures": "critical fails"},
        "mean_quality_score",
    ),
    "interactions": (
        "interaction_scores",
        {"interaction_id": "interaction", "agent_id": "agent", "channel": "channel", "language": "lang", "quality_score": "quality",
         "compliance_passed": "compliant", "critical_failures": "critical fails"},
        "quality_score",
    ),
    "failures": (
        "criterion_results",
        {"interaction_id": "interaction", "agent_id": "agent", "criterion_id": "criterion", "reason": "reason", "evidence": "evidence",
         "turn_index": "turn", "start_ms": "ms"},
        None,
    ),
    "quarantine": ("quarantine", {"source": "source", "locator": "where", "reason": "reason"}, None),
    "runs": (
        "runs",
        {"run_id": "run", "standard_id": "standard", "standard_version": "version", "files": "files", "read": "read", "scored": "scored",
         "quarantined": "quarantined", "duplicates_dropped": "duplicates", "status": "status"},
        None,
    ),
}


standard_filter = click.option("--standard", "standard_id", default=None, metavar="ID", help="Only what this standard scored (a routed date has several).")


def _of_standard(frame: Any, standard_id: str | None, day: date) -> Any:
    """The rows of one standard; an error naming the day's standards if it scored nothing then."""
    from warehouse.frames import of_standard

    if standard_id is None or frame.empty or "standard_id" not in frame:
        return frame
    chosen = of_standard(frame, standard_id)
    if chosen.empty:
        raise TouchstoneError(f"standard {standard_id!r} scored nothing on {day}", f"standards of the day: {', '.join(sorted(set(frame['standard_id'].astype(str))))}")
    return chosen


def _cell(value: Any) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) > 1 or value == 0 else f"{value:.2f}"
    return str(value)


@cli.command()
@click.argument("what", type=click.Choice(sorted(SHOW)))
@date_option
@click.option("--top", default=0, help="Show only the first N rows (0: all).")
@standard_filter
@as_of_option
@data_option
@user_errors
def show(what: str, day: date, top: int, standard_id: str | None, as_of: datetime | None, data_dir: Path | None) -> None:
    """Print a published table for a date: agents, interactions, failures, quarantine or runs.

    Agents and interactions are ordered best score first; failures lists every failed
    criterion with its (redacted) evidence. A date scored with several standards (a routed run)
    shows a standard column, or one standard's rows with --standard.

    \b
    Example:
        touchstone show agents --date 2026-11-22
        touchstone show failures --date 2026-11-22 --top 20
        touchstone show agents --date 2026-11-22 --as-of 2026-11-23T06:00:00Z
    """
    from warehouse.store import read_table

    settings = _settings(data_dir)
    table_name, columns, order = SHOW[what]
    frame = read_table(settings.warehouse, table_name, day, as_of=as_of)
    if what == "failures":
        frame = frame[frame["outcome"] == "fail"]
    if frame.empty and what in ("agents", "interactions", "runs"):
        when = f" as of {as_of.isoformat()}" if as_of else ""
        raise TouchstoneError(f"nothing published for {day} in {settings.warehouse}{when}", f"run `touchstone run --date {day}` first")
    if what in ("agents", "interactions", "failures"):
        frame = _of_standard(frame, standard_id, day)
        if frame["standard_id"].nunique() > 1:
            columns = {**columns, "standard_id": "standard"}
    if order:
        frame = frame.sort_values(order, ascending=False, kind="stable", na_position="last")
    total = len(frame)
    if top:
        frame = frame.head(top)
    title = f"{what} · {day}" + (f" · as of {as_of.isoformat()}" if as_of else "") + f" · {total} rows"
    table = RichTable(title=title + (f" (top {len(frame)})" if len(frame) < total else ""))
    for label in columns.values():
        table.add_column(label, overflow="fold")
    for row in frame[list(columns)].itertuples(index=False):
        table.add_row(*(escape(_cell(v)) for v in row))  # evidence like "[card number ...]" is text
    console.print(table)


def _print_frame(frame: Any, title: str) -> None:
    table = RichTable(title=title)
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*(escape(_cell(v)) for v in row))
    console.print(table)


@cli.command()
@click.argument("sql", required=False)
@click.option("--ready", type=click.Choice(sorted(READY_QUERIES)), default=None, help="Run one of the ready queries.")
@click.option("--standard", "standard_id", default=None, metavar="ID", help="Every table shows only the rows this standard scored.")
@as_of_option
@data_option
@user_errors
def query(sql: str | None, ready: str | None, standard_id: str | None, as_of: datetime | None, data_dir: Path | None) -> None:
    """Query the warehouse with SQL (DuckDB); every table is a view with its `date` column.

    Rows of every standard are in the same views, each with its `standard_id` (a routed date has
    several); --standard narrows every view to one.

    \b
    Example:
        touchstone query "select agent_id, avg(quality_score) from interaction_scores group by 1"
        touchstone query --ready worst_criteria
        touchstone query --ready worst_criteria --as-of 2026-11-23T06:00:00Z
    """
    import duckdb

    from warehouse.queries import connect

    if (sql is None) == (ready is None):
        raise TouchstoneError("give either SQL or --ready NAME", f"ready queries: {', '.join(sorted(READY_QUERIES))}")
    settings = _settings(data_dir)
    try:
        frame = connect(settings.warehouse, as_of, standard_id).sql(sql or READY_QUERIES[ready or ""]).df()
    except duckdb.Error as exc:
        raise TouchstoneError(f"the query failed: {exc}", "tables: criterion_results, interaction_scores, agent_daily_scores, quarantine, runs") from None
    _print_frame(frame, ready or "query")


@cli.command()
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
    from touchstone.pipeline import report_day
    from warehouse.report.inputs import reviews_file

    settings = _settings(data_dir)
    results = read_table(settings.warehouse, "criterion_results", day)
    if results.empty:
        raise TouchstoneError(f"nothing published for {day} in {settings.warehouse}", f"run `touchstone run --date {day}` first")
    results = _of_standard(results, standard_id, day)
    human = read_human_outcomes(human_file)
    overrides = in_force(read_overrides(settings.warehouse, day))
    reviews = with_overrides(human, overrides)
    if standard_id is not None and reviews is not None:  # reviews of other standards' criteria are not this one's
        reviews = reviews[reviews["criterion_id"].isin(set(results["criterion_id"]))]
    report = compare(reviews, results)  # type: ignore[arg-type]
    _print_frame(report.per_criterion, f"calibration · {day}{f' · {standard_id}' if standard_id else ''} · agreement and Cohen's kappa")
    _print_frame(report.disagreements.head(top), f"disagreements ({len(report.disagreements)})")
    if report.not_scored:
        console.print(f"[yellow]{report.not_scored} reviewed row(s) have no automatic verdict for {day}[/]")
    if keep:
        kept = reviews_file(settings.reviews_dir, day)
        kept.parent.mkdir(parents=True, exist_ok=True)
        human.to_csv(kept, index=False)
        page = report_day(settings, day)
        console.print(f"Reviews kept in {kept}; the report has them: {page}")


@cli.group()
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

    _print_recorded(record(_settings(data_dir), [request(day.isoformat(), interaction_id, criterion_id, outcome, reason, reviewer, "command line")]))


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

    _print_recorded(record(_settings(data_dir), [request(day.isoformat(), interaction_id, criterion_id, "", reason, reviewer, "command line", withdraw=True)]))


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

    _print_recorded(record(_settings(data_dir), *read_requests(csv_file, reviewer)))


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

    published = reapply(_settings(data_dir), day)
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

    frame = statuses(_settings(data_dir), day)
    if frame.empty:
        console.print(f"No overrides recorded for {day}")
        return
    columns = ["interaction_id", "criterion_id", "machine_outcome", "outcome", "status", "reviewer", "overridden_at", "reason"]
    _print_frame(frame[columns], f"overrides · {day} · {(frame['status'] == 'applied').sum()} of {len(frame)} applied")


@override.command("history")
@click.option("--date", "day", default=None, callback=_day, metavar="YYYY-MM-DD", help="Only this date.")
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

    frame = read_overrides(_settings(data_dir).warehouse, day)
    if interaction_id is not None:
        frame = frame[frame["interaction_id"] == interaction_id]
    columns = ["date", "overridden_at", "reviewer", "interaction_id", "criterion_id", "machine_outcome", "outcome", "reason", "origin", "standard_version"]
    _print_frame(frame[columns], f"override history · {len(frame)} row(s)")


@cli.command()
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
    from touchstone.pipeline import report_day

    settings = _settings(data_dir)
    console.print(f"Report: {report_day(settings, day, out, standard_id)}")


@cli.group()
def standards() -> None:
    """Check the standards that compliance officers write."""


def _standard_files(paths: tuple[Path, ...], standards_dir: Path | None) -> list[Path]:
    folder = (standards_dir or Settings.from_env().standards_dir).resolve()
    files = list(paths) or sorted(folder.glob("*.yaml"))
    if not files:
        raise TouchstoneError(f"no standards (*.yaml) in {folder}", "pass a file, or --standards-dir")
    return files


standards_dir_option = click.option(
    "--standards-dir", type=click.Path(path_type=Path, file_okay=False), default=None, help="Folder of standards (default: ./standards)."
)


@standards.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True, dir_okay=False))
@standards_dir_option
@user_errors
def validate(paths: tuple[Path, ...], standards_dir: Path | None) -> None:
    """Validate standards; every problem is printed as file:line: field: message.

    With no paths, validates every *.yaml in the standards folder, and the routing versions in its
    routing/ folder against those standards. Exits 1 if any is invalid.

    \b
    Example:
        touchstone standards validate
        touchstone standards validate standards/eu_core.v1.yaml
    """
    from scorers.loader import StandardError, load_standard
    from scorers.routing import load_routing, routing_files

    def refused(path: Path, exc: StandardError) -> None:
        err_console.print(f"[red]✗[/] {escape(str(path))}", highlight=False)
        for problem in exc.problems:
            err_console.print(f"  {problem}", highlight=False, markup=False)

    failed, known = 0, set()
    for path in _standard_files(paths, standards_dir):
        try:
            standard = load_standard(path)
        except StandardError as exc:
            failed += 1
            refused(path, exc)
            continue
        known.add(standard.id)
        console.print(f"[green]✓[/] {escape(str(path))}: {standard.ref}, effective from {standard.effective_from}, {len(standard.criteria)} criteria", highlight=False)
    for path in [] if paths else routing_files((standards_dir or Settings.from_env().standards_dir).resolve()):
        try:
            routing = load_routing(path, known)
        except StandardError as exc:
            failed += 1
            refused(path, exc)
            continue
        console.print(f"[green]✓[/] {escape(str(path))}: routing {routing.ref}, effective from {routing.effective_from}, {len(routing.rules)} rules", highlight=False)
    sys.exit(1 if failed else 0)


@standards.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True, dir_okay=False))
@standards_dir_option
@user_errors
def test_examples(paths: tuple[Path, ...], standards_dir: Path | None) -> None:
    """Run the examples inside standards and report which example broke which criterion.

    Exits 1 if any example gets another outcome than it expects.

    \b
    Example:
        touchstone standards test
        touchstone standards test standards/eu_core.v1.yaml
    """
    from scorers.examples import run_examples
    from scorers.loader import load_standard

    broken = total = 0
    for path in _standard_files(paths, standards_dir):
        standard = load_standard(path)
        results = run_examples(standard)
        total += len(results)
        for r in results:
            if not r.passed:
                broken += 1
                err_console.print(
                    f"[red]✗[/] {escape(str(path))}:{r.line}: {r.criterion_id} example {r.index + 1}: expected {r.expected}, got {r.got} ({escape(r.reason)})",
                    highlight=False,
                )
        console.print(f"{standard.ref}: {len(results)} examples, {sum(not r.passed for r in results)} broken", highlight=False)
    console.print(f"[{'red' if broken else 'green'}]{total - broken} passed, {broken} failed[/]", highlight=False)
    sys.exit(1 if broken else 0)


@standards.command("diff")
@click.argument("old")
@click.argument("new")
@standards_dir_option
@user_errors
def diff(old: str, new: str, standards_dir: Path | None) -> None:
    """List what changed between two standards: criteria added, removed and changed, field by field.

    OLD and NEW are files, or `id@version` of standards in the standards folder.

    \b
    Example:
        touchstone standards diff eu_core@1.0 eu_core@1.1
        touchstone standards diff standards/eu_core.v1.yaml draft.yaml
    """
    from scorers.diff import diff_standards

    a, b = _standard_by_name(old, standards_dir), _standard_by_name(new, standards_dir)
    changes = diff_standards(a, b)
    console.print(f"{a.ref} -> {b.ref}: {len(changes)} change(s)", highlight=False)
    for change in changes:
        colour = {"added": "green", "removed": "red"}.get(change.change, "yellow")
        console.print(f"  [{colour}]{escape(str(change))}[/]", highlight=False)


def _standard_by_name(name: str, standards_dir: Path | None) -> Standard:
    from scorers.loader import load_standard, load_standards

    if Path(name).is_file():
        return load_standard(Path(name))
    if "@" not in name:
        raise TouchstoneError(f"{name!r} is neither a file nor an id@version", "e.g. eu_core@1.0")
    folder = (standards_dir or Settings.from_env().standards_dir).resolve()
    for standard in load_standards(folder):
        if standard.ref == name:
            return standard
    raise TouchstoneError(f"no standard {name} in {folder}")


@standards.command("try")
@click.argument("standard_file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--on", "paths", multiple=True, required=True, type=click.Path(path_type=Path, exists=True), help="Transcript file or folder (repeatable).")
@click.option("--failures-only", is_flag=True, help="Show only failed criteria.")
@click.option("--routing", default=None, metavar="ID[@VERSION]", help="Score only the interactions this routing (in force today) gives the draft's standard.")
@standards_dir_option
@user_errors
def try_(standard_file: Path, paths: tuple[Path, ...], failures_only: bool, routing: str | None, standards_dir: Path | None) -> None:
    """Score a draft standard on transcripts and print verdicts with evidence; writes nothing.

    \b
    Example:
        touchstone standards try draft.yaml --on data/landing/2026-11-22/
        touchstone standards try draft.yaml --on calls.jsonl --failures-only
        touchstone standards try sales.v2.yaml --on data/landing/2026-11-22/ --routing lines_of_business
    """
    from touchstone.trial import try_standard

    routed = _routing_today(routing, standard_file, standards_dir) if routing else None
    trial = try_standard(standard_file, list(paths), routing=routed)
    if routed is not None:
        console.print(f"Routing {routed.ref}: {len(trial.scored)} interaction(s) go to {standard_file.name}'s standard, {trial.routed_elsewhere} elsewhere", highlight=False)
    summary = RichTable(title=f"{standard_file} on {len(trial.scored)} interaction(s): summary per criterion")
    for label in ("criterion", "pass", "fail", "not applicable"):
        summary.add_column(label, justify="left" if label == "criterion" else "right")
    for criterion_id, passed, failed, not_applicable in trial.summary():
        summary.add_row(escape(criterion_id), str(passed), str(failed), str(not_applicable))
    console.print(summary)
    table = RichTable(title=f"{standard_file} on {len(trial.scored)} interaction(s)")
    for label in ("interaction", "quality", "criterion", "outcome", "reason", "evidence", "turn"):
        table.add_column(label, overflow="fold")
    for scored in trial.scored:
        quality = _cell(scored.score.quality_score)
        for r in scored.results:
            if failures_only and r.verdict.outcome.value != "fail":
                continue
            evidence = r.verdict.evidence
            table.add_row(
                *(escape(_cell(v)) for v in (scored.interaction.interaction_id, quality, r.criterion.id, r.verdict.outcome.value, r.verdict.reason, evidence.text if evidence else None, evidence.turn_index if evidence else None))
            )
    console.print(table)
    for q in trial.quarantined:
        err_console.print(f"[yellow]quarantined[/] {escape(q.source)} {q.locator}: {escape(q.reason)}", highlight=False)


def _routing_today(routing: str, draft: Path, standards_dir: Path | None) -> Any:
    """The routing `routing` in force today, read beside the standards (the draft's id counts as known)."""
    from datetime import UTC, datetime

    from scorers.loader import load_standard, load_standards
    from scorers.routing import load_routings, select_routing

    folder = (standards_dir or Settings.from_env().standards_dir).resolve()
    known = {s.id for s in load_standards(folder)} | {load_standard(draft).id}
    today = datetime.now(UTC).date()
    chosen = select_routing(load_routings(folder, known), today, routing)
    if chosen is None:
        raise TouchstoneError(f"no version of routing {routing!r} is in force on {today}")
    return chosen


@standards.command("impact")
@click.argument("draft", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--from", "first", required=True, callback=_day, metavar="YYYY-MM-DD", help="First date to re-score.")
@click.option("--to", "last", required=True, callback=_day, metavar="YYYY-MM-DD", help="Last date to re-score (included).")
@click.option("--processes", default=1, show_default=True, type=click.IntRange(min=1), help="Read the landing files and score shards in this many processes.")
@click.option("--top", default=10, show_default=True, help="How many agents and flips to print.")
@source_options
@data_option
@verbose_option
@user_errors
def impact(
    draft: Path, first: date, last: date, processes: int, top: int, shard_size: int | None, landing: str | None, conn_id: str | None, source_config: Path | None, data_dir: Path | None
) -> None:
    """Re-score published dates with a draft standard and compare, publishing nothing.

    Pass rate per criterion, mean quality per team and agent, and the interactions whose
    compliance flips (both ways) with their evidence, side by side with what is published; the
    criteria the draft adds, removes or changes. Writes the tables (Parquet), summary.json and an
    HTML page to <data>/impact/<draft>_<from>_<to>/.

    \b
    Example:
        touchstone standards impact draft.yaml --from 2026-11-01 --to 2026-11-28
    """
    from touchstone.impact import impact as measure

    settings = _source_settings(data_dir, landing, conn_id, source_config)
    with console.status("planning ...") as status:
        result = measure(settings, draft, first, last, shard_size, processes, on_step=lambda step: status.update(f"{step} ..."))
    h = result.headline
    pct = lambda v: "-" if v is None else f"{100 * v:.1f}%"  # noqa: E731
    num = lambda v: "-" if v is None else f"{v:.1f}"  # noqa: E731
    console.print(
        f"[bold]{escape(h['draft'])}[/] on {h['days']} day(s), {h['interactions']:,} interactions: mean quality {num(h['mean_quality_published'])} -> {num(h['mean_quality_draft'])}, "
        f"compliant {pct(h['compliance_published'])} -> {pct(h['compliance_draft'])}; {h['now_non_compliant']:,} become non-compliant, {h['now_compliant']:,} become compliant, "
        f"{h['quality_changed']:,} quality scores change.",
        highlight=False,
    )
    for day, why in result.skipped.items():
        console.print(f"[yellow]{day} not compared: {escape(why)}[/]", highlight=False)
    import pandas as pd

    criteria = pd.read_parquet(result.folder / "criteria.parquet")
    changed = criteria[criteria["pass_rate_change"].fillna(0) != 0].sort_values("pass_rate_change", key=abs, ascending=False)
    columns = ["criterion_id", "published_pass_rate", "draft_pass_rate", "pass_rate_change", "published_fail", "draft_fail"]
    _print_frame(changed[columns], f"criteria whose pass rate changes ({len(changed)})")
    agents = pd.read_parquet(result.folder / "agents.parquet")
    agents = agents[agents["quality_change"].fillna(0) != 0]
    _print_frame(agents[["agent_id", "team", "interactions", "mean_quality_published", "mean_quality_draft", "quality_change"]].head(top), f"agents who move most ({len(agents)} move)")
    flips = pd.read_parquet(result.folder / "flips.parquet")
    _print_frame(flips[["date", "interaction_id", "agent_id", "direction", "criteria"]].head(top), f"compliance flips ({len(flips)})")
    console.print(f"Page: {result.page}", highlight=False)


@standards.command("schema")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Write to this file instead of printing.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of the standard language, for editors that complete and check YAML.

    \b
    Example:
        touchstone standards schema -o standards/standard.schema.json
    """
    import json

    from scorers.schema import standard_schema

    text = json.dumps(standard_schema(), indent=2, ensure_ascii=False) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"Wrote {output}")
    else:
        click.echo(text, nl=False)


def main() -> None:
    cli(prog_name="touchstone")


if __name__ == "__main__":
    main()
