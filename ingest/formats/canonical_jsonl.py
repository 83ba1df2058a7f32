"""Canonical JSON Lines: one canonical interaction object per line (see DESIGN.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

from ingest.formats import register_lines
from ingest.limits import MAX_LINE_CHARS, bounded_lines
from ingest.records import SourceRecord


@register_lines("canonical_jsonl.v1", suffixes=(".jsonl",))
def read_canonical_jsonl(lines: IO[str], source: str, first_line: int = 1) -> Iterator[SourceRecord]:
    """Canonical interactions, one JSON object per line; blank lines are skipped."""
    for number, line, whole in bounded_lines(lines, first=first_line):
        if not line.strip():
            continue
        locator = f"line {number}"
        if not whole:
            yield SourceRecord(source, locator, line, error=f"line is longer than {MAX_LINE_CHARS:,} characters")
            continue
        try:
            payload = json.loads(line)
        except json.JSONDecodeError as exc:
            yield SourceRecord(source, locator, line, error=f"malformed JSON: {exc.msg} at column {exc.colno}")
            continue
        except (ValueError, RecursionError) as exc:  # numbers over 4,300 digits; nesting past the parser's depth
            yield SourceRecord(source, locator, line, error=f"JSON that cannot be read: {exc}")
            continue
        if not isinstance(payload, dict):
            yield SourceRecord(source, locator, line, error=f"expected a JSON object, got {type(payload).__name__}")
            continue
        yield SourceRecord(source, locator, line, payload=payload)
