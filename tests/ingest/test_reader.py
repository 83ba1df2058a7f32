from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from ingest.reader import read_day
from touchstone.errors import TouchstoneError

DAY = date(2026, 11, 22)


def _record(interaction_id: str, **changes: object) -> str:
    record = {
        "interaction_id": interaction_id,
        "channel": "chat",
        "language": "en",
        "agent": {"id": "a-1", "type": "human"},
        "turns": [{"speaker": "agent", "text": "Hello"}, {"speaker": "customer", "text": "Hi"}],
    }
    record.update(changes)
    return json.dumps(record)


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    folder = tmp_path / DAY.isoformat()
    folder.mkdir()
    (folder / "a.jsonl").write_text(
        "\n".join(
            [
                _record("c-1"),
                '{"interaction_id": "c-2", "channel": ',  # truncated JSON
                _record("c-3", turns=[{"speaker": "narrator", "text": "Once upon a time"}]),
                "",  # blank lines are not records
                _record("c-4", turns=[{"speaker": "agent", "text": ""}]),
                "[1, 2, 3]",
                _record("c-5"),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    (folder / "b.jsonl").write_text(_record("c-1") + "\n" + _record("c-6") + "\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not matched by the layout")
    return tmp_path


def test_bad_records_are_quarantined_with_reasons_and_counts_reconcile(landing: Path) -> None:
    day = read_day(landing, DAY)
    assert day.files == ["2026-11-22/a.jsonl", "2026-11-22/b.jsonl"]
    assert [i.interaction_id for i in day.interactions] == ["c-1", "c-5", "c-6"]
    reasons = {(q.source, q.locator): q.reason for q in day.quarantined}
    assert reasons[("2026-11-22/a.jsonl", "line 2")].startswith("malformed JSON")
    assert "turns.0.speaker" in reasons[("2026-11-22/a.jsonl", "line 3")] and "'narrator'" in reasons[("2026-11-22/a.jsonl", "line 3")]
    assert "turn text is empty" in reasons[("2026-11-22/a.jsonl", "line 5")]
    assert reasons[("2026-11-22/a.jsonl", "line 6")] == "expected a JSON object, got list"
    assert reasons[("2026-11-22/b.jsonl", "line 1")] == "duplicate interaction_id 'c-1', first seen in 2026-11-22/a.jsonl line 1"
    assert day.duplicates == 1
    assert day.read == 8 == len(day.interactions) + len(day.quarantined)
    assert day.sources["c-6"] == "2026-11-22/b.jsonl line 2"
    assert all(q.raw_excerpt for q in day.quarantined)


def test_missing_day_folder_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(TouchstoneError, match=r"no landing folder for 2026-11-22: .*2026-11-22 does not exist"):
        read_day(tmp_path, DAY)


def test_layout_cannot_escape_the_landing_folder(tmp_path: Path) -> None:
    with pytest.raises(TouchstoneError, match="must stay inside"):
        read_day(tmp_path, DAY, layout="../{date}/*.jsonl")
