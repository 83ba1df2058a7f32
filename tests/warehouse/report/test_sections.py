"""Report sections as pure functions of small hand-made tables."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from warehouse.report.sections import compliance_failures, format_time, league_table

DAY = date(2026, 11, 22)


def _agents(rows: list[tuple]) -> pd.DataFrame:
    columns = ["date", "agent_id", "agent_type", "team", "interactions", "scored_interactions", "mean_quality_score", "quality_ci_low", "quality_ci_high", "compliance_rate", "critical_failures"]
    return pd.DataFrame(rows, columns=columns)


def test_league_ranks_by_the_lower_bound_and_leaves_small_samples_unranked() -> None:
    today = _agents(
        [
            ("2026-11-22", "lucky", "human", "sales", 3, 3, 95.0, 50.0, 100.0, 1.0, 0),  # best mean, 3 calls
            ("2026-11-22", "steady", "human", "sales", 50, 50, 80.0, 76.0, 84.0, 0.9, 1),
            ("2026-11-22", "wobbly", "bot", "digital", 12, 12, 85.0, 70.0, 99.0, 0.8, 2),
        ]
    )
    earlier = _agents([("2026-11-20", "steady", "human", "sales", 10, 10, 50.0, 40.0, 60.0, 0.5, 3), ("2026-10-01", "steady", "human", "sales", 10, 10, 0.0, 0.0, 0.0, 0.0, 9)])
    table = league_table(today.drop(columns="date"), pd.concat([today, earlier]), DAY)
    assert list(table["agent_id"]) == ["steady", "wobbly", "lucky"]
    assert list(table["rank"]) == [1, 2, None]
    steady = table.set_index("agent_id").loc["steady"]
    assert steady["mean_7d"] == pytest.approx((80 * 50 + 50 * 10) / 60)  # weighted by interactions
    assert steady["mean_30d"] == pytest.approx(steady["mean_7d"])  # 2026-10-01 is outside 30 days


@pytest.mark.parametrize(("start_ms", "shown"), [(None, ""), (0, "0:00"), (65_400, "1:05"), (3_601_000, "60:01")])
def test_format_time(start_ms: int | None, shown: str) -> None:
    assert format_time(start_ms) == shown


def test_compliance_failures_redact_the_evidence_and_number_turns_from_one() -> None:
    results = pd.DataFrame(
        {"interaction_id": ["i1", "i1"], "agent_id": ["a"] * 2, "criterion_id": ["no_card", "greeting"], "critical": [True, False],
         "outcome": ["fail", "fail"], "evidence": ["card is 4539 1488 0343 6467, right", "Hi"], "turn_index": [3, 0], "start_ms": [61_000, 0], "reason": ["said a card", "no greeting"]}  # fmt: skip
    )
    interactions = pd.DataFrame({"interaction_id": ["i1"], "language": ["en"], "channel": ["voice"], "agent_type": ["human"]})
    [row] = compliance_failures(results, interactions, None).to_dict("records")
    assert (row["criterion"], row["turn"], row["time"]) == ("no_card", 4, "1:01")
    assert row["evidence"] == "card is [card number ending 6467], right"
