"""The real Harper Valley calls through the nightly run (`touchstone.real_calls`), human and
speech-to-text transcripts, against the reviewers' verdicts: the issue's floor per criterion
(97 % on human transcripts, 95 % on speech-to-text, kappa 0.8 wherever both outcomes occur), every
fail with evidence, and the two reviewers' own agreement."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from touchstone.real_calls import TRANSCRIPTS, RealCallsResult, agreement_table, score_real_calls
from warehouse.calibration import cohen_kappa, read_human_outcomes

ROOT = Path(__file__).resolve().parents[2]
CALLS = ROOT.parent / "shared" / "data" / "calls" / "harper_valley"
REVIEWS = ROOT / "tests" / "fixtures" / "real_calls"
FLOOR = {"human": 0.97, "asr": 0.95}
pytestmark = pytest.mark.skipif(not CALLS.is_dir(), reason="../shared/data is not beside the checkout")


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RealCallsResult]:
    data = tmp_path_factory.mktemp("real_calls")
    return {which: score_real_calls(CALLS, REVIEWS / "reviews.csv", "retail_bank", data, which) for which in TRANSCRIPTS}


@pytest.mark.parametrize("which", TRANSCRIPTS)
def test_agreement_with_reviewers_per_criterion(results: dict[str, RealCallsResult], which: str) -> None:
    calibration = results[which].calibration
    assert calibration.not_scored == 0
    table = calibration.per_criterion.set_index("criterion_id")
    assert len(table) == 7 and (table["reviewed"] == 24).all()
    assert (table["agreement"] >= FLOOR[which]).all(), calibration.disagreements.to_string()
    human = read_human_outcomes(REVIEWS / "reviews.csv")
    both_outcomes = human.groupby("criterion_id")["human_outcome"].nunique() > 1
    assert (table.loc[both_outcomes[both_outcomes].index, "kappa"] >= 0.8).all()


def test_every_fail_has_evidence_of_what_was_said(results: dict[str, RealCallsResult]) -> None:
    for result in results.values():
        fails = result.results[result.results["outcome"] == "fail"]
        assert len(fails) > 20
        assert fails["evidence"].notna().all() and (fails["evidence"].str.len() > 0).all()
        assert fails["reason"].str.contains(r"searched (?:turn|no )").all()


def test_the_table_puts_human_and_asr_side_by_side(results: dict[str, RealCallsResult]) -> None:
    table = agreement_table([results["human"], results["asr"]])
    assert list(table.columns) == ["human_agreement", "human_kappa", "asr_agreement", "asr_kappa"]
    assert table.loc["all criteria", "human_agreement"] >= 0.97 and table.loc["all criteria", "asr_agreement"] >= 0.95


def test_the_two_reviewers_agree() -> None:
    first = read_human_outcomes(REVIEWS / "reviews.csv")
    second = read_human_outcomes(REVIEWS / "reviews_second_reviewer.csv")
    joined = first.merge(second, on=["interaction_id", "criterion_id"], suffixes=("", "_second"))
    assert len(joined) == len(first) == 168
    assert (joined["human_outcome"] == joined["human_outcome_second"]).mean() == 1.0
    per = joined.groupby("criterion_id").apply(lambda g: cohen_kappa(list(g["human_outcome"]), list(g["human_outcome_second"])), include_groups=False)
    assert all(k is None or pd.isna(k) or k == 1.0 for k in per)
