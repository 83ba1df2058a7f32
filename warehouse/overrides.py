"""The `overrides` table: every verdict a reviewer overrode, append-only, as an audit trail.

A row is never changed or deleted. The override in force for an interaction and criterion is the
latest row recorded for it, unless that row withdraws it (`outcome = withdrawn`). Reviewers hand
overrides in from the command line or as a CSV (`read_requests`); every line is checked before
anything is recorded. Rows are recorded under the lock of each date they touch (`add`), the lock a
run publishing the date holds from its writes to its switch: a run's last check of the overrides
sees every override recorded before its switch.
"""

from __future__ import annotations

import csv
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa

from foundation.errors import TouchstoneError
from scorers.outcome import Outcome
from scorers.overrides import Override, Status, status
from scorers.standard import CriterionConfig
from warehouse.calibration import machine_outcome
from warehouse.location import Warehouse
from warehouse.lock import LockTiming, date_lock
from warehouse.store import append, read_table
from warehouse.tables import OVERRIDES

WITHDRAWN = "withdrawn"
OUTCOMES = tuple(o.value for o in Outcome)
CSV_COLUMNS = ("date", "interaction_id", "criterion_id", "outcome", "reason", "reviewer")
KEY = ["date", "interaction_id", "criterion_id"]


@dataclass(frozen=True)
class Request:
    """One override a reviewer asks for (or the withdrawal of one), before it is checked against
    what is published; `origin` says where it came from for messages (`file.csv:7`)."""

    day: date
    interaction_id: str
    criterion_id: str
    outcome: str  # pass | fail | not_applicable | withdrawn
    reason: str
    reviewer: str
    origin: str


def read_requests(path: Path, reviewer: str | None = None) -> tuple[list[Request], list[str]]:
    """The overrides in a CSV (columns `date, interaction_id, criterion_id, outcome, reason` and
    `reviewer`, which `reviewer` may give for every line), and what is wrong with its lines, each
    as `file:line: problem` (a file with any is refused whole by `touchstone.overrides.record`,
    which adds what is wrong against the published verdicts)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            needed = [c for c in CSV_COLUMNS if not (c == "reviewer" and reviewer)]
            missing = [c for c in needed if c not in header]
            if missing:
                raise TouchstoneError(f"{path}:1: missing column(s) {', '.join(missing)}", f"the header is: {', '.join(CSV_COLUMNS)}")
            rows = [(reader.line_num, row) for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise TouchstoneError(f"{path}: cannot read the overrides: {exc}") from None
    requests, problems = [], []
    for line, row in rows:
        origin = f"{path}:{line}"
        fields = sum(v is not None for k, v in row.items() if k is not None) + len(row.get(None) or [])  # type: ignore[call-overload]
        if fields != len(header):
            problems.append(f"{path}:{line}: expected {len(header)} fields ({', '.join(header)}), got {fields}")
            continue
        try:
            requests.append(request(row["date"], row["interaction_id"], row["criterion_id"], row["outcome"], row["reason"], row.get("reviewer") or reviewer or "", origin))
        except TouchstoneError as exc:
            problems.append(f"{path}:{line}: {exc.message}")
    if not requests and not problems:
        raise TouchstoneError(f"{path}: no overrides in the file")
    return requests, problems


def request(day: str, interaction_id: str, criterion_id: str, outcome: str, reason: str, reviewer: str, origin: str, withdraw: bool = False) -> Request:
    """A request with its fields checked (not yet against what is published)."""
    try:
        when = date.fromisoformat(day.strip())
    except ValueError:
        raise TouchstoneError(f"date {day!r} is not a date (YYYY-MM-DD)") from None
    outcome = WITHDRAWN if withdraw else outcome.strip()
    if not withdraw and outcome not in OUTCOMES:
        raise TouchstoneError(f"outcome {outcome!r} is not one of {', '.join(OUTCOMES)}")
    for name, value in (("interaction_id", interaction_id), ("criterion_id", criterion_id), ("reason", reason), ("reviewer", reviewer)):
        if not value.strip():
            raise TouchstoneError(f"{name} is empty")
        if len(value) > 2000:
            raise TouchstoneError(f"{name} is longer than 2,000 characters")
    return Request(when, interaction_id.strip(), criterion_id.strip(), outcome, reason.strip(), reviewer.strip(), origin)


def read_overrides(warehouse: Warehouse | Path, day: date | None = None, since: date | None = None) -> pd.DataFrame:
    """Every override row recorded (of `day`, or from `since` to `day`), oldest first per date."""
    return read_table(warehouse, "overrides", day, since=since)


def add(warehouse: Warehouse | Path, rows: pa.Table, owner: str, timing: LockTiming | None = None) -> None:
    """Record override rows (with their `date` column) in one commit, holding the lock of every
    date they touch (taken in date order, so two writers of several dates never wait on each other)."""
    days = sorted({date.fromisoformat(d) for d in rows["date"].to_pylist()})
    with ExitStack() as held:
        for day in days:
            held.enter_context(date_lock(warehouse, day, owner, timing=timing))
        append(warehouse, OVERRIDES, rows)


def latest(rows: pd.DataFrame) -> pd.DataFrame:
    """The last row recorded for each date, interaction and criterion (withdrawals included)."""
    if rows.empty:
        return rows
    return rows.sort_values([*KEY, "overridden_at"], kind="stable").drop_duplicates(KEY, keep="last").reset_index(drop=True)


def in_force(rows: pd.DataFrame) -> pd.DataFrame:
    """The overrides in force: each pair's latest row, unless that row withdrew it."""
    last = latest(rows)
    return last[last["outcome"] != WITHDRAWN].reset_index(drop=True) if not last.empty else last


