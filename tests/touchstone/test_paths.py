"""Paths from configuration cannot leave their roots, and nothing read from input names a file that
is written: interaction ids, file names and run ids that look like paths stay values in the tables."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from foundation.errors import TouchstoneError
from ingest.landing import day_pattern
from touchstone.pipeline import run_day
from touchstone.settings import Settings
from touchstone.steps.plan import plan_run
from touchstone.steps.staging import staging
from warehouse.store import read_table

DAY = date(2026, 11, 22)
HOSTILE_IDS = ["../../../../escaped", "/tmp/absolute-escape", "a/b/c", "date=2026-11-22", "current", "..", "nul\x00byte", "C:\\windows\\escape"]


@pytest.mark.parametrize(
    ("layout", "problem"),
    [
        ("../{date}/*", "must stay inside the landing folder"),
        ("{date}/../../*", "must stay inside the landing folder"),
        ("/etc/{date}/*", "must stay inside the landing folder"),
        ("\\\\server\\{date}", "must stay inside the landing folder"),
        ("s3://other-bucket/{date}/*", "must stay inside the landing folder"),
        ("{date.__class__.__mro__}/*", "has no {date} placeholder"),
        ("everything/*", "has no {date} placeholder"),
    ],
)
def test_layouts_and_metadata_patterns_cannot_leave_the_landing_root(layout: str, problem: str) -> None:
    for what in ("landing layout", "metadata"):
        with pytest.raises(TouchstoneError, match=rf"^{what} .*{problem}"):
            day_pattern(layout, DAY, what)


def test_a_day_pattern_fills_in_the_date_only() -> None:
    assert day_pattern("{date}/calls-{date}*.jsonl", DAY) == "2026-11-22/calls-2026-11-22*.jsonl"


@pytest.mark.parametrize("run_id", ["manual__../../../../tmp/x:2026-11-22T02:00:00+00:00", "..", ".", "../..", "", ".hidden"])
def test_run_ids_are_file_names_not_paths(tmp_path: Path, run_id: str) -> None:
    settings = Settings.from_env(data_dir=tmp_path / "data")
    plan = plan_run(settings, DAY, run_id)
    assert "/" not in plan.run_id and not plan.run_id.startswith(".") and plan.run_id
    assert staging(settings, plan).local.parent == settings.staging_dir / DAY.isoformat()


def test_ids_that_look_like_paths_are_values_never_file_names(tmp_path: Path) -> None:
    data = tmp_path / "sandbox" / "data"
    folder = data / "landing" / DAY.isoformat()
    folder.mkdir(parents=True)
    records = [
        {"interaction_id": ix, "channel": "chat", "language": "en", "agent": {"id": ix, "type": "human", "team": ix}, "customer": {"id": ix},
         "turns": [{"speaker": "agent", "text": "Hello, my name is Sam."}, {"speaker": "customer", "text": "Hi"}], "metadata": {"contact_reason": ix}}
        for ix in HOSTILE_IDS
    ]  # fmt: skip
    (folder / "..calls.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))  # a leading dot: never read
    (folder / "calls..jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    before = set((tmp_path / "sandbox").rglob("*"))
    summary = run_day(Settings.from_env(data_dir=data, landing_dir=data / "landing"), DAY, run_id="operator-run")
    assert (summary["read"], summary["scored"]) == (len(HOSTILE_IDS), len(HOSTILE_IDS))
    written = set((tmp_path / "sandbox").rglob("*")) - before
    assert written and all(p.relative_to(data).parts[0] in ("warehouse", "staging", "reports") for p in written)
    assert not [p for p in written if any(word in p.name for word in ("escape", "absolute", "windows", "nul"))]
    assert not list(tmp_path.glob("**/escaped")) and not Path("/tmp/absolute-escape").exists()
    scores = read_table(data / "warehouse", "interaction_scores", DAY)
    assert sorted(scores.interaction_id) == sorted(HOSTILE_IDS) and sorted(scores.agent_id) == sorted(HOSTILE_IDS)
