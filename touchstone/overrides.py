"""Reviewer overrides, end to end: check them against what is published, record them, and
publish each date they touch again with them applied.

    requests (command line, CSV)  ->  checked against the published verdicts  ->  `overrides` table
    ->  the date published again from its own tables: the overridden interactions scored again from
        their stored verdicts (no transcript is read), agents aggregated again, a new run switched in

Every request of a batch is checked before any is recorded, and all are recorded in one commit, so a
batch is applied whole or not at all. Re-scoring a date later (a nightly re-run, a backfill, a draft's
impact) applies the overrides in force while they still apply (`scorers.overrides`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scorers.outcome import Evidence, Outcome, Verdict
from scorers.overrides import Override, apply_overrides, criterion_fingerprint
from scorers.scoring_rules import CriterionResult, score_interaction
from scorers.sensitive import redact_any_language
from scorers.standard import Standard
from touchstone.errors import TouchstoneError
from touchstone.pipeline import AGENT_COLUMNS, COUNTS, RunPlan, load_standard_for, new_run_id, publish, report, staging
from touchstone.settings import Settings
from warehouse import overrides as table
from warehouse import staging as staged
from warehouse import store
from warehouse.aggregate import agent_daily_rows
from warehouse.calibration import machine_outcome
from warehouse.tables import AGENT_DAILY_SCORES, CRITERION_RESULTS, INTERACTION_SCORES, OVERRIDES, QUARANTINE

# The columns of an interaction score that its verdicts decide.
SCORE_COLUMNS = ["quality_score", "compliance_passed", "critical_failures", "criteria_passed", "criteria_failed", "criteria_not_applicable", "section_scores"]
VERDICT_COLUMNS = ["interaction_id", "agent_id", "criterion_id", "outcome", "machine_outcome", "override_id", "reason", "run_id", "standard_id", "standard_version"]


@dataclass(frozen=True)
class Recorded:
    overrides: int  # rows added to the `overrides` table
    dates: dict[str, str]  # date -> the run that published it again with the overrides


def _published_standard(settings: Settings, day: date, verdicts: pd.DataFrame) -> Standard:
    ref = f"{verdicts['standard_id'].iat[0]}@{verdicts['standard_version'].iat[0]}"
    return load_standard_for(settings, day, ref)


def _rows_for_day(settings: Settings, day: date, requests: Sequence[table.Request], now: datetime, problems: list[str]) -> list[dict[str, Any]]:
    """The `overrides` rows of one date's requests; what is wrong with any goes to `problems`."""
    verdicts = store.read_table(settings.warehouse, CRITERION_RESULTS.name, day, columns=VERDICT_COLUMNS)
    if verdicts.empty:
        problems += [f"{r.origin}: nothing is published for {day}" for r in requests]
        return []
    standard = _published_standard(settings, day, verdicts)
    criteria = {c.id: c for c in standard.criteria}
    by_pair = verdicts.set_index(["interaction_id", "criterion_id"])
    interactions = set(verdicts["interaction_id"])
    current = table.in_force(table.read_overrides(settings.warehouse, day)).set_index(["interaction_id", "criterion_id"])
    rows = []
    for r in requests:
        if r.interaction_id not in interactions:
            problems.append(f"{r.origin}: interaction {r.interaction_id!r} is not among the {len(interactions):,} interactions scored on {day}")
        elif r.criterion_id not in criteria:
            problems.append(f"{r.origin}: criterion {r.criterion_id!r} is not in {standard.ref}, which scored {day} (its criteria: {', '.join(criteria)})")
        elif r.outcome == table.WITHDRAWN and (r.interaction_id, r.criterion_id) not in current.index:
            problems.append(f"{r.origin}: no override of {r.criterion_id} on {r.interaction_id} is in force to withdraw")
        else:
            verdict = by_pair.loc[(r.interaction_id, r.criterion_id)]
            machine = verdict["machine_outcome"] if isinstance(verdict["machine_outcome"], str) else verdict["outcome"]
            rows.append(
                {
                    "date": day.isoformat(),
                    "override_id": uuid.uuid4().hex,
                    "interaction_id": r.interaction_id,
                    "criterion_id": r.criterion_id,
                    "agent_id": verdict["agent_id"],
                    "outcome": r.outcome,
                    # A reviewer may quote what was said: the reason is redacted like evidence.
                    "reason": redact_any_language(r.reason),
                    "reviewer": r.reviewer,
                    "overridden_at": now,
                    "machine_outcome": machine,
                    "machine_reason": verdict["reason"],
                    "criterion_sha256": criterion_fingerprint(criteria[r.criterion_id]),
                    "origin": r.origin,
                    "run_id": verdict["run_id"],
                    "standard_id": standard.id,
                    "standard_version": standard.version,
                }
            )
    return rows


