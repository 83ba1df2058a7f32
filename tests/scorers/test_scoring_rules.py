from __future__ import annotations

import pytest

from scorers.outcome import NotApplicable, Verdict
from scorers.scoring_rules import CriterionResult, score_interaction
from scorers.standard import Standard
from tests.builders import criterion


def _standard(auto_fail: bool = True) -> Standard:
    return Standard.model_validate(
        {
            "id": "s",
            "version": "1",
            "effective_from": "2026-01-01",
            "title": "t",
            "languages": ["en"],
            "auto_fail": auto_fail,
            "sections": [{"id": "a", "title": "A", "weight": 3}, {"id": "b", "title": "B", "weight": 1}, {"id": "c", "title": "C"}],
            "criteria": [criterion("required_phrase", phrases={"en": ["x"]})],
        }
    )


def _result(section: str, points: float, verdict: Verdict, critical: bool = False) -> CriterionResult:
    return CriterionResult(criterion("required_phrase", phrases={"en": ["x"]}, section=section, points=points, critical=critical), verdict)


PASS, FAIL, NA = Verdict.passed("ok"), Verdict.failed("no"), Verdict.not_applicable(NotApplicable.TRIGGER_NOT_OBSERVED)


def test_weighted_mean_of_applicable_sections() -> None:
    results = [
        _result("a", 2, PASS),
        _result("a", 2, FAIL),  # section a: 2/4 = 50
        _result("b", 1, PASS),  # section b: 100
        _result("c", 5, NA),  # section c: nothing applicable, drops out
    ]
    score = score_interaction(_standard(), results)
    assert score.section_scores == {"a": 50.0, "b": 100.0}
    assert score.quality_score == pytest.approx((3 * 50 + 1 * 100) / 4)
    assert (score.passed, score.failed, score.not_applicable) == (2, 1, 1)
    assert score.compliance_passed and score.critical_failures == 0


@pytest.mark.parametrize(("auto_fail", "quality"), [(True, 0.0), (False, 75.0)])
def test_critical_failure_fails_compliance_and_auto_fails(auto_fail: bool, quality: float) -> None:
    results = [_result("a", 1, FAIL, critical=True), _result("a", 3, PASS)]
    score = score_interaction(_standard(auto_fail), results)
    assert not score.compliance_passed and score.critical_failures == 1
    assert score.quality_score == quality


def test_nothing_applicable_has_no_score() -> None:
    score = score_interaction(_standard(), [_result("a", 1, NA)])
    assert score.quality_score is None and score.section_scores == {} and score.compliance_passed
