from __future__ import annotations

import pytest
from scipy import stats

from warehouse.aggregate import agent_daily_rows, mean_confidence_interval


def test_confidence_interval_matches_student_t() -> None:
    values = [60.0, 80.0, 100.0, 90.0]
    mean, low, high = mean_confidence_interval(values)
    expected_low, expected_high = stats.t.interval(0.95, 3, loc=82.5, scale=stats.sem(values))
    assert mean == 82.5
    assert low == pytest.approx(expected_low) and high == pytest.approx(min(100.0, expected_high))


@pytest.mark.parametrize(("values", "expected"), [([], (None, None, None)), ([70.0], (70.0, None, None))])
def test_small_samples_have_no_interval(values: list[float], expected: tuple) -> None:
    assert mean_confidence_interval(values) == expected


def _row(agent: str, quality: float | None, compliant: bool, sections: dict, team: str = "t") -> dict:
    return {
        "agent_id": agent,
        "agent_type": "human",
        "team": team,
        "quality_score": quality,
        "compliance_passed": compliant,
        "critical_failures": 0 if compliant else 1,
        "section_scores": list(sections.items()),  # as read back from a Parquet map
        "run_id": "r",
        "standard_id": "s",
        "standard_version": "1",
    }


def test_agent_rows() -> None:
    rows = agent_daily_rows(
        [
            _row("b", 100.0, True, {"opening": 100.0}),
            _row("a", 50.0, True, {"opening": 50.0, "closing": 100.0}),
            _row("a", 0.0, False, {"opening": 0.0}, team="u"),
            _row("a", None, True, {}),
        ]
    )
    assert [r["agent_id"] for r in rows] == ["a", "b"]
    a = rows[0]
    assert (a["interactions"], a["scored_interactions"], a["mean_quality_score"]) == (3, 2, 25.0)
    assert a["compliance_rate"] == pytest.approx(2 / 3) and a["critical_failures"] == 1
    assert a["section_scores"] == {"closing": 100.0, "opening": 25.0}
    assert a["team"] == "t"
    assert rows[1]["quality_ci_low"] is None  # one interaction: no interval