def record(settings: Settings, requests: Sequence[table.Request], problems: Sequence[str] = ()) -> Recorded:
    """Check every request against the published verdicts, record them all in one commit, and publish
    every date they touch again with the overrides applied. Any problem (and any of `problems`,
    found while reading the requests) refuses the whole batch; all are reported together."""
    problems = list(problems)
    first: dict[tuple[date, str, str], str] = {}
    for r in requests:
        seen = first.setdefault((r.day, r.interaction_id, r.criterion_id), r.origin)
        if seen != r.origin:
            problems.append(f"{r.origin}: overrides the same verdict as {seen} ({r.criterion_id} on {r.interaction_id}, {r.day})")
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    for day in sorted({r.day for r in requests}):
        rows += _rows_for_day(settings, day, [r for r in requests if r.day == day], now, problems)
    if problems:
        raise TouchstoneError("\n".join(problems), "nothing was recorded; fix these and try again")
    store.append(settings.warehouse, OVERRIDES, pa.Table.from_pylist(rows, schema=pa.schema([store.DATE, *OVERRIDES.schema])))
    days = sorted({r.day for r in requests})
    return Recorded(len(rows), {d.isoformat(): reapply(settings, d)["run_id"] for d in days})


def _verdict(row: Any) -> Verdict:
    """The machine's verdict, as stored in a criterion result row."""
    outcome = Outcome(row.machine_outcome if isinstance(row.machine_outcome, str) else row.outcome)
    evidence = Evidence(int(row.turn_index), None if pd.isna(row.start_ms) else int(row.start_ms), row.evidence) if isinstance(row.evidence, str) else None
    return Verdict(outcome, row.reason, evidence)


