"""Calibration: how far the automatic verdicts agree with the QA team's own reviewers.

QA teams keep human evaluations of a sample of interactions, as a CSV with `interaction_id`,
`criterion_id` and `human_outcome` (pass, fail or not_applicable). Per criterion this reports the
percent agreement and Cohen's kappa (agreement corrected for chance: 1 is perfect, 0 is what chance
alone gives), and lists every disagreement for review. Rows Touchstone did not score are counted,
never silently dropped.

Reviewers' overrides (`warehouse.overrides`) are reviews too: each is a verdict a person looked at
and judged. They join the sample (an override wins over a calibration row on the same verdict), and
every comparison is with the machine's own outcome, never with an override applied on top of it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from foundation.errors import TouchstoneError

OUTCOMES = ("pass", "fail", "not_applicable")


def read_human_outcomes(path: Path) -> pd.DataFrame:
    """The reviewers' CSV, checked: a bad row is an error naming its line."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise TouchstoneError(f"{path}: cannot read: {exc}") from None
    needed = {"interaction_id", "criterion_id", "human_outcome"}
    if not rows or not needed <= set(rows[0]):
        raise TouchstoneError(f"{path}: expected the columns {', '.join(sorted(needed))}")
    for line, row in enumerate(rows, start=2):
        if row["human_outcome"] not in OUTCOMES:
            raise TouchstoneError(f"{path}:{line}: human_outcome {row['human_outcome']!r} is not one of {', '.join(OUTCOMES)}")
    return pd.DataFrame(rows)[["interaction_id", "criterion_id", "human_outcome"]]


def cohen_kappa(first: list[str], second: list[str]) -> float | None:
    """Cohen's kappa of two raters over the same items; None when chance agreement is total."""
    if not first:
        return None
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second)) / n
    categories = set(first) | set(second)
    expected = sum((first.count(c) / n) * (second.count(c) / n) for c in categories)
    return None if expected == 1 else (observed - expected) / (1 - expected)


@dataclass(frozen=True)
class Calibration:
    per_criterion: pd.DataFrame  # criterion_id, reviewed, agreement, kappa
    disagreements: pd.DataFrame  # interaction_id, criterion_id, human_outcome, outcome, reason, evidence
    not_scored: int  # reviewed rows with no automatic verdict


def with_overrides(human: pd.DataFrame | None, overrides: pd.DataFrame) -> pd.DataFrame | None:
    """The reviews of a date: calibration rows and the overrides in force, with a `source` column
    (calibration | override); an override replaces a calibration row on the same verdict. None when
    there are none."""
    parts = [] if human is None else [human.assign(source="calibration")]
    if not overrides.empty:
        corrected = set(zip(overrides["interaction_id"], overrides["criterion_id"]))
        if parts:
            parts[0] = parts[0][[pair not in corrected for pair in zip(parts[0]["interaction_id"], parts[0]["criterion_id"])]]
        parts.append(pd.DataFrame({"interaction_id": overrides["interaction_id"], "criterion_id": overrides["criterion_id"], "human_outcome": overrides["outcome"], "source": "override"}))
    return pd.concat(parts, ignore_index=True) if parts else None


def machine_outcome(results: pd.DataFrame) -> pd.Series:
    """The machine's outcome of each verdict: the stored one, or the one an override replaced."""
    return results["machine_outcome"].astype(object).fillna(results["outcome"].astype(object)) if "machine_outcome" in results else results["outcome"]


def calibrate(human: pd.DataFrame, results: pd.DataFrame) -> Calibration:
    """Compare human outcomes with the machine's outcomes in `criterion_results` rows."""
    joined = human.drop(columns=["source"], errors="ignore").merge(results.assign(outcome=machine_outcome(results)), on=["interaction_id", "criterion_id"], how="left")
    scored = joined[joined["outcome"].notna()]
    rows = []
    for criterion, group in scored.groupby("criterion_id", sort=True):
        people, machine = list(group["human_outcome"]), list(group["outcome"])
        rows.append({"criterion_id": criterion, "reviewed": len(group), "agreement": sum(a == b for a, b in zip(people, machine)) / len(group), "kappa": cohen_kappa(people, machine)})
    per_criterion = pd.DataFrame(rows, columns=["criterion_id", "reviewed", "agreement", "kappa"])
    disagreements = scored[scored["human_outcome"] != scored["outcome"]][["interaction_id", "criterion_id", "human_outcome", "outcome", "reason", "evidence"]]
    return Calibration(per_criterion, disagreements.reset_index(drop=True), int(joined["outcome"].isna().sum()))
