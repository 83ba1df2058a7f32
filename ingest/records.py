"""What a format adapter yields: one raw record with its locator, or the reason it could not be read.

Adapters only parse; validation against the canonical model happens once, in `ingest.reader`, so
every format gets the same checks and the same quarantine reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EXCERPT_CHARS = 300


@dataclass(frozen=True)
class SourceRecord:
    """One record as read from a file: a canonical-shaped dict, or `error` if it could not be parsed."""

    source: str  # the file, relative to the landing root
    locator: str  # where in the file: "line 12", "record 3"
    raw: str  # the record's text, for the quarantine excerpt
    payload: dict[str, Any] | None = None
    error: str | None = None


@dataclass(frozen=True)
class Quarantined:
    """A record that was read but not scored, kept with the reason so nothing is lost."""

    source: str
    locator: str
    reason: str
    raw_excerpt: str

    @classmethod
    def of(cls, record: SourceRecord, reason: str) -> Quarantined:
        return cls(record.source, record.locator, printable(reason), printable(record.raw[:EXCERPT_CHARS]))  # sources are printable already (`ingest.landing.relative`)


def printable(text: str) -> str:
    """`text` as valid UTF-8: lone surrogates (from JSON escapes or undecodable file names) are
    written as `\\udXXX` escapes, so the quarantine table can always be written."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
