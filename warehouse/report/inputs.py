"""What a report is built from, read once from the published warehouse (never from staging).

The report of a date covers that date, with 30 days of history for trends and 7 days before it for
repeat contacts. Everything else in `warehouse.report` is pure functions of these frames. A date a
routed run scored with several standards has one page per standard: its inputs are that standard's
rows (scores of different scorecards are never mixed); contacts count each interaction once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from foundation.errors import TouchstoneError
from scorers.loader import load_standards
from scorers.standard import Standard
from warehouse.calibration import read_human_outcomes, with_overrides
from warehouse.location import Warehouse
from warehouse.overrides import in_force, latest, read_overrides, with_status
from warehouse.queries import connect
from warehouse.frames import as_list, of_standard
from warehouse.store import has_day, read_table

TREND_DAYS = 30
MAX_LISTED = 300  # critical failures, and refusals of a person, listed on a page (each; the totals are counted)
REPEAT_DAYS = 7
# What the report reads of the day's interaction_scores (the history and the contacts are summed by DuckDB).
DAY_COLUMNS = [
    "interaction_id", "agent_id", "agent_type", "channel", "language", "quality_score", "compliance_passed", "critical_failures",
    "contact_reason", "words", "transfers", "customer_distress", "handed_over", "run_id", "standard_id", "standard_version",
]  # fmt: skip
RESULT_COLUMNS = [
    "interaction_id", "agent_id", "criterion_id", "section", "outcome", "reason", "critical", "evidence", "turn_index", "start_ms",
    "machine_outcome", "override_id", "override_reviewer", "override_reason",
]  # fmt: skip


@dataclass(frozen=True)
class ReportInputs:
    day: date
    interactions: pd.DataFrame  # interaction_scores of the day
    # The day's 1.5 million criterion results (at 100,000 calls) are never held: DuckDB counts them
    # per agent, agent type, criterion and outcome, and hands over only the rows the report lists.
    outcome_counts: pd.DataFrame  # agent_id, agent_type, criterion_id, section, critical, outcome, n
    results: pd.DataFrame  # the rows listed: the first critical failures and refusals of a person, overridden and reviewed verdicts
    critical_failures: int  # all of the day's, listed or not
    handover: pd.DataFrame  # per agent type: asked for a person, offered one, handed over, not offered (HANDOVER_COLUMNS)
    agents: pd.DataFrame  # agent_daily_scores of the day
    agent_history: pd.DataFrame  # agent_daily_scores of the last TREND_DAYS days, the day included
    # Per date and team over the same window (bots are a team of their own): interactions, the sum
    # and count of quality scores, compliant interactions. Summed by DuckDB: the rows, 30 days of
    # them, are 3 million at 100,000 calls a day.
    team_days: pd.DataFrame
    repeats: frozenset[str]  # the day's interactions whose customer was in touch in the REPEAT_DAYS before
    run: dict[str, object]  # the `runs` row of the published run
    quarantine: pd.DataFrame
    standard: Standard | None  # the version that scored the day, for titles; None if no longer on disk
    reviews: pd.DataFrame | None  # human outcomes of the day: kept by `touchstone calibrate`, and the overrides in force
    overrides: pd.DataFrame  # every override recorded for the day (latest per verdict), with its status
    trust: pd.DataFrame  # per criterion over TREND_DAYS: verdicts reviewed, agreed with, overridden
    # Every standard that scored the day, as (standard id, version, interactions), in the run's
    # order (company-wide first); the page is about `standard_id`, one of them.
    day_standards: tuple[tuple[str, str, int], ...] = ()
    standard_id: str | None = None


def day_standards(interactions: pd.DataFrame, run: dict[str, object]) -> tuple[tuple[str, str, int], ...]:
    """The standards that scored the day with their interactions, in the run's order."""
    counts = interactions.groupby(["standard_id", "standard_version"], observed=True).size()
    order = [(str(s["standard_id"]), str(s["standard_version"])) for s in as_list(run.get("standards"))]
    keys = [k for k in order if k in counts.index] + sorted(k for k in map(tuple, counts.index) if k not in order)
    return tuple((str(i), str(v), int(counts[(i, v)])) for i, v in keys)


def reviews_file(reviews_dir: Path, day: date) -> Path:
    return reviews_dir / f"{day.isoformat()}.csv"


