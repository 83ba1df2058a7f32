"""Reviewer overrides applied on top of the machine's verdicts.

A QA reviewer who listens to a call and disagrees with a verdict records an override: one
interaction and criterion, the outcome the reviewer gives, why, and who. The machine's verdict is
never lost (it stays beside the override); the override's outcome is what counts in the scores.

An override is made against one definition of the criterion: it keeps applying, through re-scoring
and backfills, while the criterion's definition is unchanged (its fingerprint) and the machine still
says something else. When the criterion changed or went away, or the machine now agrees, it no
longer applies, and is listed so (`status`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from enum import StrEnum

from scorers.outcome import Outcome, Override
from scorers.scoring_rules import CriterionResult, InteractionScore, score_interaction
from scorers.standard import CriterionConfig, Standard


class Status(StrEnum):
    """Whether an override applies to a verdict, and why not."""

    APPLIED = "applied"
    MACHINE_AGREES = "machine_agrees"  # the machine now gives the reviewer's outcome itself
    CRITERION_CHANGED = "criterion_changed"  # its definition is not the one the reviewer overrode
    CRITERION_REMOVED = "criterion_removed"  # the standard that scored the day has no such criterion
    INTERACTION_NOT_SCORED = "interaction_not_scored"  # not among the day's scored interactions


def criterion_fingerprint(criterion: CriterionConfig) -> str:
    """The sha256 of the criterion's own definition: every field but its title, description and
    examples (rewording a title or adding an example does not void the overrides), and fields left
    at their defaults (a field added to the language later does not void them either). What the
    standard sets for every criterion (listening, sentiment lexicon) is not part of it."""
    fields = criterion.model_dump(mode="json", exclude={"title", "description", "examples"}, exclude_defaults=True)
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def status(override: Override, criterion: CriterionConfig | None, machine: Outcome | None, fingerprint: str | None = None) -> Status:
    """Whether `override` applies to the machine's outcome on a criterion (None: not scored);
    `fingerprint`, the criterion's when already known."""
    if criterion is None:
        return Status.CRITERION_REMOVED
    if machine is None:
        return Status.INTERACTION_NOT_SCORED
    if (fingerprint or criterion_fingerprint(criterion)) != override.criterion_sha256:
        return Status.CRITERION_CHANGED
    if machine is override.outcome:
        return Status.MACHINE_AGREES
    return Status.APPLIED


def apply_overrides(
    standard: Standard, results: Sequence[CriterionResult], overrides: Mapping[str, Override], fingerprints: Mapping[str, str] | None = None
) -> tuple[tuple[CriterionResult, ...], InteractionScore] | None:
    """An interaction's results with the overrides that apply (keyed by criterion id), and its score
    computed again; None when none applies (the machine's score stands). `fingerprints` (criterion id
    -> fingerprint) spares computing them per interaction."""
    if not overrides:
        return None
    changed = False
    out = []
    for result in results:
        override = overrides.get(result.criterion.id)
        if override is not None and _applies(override, result, fingerprints):
            result, changed = replace(result, override=override), True
        out.append(result)
    return (tuple(out), score_interaction(standard, out)) if changed else None


def _applies(override: Override, result: CriterionResult, fingerprints: Mapping[str, str] | None) -> bool:
    fingerprint = (fingerprints or {}).get(result.criterion.id)
    return status(override, result.criterion, result.verdict.outcome, fingerprint) is Status.APPLIED
