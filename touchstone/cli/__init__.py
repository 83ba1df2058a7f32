"""The `touchstone` command: the pipeline without a scheduler, sample data, tables and standards.

One module per command group, by who uses it: `run` (run, backfill), `generate`, `show` (show,
query), `reviews` (calibrate, override), `report` and `standards`; what they share (consoles,
options, settings) is in `options`. Heavy libraries are imported inside the commands, so
`touchstone --help` imports little.
"""

from __future__ import annotations

import logging

import click

from touchstone.cli import generate, report, reviews, run, show, standards, warehouse
from touchstone.cli.options import verbose_option


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


# In the order the file defined them before it was split (`--help` lists them alphabetically).
cli.add_command(run.run)
cli.add_command(run.backfill)
cli.add_command(generate.generate)
cli.add_command(show.show)
cli.add_command(show.query)
cli.add_command(reviews.calibrate)
cli.add_command(reviews.override)
cli.add_command(report.report)
cli.add_command(standards.standards)
cli.add_command(warehouse.warehouse)


def main() -> None:
    cli(prog_name="touchstone")
