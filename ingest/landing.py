"""The landing folder: where the day's transcript files arrive, laid out by date.

The layout is a glob pattern with a `{date}` placeholder, relative to the landing root; the default
`{date}/*.jsonl` means `landing/2026-11-22/calls.jsonl`. Paths found here are only ever read.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from touchstone.errors import TouchstoneError

DEFAULT_LAYOUT = "{date}/*.jsonl"


def day_files(landing_root: Path, day: date, layout: str = DEFAULT_LAYOUT) -> list[Path]:
    """The files holding `day`'s interactions, in a stable (sorted) order.

    A day whose folder does not exist is an error (the delivery is missing); a folder with no
    files is an empty day.
    """
    if "{date}" not in layout:
        raise TouchstoneError(f"landing layout {layout!r} has no {{date}} placeholder", "e.g. '{date}/*.jsonl'")
    pattern = layout.format(date=day.isoformat())
    if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
        raise TouchstoneError(f"landing layout {layout!r} must stay inside the landing folder")
    folder = landing_root / Path(pattern).parent
    if not folder.is_dir():
        raise TouchstoneError(
            f"no landing folder for {day.isoformat()}: {folder} does not exist",
            "generate a sample day with `touchstone generate --date ...` or point --landing at the data",
        )
    return sorted(p for p in landing_root.glob(pattern) if p.is_file())