def _scored_again(standard: Standard, verdicts: pd.DataFrame, overrides: dict[str, Override]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One interaction's criterion rows and score columns, from its stored verdicts and overrides."""
    criteria = {c.id: c for c in standard.criteria}
    results = [CriterionResult(criteria[row.criterion_id], _verdict(row)) for row in verdicts.itertuples(index=False)]
    # Where none applies (any more), the machine's verdicts stand.
    results_now, score = apply_overrides(standard, results, overrides) or (tuple(results), score_interaction(standard, results))
    rows = verdicts.copy()
    rows["outcome"] = [r.outcome.value for r in results_now]
    rows["points"] = [r.points for r in results_now]
    rows["max_points"] = [r.max_points for r in results_now]
    rows["machine_outcome"] = [r.verdict.outcome.value if r.override else None for r in results_now]
    for column, attribute in (("override_id", "override_id"), ("override_reviewer", "reviewer"), ("override_reason", "reason")):
        rows[column] = [getattr(r.override, attribute) if r.override else None for r in results_now]
    columns = {
        "quality_score": score.quality_score, "compliance_passed": score.compliance_passed, "critical_failures": score.critical_failures,
        "criteria_passed": score.passed, "criteria_failed": score.failed, "criteria_not_applicable": score.not_applicable,
        "section_scores": list(score.section_scores.items()),
    }  # fmt: skip
    return rows, columns


def _replaced(rows: pa.Table, touched: pa.Array, again: Callable[[pd.DataFrame], pd.DataFrame], run_id: str) -> pa.Table:
    """`rows` (one run's rows of a table, in order) with the rows of the `touched` interactions
    made `again`, in their places, and the new run's id. Only those rows leave Arrow."""
    rows = rows.drop_columns(["date"]).append_column("_row", pa.array(range(rows.num_rows), pa.int64()))
    chosen = pc.is_in(rows["interaction_id"], value_set=touched)
    redone = again(rows.filter(chosen).to_pandas(types_mapper=store.PANDAS_TYPES.get))
    schema = rows.schema
    merged = pa.concat_tables([rows.filter(pc.invert(chosen)), pa.Table.from_pandas(redone, schema=schema, preserve_index=False)]).sort_by("_row")
    merged = merged.drop_columns(["_row"])
    return merged.set_column(merged.schema.get_field_index("run_id"), "run_id", pa.array([run_id] * merged.num_rows, pa.string()))


def reapply(settings: Settings, day: date) -> dict[str, Any]:
    """Publish `day` again from its published tables with the overrides in force applied: only the
    interactions with an override (now or before) are scored again, from their stored verdicts; the
    other rows are copied as they are, in Arrow (a day of 1.5 million results stays compact)."""
    warehouse = settings.warehouse
    results = store.read_arrow(warehouse, CRITERION_RESULTS.name, day)
    scores = store.read_arrow(warehouse, INTERACTION_SCORES.name, day)
    if scores.num_rows == 0:
        raise TouchstoneError(f"nothing published for {day} in {warehouse}", f"run `touchstone run --date {day}` first")
    runs = store.read_table(warehouse, "runs", day)
    run = runs[runs["run_id"] == scores["run_id"][0].as_py()].iloc[-1]
    standard = _published_standard(settings, day, results.select(["standard_id", "standard_version"]).slice(0, 1).to_pandas())
    overrides = table.overrides_of(warehouse, day)
    before = results.filter(pc.is_valid(results["override_id"]))["interaction_id"].to_pylist()
    touched = pa.array(sorted(set(overrides) | set(before)), pa.string())
    plan = RunPlan(day, new_run_id("overrides"), standard.ref)
    folder = staging(settings, plan)
    folder.mkdir(parents=True, exist_ok=True)
    updates: dict[str, dict[str, Any]] = {}

    def verdicts_again(rows: pd.DataFrame) -> pd.DataFrame:
        parts = []
        for interaction_id, verdicts in rows.groupby("interaction_id", sort=False):
            redone, updates[str(interaction_id)] = _scored_again(standard, verdicts, overrides.get(str(interaction_id), {}))
            parts.append(redone)
        return pd.concat(parts) if parts else rows

    def scores_again(rows: pd.DataFrame) -> pd.DataFrame:
        rows = rows.astype({"section_scores": object})
        for column in SCORE_COLUMNS:
            rows[column] = [updates[i][column] for i in rows["interaction_id"]]
        return rows

    results = _replaced(results, touched, verdicts_again, plan.run_id)  # fills `updates` first
    scores = _replaced(scores, touched, scores_again, plan.run_id)
    staged.write_staged(results, CRITERION_RESULTS, folder)
    staged.write_staged(scores, INTERACTION_SCORES, folder)
    staged.write_staged(agent_daily_rows(scores.select(AGENT_COLUMNS).to_pylist()), AGENT_DAILY_SCORES, folder)
    quarantine = store.read_arrow(warehouse, QUARANTINE.name, day).drop_columns(["date"])
    staged.write_staged(quarantine.set_column(quarantine.schema.get_field_index("run_id"), "run_id", pa.array([plan.run_id] * quarantine.num_rows, pa.string())), QUARANTINE, folder)
    counts = {k: int(run[k]) for k in ("files", "read", "scored", "quarantined", "duplicates_dropped", "input_checks_failed")}
    (folder / COUNTS).write_text(json.dumps(counts))
    published = publish(settings, plan)
    report(settings, plan)
    return published


def statuses(settings: Settings, day: date) -> pd.DataFrame:
    """Every override recorded for `day` (its latest row per verdict), with whether it applies to
    the published verdicts: applied, withdrawn, machine_agrees, criterion_changed, ..."""
    latest = table.latest(table.read_overrides(settings.warehouse, day))
    verdicts = store.read_table(settings.warehouse, CRITERION_RESULTS.name, day, columns=VERDICT_COLUMNS)
    standard = _published_standard(settings, day, verdicts) if not verdicts.empty else None
    machine = dict(zip(zip(verdicts["interaction_id"], verdicts["criterion_id"]), machine_outcome(verdicts)))
    return table.with_status(latest, {c.id: c for c in standard.criteria} if standard else {}, machine)
