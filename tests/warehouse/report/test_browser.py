"""The report opens in headless Chromium: every section renders, nothing is said on the console."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from tests.warehouse.report.conftest import DAY
from tests.warehouse.report.test_report import SECTIONS
from touchstone.settings import Settings
from warehouse.report.browser import chromium, open_page

# `make test` installs Chromium and sets this, so CI cannot skip the test silently.
if chromium() is None and not os.environ.get("TOUCHSTONE_REQUIRE_BROWSER"):
    pytest.skip("Chromium is not installed (make test installs it)", allow_module_level=True)


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and header[12:16] == b"IHDR"
    return struct.unpack(">II", header[16:24])


def test_the_report_renders_in_chromium_without_console_messages(history: Settings, page: str, tmp_path: Path) -> None:
    report = history.reports_dir / f"{DAY}.html"
    shot = tmp_path / "report.png"
    opened = open_page(report, screenshot=shot, width=1400, height=4000)
    assert opened.console == []
    for section in SECTIONS:
        assert f'<section id="{section}">' in opened.dom
    assert opened.dom.count("<svg") >= 40  # interval bars and sparklines per agent, trend and quadrant charts
    assert _png_size(shot) == (1400, 4000)
    assert shot.stat().st_size > 200_000  # a blank page of that size is a few kilobytes


def test_the_check_sees_console_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text("<html><body><p>x</p><script>console.error('boom'); missing();</script></body></html>")
    opened = open_page(broken)
    assert any("boom" in line for line in opened.console) and any("missing is not defined" in line for line in opened.console)
