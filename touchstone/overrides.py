"""Reviewer overrides, end to end: check them against what is published, record them, and
publish each date they touch again with them applied.

    requests (command line, CSV)  ->  checked against the published verdicts
    ->  each date staged again from its published tables, with the overrides applied (`aggregate`)
    ->  recorded in the `overrides` table (one commit)  ->  each date published (`publish`)

Every request of a batch is checked, and every date it touches is staged, before anything is
recorded; the batch is recorded in one commit, under the lock of each date it touches (the lock a
run publishing the date holds until its switch: its last check sees the batch, or the batch comes
after its switch). A date whose publication then fails (a full disk, a
run of the date published meanwhile) is named, with the command that publishes it again; its
overrides are recorded and apply from the next run of the date on. Runs apply the overrides in
force when they merge their shards, and again if a reviewer recorded one before they publish.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import pyarrow as pa

from foundation.errors import TouchstoneError
from scorers.overrides import Override, criterion_fingerprint
from scorers.sensitive import redact_any_language
from scorers.standard import Standard
from touchstone.settings import Settings
from touchstone.steps.aggregate import aggregate
from touchstone.steps.plan import RunPlan, load_standard_for, new_run_id, published_refs
from touchstone.steps.publish import MERGE_ATTEMPTS, Superseded, publish
from touchstone.steps.report import report
from touchstone.steps.staging import COUNTS, INGEST_QUARANTINE, shard_file, staging
from warehouse import overrides as table
from warehouse import store
from warehouse.calibration import machine_outcome
from warehouse.tables import CRITERION_RESULTS, INTERACTION_SCORES, OVERRIDES, QUARANTINE

VERDICT_COLUMNS = ["interaction_id", "agent_id", "criterion_id", "outcome", "machine_outcome", "override_id", "reason", "run_id", "standard_id", "standard_version"]


@dataclass(frozen=True)
class Recorded:
    overrides: int  # rows added to the `overrides` table
    dates: dict[str, str]  # date -> the run that published it again with the overrides
    reports_failed: dict[str, str]  # date -> why its report could not be written (it is published)


@dataclass(frozen=True)
class _Staged:
    plan: RunPlan
    replaces: str  # the run in force when the date was staged


def _published_standards(settings: Settings, day: date, verdicts: pd.DataFrame) -> dict[tuple[str, str], Standard]:
    """The standards that scored the date's published verdicts (several where the run was routed)."""
    keys = sorted(set(zip(verdicts["standard_id"].astype(str), verdicts["standard_version"].astype(str))))
    return {key: load_standard_for(settings, day, f"{key[0]}@{key[1]}") for key in keys}


def _row(day: date, r: table.Request, now: datetime, **fields: Any) -> dict[str, Any]:
    return {
        "date": day.isoformat(), "override_id": uuid.uuid4().hex, "interaction_id": r.interaction_id, "criterion_id": r.criterion_id,
        "outcome": r.outcome, "reason": redact_any_language(r.reason),  # a reviewer may quote what was said: redacted like evidence
        "reviewer": r.reviewer, "overridden_at": now, "origin": r.origin, **fields,
    }  # fmt: skip


