"""Input formats, registered by name: a new format is one new module in this package.

Two shapes of format:
- a stream of records, one per line (`@register_lines("canonical_jsonl.v1", suffixes=(".jsonl",))`),
  read as it arrives, so a large day file is never held whole; the reader is told the number of
  its text's first line, since a large file may be read in parts side by side (`ingest.parts`);
- one JSON document per file, told apart by a `detect(document)` predicate
  (`@register_document("contact_lens.v1", detect=...)`), so no one has to name the format.

Both yield `SourceRecord`s with canonical-shaped payloads. Formats whose speaker labels are not
roles (`spk_0`, `ch_1`, `0`) leave them as they are; the reader maps them through the source
configuration and says which label is missing. Modules here are imported on first use.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from ingest.records import SourceRecord

LineReader = Callable[[IO[str], str, int], Iterator[SourceRecord]]  # (text, source, number of its first line)
DocumentParser = Callable[[Any, str], Iterator[SourceRecord]]


@dataclass(frozen=True)
class Format:
    name: str  # versioned: "transcribe.v1"
    description: str
    speakers_are_roles: bool
    suffixes: tuple[str, ...] = ()
    read_lines: LineReader | None = None
    detect: Callable[[Any], bool] | None = None
    parse: DocumentParser | None = None

    @property
    def base_name(self) -> str:
        return self.name.rsplit(".v", 1)[0]


_FORMATS: dict[str, Format] = {}


def _doc(func: Callable[..., Any]) -> str:
    return (func.__doc__ or "").strip().splitlines()[0]


def register_lines(name: str, *, suffixes: tuple[str, ...], speakers_are_roles: bool = True) -> Callable[[LineReader], LineReader]:
    """Register a line-by-line reader for files ending in `suffixes` (optionally `.gz`)."""

    def decorate(read: LineReader) -> LineReader:
        _FORMATS[name] = Format(name, _doc(read), speakers_are_roles, suffixes=suffixes, read_lines=read)
        return read

    return decorate


def register_document(name: str, *, detect: Callable[[Any], bool], speakers_are_roles: bool = False) -> Callable[[DocumentParser], DocumentParser]:
    """Register a parser of whole JSON documents that `detect(document)` recognises."""

    def decorate(parse: DocumentParser) -> DocumentParser:
        _FORMATS[name] = Format(name, _doc(parse), speakers_are_roles, detect=detect, parse=parse)
        return parse

    return decorate


def formats() -> dict[str, Format]:
    """All registered formats by name."""
    if not _FORMATS:
        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")
    return dict(_FORMATS)


def line_format_for(name: str) -> Format | None:
    """The line format reading files named like `name` (a trailing `.gz` is ignored)."""
    name = name.lower().removesuffix(".gz")
    return next((f for f in formats().values() if f.read_lines and name.endswith(f.suffixes)), None)


def _recognises(fmt: Format, document: Any) -> bool:
    try:
        return bool(fmt.detect and fmt.detect(document))
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):  # a predicate meeting an odd shape
        return False


def detect_document(document: Any) -> Format | None:
    """The document format that recognises `document` (a predicate that fails does not)."""
    return next((f for f in formats().values() if _recognises(f, document)), None)


def turn_offsets_ms(seconds: float | str | None) -> int | None:
    """Seconds (as number or string, as the vendors write them) to whole milliseconds; a time that
    is no finite number of milliseconds ("inf", 1e305) is a ValueError, i.e. a document in an
    unexpected shape (the reader quarantines it)."""
    if seconds is None:
        return None
    milliseconds = float(seconds) * 1000
    if not math.isfinite(milliseconds):
        raise ValueError(f"a time of {str(seconds)[:40]} seconds is not a finite number of milliseconds")
    return int(round(milliseconds))


def language_code(code: str | None) -> str | None:
    """`en-US` -> `en`; None stays None, so a default or the metadata can say it."""
    return code.split("-")[0].lower() if code else None


def words_to_turns(words: list[tuple[str, int | None, int | None, str, bool]]) -> list[dict[str, Any]]:
    """Word-level output (label, start_ms, end_ms, text, is_punctuation), in time order, as turns:
    consecutive words of one speaker form a turn; punctuation sticks to the word before it."""
    turns: list[dict[str, Any]] = []
    for label, start, end, text, punctuation in words:
        if punctuation and turns:
            turns[-1]["text"] += text
            continue
        if turns and turns[-1]["speaker"] == label:
            turns[-1]["text"] += " " + text
            turns[-1]["end_ms"] = end if end is not None else turns[-1]["end_ms"]
        else:
            turns.append({"speaker": label, "text": text, "start_ms": start, "end_ms": end})
    return turns
