"""Reading what is published: `show` (a table of a date) and `query` (SQL over every table)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table as RichTable

from foundation.errors import TouchstoneError
from touchstone.cli.options import as_of_option, cell_text, console, data_option, date_option, print_frame, settings_from, standard_filter, standard_rows, user_errors
from warehouse.ready_queries import READY_QUERIES

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


@click.command()
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

    settings = settings_from(data_dir)
    table_name, columns, order = SHOW[what]
    frame = read_table(settings.warehouse, table_name, day, as_of=as_of)
    if what == "failures":
        frame = frame[frame["outcome"] == "fail"]
    if frame.empty and what in ("agents", "interactions", "runs"):
        when = f" as of {as_of.isoformat()}" if as_of else ""
        raise TouchstoneError(f"nothing published for {day} in {settings.warehouse}{when}", f"run `touchstone run --date {day}` first")
    if what in ("agents", "interactions", "failures"):
        frame = standard_rows(frame, standard_id, day)
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
        table.add_row(*(escape(cell_text(v)) for v in row))  # evidence like "[card number ...]" is text
    console.print(table)


@click.command()
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
    settings = settings_from(data_dir)
    try:
        frame = connect(settings.warehouse, as_of, standard_id).sql(sql or READY_QUERIES[ready or ""]).df()
    except duckdb.Error as exc:
        raise TouchstoneError(f"the query failed: {exc}", "tables: criterion_results, interaction_scores, agent_daily_scores, quarantine, runs") from None
    print_frame(frame, ready or "query")
