from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from foundation.errors import TouchstoneError
from ingest.landing import landing_root
from ingest.reader import read_day
from ingest.source_config import SourceConfig

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
def bad_day(tmp_path: Path) -> Path:
    """A day with every kind of bad record next to good ones."""
    folder = tmp_path / DAY.isoformat()
    folder.mkdir()
    (folder / "a.jsonl").write_text(
        "\n".join(
            [
                _record("c-1"),
                '{"interaction_id": "c-2", "channel": ',  # truncated JSON
                _record("c-3", turns=[{"speaker": "narrator", "text": "Once upon a time"}]),  # unknown speaker
                "",  # blank lines are not records
                _record("c-4", turns=[{"speaker": "agent", "text": "  "}]),  # empty turn
                "[1, 2, 3]",
                _record("c-5"),
                _record("c-6", channel="voice", turns=[{"speaker": "agent", "text": "a", "start_ms": 5000}, {"speaker": "customer", "text": "b", "start_ms": 100}]),
                _record("c-7", channel="voice", turns=[{"speaker": "agent", "text": "a", "start_ms": -40}]),  # negative time
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    (folder / "b.jsonl").write_text(_record("c-1") + "\n" + _record("c-8") + "\n", encoding="utf-8")  # c-1 again
    rng = random.Random(4)
    words = "account bill card delivery refund address contract meter tariff order".split()
    texts = [" ".join(rng.choice(words) for _ in range(12)) for _ in range(200)]
    whole = gzip.compress("".join(_record(f"z-{i}", turns=[{"speaker": "agent", "text": t}]) + "\n" for i, t in enumerate(texts)).encode())
    (folder / "c.jsonl.gz").write_bytes(whole[: len(whole) // 2])  # a transfer that broke off
    (folder / "_notes.txt").write_text("names starting with _ are not transcripts")
    return tmp_path


def test_a_bad_day_scores_the_good_quarantines_the_bad_and_reconciles(bad_day: Path) -> None:
    day = read_day(landing_root(bad_day), DAY)
    assert day.files == ["2026-11-22/a.jsonl", "2026-11-22/b.jsonl", "2026-11-22/c.jsonl.gz"]
    kept = [i.interaction_id for i in day.interactions]
    assert kept[:3] == ["c-1", "c-5", "c-8"] and all(k.startswith("z-") for k in kept[3:]) and len(kept) > 3
    reasons = {(q.source, q.locator): q.reason for q in day.quarantined}
    assert reasons[("2026-11-22/a.jsonl", "line 2")].startswith("malformed JSON")
    assert "turns.0.speaker" in reasons[("2026-11-22/a.jsonl", "line 3")] and "'narrator'" in reasons[("2026-11-22/a.jsonl", "line 3")]
    assert "turn text is empty" in reasons[("2026-11-22/a.jsonl", "line 5")]
    assert reasons[("2026-11-22/a.jsonl", "line 6")] == "expected a JSON object, got list"
    assert "turns[1].start_ms 100 is before the previous turn's 5000" in reasons[("2026-11-22/a.jsonl", "line 8")]
    assert "greater than or equal to 0" in reasons[("2026-11-22/a.jsonl", "line 9")]
    assert reasons[("2026-11-22/b.jsonl", "line 1")] == "duplicate interaction_id 'c-1', first seen in 2026-11-22/a.jsonl line 1"
    truncated = [q for q in day.quarantined if q.source == "2026-11-22/c.jsonl.gz"]
    assert len(truncated) == 1 and truncated[0].reason.startswith("file cannot be read to the end (EOFError")
    assert truncated[0].locator == f"after record {len(kept) - 3}"
    assert day.duplicates == 1
    assert day.read == len(day.interactions) + len(day.quarantined) == 10 + (len(kept) - 3) + 1  # + the broken tail
    assert day.sources["c-8"] == "2026-11-22/b.jsonl line 2"


def test_missing_delivery_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(TouchstoneError, match=r"no landing data for 2026-11-22: nothing matches 2026-11-22/\*"):
        read_day(landing_root(tmp_path), DAY)


def test_an_empty_day_is_not_an_error(tmp_path: Path) -> None:
    (tmp_path / DAY.isoformat()).mkdir()
    assert read_day(landing_root(tmp_path), DAY).read == 0


def test_layout_cannot_escape_the_landing_folder(tmp_path: Path) -> None:
    with pytest.raises(TouchstoneError, match="must stay inside"):
        read_day(landing_root(tmp_path), DAY, SourceConfig(layout="../{date}/*.jsonl"))


def test_a_local_landing_is_read_without_airflow_and_alike_through_airflows_path(bad_day: Path) -> None:
    """A folder or a file:// URL is read through universal-pathlib's local path: a run on local
    files never imports Airflow (~2 s and ~100 MB in every process). Airflow's ObjectStoragePath
    (what s3://, gs:// and abfs:// take, with a connection's credentials) reads the day alike."""
    from airflow.sdk import ObjectStoragePath

    url = landing_root(bad_day.as_uri())
    assert type(url) is type(landing_root(bad_day)) and not isinstance(url, ObjectStoragePath) and url.protocol == "file"
    assert isinstance(landing_root(bad_day.as_uri(), conn_id="calls"), ObjectStoragePath)
    local, through_airflow = read_day(url, DAY), read_day(ObjectStoragePath(bad_day.as_uri()), DAY)
    assert (local.files, local.interactions, local.quarantined, local.sources) == (through_airflow.files, through_airflow.interactions, through_airflow.quarantined, through_airflow.sources)
    code = f"import sys, datetime, touchstone.pipeline; from ingest.landing import landing_root; from ingest.reader import read_day; print(read_day(landing_root({str(bad_day)!r}), datetime.date.fromisoformat({DAY.isoformat()!r})).read, 'airflow' in sys.modules)"
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert ran.stdout.split() == [str(local.read), "False"]


def test_metadata_json_lines_complete_records_and_win_over_defaults(tmp_path: Path) -> None:
    folder = tmp_path / DAY.isoformat()
    folder.mkdir()
    (folder / "c.json").write_text(json.dumps({"entries": [{"role": "AGENT", "text": "Hello"}], "name": "projects/p/conversations/c-1"}))
    (folder / "_metadata.jsonl").write_text(json.dumps({"interaction_id": "c-1", "language": "de", "agent": {"id": "a-9", "type": "bot"}, "metadata": {"queue": "q"}}) + "\n")
    config = SourceConfig.model_validate({"defaults": {"language": "en", "channel": "chat", "agent": {"id": "unknown", "type": "human"}}})
    day = read_day(landing_root(tmp_path), DAY, config)
    assert day.quarantined == []
    ix = day.interactions[0]
    assert (ix.interaction_id, ix.language, ix.agent.id, ix.agent.type) == ("c-1", "de", "a-9", "bot")
    assert ix.metadata == {"format": "ccai_insights", "queue": "q"}
