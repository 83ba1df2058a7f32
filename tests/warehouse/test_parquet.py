from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from warehouse import parquet
from warehouse.tables import QUARANTINE, RUNS, TABLES

DAY = date(2026, 11, 22)


def _quarantine(staging: Path, run_id: str, n: int) -> None:
    rows = [{"source": "f", "locator": f"line {i}", "reason": "r", "raw_excerpt": "x", "run_id": run_id} for i in range(n)]
    parquet.write_staged(rows, QUARANTINE, staging)


def test_publish_replaces_the_partition(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh"
    for run_id, n in [("r1", 3), ("r2", 2)]:
        staging = tmp_path / run_id
        _quarantine(staging, run_id, n)
        parquet.publish(staging, warehouse, DAY, run_id, [QUARANTINE])
    frame = parquet.read_table(warehouse, "quarantine", DAY)
    assert list(frame["run_id"]) == ["r2", "r2"]
    assert list(frame["date"]) == ["2026-11-22"] * 2
    assert sorted(p.name for p in (warehouse / "quarantine").iterdir()) == ["date=2026-11-22"]


def test_history_table_keeps_every_run(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh"
    for run_id in ("r1", "r2"):
        staging = tmp_path / run_id
        row = {"run_id": run_id, "standard_id": "s", "standard_version": "1", "standard_sha256": "h", "files": 1, "read": 1, "scored": 1,
               "quarantined": 0, "duplicates_dropped": 0, "input_checks_failed": 0, "output_checks_passed": True, "status": "published", "published_at": pa.scalar(0, pa.timestamp("us", tz="UTC")).as_py()}
        parquet.write_staged([row], RUNS, staging)
        parquet.publish(staging, warehouse, DAY, run_id, [RUNS])
    assert sorted(parquet.read_table(warehouse, "runs", DAY)["run_id"]) == ["r1", "r2"]


def test_a_swap_interrupted_by_a_crash_is_recovered(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh"
    staging = tmp_path / "r1"
    _quarantine(staging, "r1", 3)
    parquet.publish(staging, warehouse, DAY, "r1", [QUARANTINE])
    live = parquet.partition(warehouse, QUARANTINE, DAY)
    # A crash after moving the live partition aside and before moving the new one in:
    live.rename(live.parent / f".{live.name}.old-r2")
    (live.parent / f".{live.name}.incoming-r2").mkdir()
    assert parquet.read_table(warehouse, "quarantine", DAY).empty  # hidden folders are never read
    staging3 = tmp_path / "r3"
    _quarantine(staging3, "r3", 1)
    parquet.publish(staging3, warehouse, DAY, "r3", [QUARANTINE])
    assert list(parquet.read_table(warehouse, "quarantine", DAY)["run_id"]) == ["r3"]
    assert [p.name for p in live.parent.iterdir()] == [live.name]


def test_rows_must_match_the_declared_schema(tmp_path: Path) -> None:
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError, KeyError, TypeError)):
        parquet.write_staged([{"source": 1}], QUARANTINE, tmp_path)


def test_reading_an_unpublished_table_gives_empty_frame_with_columns(tmp_path: Path) -> None:
    frame = parquet.read_table(tmp_path, "agent_daily_scores", DAY)
    assert frame.empty and "mean_quality_score" in frame.columns


def test_every_table_has_provenance() -> None:
    for table in TABLES.values():
        assert "run_id" in table.schema.names, table.name
