"""A draft's impact on past days, tested against an actual re-score of the same days: every figure
in the tables and on the page equals a computation from the published tables and from the tables a
real backfill with the draft publishes elsewhere. Nothing of the draft is published."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from foundation.errors import TouchstoneError
from tests.builders import ROOT, write_draft
from tests.warehouse.report.html_tables import Row, parse
from touchstone.impact import ImpactResult, impact
from touchstone.overrides import record
from touchstone.pipeline import run_day
from touchstone.sample_data import generate_day
from touchstone.settings import Settings
from warehouse.report.browser import chromium, open_page
from warehouse.overrides import request
from warehouse.store import in_force, read_table

DAYS = [date(2026, 11, 21), date(2026, 11, 22)]
UNPUBLISHED = date(2026, 11, 20)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Two published days (eu_core 2.0), and a landed day never published."""
    data = tmp_path_factory.mktemp("impact") / "data"
    settings = Settings.from_env(data_dir=data, landing_dir=data / "landing")
    for day, count in zip(DAYS, (120, 200)):
        generate_day(settings.landing_dir, day, interactions=count, seed=8)
        run_day(settings, day, run_id=f"published-{day}")
    generate_day(settings.landing_dir, UNPUBLISHED, interactions=20, seed=8)
    # Reviewers overrode two verdicts: a greeting (a criterion the draft keeps as it is) and a
    # recording disclosure (one the draft changes, so the override does not apply to its verdicts).
    results = read_table(settings.warehouse, "criterion_results", DAYS[-1])
    greeted = results[(results.criterion_id == "greeting") & (results.outcome == "fail")].interaction_id.iat[0]
    scores = read_table(settings.warehouse, "interaction_scores", DAYS[-1])
    compliant_de = set(scores[scores.compliance_passed & (scores.language == "de")].interaction_id)  # German disclosure phrases are unchanged
    disclosed = sorted(set(results[(results.criterion_id == "recording_disclosure") & (results.outcome == "pass")].interaction_id) & compliant_de)[0]
    record(settings, [request(str(DAYS[-1]), greeted, "greeting", "pass", "heard it", "maria", "a"),
                      request(str(DAYS[-1]), disclosed, "recording_disclosure", "fail", "said after a minute", "maria", "b")])  # fmt: skip
    return settings


@pytest.fixture(scope="module")
def measured(history: Settings, tmp_path_factory: pytest.TempPathFactory) -> tuple[ImpactResult, Path]:
    draft = write_draft(tmp_path_factory.mktemp("drafts"))
    before = (in_force(history.warehouse), len(read_table(history.warehouse, "runs")))
    result = impact(history, draft, UNPUBLISHED, DAYS[-1], shard_size=50)
    assert (in_force(history.warehouse), len(read_table(history.warehouse, "runs"))) == before  # nothing published
    assert not any(history.staging_dir.rglob("*.parquet"))  # the draft's staging is gone
    return result, draft