def load_inputs(
    warehouse: Warehouse | Path, standards_dir: Path, reviews_dir: Path, day: date, standard_id: str | None = None, standards: list[Standard] | None = None
) -> ReportInputs:
    """Read the published day and its history, for one of the standards that scored it (default:
    the first, the company-wide one of a routed run); `standards`, the folder's, when already read.
    An unpublished day is an error that says what to run."""
    everything = read_table(warehouse, "interaction_scores", day, columns=DAY_COLUMNS)
    runs = read_table(warehouse, "runs", day)
    if everything.empty and runs.empty:
        raise TouchstoneError(f"nothing published for {day} in {warehouse}", f"run `touchstone run --date {day}` first")
    published = set(everything["run_id"]) or set(runs["run_id"].tail(1))
    run = runs[runs["run_id"].isin(published)].tail(1)
    run_row = run.iloc[0].to_dict() if not run.empty else {}
    scored_by = day_standards(everything, run_row) if not everything.empty else ()
    if standard_id is not None and standard_id not in {i for i, _v, _n in scored_by}:
        raise TouchstoneError(f"standard {standard_id!r} scored nothing on {day}", f"standards of the day: {', '.join(i for i, _v, _n in scored_by) or 'none'}")
    standard_id = standard_id or (scored_by[0][0] if scored_by else None)
    interactions = of_standard(everything, standard_id)
    window_start = day - timedelta(days=TREND_DAYS - 1)
    folder = {(s.id, s.version): s for s in (standards if standards is not None else load_standards(standards_dir))}
    standard = None
    if not interactions.empty:
        standard = folder.get((interactions["standard_id"].iat[0], interactions["standard_version"].iat[0]))
    reviews_path = reviews_file(reviews_dir, day)
    recorded = read_overrides(warehouse, since=window_start, day=day)
    reviews = with_overrides(read_human_outcomes(reviews_path) if reviews_path.exists() else None, in_force(recorded[recorded["date"] == day.isoformat()]))
    if reviews is not None and len(scored_by) > 1 and standard is not None:
        # A page counts the reviews of its own standard's criteria; the first page also those of a
        # criterion no standard of the day has (a typo), shown as not scored, never lost.
        of_day = {c.id for i, v, _n in scored_by if (i, v) in folder for c in folder[(i, v)].criteria}
        own = {c.id for c in standard.criteria} | (set(reviews["criterion_id"]) - of_day if standard_id == scored_by[0][0] else set())
        reviews = reviews[reviews["criterion_id"].isin(own)].reset_index(drop=True)
        reviews = reviews if len(reviews) else None
    db = connect(warehouse, whole_scans=True)  # one snapshot of the warehouse for the page's counts
    counts, listed = _criterion_results(db, warehouse, day, standard.handover_criterion if standard else None, reviews, standard_id)
    trust = _trust(warehouse, reviews_dir, recorded, window_start, day)
    if standard_id is not None and len(scored_by) > 1:
        trust = trust[trust["criterion_id"].isin(set(counts["criterion_id"]))].reset_index(drop=True)
    return ReportInputs(
        day=day,
        interactions=interactions,
        outcome_counts=counts,
        results=listed.rows,
        critical_failures=listed.critical_failures,
        handover=listed.handover,
        agents=of_standard(read_table(warehouse, "agent_daily_scores", day), standard_id),
        agent_history=of_standard(read_table(warehouse, "agent_daily_scores", day, since=window_start), standard_id),
        team_days=_team_days(db, window_start, day, standard_id),
        repeats=repeat_contacts(db, day) if _has_table(db, "interaction_scores") else frozenset(),
        run=run_row,
        quarantine=read_table(warehouse, "quarantine", day),
        standard=standard,
        reviews=reviews,
        overrides=of_standard(_with_status(latest(recorded[recorded["date"] == day.isoformat()]), standard, listed.rows), standard_id),
        trust=trust,
        day_standards=scored_by,
        standard_id=standard_id,
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
    db = connect(warehouse, whole_scans=True)
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


def repeat_contacts(db: Any, day: date, days: int = REPEAT_DAYS) -> frozenset[str]:
    """The interactions of `day` whose customer was in touch in the `days` before them, from the
    `interaction_scores` of a DuckDB connection (the warehouse's view, or a frame in tests):
    counted there, since the contacts of eight days are eight days of every interaction.

    Contacts without a customer id are never repeats; without a start time the date (midnight UTC)
    is used. An interaction scored by two standards is one contact. Each contact is compared with
    the customer's latest strictly earlier one (a window over the customer's distinct contact times,
    not a pairing of contacts, so a customer with hundreds of them costs hundreds of rows)."""
    db.execute("set TimeZone = 'UTC'")  # a date without a time is midnight UTC, wherever this runs
    rows = db.execute(
        """with contacts as (
               select distinct date, interaction_id, customer_id, coalesce(started_at, cast(cast(date as date) as timestamptz)) as contacted
               from interaction_scores where date between ? and ? and customer_id is not null),
           ordered as (
               select customer_id, contacted, lag(contacted) over (partition by customer_id order by contacted) as previous
               from (select distinct customer_id, contacted from contacts))
           select distinct c.interaction_id from contacts c join ordered o using (customer_id, contacted)
           where c.date = ? and o.previous is not null and c.contacted - o.previous <= to_days(?)""",
        [(day - timedelta(days=days)).isoformat(), day.isoformat(), day.isoformat(), days],
    ).fetchall()
    return frozenset(interaction_id for (interaction_id,) in rows)


def _has_table(db: Any, name: str) -> bool:
    """Whether the warehouse's DuckDB has a view of the table (it has none before its first run)."""
    return bool(db.execute("select count(*) from information_schema.tables where table_name = ?", [name]).fetchone()[0])


TEAM_DAY_COLUMNS = ["date", "team", "interactions", "quality_sum", "quality_scores", "compliant"]


def _team_days(db: Any, since: date, day: date, standard_id: str | None) -> pd.DataFrame:
    """Per date and team from `since` to `day`, of one standard (or all): the sums the team
    sections average (`warehouse.report.sections.team_trends`)."""
    if not _has_table(db, "interaction_scores"):
        return pd.DataFrame(columns=TEAM_DAY_COLUMNS)
    return db.execute(
        """select date, coalesce(team, '(no team)') as team, count(*) as interactions, sum(quality_score) as quality_sum,
                  count(quality_score) as quality_scores, count(*) filter (where compliance_passed) as compliant
           from interaction_scores where date between ? and ? and (? is null or standard_id = ?)
           group by all order by all""",
        [since.isoformat(), day.isoformat(), standard_id, standard_id],
    ).df()


@dataclass(frozen=True)
class Listed:
    """What the report lists of the day's criterion results, read with its totals: a day of a
    million calls fails a critical criterion, or refuses a person, hundreds of thousands of times,
    and a page shows the first MAX_LISTED of each."""

    rows: pd.DataFrame  # RESULT_COLUMNS: the first failures and refusals, the overridden and reviewed verdicts
    critical_failures: int  # every critical criterion failed on the day
    handover: pd.DataFrame  # per agent type: asked for a person, offered one, handed over, not offered


HANDOVER_COLUMNS = ["agent_type", "asked", "offered", "handed_over", "not_offered"]


def _criterion_results(
    db: Any, warehouse: Warehouse | Path, day: date, handover: str | None, reviews: pd.DataFrame | None, standard_id: str | None = None
) -> tuple[pd.DataFrame, Listed]:
    """(outcome counts, what is listed) of the day's criterion results of one standard (or all),
    streamed through the warehouse's DuckDB views (only the day's partition is read)."""
    if not has_day(warehouse, day):
        empty = Listed(pd.DataFrame(columns=RESULT_COLUMNS), 0, pd.DataFrame(columns=HANDOVER_COLUMNS))
        return pd.DataFrame(columns=["agent_id", "agent_type", "criterion_id", "section", "critical", "outcome", "n"]), empty
    args = [day.isoformat(), standard_id, standard_id]
    of_day = "date = ? and (? is null or standard_id = ?)"
    # Each agent's type from its daily row (one per agent and standard), not from a join of every
    # result with its interaction.
    counts = db.execute(
        f"""select r.agent_id, a.agent_type, r.criterion_id, any_value(r.section) as section, bool_or(r.critical) as critical, r.outcome, sum(r.n) as n
            from (select agent_id, standard_id, criterion_id, any_value(section) as section, bool_or(critical) as critical, outcome, count(*) as n
                  from criterion_results where {of_day} group by agent_id, standard_id, criterion_id, outcome) r
            join agent_daily_scores a on a.date = ? and a.agent_id = r.agent_id and a.standard_id = r.standard_id
            group by r.agent_id, a.agent_type, r.criterion_id, r.outcome order by all""",
        [*args, day.isoformat()],
    ).df()
    reviewed = reviews[["interaction_id", "criterion_id"]].drop_duplicates() if reviews is not None else pd.DataFrame({"interaction_id": [], "criterion_id": []}, dtype=str)
    db.register("reviewed", reviewed)
    columns = ", ".join(RESULT_COLUMNS)
    # Three scans, each keeping a few rows: the first critical failures by agent and interaction,
    # the first refusals of a person by interaction, and every verdict overridden or reviewed.
    rows = db.execute(
        f"""(select {columns} from criterion_results where {of_day} and critical and outcome = 'fail' order by agent_id, interaction_id, criterion_id limit ?)
            union (select {columns} from criterion_results where {of_day} and criterion_id = ? and outcome = 'fail' order by interaction_id limit ?)
            union (select {columns} from criterion_results where {of_day} and (override_id is not null
                   or (interaction_id, criterion_id) in (select (interaction_id, criterion_id) from reviewed)))
            order by interaction_id, criterion_id""",
        [*args, MAX_LISTED, *args, handover or "", MAX_LISTED, *args],
    ).df()
    handovers = db.execute(
        f"""select s.agent_type, count(*) as asked, count(*) filter (where r.outcome = 'pass') as offered,
                   count(*) filter (where s.handed_over) as handed_over, count(*) filter (where r.outcome = 'fail') as not_offered
            from (select interaction_id, standard_id, outcome from criterion_results where {of_day} and criterion_id = ? and outcome <> 'not_applicable') r
            join interaction_scores s on s.date = ? and s.interaction_id = r.interaction_id and s.standard_id = r.standard_id
            group by s.agent_type order by s.agent_type""",
        [*args, handover or "", day.isoformat()],
    ).df()
    failures = int(counts.loc[counts["critical"].astype(bool) & (counts["outcome"] == "fail"), "n"].sum())  # from the counts: no scan more
    return counts, Listed(rows, failures, handovers)
