"""Input formats, registered by name: a new format is one new module in this package.

A format module decorates a reader function with `@register_format("name.v1", suffixes=...)`.
Modules here are imported on first use, so nothing else has to be edited to add one.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.records import SourceRecord
from touchstone.errors import TouchstoneError

Reader = Callable[[Path, str], Iterator[SourceRecord]]


@dataclass(frozen=True)
class Format:
    name: str
    suffixes: tuple[str, ...]
    read: Reader
    description: str


_FORMATS: dict[str, Format] = {}


def register_format(name: str, *, suffixes: tuple[str, ...]) -> Callable[[Reader], Reader]:
    """Register `read(path, source) -> Iterator[SourceRecord]` under a versioned name."""

    def decorate(read: Reader) -> Reader:
        _FORMATS[name] = Format(name, suffixes, read, (read.__doc__ or "").strip().splitlines()[0])
        return read

    return decorate


def _discover() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def formats() -> dict[str, Format]:
    """All registered formats by name."""
    if not _FORMATS:
        _discover()
    return dict(_FORMATS)


def format_for(path: Path) -> Format:
    """The format that reads `path`, chosen by its suffix."""
    name = path.name.lower()
    for fmt in formats().values():
        if any(name.endswith(suffix) for suffix in fmt.suffixes):
            return fmt
    known = ", ".join(sorted(s for f in formats().values() for s in f.suffixes))
    raise TouchstoneError(f"{path}: no input format reads files named like this", f"known endings: {known}")
