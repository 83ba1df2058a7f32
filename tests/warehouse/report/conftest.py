"""A scored three-day history and its report, shared by the report tests."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from tests.warehouse.report.html_tables import Row, parse
from touchstone.pipeline import run_day
from touchstone.sample_data import generate_day
from touchstone.settings import Settings
from warehouse.store import read_table
from warehouse.report import write_report

DAY = date(2026, 11, 22)


@pytest.fixture(scope="package")
def history(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """2026-11-20 and -21 with 80 interactions each, then the reported day with 300."""
    data = tmp_path_factory.mktemp("report") / "data"
    settings = Settings.from_env(data_dir=data, landing_dir=data / "landing")
    for offset, count in ((2, 80), (1, 80), (0, 300)):
        day = DAY - timedelta(days=offset)
        generate_day(settings.landing_dir, day, interactions=count, seed=5)
        run_day(settings, day, run_id=f"run-{day}")
    return settings


@pytest.fixture(scope="package")
def reviews(history: Settings) -> pd.DataFrame:
    """Reviewers' greeting outcomes on 10 interactions: 5 the machine passed, 5 it failed; they
    disagree once each way. By hand: agreement 8/10; chance 0.5 x 0.5 + 0.5 x 0.5 = 0.5;
    kappa = (0.8 - 0.5) / (1 - 0.5) = 0.6."""
    results = read_table(history.warehouse_dir, "criterion_results", DAY)
    greeting = results[results.criterion_id == "greeting"]
    passed = list(greeting[greeting.outcome == "pass"].interaction_id[:5])
    failed = list(greeting[greeting.outcome == "fail"].interaction_id[:5])
    assert len(failed) == 5, "the sample day needs five failed greetings"
    human = ["pass"] * 4 + ["fail"] + ["fail"] * 4 + ["pass"]
    frame = pd.DataFrame({"interaction_id": passed + failed, "criterion_id": "greeting", "human_outcome": human})
    history.reviews_dir.mkdir(parents=True, exist_ok=True)
    frame.to_csv(history.reviews_dir / f"{DAY}.csv", index=False)
    return frame


@pytest.fixture(scope="package")
def page(history: Settings, reviews: pd.DataFrame) -> str:
    path = write_report(history.warehouse_dir, history.standards_dir, history.reviews_dir, history.reports_dir, DAY)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="package")
def tables(page: str) -> dict[str, list[Row]]:
    return parse(page)[0]