@pytest.fixture(scope="module")
def rescored(history: Settings, measured: tuple[ImpactResult, Path], tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The same days really re-scored with the draft and published, in another data folder."""
    _, draft = measured
    standards = tmp_path_factory.mktemp("standards")
    for path in (ROOT / "standards").glob("*.yaml"):
        shutil.copy(path, standards)
    shutil.copy(draft, standards)
    data = tmp_path_factory.mktemp("rescored") / "data"
    settings = Settings.from_env(data_dir=data, landing_dir=history.landing_dir, standards_dir=standards)
    shutil.copytree(history.warehouse_dir / "overrides", settings.warehouse_dir / "overrides")  # the same reviews
    for day in DAYS:
        run_day(settings, day, standard="eu_core@2.1", run_id=f"draft-{day}")
    return settings


def _both(history: Settings, rescored: Settings, name: str, **kwargs: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    since = {"since": DAYS[0], "day": DAYS[-1]}
    return read_table(history.warehouse, name, **since, **kwargs), read_table(rescored.warehouse, name, **since, **kwargs)


def _scores(history: Settings, rescored: Settings) -> pd.DataFrame:
    published, draft = _both(history, rescored, "interaction_scores")
    return published.merge(draft, on=["date", "interaction_id"], suffixes=("_p", "_d"), validate="one_to_one")


def _close(got: object, expected: object) -> bool:
    if expected is None or pd.isna(expected):  # type: ignore[call-overload]
        return got is None or pd.isna(got)  # type: ignore[call-overload]
    return abs(float(got) - float(expected)) < 1e-9  # type: ignore[arg-type]


def _values(row: Row) -> list[float | None]:
    return [c.value for c in row.cells if "data-value" in c.attrs]


def test_the_draft_changes_a_phrase_a_window_and_a_weight(measured: tuple[ImpactResult, Path]) -> None:
    result, _ = measured
    changes = pd.read_parquet(result.folder / "changes.parquet")
    disclosure = changes[changes.criterion_id == "recording_disclosure"].iloc[0]
    assert disclosure.change == "changed" and "phrases.en" in disclosure.detail and "within.first_seconds: 30.0 -> 120.0" in disclosure.detail
    assert any("section opening" in d and "weight: 2.0 -> 4.0" in d for d in changes.detail)
    assert set(changes[changes.change == "unchanged"].criterion_id) == {c for c in changes.criterion_id if c} - {"recording_disclosure"}
    assert result.skipped == {str(UNPUBLISHED): "nothing published to compare with"}


def test_criteria_equal_the_published_and_the_rescored_tables(history: Settings, rescored: Settings, measured: tuple[ImpactResult, Path]) -> None:
    result, _ = measured
    got = pd.read_parquet(result.folder / "criteria.parquet").set_index("criterion_id")
    published, draft = _both(history, rescored, "criterion_results")
    for side, frame in (("published", published), ("draft", draft)):
        counts = frame.groupby(["criterion_id", "outcome"]).size().unstack(fill_value=0)
        for outcome in ("pass", "fail", "not_applicable"):
            assert got[f"{side}_{outcome}"].to_dict() == counts.get(outcome, pd.Series(0, index=counts.index)).to_dict(), (side, outcome)
        rate = counts["pass"] / (counts["pass"] + counts["fail"])
        assert all(_close(got.at[c, f"{side}_pass_rate"], r) for c, r in rate.items())
    assert got.at["recording_disclosure", "pass_rate_change"] != 0  # the draft bites
    assert (got.drop(index="recording_disclosure")["pass_rate_change"].fillna(0) == 0).all()

    page, _ = parse((result.page).read_text(encoding="utf-8"))
    for row in page["criteria-table"]:
        criterion = row.attrs["data-criterion"]
        expected = got.loc[criterion, ["published_pass", "published_fail", "published_not_applicable", "published_pass_rate", "draft_pass", "draft_fail", "draft_not_applicable", "draft_pass_rate", "pass_rate_change"]]
        assert all(_close(v, e) for v, e in zip(_values(row), expected)), criterion
    assert len(page["criteria-table"]) == len(got)


@pytest.mark.parametrize("by", ["agent_id", "team"])
def test_agents_and_teams_equal_the_tables(history: Settings, rescored: Settings, measured: tuple[ImpactResult, Path], by: str) -> None:
    result, _ = measured
    both = _scores(history, rescored)
    key = both[f"{by}_p"].astype(object).fillna("(no team)")
    expected = pd.DataFrame(
        {
            "interactions": both.groupby(key).size(),
            "mean_quality_published": both.groupby(key)["quality_score_p"].mean(),
            "mean_quality_draft": both.groupby(key)["quality_score_d"].mean(),
            "compliance_published": both.groupby(key)["compliance_passed_p"].mean(),
            "compliance_draft": both.groupby(key)["compliance_passed_d"].mean(),
        }
    )
    name = "agents" if by == "agent_id" else "teams"
    got = pd.read_parquet(result.folder / f"{name}.parquet").set_index(by)
    assert sorted(got.index) == sorted(expected.index)
    for column in expected.columns:
        assert all(_close(got.at[k, column], v) for k, v in expected[column].items()), column
    assert (got["quality_change"] != 0).any()
    page, _ = parse(result.page.read_text(encoding="utf-8"))
    attribute = "data-agent" if by == "agent_id" else "data-team"
    for row in page[f"{name}-table"]:
        k = row.attrs[attribute]
        wanted = [expected.at[k, "interactions"], expected.at[k, "mean_quality_published"], expected.at[k, "mean_quality_draft"],
                  expected.at[k, "mean_quality_draft"] - expected.at[k, "mean_quality_published"], expected.at[k, "compliance_published"], expected.at[k, "compliance_draft"]]  # fmt: skip
        assert all(_close(v, e) for v, e in zip(_values(row), wanted)), k


def test_flips_both_ways_with_their_evidence(history: Settings, rescored: Settings, measured: tuple[ImpactResult, Path]) -> None:
    result, _ = measured
    both = _scores(history, rescored)
    flipped = both[both.compliance_passed_p != both.compliance_passed_d]
    expected = {(d, i, "now non-compliant" if p else "now compliant") for d, i, p in zip(flipped.date, flipped.interaction_id, flipped.compliance_passed_p)}
    got = pd.read_parquet(result.folder / "flips.parquet")
    assert set(zip(got.date, got.interaction_id, got.direction)) == expected
    assert {"now non-compliant", "now compliant"} <= set(got.direction)  # both directions on this history
    published, draft = _both(history, rescored, "criterion_results")
    for row in got.itertuples():
        side = draft if row.direction == "now non-compliant" else published
        failing = side[(side.date == row.date) & (side.interaction_id == row.interaction_id) & side.critical & (side.outcome == "fail")]
        assert row.criteria == ", ".join(sorted(failing.criterion_id)) and row.criteria
        failing = failing.sort_values("criterion_id")
        reasons = [f"overridden by {who}: {why}" if isinstance(who, str) else r for who, why, r in zip(failing.override_reviewer, failing.override_reason, failing.reason)]
        assert row.reason == " | ".join(reasons)
    page, _ = parse(result.page.read_text(encoding="utf-8"))
    assert {(r.cells[0].text, r.cells[1].text, r.attrs["data-direction"]) for r in page["flips-table"]} == expected

    headline = result.headline
    assert headline["interactions"] == len(both) == 320
    assert (headline["now_non_compliant"], headline["now_compliant"]) == (sum(flipped.compliance_passed_p), sum(~flipped.compliance_passed_p))
    assert _close(headline["mean_quality_published"], both.quality_score_p.mean()) and _close(headline["mean_quality_draft"], both.quality_score_d.mean())
    assert _close(headline["compliance_draft"], both.compliance_passed_d.mean())
    changed = ~((both.quality_score_p == both.quality_score_d) | (both.quality_score_p.isna() & both.quality_score_d.isna()))
    assert headline["quality_changed"] == changed.sum()
    summary = {r.attrs["data-figure"]: _values(r) for r in page["summary-table"]}
    assert summary == {"mean_quality": [headline["mean_quality_published"], headline["mean_quality_draft"]], "compliance": [headline["compliance_published"], headline["compliance_draft"]]}


def test_a_broken_draft_or_nothing_to_compare_is_refused(history: Settings, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: eu_core\nversion: '9'\ncriteria: [\n", encoding="utf-8")
    with pytest.raises(Exception, match="broken.yaml:"):
        impact(history, broken, DAYS[0], DAYS[-1])
    with pytest.raises(TouchstoneError, match="no date from 2026-10-01 to 2026-10-02 can be compared"):
        impact(history, write_draft(tmp_path), date(2026, 10, 1), date(2026, 10, 2))


@pytest.mark.skipif(chromium() is None and not os.environ.get("TOUCHSTONE_REQUIRE_BROWSER"), reason="Chromium is not installed (make test installs it)")
def test_the_page_renders_in_chromium_without_console_messages(measured: tuple[ImpactResult, Path]) -> None:
    result, _ = measured
    opened = open_page(result.page, width=1400, height=2000)
    assert opened.console == []
    for section in ("summary", "changes", "criteria", "teams", "agents", "flips"):
        assert f'<section id="{section}">' in opened.dom
    assert "Impact of the draft eu_core@2.1" in opened.dom


def test_overrides_apply_to_the_draft_where_its_criterion_is_unchanged(history: Settings, rescored: Settings, measured: tuple[ImpactResult, Path]) -> None:
    published, draft = _both(history, rescored, "criterion_results")
    for side, expected in ((published, {"greeting", "recording_disclosure"}), (draft, {"greeting"})):
        assert set(side[side.override_id.notna()].criterion_id) == expected
    flips = pd.read_parquet(measured[0].folder / "flips.parquet")
    overridden = published[(published.criterion_id == "recording_disclosure") & published.override_id.notna()]
    row = flips[flips.interaction_id == overridden.interaction_id.iat[0]]
    assert row.direction.tolist() == ["now compliant"] and row.reason.iat[0].startswith("overridden by maria: said after a minute")
