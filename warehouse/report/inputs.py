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
from warehouse.calibration import read_human_outcomes, with_overrides
from warehouse.location import Warehouse
from warehouse.overrides import in_force, latest, read_overrides, with_status
from warehouse.queries import connect
from warehouse.store import has_day, read_table

TREND_DAYS = 30
REPEAT_DAYS = 7
# What the report reads of interaction_scores: a day of 100,000 calls over 30 days must fit in memory.
DAY_COLUMNS = [
    "interaction_id", "agent_id", "agent_type", "team", "channel", "language", "started_at", "quality_score", "compliance_passed",
    "critical_failures", "customer_id", "contact_reason", "words", "transfers", "customer_distress", "handed_over", "run_id", "standard_id", "standard_version",
]  # fmt: skip
RESULT_COLUMNS = [
    "interaction_id", "agent_id", "criterion_id", "section", "outcome", "reason", "critical", "evidence", "turn_index", "start_ms",
    "machine_outcome", "override_id", "override_reviewer", "override_reason",
]  # fmt: skip
HISTORY_COLUMNS = ["team", "quality_score", "compliance_passed"]  # 30 days: 3 million rows at 100,000 a day
CONTACT_COLUMNS = ["customer_id", "started_at"]  # 7 days, for repeat contacts


@dataclass(frozen=True)
class ReportInputs:
    day: date
    interactions: pd.DataFrame  # interaction_scores of the day
    # The day's 1.5 million criterion results (at 100,000 calls) are never held: DuckDB counts them
    # per agent, agent type, criterion and outcome, and hands over only the rows the report lists.
    outcome_counts: pd.DataFrame  # agent_id, agent_type, criterion_id, section, critical, outcome, n
    results: pd.DataFrame  # the rows listed: critical failures, the handover criterion, reviewed pairs
    agents: pd.DataFrame  # agent_daily_scores of the day
    agent_history: pd.DataFrame  # agent_daily_scores of the last TREND_DAYS days, the day included
    interaction_history: pd.DataFrame  # interaction_scores of the same window, for trends (HISTORY_COLUMNS)
    contacts: pd.DataFrame  # who was in touch when, over the REPEAT_DAYS before the day and the day
    run: dict[str, object]  # the `runs` row of the published run
    quarantine: pd.DataFrame
    standard: Standard | None  # the version that scored the day, for titles; None if no longer on disk
    reviews: pd.DataFrame | None  # human outcomes of the day: kept by `touchstone calibrate`, and the overrides in force
    overrides: pd.DataFrame  # every override recorded for the day (latest per verdict), with its status
    trust: pd.DataFrame  # per criterion over TREND_DAYS: verdicts reviewed, agreed with, overridden


def reviews_file(reviews_dir: Path, day: date) -> Path:
    return reviews_dir / f"{day.isoformat()}.csv"


def load_inputs(warehouse: Warehouse | Path, standards_dir: Path, reviews_dir: Path, day: date) -> ReportInputs:
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
    recorded = read_overrides(warehouse, since=window_start, day=day)
    reviews = with_overrides(read_human_outcomes(reviews_path) if reviews_path.exists() else None, in_force(recorded[recorded["date"] == day.isoformat()]))
    counts, listed = _criterion_results(warehouse, day, standard.handover_criterion if standard else None, reviews)
    return ReportInputs(
        day=day,
        interactions=interactions,
        outcome_counts=counts,
        results=listed,
        agents=read_table(warehouse, "agent_daily_scores", day),
        agent_history=read_table(warehouse, "agent_daily_scores", day, since=window_start),
        interaction_history=read_table(warehouse, "interaction_scores", day, since=window_start, compact=True, columns=HISTORY_COLUMNS),
        contacts=read_table(warehouse, "interaction_scores", day, since=day - timedelta(days=REPEAT_DAYS), compact=True, columns=CONTACT_COLUMNS),
        run=run.iloc[0].to_dict() if not run.empty else {},
        quarantine=read_table(warehouse, "quarantine", day),
        standard=standard,
        reviews=reviews,
        overrides=_with_status(latest(recorded[recorded["date"] == day.isoformat()]), standard, listed),
        trust=_trust(warehouse, reviews_dir, recorded, window_start, day),
    )


