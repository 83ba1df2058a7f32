"""Checks that passed, remembered between processes, so a fresh one skips those that need a heavy
library: validating a standard's token patterns builds spaCy's Matcher, and importing spaCy takes
~1 s of the ~2 s `touchstone standards validate` took. A check is remembered by what decides it,
the subject checked and the version of the library that checked it, as an empty file named by their
hash under `passed/` in `TOUCHSTONE_CACHE_DIR` (`scorers.regex_cache.cache_root`). Only passes are
kept: a failing subject is checked every time, so its message is the library's own. Deleting the
folder is always safe; an unwritable one means checking every time.
"""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from scorers.regex_cache import cache_root


def _marker(check: str, subject: Any, library: str) -> Path | None:
    try:
        text = json.dumps([check, library, version(library), subject], sort_keys=True, ensure_ascii=False)
    except (PackageNotFoundError, TypeError, ValueError):  # a subject that is not plain data: checked every time
        return None
    return cache_root() / "passed" / hashlib.sha256(text.encode("utf-8")).hexdigest()


def passed_before(check: str, subject: Any, library: str) -> bool:
    """Whether `check` passed on `subject` (JSON data) with this version of `library` before."""
    marker = _marker(check, subject, library)
    return marker is not None and marker.exists()


def remember_passed(check: str, subject: Any, library: str) -> None:
    """Keep that `check` passed on `subject` with this version of `library`."""
    marker = _marker(check, subject, library)
    if marker is None:
        return
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass  # a read-only cache: checked again next time
