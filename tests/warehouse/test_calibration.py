from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from foundation.errors import TouchstoneError
from warehouse.calibration import calibrate, cohen_kappa, read_human_outcomes


def test_kappa_by_hand() -> None:
    # 10 items: raters agree on 8; each says pass 5 times, so chance agreement is 0.5*0.5 + 0.5*0.5 = 0.5
    people = ["pass"] * 5 + ["fail"] * 5
    machine = ["pass"] * 4 + ["fail"] * 5 + ["pass"]
    assert cohen_kappa(people, machine) == pytest.approx((0.8 - 0.5) / (1 - 0.5))  # 0.6


@pytest.mark.parametrize(
    ("first", "second", "kappa"),
    [(["pass", "fail"], ["pass", "fail"], 1.0), (["pass", "pass", "fail", "fail"], ["pass", "fail", "pass", "fail"], 0.0), (["pass"] * 3, ["pass"] * 3, None)],
)
def test_kappa_edges(first: list[str], second: list[str], kappa: float | None) -> None:
    assert cohen_kappa(first, second) == kappa


def test_calibrate_reports_agreement_disagreements_and_unscored(tmp_path: Path) -> None:
    human = tmp_path / "reviews.csv"
    human.write_text("interaction_id,criterion_id,human_outcome\ni1,greeting,pass\ni2,greeting,fail\ni3,greeting,pass\ni1,closing,pass\ni9,greeting,pass\n")
    results = pd.DataFrame(
        {"interaction_id": ["i1", "i2", "i3", "i1"], "criterion_id": ["greeting", "greeting", "greeting", "closing"],
         "outcome": ["pass", "fail", "fail", "pass"], "reason": ["r"] * 4, "evidence": ["e", None, None, "e"]}  # fmt: skip
    )
    report = calibrate(read_human_outcomes(human), results)
    greeting = report.per_criterion.set_index("criterion_id").loc["greeting"]
    assert (greeting.reviewed, greeting.agreement) == (3, pytest.approx(2 / 3))
    assert greeting.kappa == pytest.approx(cohen_kappa(["pass", "fail", "pass"], ["pass", "fail", "fail"]))
    assert report.disagreements[["interaction_id", "human_outcome", "outcome"]].values.tolist() == [["i3", "pass", "fail"]]
    assert report.not_scored == 1


def test_a_bad_review_row_names_its_line(tmp_path: Path) -> None:
    human = tmp_path / "reviews.csv"
    human.write_text("interaction_id,criterion_id,human_outcome\ni1,greeting,pass\ni2,greeting,maybe\n")
    with pytest.raises(TouchstoneError, match=r"reviews.csv:3: human_outcome 'maybe' is not one of"):
        read_human_outcomes(human)