def _override(row: Any) -> Override:
    return Override(row.override_id, row.interaction_id, row.criterion_id, Outcome(row.outcome), row.reason, row.reviewer, row.criterion_sha256)


def as_overrides(rows: pd.DataFrame) -> dict[str, dict[str, Override]]:
    """Overrides in force of one date, by interaction id and criterion id, for the scorers."""
    out: dict[str, dict[str, Override]] = {}
    for row in in_force(rows).itertuples(index=False):
        out.setdefault(row.interaction_id, {})[row.criterion_id] = _override(row)
    return out


def overrides_of(warehouse: Warehouse | Path, day: date) -> dict[str, dict[str, Override]]:
    """What a run of `day` applies: the overrides in force, by interaction and criterion."""
    return as_overrides(read_overrides(warehouse, day))


def override_ids(overrides: dict[str, dict[str, Override]]) -> list[str]:
    """The ids of overrides by interaction and criterion, sorted: what a run applied, to compare."""
    return sorted(o.override_id for by_criterion in overrides.values() for o in by_criterion.values())


def with_status(latest_rows: pd.DataFrame, criteria: dict[str, CriterionConfig] | None, published: pd.DataFrame) -> pd.DataFrame:
    """Each verdict's latest override row with its status: `applied` when the published verdict
    carries it, `withdrawn`, or why it does not apply (`scorers.overrides.Status`) given the
    criteria of the standard that scored the day (None: that version's file is missing, status
    `standard_missing`) and the `published` verdicts (interaction_id, criterion_id, outcome,
    machine_outcome, override_id) of the overridden pairs."""
    carried = set(published["override_id"].dropna()) if not published.empty else set()
    carrying = set(zip(published["interaction_id"], published["criterion_id"], published["override_id"].notna())) if not published.empty else set()
    machine = dict(zip(zip(published["interaction_id"], published["criterion_id"]), machine_outcome(published))) if not published.empty else {}
    found = []
    for row in latest_rows.itertuples(index=False):
        if row.outcome == WITHDRAWN:
            # Until the date is published again, its verdict still carries the withdrawn override.
            found.append("withdrawal_not_yet_applied" if (row.interaction_id, row.criterion_id, True) in carrying else WITHDRAWN)
        elif row.override_id in carried:
            found.append(Status.APPLIED.value)
        elif criteria is None:
            found.append("standard_missing")
        else:
            said = machine.get((row.interaction_id, row.criterion_id))
            why = status(_override(row), criteria.get(row.criterion_id), Outcome(said) if said else None)
            # Applies, but the published day does not carry it: a run published meanwhile without it.
            found.append("not_yet_applied" if why is Status.APPLIED else why.value)
    return latest_rows.assign(status=pd.Series(found, index=latest_rows.index, dtype=object))
