"""Sensitive values in the transcripts never reach an output in clear: Parquet tables, checks,
reports, the command's own output. Grepped over a run of a day full of them, quarantined records
included (a broken line, an interaction the input suite rejects, and a card number in the wrong
field, whose reason must not quote it), each carrying card numbers written and spoken."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner

from tests.sensitive_day import QUARANTINED, leaks, write_sensitive_day
from touchstone.cli import cli
from warehouse.store import read_table

DAY = date(2026, 11, 22)


def test_no_output_holds_a_sensitive_value_in_clear(tmp_path: Path) -> None:
    data = tmp_path / "data"
    values = write_sensitive_day(data / "landing", DAY)
    result = CliRunner().invoke(cli, ["run", "--date", DAY.isoformat(), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert f"quarantined {QUARANTINED}" in result.output
    found = leaks(data, values, command_output=result.output)
    assert not found, found[:5]
    reasons = read_table(data / "warehouse", "quarantine", DAY).set_index("locator").reason
    assert "language: Input should be 'en', 'de', 'sv' or 'fr' (got text of 19 characters)" in reasons.loc["line 2"]
    assert "channel: Input should be 'voice' or 'chat' (got a number of 100,000 or more)" in reasons.loc["line 2"]
