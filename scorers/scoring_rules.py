"""The scoring rules, as the commercial auto-QA evaluation forms define them.

- A criterion yields pass, fail or not_applicable. Pass earns its points; fail earns 0;
  not_applicable counts neither for nor against (its max_points is 0).
- Section score = earned points / applicable points, 0-100; a section with nothing applicable has
  no score and drops out of the mean.
- Quality score = mean of the section scores weighted by section weight, 0-100; None when no
  criterion applied at all.
- A failed critical criterion makes compliance_passed false and, when the standard sets
  `auto_fail`, the quality score 0.
- A reviewer's override (`scorers.overrides`) replaces the machine's outcome in all of the above;
  the machine's verdict is kept beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scorers.outcome import Outcome, Override, Verdict
from scorers.standard import CriterionConfig, Standard


@dataclass(frozen=True)
class CriterionResult:
    criterion: CriterionConfig
    verdict: Verdict  # the machine's
    override: Override | None = None  # a reviewer's outcome, applied on top of the machine's

    @property
    def outcome(self) -> Outcome:
        """The outcome that counts: the reviewer's where one overrode the machine."""
        return self.override.outcome if self.override is not None else self.verdict.outcome

    @property
    def applicable(self) -> bool:
        return self.outcome is not Outcome.NOT_APPLICABLE

    @property
    def points(self) -> float:
        return self.criterion.points if self.outcome is Outcome.PASS else 0.0

    @property
    def max_points(self) -> float:
        return self.criterion.points if self.applicable else 0.0

    @property
    def critical_failure(self) -> bool:
        return self.criterion.critical and self.outcome is Outcome.FAIL


@dataclass(frozen=True)
class InteractionScore:
    quality_score: float | None
    compliance_passed: bool
    critical_failures: int
    section_scores: dict[str, float]
    passed: int
    failed: int
    not_applicable: int


def section_scores(results: Sequence[CriterionResult]) -> dict[str, float]:
    """Section id -> 0-100, for sections with at least one applicable criterion."""
    earned: dict[str, float] = {}
    possible: dict[str, float] = {}
    for r in results:
        if r.applicable:
            section = r.criterion.section
            earned[section] = earned.get(section, 0.0) + r.points
            possible[section] = possible.get(section, 0.0) + r.max_points
    return {s: 100.0 * earned[s] / possible[s] for s in possible}


def weighted_quality(standard: Standard, sections: dict[str, float]) -> float | None:
    if not sections:
        return None
    weights = {s.id: s.weight for s in standard.sections}
    total = sum(weights[s] for s in sections)
    return sum(weights[s] * score for s, score in sections.items()) / total


def score_interaction(standard: Standard, results: Sequence[CriterionResult]) -> InteractionScore:
    sections = section_scores(results)
    critical = sum(r.critical_failure for r in results)
    quality = weighted_quality(standard, sections)
    if critical and standard.auto_fail:
        quality = 0.0
    outcomes = [r.outcome for r in results]
    return InteractionScore(
        quality_score=quality,
        compliance_passed=critical == 0,
        critical_failures=critical,
        section_scores=sections,
        passed=outcomes.count(Outcome.PASS),
        failed=outcomes.count(Outcome.FAIL),
        not_applicable=outcomes.count(Outcome.NOT_APPLICABLE),
    )
