"""How large and how deep one record may be, so that one hostile record cannot take a night down.

Every bound is far above what a real transcript reaches (a two-hour call diarised as one speaker is
~120,000 characters in one turn; vendor documents nest ~10 levels) and below what would break a
later step: Python's JSON parser and serialiser recurse, spaCy refuses texts over a million
characters, and a line held whole must fit in memory. A record over a bound is quarantined with
the bound in the reason; it is never cut short and scored.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

MAX_LINE_CHARS = 5_000_000  # one JSON Lines record
MAX_DOCUMENT_CHARS = 50_000_000  # one vendor JSON document (word-level Transcribe output is large)
MAX_DEPTH = 64  # nesting of objects and arrays in any record
MAX_TURN_CHARS = 200_000  # one turn's text
MAX_ID_CHARS = 256  # interaction, agent and customer ids
MAX_OFFSET_MS = 7 * 24 * 3600 * 1000  # a turn's offset from the start: a week


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether `value` nests objects or arrays more than `limit` levels deep (without recursing;
    only containers are visited, so a record of many flat turns costs little)."""
    level, depth = [value] if isinstance(value, dict | list) else [], 1
    while level:
        if depth > limit:
            return True
        level = [child for item in level for child in (item.values() if isinstance(item, dict) else item) if isinstance(child, dict | list)]
        depth += 1
    return False


def bounded_lines(text: IO[str], limit: int = MAX_LINE_CHARS, first: int = 1) -> Iterator[tuple[int, str, bool]]:
    """`(number, line, whole)` for each line, numbered from `first`; a line over `limit` characters
    comes with `whole` False and only its first `limit` characters, the rest skipped in chunks,
    never held at once."""
    number = first - 1
    while line := text.readline(limit + 1):
        number += 1
        if len(line) <= limit or line.endswith("\n"):
            yield number, line, True
            continue
        while (rest := text.readline(limit)) and not rest.endswith("\n"):
            pass
        yield number, line[:limit], False
