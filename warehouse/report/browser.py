"""Open a report in headless Chromium: a screenshot, the rendered DOM, and what the console said.

Used by the tests (the page must render without console messages) and by
`scripts/report_picture.py` (the README's picture). Chromium is a system package, found on PATH or
at TOUCHSTONE_CHROMIUM; nothing is fetched from the network (background networking is off).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--hide-scrollbars",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
)  # fmt: skip
CONSOLE = re.compile(r":CONSOLE[^\]]*\] (.*)")


@dataclass(frozen=True)
class Opened:
    dom: str
    console: list[str]  # every console message (log, warning, error, uncaught exception)


def chromium() -> str | None:
    return os.environ.get("TOUCHSTONE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _run(binary: str, page: Path, *extra: str, timeout: int) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="touchstone-chromium-") as profile:
        command = [binary, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *extra, page.resolve().as_uri()]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def open_page(page: Path, screenshot: Path | None = None, width: int = 1400, height: int = 4000, timeout: int = 120) -> Opened:
    """Render `page` (a local file) once for its DOM and, if asked, once for a PNG of width x height."""
    binary = chromium()
    if binary is None:
        raise FileNotFoundError("no Chromium found: install the `chromium` package or set TOUCHSTONE_CHROMIUM")
    dumped = _run(binary, page, "--dump-dom", timeout=timeout)
    console = CONSOLE.findall(dumped.stderr)
    if screenshot is not None:
        shot = _run(binary, page, f"--screenshot={screenshot.resolve()}", f"--window-size={width},{height}", timeout=timeout)
        console += CONSOLE.findall(shot.stderr)
        if not screenshot.exists():
            raise RuntimeError(f"Chromium wrote no screenshot (exit {shot.returncode}): {shot.stderr[-2000:]}")
    return Opened(dumped.stdout, console)