def _with_status(overrides: pd.DataFrame, standard: Standard | None, listed: pd.DataFrame) -> pd.DataFrame:
    """The day's overrides with whether each applies (`listed` holds the verdicts of every
    overridden pair)."""
    return with_status(overrides, {c.id: c for c in standard.criteria} if standard else None, listed)


def _trust(warehouse: Warehouse | Path, reviews_dir: Path, overrides: pd.DataFrame, since: date, day: date) -> pd.DataFrame:
    """Per criterion, over the window: verdicts reviewers looked at (calibration reviews and the
    overrides in force), how many of them gave Touchstone's own outcome, the same over calibration
    reviews alone (a sample not chosen for disagreeing), and how many verdicts an override decides."""
    parts = []
    for offset in range((day - since).days + 1):
        when = since + timedelta(days=offset)
        path = reviews_file(reviews_dir, when)
        sample = read_human_outcomes(path) if path.exists() else None
        reviews = with_overrides(sample, in_force(overrides[overrides["date"] == when.isoformat()]))
        if reviews is not None:
            parts.append(reviews.assign(date=when.isoformat(), counted=True))
        if sample is not None:  # the whole sample, also where an override corrected the verdict since
            parts.append(sample.assign(date=when.isoformat(), source="sample", counted=False))
    columns = ["criterion_id", "reviewed", "agreed", "sampled", "sampled_agreed", "overridden"]
    if not parts:
        return pd.DataFrame(columns=columns)
    db = connect(warehouse)
    db.register("reviews", pd.concat(parts, ignore_index=True)[["date", "interaction_id", "criterion_id", "human_outcome", "source", "counted"]])
    return db.execute(
        """select v.criterion_id, count(*) filter (where v.counted) as reviewed,
                  count(*) filter (where v.counted and v.human_outcome = coalesce(r.machine_outcome, r.outcome)) as agreed,
                  count(*) filter (where v.source = 'sample') as sampled,
                  count(*) filter (where v.source = 'sample' and v.human_outcome = coalesce(r.machine_outcome, r.outcome)) as sampled_agreed,
                  count(*) filter (where v.counted and r.override_id is not null) as overridden
           from reviews v join criterion_results r using (date, interaction_id, criterion_id)
           where r.date between ? and ?
           group by v.criterion_id order by v.criterion_id""",
        [since.isoformat(), day.isoformat()],
    ).df()


def _criterion_results(warehouse: Warehouse | Path, day: date, handover: str | None, reviews: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(outcome counts, listed rows) of the day's criterion results, streamed through the
    warehouse's DuckDB views (only the day's partition is read)."""
    if not has_day(warehouse, day):
        empty = pd.DataFrame(columns=RESULT_COLUMNS)
        return pd.DataFrame(columns=["agent_id", "agent_type", "criterion_id", "section", "critical", "outcome", "n"]), empty
    db = connect(warehouse)
    counts = db.execute(
        """select r.agent_id, s.agent_type, r.criterion_id, any_value(r.section) as section, bool_or(r.critical) as critical,
                  r.outcome, count(*) as n
           from criterion_results r join interaction_scores s using (date, interaction_id)
           where r.date = ? and s.date = ?
           group by r.agent_id, s.agent_type, r.criterion_id, r.outcome order by all""",
        [day.isoformat(), day.isoformat()],
    ).df()
    reviewed = reviews[["interaction_id", "criterion_id"]].drop_duplicates() if reviews is not None else pd.DataFrame({"interaction_id": [], "criterion_id": []}, dtype=str)
    db.register("reviewed", reviewed)
    listed = db.execute(
        f"""select {", ".join(RESULT_COLUMNS)} from criterion_results
            where date = ? and ((critical and outcome = 'fail') or criterion_id = ? or override_id is not null
               or (interaction_id, criterion_id) in (select (interaction_id, criterion_id) from reviewed))
            order by interaction_id, criterion_id""",
        [day.isoformat(), handover or ""],
    ).df()
    return counts, listed