def _rows_for_day(settings: Settings, day: date, requests: Sequence[table.Request], now: datetime, problems: list[str]) -> list[dict[str, Any]]:
    """The `overrides` rows of one date's requests; what is wrong with any goes to `problems`."""
    verdicts = store.read_table(settings.warehouse, CRITERION_RESULTS.name, day, columns=VERDICT_COLUMNS, compact=True)
    current = table.in_force(table.read_overrides(settings.warehouse, day)).set_index(["interaction_id", "criterion_id"])
    withdrawals = [r for r in requests if r.outcome == table.WITHDRAWN]
    rows = []
    for r in withdrawals:  # a withdrawal needs only the override in force: its interaction may be gone since
        if (r.interaction_id, r.criterion_id) not in current.index:
            problems.append(f"{r.origin}: no override of {r.criterion_id} on {r.interaction_id} is in force on {day} to withdraw")
            continue
        was = current.loc[(r.interaction_id, r.criterion_id)]
        kept = ("agent_id", "machine_outcome", "machine_reason", "criterion_sha256", "run_id", "standard_id", "standard_version")
        rows.append(_row(day, r, now, **{k: was[k] for k in kept}))
    overriding = [r for r in requests if r.outcome != table.WITHDRAWN]
    if not overriding:
        return rows
    if verdicts.empty:
        problems += [f"{r.origin}: no interaction was scored on {day}" for r in overriding]
        return rows
    standards = _published_standards(settings, day, verdicts)
    wanted = pd.MultiIndex.from_tuples([(r.interaction_id, r.criterion_id) for r in overriding])
    by_pair = verdicts.set_index(["interaction_id", "criterion_id"])
    by_pair = by_pair[by_pair.index.isin(wanted)].assign(machine=lambda f: machine_outcome(f).astype(str))
    scored_by = verdicts.drop_duplicates(["interaction_id", "standard_id", "standard_version"]).groupby("interaction_id")[["standard_id", "standard_version"]]
    interactions = set(verdicts["interaction_id"])
    for r in overriding:
        if r.interaction_id not in interactions:
            problems.append(f"{r.origin}: interaction {r.interaction_id!r} is not among the {len(interactions):,} interactions scored on {day}")
        elif (r.interaction_id, r.criterion_id) not in by_pair.index:
            mine = [standards[(str(a), str(b))] for a, b in scored_by.get_group(r.interaction_id).itertuples(index=False)]
            criteria = [c.id for standard in mine for c in standard.criteria]
            problems.append(
                f"{r.origin}: criterion {r.criterion_id!r} is not in {' + '.join(s.ref for s in mine)}, which scored {r.interaction_id} on {day} (its criteria: {', '.join(criteria)})"
            )
        else:
            verdict = by_pair.loc[(r.interaction_id, r.criterion_id)]
            standard = standards[(str(verdict["standard_id"]), str(verdict["standard_version"]))]
            criteria = {c.id: c for c in standard.criteria}
            rows.append(
                _row(day, r, now, agent_id=str(verdict["agent_id"]), machine_outcome=verdict["machine"], machine_reason=str(verdict["reason"]),
                     criterion_sha256=criterion_fingerprint(criteria[r.criterion_id]), run_id=str(verdict["run_id"]),
                     standard_id=standard.id, standard_version=standard.version)  # fmt: skip
            )
    return rows


def record(settings: Settings, requests: Sequence[table.Request], problems: Sequence[str] = ()) -> Recorded:
    """Check every request against the published verdicts, stage every date they touch with them
    applied, record them all in one commit, and publish each date. Any problem (and any of
    `problems`, found while reading the requests) refuses the whole batch before anything is
    recorded; all are reported together."""
    problems = list(problems)
    first: dict[tuple[date, str, str], int] = {}
    for index, r in enumerate(requests):
        seen = first.setdefault((r.day, r.interaction_id, r.criterion_id), index)
        if seen != index:
            problems.append(f"{r.origin}: overrides the same verdict as {requests[seen].origin} ({r.criterion_id} on {r.interaction_id}, {r.day})")
    now = datetime.now(UTC)
    days = sorted({r.day for r in requests})
    rows: list[dict[str, Any]] = []
    for day in days:
        rows += _rows_for_day(settings, day, [r for r in requests if r.day == day], now, problems)
    if problems:
        raise TouchstoneError("\n".join(problems), "nothing was recorded; fix these and try again")
    new = pd.DataFrame(rows)
    prepared = []
    try:
        for day in days:
            recorded = pd.concat([table.read_overrides(settings.warehouse, day), new[new["date"] == day.isoformat()]], ignore_index=True)
            prepared.append(_stage(settings, day, table.as_overrides(recorded)))
    except Exception:
        for done in prepared:
            staging(settings, done.plan).discard()
        raise
    reviewers = ", ".join(sorted({r.reviewer for r in requests}))
    table.add(settings.warehouse, pa.Table.from_pylist(rows, schema=pa.schema([store.DATE, *OVERRIDES.schema])), f"overrides by {reviewers}", settings.lock_timing)
    published, failed, reports = {}, {}, {}
    for done in prepared:  # one date failing does not keep the others from being published
        day = done.plan.day.isoformat()
        try:
            published[day] = _published(settings, done)["run_id"]
        except Exception as exc:  # noqa: BLE001 - named below; the overrides are recorded either way
            failed[day] = _why(exc)
            continue
        try:
            report(settings, done.plan)
        except Exception as exc:  # noqa: BLE001 - the date is published; its report can be written again
            reports[day] = _why(exc)
    if failed:
        again = " and ".join(f"`touchstone override reapply --date {day}`" for day in failed)
        raise TouchstoneError(
            f"{len(rows)} override(s) recorded, but not every date was published again with them: " + "; ".join(f"{d}: {why}" for d, why in failed.items()),
            f"`touchstone override list` shows what each date's published verdicts carry; {again} applies them (they apply from the next run of the date on in any case)",
        )
    return Recorded(len(rows), published, reports)


def _why(exc: BaseException) -> str:
    return exc.message if isinstance(exc, TouchstoneError) else f"{type(exc).__name__}: {exc}"


