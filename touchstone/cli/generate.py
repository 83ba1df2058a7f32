"""`generate`: sample data to try the pipeline on."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from touchstone.cli.options import console, data_option, date_option, settings_from, user_errors


@click.command()
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

    settings = settings_from(data_dir)
    result = generate_day(settings.landing_dir, day, interactions, seed, lines_of_business=lines_of_business)
    console.print(f"Generated {result.interactions} interactions for {day} in {settings.landing_dir / day.isoformat()}")
    console.print("Injected violations: " + ", ".join(f"{k} {v}" for k, v in result.violations.items()))
    console.print(f"Ground truth: {result.ground_truth}")
