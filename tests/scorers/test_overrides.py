"""Overrides on top of the machine's verdicts: when one applies, and what it does to the score."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorers.loader import load_standard
from scorers.outcome import Outcome, Verdict
from scorers.overrides import Override, Status, apply_overrides, criterion_fingerprint, status
from scorers.scoring_rules import CriterionResult, score_interaction

STANDARD = load_standard(Path(__file__).resolve().parents[2] / "standards" / "eu_core.v2.yaml")
CRITERIA = {c.id: c for c in STANDARD.criteria}


def _override(criterion_id: str, outcome: str, fingerprint: str | None = None) -> Override:
    criterion = CRITERIA[criterion_id]
    return Override("o-1", "ix-1", criterion_id, Outcome(outcome), "heard it", "maria", fingerprint or criterion_fingerprint(criterion))


def _results(outcomes: dict[str, str]) -> list[CriterionResult]:
    """Every criterion passing, but those named."""
    return [CriterionResult(c, Verdict(Outcome(outcomes.get(c.id, "pass")), "machine")) for c in STANDARD.criteria]


@pytest.mark.parametrize(
    ("edit", "same"),
    [
        ({"title": "Greets"}, True),
        ({"description": "Say hello."}, True),
        ({"examples": []}, True),
        ({"points": 3.0}, False),
        ({"critical": True}, False),
        ({"within": {"first_turns": 2}}, False),
        ({"phrases": {"en": ["hello"]}}, False),
    ],
)
def test_the_fingerprint_follows_what_decides_verdicts(edit: dict[str, object], same: bool) -> None:
    greeting = CRITERIA["greeting"]
    edited = type(greeting).model_validate({**greeting.model_dump(), **edit})
    assert (criterion_fingerprint(edited) == criterion_fingerprint(greeting)) is same


@pytest.mark.parametrize(
    ("criterion", "machine", "fingerprint", "expected"),
    [
        ("greeting", Outcome.FAIL, None, Status.APPLIED),
        ("greeting", Outcome.PASS, None, Status.MACHINE_AGREES),
        ("greeting", Outcome.FAIL, "0" * 64, Status.CRITERION_CHANGED),
        ("greeting", None, None, Status.INTERACTION_NOT_SCORED),
        (None, Outcome.FAIL, None, Status.CRITERION_REMOVED),
    ],
)
def test_status(criterion: str | None, machine: Outcome | None, fingerprint: str | None, expected: Status) -> None:
    override = _override("greeting", "pass", fingerprint)
    assert status(override, CRITERIA.get(criterion or ""), machine) is expected


def test_an_override_replaces_the_outcome_and_the_score_follows() -> None:
    machine = _results({"greeting": "fail"})
    assert score_interaction(STANDARD, machine).quality_score < 100
    results, score = apply_overrides(STANDARD, machine, {"greeting": _override("greeting", "pass")}) or ((), None)
    assert score is not None and score.quality_score == 100.0 and score.failed == 0
    greeting = next(r for r in results if r.criterion.id == "greeting")
    assert greeting.outcome is Outcome.PASS and greeting.verdict.outcome is Outcome.FAIL  # the machine's is kept
    assert greeting.override is not None and greeting.override.reviewer == "maria"


def test_a_critical_override_fails_compliance_and_zeroes_quality() -> None:
    _, score = apply_overrides(STANDARD, _results({}), {"no_prohibited_language": _override("no_prohibited_language", "fail")}) or ((), None)
    assert score is not None and (score.compliance_passed, score.critical_failures, score.quality_score) == (False, 1, 0.0)


def test_an_override_to_not_applicable_takes_the_points_out() -> None:
    _, score = apply_overrides(STANDARD, _results({"price_with_vat": "fail"}), {"price_with_vat": _override("price_with_vat", "not_applicable")}) or ((), None)
    assert score is not None and score.quality_score == 100.0 and score.not_applicable == 1


def test_nothing_applies_when_the_machine_agrees_or_the_criterion_changed() -> None:
    assert apply_overrides(STANDARD, _results({}), {"greeting": _override("greeting", "pass")}) is None
    assert apply_overrides(STANDARD, _results({"greeting": "fail"}), {"greeting": _override("greeting", "pass", "0" * 64)}) is None
    assert apply_overrides(STANDARD, _results({}), {}) is None
