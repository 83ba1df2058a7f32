from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from warehouse import parquet
from warehouse.parquet import read_table
from warehouse.tables import AGENT_DAILY_SCORES, QUARANTINE, RUNS, TABLES

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
    assert (warehouse / "quarantine" / "date=2026-11-22").is_symlink()


def test_history_table_keeps_every_run(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh"
    for run_id in ("r1", "r2"):
        staging = tmp_path / run_id
        row = {"run_id": run_id, "standard_id": "s", "standard_version": "1", "standard_sha256": "h", "files": 1, "read": 1, "scored": 1,
               "quarantined": 0, "duplicates_dropped": 0, "input_checks_failed": 0, "output_checks_passed": True, "status": "published", "published_at": pa.scalar(0, pa.timestamp("us", tz="UTC")).as_py()}
        parquet.write_staged([row], RUNS, staging)
        parquet.publish(staging, warehouse, DAY, run_id, [RUNS])
    assert sorted(parquet.read_table(warehouse, "runs", DAY)["run_id"]) == ["r1", "r2"]


def _two_tables(staging: Path, run_id: str, n: int) -> None:
    _quarantine(staging, run_id, n)
    parquet.write_staged([{"run_id": run_id, "standard_id": "s", "standard_version": "1", "agent_id": f"a{i}", "agent_type": "human",
                           "interactions": 1, "scored_interactions": 1, "compliance_rate": 1.0, "critical_failures": 0, "section_scores": {}}
                          for i in range(n)], AGENT_DAILY_SCORES, staging)  # fmt: skip


@pytest.mark.parametrize("crash_at", ["copy", "flip"])
def test_a_crash_while_publishing_leaves_the_previous_day_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crash_at: str) -> None:
    warehouse, tables = tmp_path / "wh", [QUARANTINE, AGENT_DAILY_SCORES]
    _two_tables(tmp_path / "r1", "r1", 3)
    parquet.publish(tmp_path / "r1", warehouse, DAY, "r1", tables)
    _two_tables(tmp_path / "r2", "r2", 5)
    copies = {"n": 0}
    real_copy = parquet._copy

    def crash(*args: object) -> None:
        raise OSError("No space left on device")

    def copy_once_then_crash(source: Path, target: Path) -> None:
        copies["n"] += 1
        if copies["n"] > 1:
            crash()
        real_copy(source, target)

    monkeypatch.setattr(parquet, "_copy" if crash_at == "copy" else "_flip", copy_once_then_crash if crash_at == "copy" else crash)
    with pytest.raises(parquet.PublishError, match="No space left on device; nothing was published for 2026-11-22, its previous data is intact"):
        parquet.publish(tmp_path / "r2", warehouse, DAY, "r2", tables)
    for name in ("quarantine", "agent_daily_scores"):  # every table still the previous run, all of it
        frame = parquet.read_table(warehouse, name, DAY)
        assert (len(frame), set(frame.run_id)) == (3, {"r1"}), name
    monkeypatch.undo()
    _two_tables(tmp_path / "r3", "r3", 2)
    parquet.publish(tmp_path / "r3", warehouse, DAY, "r3", tables)
    assert set(parquet.read_table(warehouse, "agent_daily_scores", DAY).run_id) == {"r3"}
    assert sorted(p.name for p in (warehouse / parquet.DAYS / DAY.isoformat()).iterdir()) == ["current", "r3"]  # crash leftovers gone


def test_rows_must_match_the_declared_schema(tmp_path: Path) -> None:
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError, KeyError, TypeError)):
        parquet.write_staged([{"source": 1}], QUARANTINE, tmp_path)


def test_reading_an_unpublished_table_gives_empty_frame_with_columns(tmp_path: Path) -> None:
    frame = parquet.read_table(tmp_path, "agent_daily_scores", DAY)
    assert frame.empty and "mean_quality_score" in frame.columns


def test_every_table_has_provenance() -> None:
    for table in TABLES.values():
        assert "run_id" in table.schema.names, table.name


def test_compact_reads_equal_plain_reads_and_fill_columns_added_later(tmp_path: Path) -> None:
    """Two days of interaction scores; the older file predates the contact columns."""
    schema = pa.schema([f.with_nullable(True) for f in TABLES["interaction_scores"].schema])
    old_fields = [f for f in schema if f.name not in ("contact_reason", "words")]
    for when, fields in (("2026-11-01", old_fields), ("2026-11-02", list(schema))):
        rows = {f.name: [None, None] for f in fields}
        rows.update(interaction_id=[f"{when}-a", f"{when}-b"], agent_id=["a-1", "a-2"], team=["billing", None])
        if "contact_reason" in rows:
            rows.update(contact_reason=["billing", "moving"], words=[120, 80])
        folder = tmp_path / "interaction_scores" / f"date={when}"
        folder.mkdir(parents=True)
        pq.write_table(pa.table(rows, schema=pa.schema(fields)), folder / "part-0.parquet")
    columns = ["interaction_id", "agent_id", "team", "contact_reason", "words"]
    plain = read_table(tmp_path, "interaction_scores", date(2026, 11, 2), since=date(2026, 11, 1), columns=columns)
    compact = read_table(tmp_path, "interaction_scores", date(2026, 11, 2), since=date(2026, 11, 1), columns=columns, compact=True)
    assert isinstance(compact["agent_id"].dtype, pd.CategoricalDtype)
    assert compact.astype(object).where(compact.notna(), None).values.tolist() == plain.astype(object).where(plain.notna(), None).values.tolist()
    assert compact["contact_reason"].astype(object).where(compact["contact_reason"].notna(), None).tolist() == [None, None, "billing", "moving"]
