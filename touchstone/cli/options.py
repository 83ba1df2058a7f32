"""What the commands share: the consoles, user errors, the options and their callbacks, the settings
the options give, and printing a table.

User errors print a message and a hint and exit 1, never a traceback.
"""

from __future__ import annotations

import logging
import math
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

if TYPE_CHECKING:
    from touchstone.settings import Settings

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


def date_callback(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    from touchstone.steps.plan import parse_day

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
date_option = click.option("--date", "day", required=True, callback=date_callback, metavar="YYYY-MM-DD", help="The date to work on.")
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


def settings_from(data_dir: Path | None, **overrides: Any) -> Settings:
    # Imported here, not above: the settings import pyarrow, which `touchstone --help` need not wait for.
    from touchstone.settings import Settings

    overrides = {k: v for k, v in overrides.items() if v is not None}
    if data_dir is not None:
        data_dir = data_dir.resolve()
        overrides.setdefault("landing_dir", data_dir / "landing")
    return Settings.from_env(data_dir=data_dir, **overrides)


def source_settings(data_dir: Path | None, landing: str | None, conn_id: str | None, source_config: Path | None) -> Settings:
    is_url = landing is not None and "://" in landing
    return settings_from(
        data_dir,
        landing_url=landing if is_url else None,
        landing_dir=Path(landing).resolve() if landing and not is_url else None,
        landing_conn_id=conn_id,
        source_config=source_config,
    )


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


routing_option = click.option("--routing", default=None, metavar="ID[@VERSION]", help="Give each interaction the standards this routing gives it (default: TOUCHSTONE_ROUTING; none: one standard).")


def processes_option(text: str = "Read the landing files and score shards in this many processes.") -> Callable[[F], F]:
    """`--processes N`: how many processes read the landing files and score the shards."""
    return click.option("--processes", default=1, show_default=True, type=click.IntRange(min=1), help=text)


standard_filter = click.option("--standard", "standard_id", default=None, metavar="ID", help="Only what this standard scored (a routed date has several).")


def standard_rows(frame: Any, standard_id: str | None, day: date) -> Any:
    """The rows of one standard; an error naming the day's standards if it scored nothing then."""
    from warehouse.frames import of_standard

    if standard_id is None or frame.empty or "standard_id" not in frame:
        return frame
    chosen = of_standard(frame, standard_id)
    if chosen.empty:
        raise TouchstoneError(f"standard {standard_id!r} scored nothing on {day}", f"standards of the day: {', '.join(sorted(set(frame['standard_id'].astype(str))))}")
    return chosen


def cell_text(value: Any) -> str:
    """A table cell as printed: "-" for nothing, numbers to one decimal (two below 1). Python's own
    values are told apart without pandas (~0.5 s to import), which `standards try` needs for nothing else."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if type(value).__module__ != "builtins":  # numpy's and pandas' scalars: pandas says what is missing (NaT, NA)
        import pandas as pd

        if pd.isna(value):
            return "-"
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) > 1 or value == 0 else f"{value:.2f}"
    return str(value)


def print_frame(frame: Any, title: str) -> None:
    table = RichTable(title=title)
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*(escape(cell_text(v)) for v in row))
    console.print(table)
