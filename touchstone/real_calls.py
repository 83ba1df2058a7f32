"""Real recorded calls through the nightly run, against the QA team's verdicts on them.

The Harper Valley calls (../shared/data/calls/harper_valley) come with two transcripts of the same
audio: the careful human one and the raw speech recognition. Each is landed as one day of canonical
JSONL in its own data folder, run with `run_day` (ingest, score, aggregate, publish, report: what
`touchstone run` does) against a standard, and compared with the reviewers' CSV through
`warehouse.calibration` (what `touchstone calibrate` does). The reviewers judged the calls, not a
transcript, so one CSV serves both. `scripts/real_calls.py` prints the table; the tests hold the
agreement to its floor.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from touchstone.pipeline import run_day
from touchstone.public_dialogues import Transcript, harper_valley
from touchstone.settings import Settings
from warehouse.calibration import Calibration, calibrate, read_human_outcomes
from warehouse.store import read_table

TRANSCRIPTS: tuple[Transcript, ...] = ("human", "asr")
# The day the calls are landed under: any date works; this one is in the corpus' own month.
CALLS_DAY = date(2020, 6, 1)


@dataclass(frozen=True)
class RealCallsResult:
    which: Transcript
    calibration: Calibration
    results: pd.DataFrame  # criterion_results as published


def land_calls(calls: Path, which: Transcript, landing: Path, day: date = CALLS_DAY) -> Path:
    """Write the calls as the day's canonical JSONL under `landing/<day>/calls.jsonl`."""
    folder = landing / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "calls.jsonl"
    path.write_text("".join(json.dumps(ix, ensure_ascii=False) + "\n" for ix in harper_valley(calls, which)), encoding="utf-8")
    return path


def score_real_calls(calls: Path, reviews: Path, standard: str, data_dir: Path, which: Transcript, standards_dir: Path | None = None) -> RealCallsResult:
    """Land, run and calibrate one transcript kind of the calls in its own `data_dir/<which>` folder."""
    root = data_dir / which
    settings = Settings.from_env(data_dir=root, landing_dir=root / "landing", standards_dir=standards_dir, standard=standard, source_config=None, landing_url=None)
    land_calls(calls, which, settings.landing_dir)
    run_day(settings, CALLS_DAY, standard)
    results = read_table(settings.warehouse, "criterion_results", CALLS_DAY)
    return RealCallsResult(which, calibrate(read_human_outcomes(reviews), results), results)


def agreement_table(results: list[RealCallsResult]) -> pd.DataFrame:
    """Per criterion: agreement and kappa for each transcript kind, side by side."""
    frames = [
        r.calibration.per_criterion.set_index("criterion_id")[["agreement", "kappa"]].add_prefix(f"{r.which}_")
        for r in results
    ]
    table = pd.concat(frames, axis=1)
    overall = {f"{r.which}_agreement": (r.calibration.per_criterion["agreement"] * r.calibration.per_criterion["reviewed"]).sum() / r.calibration.per_criterion["reviewed"].sum() for r in results}
    table.loc["all criteria"] = pd.Series(overall)
    return table
