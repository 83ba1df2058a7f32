"""What a report is built from, read once from the published warehouse (never from staging).

The report of a date covers that date, with 30 days of history for trends and 7 days before it for
repeat contacts. Everything else in `warehouse.report` is pure functions of these frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from scorers.loader import load_standards
from scorers.standard import Standard
from touchstone.errors import TouchstoneError
from warehouse.calibration import read_human_outcomes
from warehouse.parquet import read_table

TREND_DAYS = 30
REPEAT_DAYS = 7
# What the report reads of interaction_scores: a day of 100,000 calls over 30 days must fit in memory.
DAY_COLUMNS = [
    "interaction_id", "agent_id", "agent_type", "team", "channel", "language", "started_at", "quality_score", "compliance_passed",
    "critical_failures", "customer_id", "contact_reason", "words", "transfers", "customer_distress", "handed_over", "run_id", "standard_id", "standard_version",
]  # fmt: skip
RESULT_COLUMNS = ["interaction_id", "agent_id", "criterion_id", "section", "outcome", "reason", "critical", "evidence", "turn_index", "start_ms"]
HISTORY_COLUMNS = ["interaction_id", "team", "quality_score", "compliance_passed", "customer_id", "started_at"]


@dataclass(frozen=True)
class ReportInputs:
    day: date
    interactions: pd.DataFrame  # interaction_scores of the day
    results: pd.DataFrame  # criterion_results of the day
    agents: pd.DataFrame  # agent_daily_scores of the day
    agent_history: pd.DataFrame  # agent_daily_scores of the last TREND_DAYS days, the day included
    interaction_history: pd.DataFrame  # interaction_scores of the same window (trends, repeat contacts)
    run: dict[str, object]  # the `runs` row of the published run
    quarantine: pd.DataFrame
    standard: Standard | None  # the version that scored the day, for titles; None if no longer on disk
    reviews: pd.DataFrame | None  # human outcomes kept for the day by `touchstone calibrate`


def reviews_file(reviews_dir: Path, day: date) -> Path:
    return reviews_dir / f"{day.isoformat()}.csv"


def load_inputs(warehouse: Path, standards_dir: Path, reviews_dir: Path, day: date) -> ReportInputs:
    """Read the published day and its history; an unpublished day is an error that says what to run."""
    interactions = read_table(warehouse, "interaction_scores", day, columns=DAY_COLUMNS)
    runs = read_table(warehouse, "runs", day)
    if interactions.empty and runs.empty:
        raise TouchstoneError(f"nothing published for {day} in {warehouse}", f"run `touchstone run --date {day}` first")
    published = set(interactions["run_id"]) or set(runs["run_id"].tail(1))
    run = runs[runs["run_id"].isin(published)].tail(1)
    window_start = day - timedelta(days=TREND_DAYS - 1)
    standard = None
    if not interactions.empty:
        ref = (interactions["standard_id"].iat[0], interactions["standard_version"].iat[0])
        standard = next((s for s in load_standards(standards_dir) if (s.id, s.version) == ref), None)
    reviews_path = reviews_file(reviews_dir, day)
    return ReportInputs(
        day=day,
        interactions=interactions,
        results=read_table(warehouse, "criterion_results", day, compact=True, columns=RESULT_COLUMNS),
        agents=read_table(warehouse, "agent_daily_scores", day),
        agent_history=read_table(warehouse, "agent_daily_scores", day, since=window_start),
        interaction_history=read_table(warehouse, "interaction_scores", day, since=min(window_start, day - timedelta(days=REPEAT_DAYS)), compact=True, columns=HISTORY_COLUMNS),
        run=run.iloc[0].to_dict() if not run.empty else {},
        quarantine=read_table(warehouse, "quarantine", day),
        standard=standard,
        reviews=read_human_outcomes(reviews_path) if reviews_path.exists() else None,
    )
