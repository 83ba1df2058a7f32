"""The report of a scored three-day history, read back and checked against the Parquet tables."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from scorers.sensitive import find_sensitive
from tests.warehouse.report.conftest import DAY
from tests.warehouse.report.html_tables import Row, parse
from touchstone.settings import Settings
from warehouse.calibration import cohen_kappa
from warehouse.store import read_table
from warehouse.report import write_report
from warehouse.report.sections import MIN_RANKED

SECTIONS = ["summary", "league", "trends", "criteria", "heatmap", "bots", "automation", "calibration", "overrides", "failures", "quarantine"]


def test_the_pipeline_wrote_a_report_per_day(history: Settings) -> None:
    assert sorted(p.name for p in history.reports_dir.glob("*.html")) == ["2026-11-20.html", "2026-11-21.html", "2026-11-22.html"]


def test_every_section_is_there_in_order(page: str) -> None:
    assert parse(page)[1] == SECTIONS


def test_headline_and_reconciliation(page: str, history: Settings) -> None:
    scores = read_table(history.warehouse_dir, "interaction_scores", DAY)
    assert f'data-value="{scores.quality_score.mean()}"' in page
    assert f'data-value="{scores.compliance_passed.mean()}"' in page
    assert "Read 300 records: 300 scored + 0 quarantined" in page


def test_league_table_matches_agent_daily_scores(tables: dict[str, list[Row]], history: Settings) -> None:
    agents = read_table(history.warehouse_dir, "agent_daily_scores", DAY).set_index("agent_id")
    rows = tables["league-table"]
    assert [r.attrs["data-agent"] for r in rows] and {r.attrs["data-agent"] for r in rows} == set(agents.index)
    for row in rows:
        agent = agents.loc[row.attrs["data-agent"]]
        n, mean, compliance = (row.cells[i].value for i in (4, 5, 8))
        assert n == agent.scored_interactions
        assert mean == pytest.approx(agent.mean_quality_score)
        assert compliance == pytest.approx(agent.compliance_rate)
    # Ranked: at least MIN_RANKED scored, ordered by the lower end of the interval; the rest after.
    ranked = [r.attrs["data-agent"] for r in rows if r.attrs["class"] == "ranked"]
    unranked = [r.attrs["data-agent"] for r in rows if r.attrs["class"] == "unranked"]
    assert rows[0].cells[0].text == "1" and all(r.cells[0].text == "–" for r in rows[len(ranked) :])
    assert all(agents.loc[a].scored_interactions >= MIN_RANKED for a in ranked)
    assert all(agents.loc[a].scored_interactions < MIN_RANKED for a in unranked)
    lows = [agents.loc[a].quality_ci_low for a in ranked]
    assert lows == sorted(lows, reverse=True)
    assert [r.attrs["data-agent"] for r in rows] == ranked + unranked


def test_seven_day_means_weight_each_day_by_its_interactions(tables: dict[str, list[Row]], history: Settings) -> None:
    daily = read_table(history.warehouse_dir, "agent_daily_scores", DAY, since=DAY - timedelta(days=6)).dropna(subset=["mean_quality_score"])
    for row in tables["league-table"]:
        mine = daily[daily.agent_id == row.attrs["data-agent"]]
        expected = (mine.mean_quality_score * mine.scored_interactions).sum() / mine.scored_interactions.sum()
        assert row.cells[10].value == pytest.approx(expected)
        assert row.cells[11].value == pytest.approx(expected)  # three days of history: 30 days = 7 days


def test_criterion_failure_rates_match_criterion_results(tables: dict[str, list[Row]], history: Settings) -> None:
    results = read_table(history.warehouse_dir, "criterion_results", DAY)
    applicable = results[results.outcome != "not_applicable"]
    expected = (applicable.outcome == "fail").groupby(applicable.criterion_id).mean()
    rows = tables["criteria-table"]
    shown = {r.attrs["data-criterion"]: r.cells[5].value for r in rows}
    assert shown == pytest.approx(expected.to_dict())
    rates = [r.cells[5].value for r in rows]
    assert rates == sorted(rates, reverse=True)  # worst first


def test_heat_map_cells_are_agent_failure_rates(tables: dict[str, list[Row]], history: Settings) -> None:
    results = read_table(history.warehouse_dir, "criterion_results", DAY)
    criteria = [r.attrs["data-criterion"] for r in tables["criteria-table"]]
    for row in tables["heatmap-table"][:5]:
        agent = row.cells[0].text
        for criterion, cell in zip(criteria, row.cells[1:]):
            mine = results[(results.agent_id == agent) & (results.criterion_id == criterion) & (results.outcome != "not_applicable")]
            assert cell.value == (pytest.approx((mine.outcome == "fail").mean()) if len(mine) else None)


def test_compliance_failures_are_listed_with_redacted_evidence(tables: dict[str, list[Row]], page: str, history: Settings) -> None:
    results = read_table(history.warehouse_dir, "criterion_results", DAY)
    critical = results[results.critical & (results.outcome == "fail")]
    assert len(tables["failures-table"]) == len(critical) > 0
    assert {(r.cells[1].text, r.cells[0].text) for r in tables["failures-table"]} == set(zip(critical.interaction_id, critical.agent_id))
    # Card numbers read out and IBANs read back are failures listed here, never in clear.
    text = re.sub(r"c-\d{4}-\d\d-\d\d-\d{6}", "<id>", re.sub(r"<[^>]+>", " ", page))  # ids like c-2026-11-22-000122 pass Luhn
    assert not find_sensitive(text, "en", ["payment_card", "iban"])
    assert "[card number ending" in page


def test_people_and_bots(tables: dict[str, list[Row]], history: Settings) -> None:
    scores = read_table(history.warehouse_dir, "interaction_scores", DAY)
    rows = {r.attrs["data-type"]: r for r in tables["bots-table"]}
    for agent_type, row in rows.items():
        mine = scores[scores.agent_type == agent_type]
        assert row.cells[1].text == str(len(mine))
        assert row.cells[2].value == pytest.approx(mine.quality_score.mean())
    bots = scores[scores.agent_type == "bot"]
    assert rows["bot"].cells[5].value == pytest.approx(1 - bots.handed_over.mean())
    # Asked for a person: asked = applicable verdicts of the handover criterion; offered = passes.
    results = read_table(history.warehouse_dir, "criterion_results", DAY)
    asked = results[(results.criterion_id == "offer_human_when_asked") & (results.outcome != "not_applicable")]
    bot_row = next(r for r in tables["asked-table"] if r.attrs["data-type"] == "bot")
    assert [c.text for c in bot_row.cells[1:]] == [str(len(asked)), str((asked.outcome == "pass").sum()), str((asked.outcome == "pass").sum()), str((asked.outcome == "fail").sum())]
    assert len(tables.get("not-offered-table", [])) == (asked.outcome == "fail").sum()


def test_contact_reasons_cover_every_interaction(tables: dict[str, list[Row]], history: Settings) -> None:
    scores = read_table(history.warehouse_dir, "interaction_scores", DAY)
    shown = {r.attrs["data-reason"]: r.cells[2].value for r in tables["reasons-table"]}
    assert shown == scores.contact_reason.value_counts().to_dict()
    assert set(shown) == {"billing", "delivery", "payment", "details", "moving", "contract"}
    quadrants = {r.attrs["data-reason"]: r.cells[1].text for r in tables["reasons-table"]}
    assert quadrants["billing"] == "fix the process"  # the most frequent, and disputes come back


def test_calibration_by_hand(tables: dict[str, list[Row]], reviews: pd.DataFrame) -> None:
    [greeting] = tables["calibration-table"]
    assert greeting.attrs["data-criterion"] == "greeting"
    assert (greeting.cells[1].text, greeting.cells[2].value, greeting.cells[3].value) == ("10", 0.8, pytest.approx(0.6))
    assert cohen_kappa(list(reviews.human_outcome), ["pass"] * 5 + ["fail"] * 5) == pytest.approx(0.6)
    assert len(tables["disagreements-table"]) == 2


def test_a_day_not_published_is_an_error(history: Settings, tmp_path: Path) -> None:
    from foundation.errors import TouchstoneError

    with pytest.raises(TouchstoneError, match="nothing published for 2026-11-01"):
        write_report(history.warehouse_dir, history.standards_dir, history.reviews_dir, tmp_path, date(2026, 11, 1))


def test_a_report_that_cannot_be_written_names_its_file_and_writes_nothing_else(history: Settings, tmp_path: Path) -> None:
    from warehouse.report import ReportError

    blocked = tmp_path / "reports"
    blocked.write_text("a file where the folder should be")
    with pytest.raises(ReportError, match=rf"cannot write the report {re.escape(str(blocked / f'{DAY}.html'))}: "):
        write_report(history.warehouse_dir, history.standards_dir, history.reviews_dir, blocked, DAY)
    assert blocked.read_text() == "a file where the folder should be"


def test_a_page_lists_the_first_failures_and_refusals_and_counts_them_all(history: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A day of a million calls fails critical criteria hundreds of thousands of times: the page
    lists the first (by agent and interaction; refusals by interaction) and says how many in all."""
    from warehouse.report import html, inputs

    monkeypatch.setattr(inputs, "MAX_LISTED", 2)
    monkeypatch.setattr(html, "MAX_LISTED", 2)
    page = write_report(history.warehouse_dir, history.standards_dir, history.reviews_dir, tmp_path, DAY).read_text(encoding="utf-8")
    tables = parse(page)[0]
    results = read_table(history.warehouse_dir, "criterion_results", DAY)
    critical = results[results.critical & (results.outcome == "fail")].sort_values(["agent_id", "interaction_id", "criterion_id"])
    refused = results[(results.criterion_id == "offer_human_when_asked") & (results.outcome == "fail")].sort_values("interaction_id")
    assert len(critical) > 2 and len(refused) > 2
    assert [(r.cells[0].text, r.cells[1].text) for r in tables["failures-table"]] == list(zip(critical.agent_id[:2], critical.interaction_id[:2]))
    assert f"Every failed critical criterion: {len(critical)}, the first 2 listed" in page
    assert [r.cells[0].text for r in tables["not-offered-table"]] == list(refused.interaction_id[:2])
    assert f"The first 2 of {len(refused)} not offered a person" in page
