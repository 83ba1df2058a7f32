"""Make the README's picture of the report: 30 scored days, reviewers' outcomes, a Chromium screenshot.

    .venv/bin/python scripts/report_picture.py            # writes docs/report.png

Everything goes into a scratch data folder (default: data/picture); the sample days are seeded, so
the picture changes only when the report or the generator does.
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

from touchstone.pipeline import run_day
from touchstone.sample_data import generate_day
from touchstone.settings import PROJECT_ROOT, Settings
from touchstone.steps.report import report_day
from warehouse.store import read_table
from warehouse.report.browser import open_page
from warehouse.report.inputs import reviews_file


def simulated_reviews(settings: Settings, day: date, rows: int = 120, disagree: float = 0.08, seed: int = 3) -> Path:
    """Reviewers who re-scored a sample of the day and disagree with the machine now and then."""
    rng = random.Random(seed)
    results = read_table(settings.warehouse, "criterion_results", day)
    sample = results.sample(n=min(rows, len(results)), random_state=seed)
    flip = {"pass": "fail", "fail": "pass", "not_applicable": "not_applicable"}
    human = [flip[o] if rng.random() < disagree else o for o in sample["outcome"]]
    path = reviews_file(settings.reviews_dir, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    sample.assign(human_outcome=human)[["interaction_id", "criterion_id", "human_outcome"]].to_csv(path, index=False)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 11, 22))
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT / "data" / "picture")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "report.png")
    parser.add_argument("--height", type=int, default=2600)
    args = parser.parse_args()

    shutil.rmtree(args.data_dir, ignore_errors=True)
    settings = Settings.from_env(data_dir=args.data_dir, landing_dir=args.data_dir / "landing")
    for offset in range(args.days - 1, -1, -1):
        day = args.date - timedelta(days=offset)
        generate_day(settings.landing_dir, day, interactions=400 if offset == 0 else 150, seed=7)
        run_day(settings, day)
        print(f"scored {day}")
    simulated_reviews(settings, args.date)
    page = report_day(settings, args.date)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    opened = open_page(page, screenshot=args.out, width=1400, height=args.height)
    if opened.console:
        raise SystemExit(f"the report logged to the console: {opened.console}")
    print(f"{page}\n{args.out}")


if __name__ == "__main__":
    main()
