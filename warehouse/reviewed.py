"""A run's tables with the reviewers' overrides applied: the step between the machine's verdicts
and what is published.

Runs score with the machine alone; when a run's shards are merged (`touchstone.steps.aggregate`),
the overrides in force on the date are applied to them here, part by part: an overridden
interaction's verdicts take the reviewer's outcome where the override applies
(`scorers.overrides`), and its score is computed again by the scoring rules. Only those
interactions leave Arrow; every other row is copied as it is. A day re-published because overrides
changed goes through the same step, from its published tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scorers.outcome import Evidence, Outcome, Verdict
from scorers.overrides import Override, apply_overrides, criterion_fingerprint
from scorers.scoring_rules import CriterionResult, score_interaction
from scorers.standard import Standard
from warehouse.calibration import machine_outcome
from warehouse.overrides import override_ids
from warehouse.store import PANDAS_TYPES

# The columns of an interaction score that its verdicts decide.
DECIDED = ["quality_score", "compliance_passed", "critical_failures", "criteria_passed", "criteria_failed", "criteria_not_applicable", "section_scores"]
# criterion_results columns -> the attribute of the applied override they hold.
OVERRIDE_COLUMNS = {"override_id": "override_id", "override_reviewer": "reviewer", "override_reason": "reason"}


def _verdict(row: Any) -> Verdict:
    """The machine's verdict, as stored in a criterion result row (its outcome where no override)."""
    evidence = Evidence(int(row.turn_index), None if pd.isna(row.start_ms) else int(row.start_ms), row.evidence) if isinstance(row.evidence, str) else None
    return Verdict(Outcome(row.machine), row.reason, evidence)


def _replaced(rows: pa.Table, touched: set[str], again: Callable[[pd.DataFrame], pd.DataFrame]) -> pa.Table:
    """`rows` with the rows of the `touched` interactions made `again`, in their places."""
    if not touched:
        return rows
    chosen = pc.is_in(rows["interaction_id"], value_set=pa.array(sorted(touched), pa.string()))
    if not pc.any(chosen).as_py():
        return rows
    numbered = rows.append_column("_row", pa.array(range(rows.num_rows), pa.int64()))
    redone = again(numbered.filter(chosen).to_pandas(types_mapper=PANDAS_TYPES.get))
    redone_rows = pa.Table.from_pandas(redone, schema=numbered.schema, preserve_index=False)
    return pa.concat_tables([numbered.filter(pc.invert(chosen)), redone_rows]).sort_by("_row").drop_columns(["_row"])


class Reviewed:
    """Applies one date's overrides in force (by interaction and criterion) to a run's parts: all
    its criterion_results parts first (`verdicts`), then its interaction_scores parts (`scores`).
    A routed run scores an interaction with several standards; their criterion ids never collide
    (`scorers.routing.resolve`), so an override names its verdict by interaction and criterion."""

    def __init__(self, standards: Iterable[Standard], overrides: dict[str, dict[str, Override]]) -> None:
        self.standards = {(s.id, s.version): s for s in standards}
        self.overrides = overrides
        self.criteria = {key: {c.id: c for c in s.criteria} for key, s in self.standards.items()}
        self.fingerprints = {key: {c.id: criterion_fingerprint(c) for c in s.criteria} for key, s in self.standards.items()} if overrides else {}
        # (interaction id, standard id, version) -> its score columns, once scored again
        self.decided: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.applied = 0

    @property
    def seen(self) -> list[str]:
        """The ids of the overrides in force that were considered: a publish compares them with
        those in force then, and merges again if a reviewer recorded one meanwhile."""
        return override_ids(self.overrides)

    def verdicts(self, part: pa.Table) -> pa.Table:
        """criterion_results rows with the overrides applied; also those of interactions that had
        one before (published rows made again), which get the machine's verdicts back if none applies now."""
        had = part.filter(pc.is_valid(part["override_id"]))["interaction_id"].to_pylist() if "override_id" in part.schema.names else []
        return _replaced(part, set(self.overrides) | set(had), self._verdicts_again)

    def scores(self, part: pa.Table) -> pa.Table:
        """interaction_scores rows with the scores of the interactions `verdicts` made again."""
        return _replaced(part, {key[0] for key in self.decided}, self._scores_again)

    def _verdicts_again(self, rows: pd.DataFrame) -> pd.DataFrame:
        rows = rows.assign(machine=machine_outcome(rows))
        parts = []
        for (interaction_id, standard_id, version), verdicts in rows.groupby(["interaction_id", "standard_id", "standard_version"], sort=False):
            key = (str(interaction_id), str(standard_id), str(version))
            # A run writes an interaction's verdicts in one shard; a score needs all of them.
            assert key not in self.decided, f"the verdicts of {interaction_id} by {standard_id}@{version} are in two parts"
            standard, criteria = self.standards[key[1:]], self.criteria[key[1:]]
            results = [CriterionResult(criteria[row.criterion_id], _verdict(row)) for row in verdicts.itertuples(index=False)]
            overrides = self.overrides.get(key[0], {})
            # Where none applies (any more), the machine's verdicts stand.
            now, score = apply_overrides(standard, results, overrides, self.fingerprints.get(key[1:])) or (tuple(results), score_interaction(standard, results))
            self.applied += sum(r.override is not None for r in now)
            verdicts = verdicts.assign(
                outcome=[r.outcome.value for r in now],
                points=[r.points for r in now],
                max_points=[r.max_points for r in now],
                machine_outcome=[r.verdict.outcome.value if r.override else None for r in now],
                **{column: [getattr(r.override, name) if r.override else None for r in now] for column, name in OVERRIDE_COLUMNS.items()},
            )
            self.decided[key] = {
                "quality_score": score.quality_score, "compliance_passed": score.compliance_passed, "critical_failures": score.critical_failures,
                "criteria_passed": score.passed, "criteria_failed": score.failed, "criteria_not_applicable": score.not_applicable,
                "section_scores": list(score.section_scores.items()),
            }  # fmt: skip
            parts.append(verdicts.drop(columns="machine"))
        return pd.concat(parts)

    def _scores_again(self, rows: pd.DataFrame) -> pd.DataFrame:
        rows = rows.astype({"section_scores": object})
        keys = list(zip(rows["interaction_id"], rows["standard_id"], rows["standard_version"]))
        for column in DECIDED:
            rows[column] = [self.decided[key][column] for key in keys]
        return rows