def _stage(settings: Settings, day: date, overrides: dict[str, dict[str, Override]]) -> _Staged:
    """Stage `day` again from its published tables as one scored shard, and merge it with the
    `overrides` applied (the run's own step, `aggregate`), under a new run id."""
    warehouse = settings.warehouse
    scores = store.read_arrow(warehouse, INTERACTION_SCORES.name, day)
    if scores.num_rows == 0:
        raise TouchstoneError(f"nothing published for {day} in {warehouse}", f"run `touchstone run --date {day}` first")
    replaces = scores["run_id"][0].as_py()
    runs = store.read_table(warehouse, "runs", day)
    run = runs[runs["run_id"] == replaces].iloc[-1]
    refs, routing = published_refs(run)
    plan = RunPlan(day, new_run_id("overrides"), refs, routing_ref=routing)
    folder = staging(settings, plan)

    def as_run(rows: pa.Table) -> pa.Table:
        rows = rows.drop_columns(["date"])
        return rows.set_column(rows.schema.get_field_index("run_id"), "run_id", pa.array([plan.run_id] * rows.num_rows, pa.string()))

    try:
        folder.write_table(shard_file(CRITERION_RESULTS.name, 0), as_run(store.read_arrow(warehouse, CRITERION_RESULTS.name, day)))
        folder.write_table(shard_file(INTERACTION_SCORES.name, 0), as_run(scores))
        folder.write_table(INGEST_QUARANTINE, as_run(store.read_arrow(warehouse, QUARANTINE.name, day)))  # as ingest stages it
        folder.write_table(shard_file(QUARANTINE.name, 0), QUARANTINE.schema.empty_table())
        counts = {k: int(run[k]) for k in ("files", "read", "scored", "quarantined", "duplicates_dropped", "input_checks_failed")}
        folder.write_text(COUNTS, json.dumps(counts))
        aggregate(settings, plan, overrides)
    except Exception:
        folder.discard()
        raise
    return _Staged(plan, replaces)


def _published(settings: Settings, done: _Staged) -> dict[str, Any]:
    """Publish a batch's re-publication of a date; when a run of the date switched in after it was
    staged (one that held the date's lock while the batch waited for it to be recorded), stage the
    date again from that run, with the overrides in force now, and publish that."""
    for attempt in range(MERGE_ATTEMPTS):
        try:
            return _publish(settings, done)
        except Superseded:
            if attempt == MERGE_ATTEMPTS - 1:
                raise
            done = _stage(settings, done.plan.day, table.overrides_of(settings.warehouse, done.plan.day))
    raise AssertionError("unreachable")


def _publish(settings: Settings, done: _Staged) -> dict[str, Any]:
    """Publish a staged re-publication, unless a run of the date was switched in since it was
    staged (publishing it would put back the older day)."""
    try:
        return publish(settings, done.plan, replaces=done.replaces)
    finally:
        staging(settings, done.plan).discard()


def reapply(settings: Settings, day: date) -> dict[str, Any]:
    """Publish `day` again from its published tables with the overrides in force applied (after a
    publication that failed, or to re-check a date); no transcript is read."""
    done = _stage(settings, day, table.overrides_of(settings.warehouse, day))
    published = _publish(settings, done)
    report(settings, done.plan)
    return published


def statuses(settings: Settings, day: date) -> pd.DataFrame:
    """Every override recorded for `day` (its latest row per verdict), with whether it applies to
    the published verdicts: applied, withdrawn, machine_agrees, criterion_changed, ..."""
    latest = table.latest(table.read_overrides(settings.warehouse, day))
    verdicts = store.read_table(settings.warehouse, CRITERION_RESULTS.name, day, columns=VERDICT_COLUMNS)
    pairs = set(zip(latest.get("interaction_id", []), latest.get("criterion_id", [])))
    overridden = verdicts[[pair in pairs for pair in zip(verdicts["interaction_id"], verdicts["criterion_id"])]]
    try:
        published = _published_standards(settings, day, verdicts) if not verdicts.empty else {}
    except TouchstoneError:
        published = None  # that version's file is gone: applied or not is still known from the verdicts
    if published is None or len(published) < 2 or latest.empty:
        criteria = {c.id: c for s in published.values() for c in s.criteria} if published is not None else None
        return table.with_status(latest, criteria, overridden)
    # A routed date: each override is judged against the published standard of its own id.
    by_id = {standard_id: {c.id: c for c in s.criteria} for (standard_id, _version), s in published.items()}
    parts = [table.with_status(rows, by_id.get(str(standard_id), {}), overridden) for standard_id, rows in latest.groupby("standard_id", sort=False)]
    return pd.concat(parts).loc[latest.index]
