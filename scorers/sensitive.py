"""Detectors of sensitive data in a turn's text, and their redaction.

Numbers count whether written as digits ("4539 1488 0343 6467") or spoken as digit words
("four five three nine ..."), as speech-to-text often writes them. A payment card is a run of
13-19 digits that passes the Luhn check, so ordinary numbers (amounts, order ids) are not taken
for cards. Redacted text keeps only what a reviewer needs: the kind and the last four digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

DIGIT_WORDS: dict[str, dict[str, str]] = {
    "en": dict(zip("zero oh one two three four five six seven eight nine".split(), "00123456789")),
    "de": dict(zip("null eins zwei zwo drei vier fünf sechs sieben acht neun".split(), "01223456789")),
    "sv": dict(zip("noll ett en två tre fyra fem sex sju åtta nio".split(), "01123456789")),
    "fr": dict(zip("zéro zero un une deux trois quatre cinq six sept huit neuf".split(), "001123456789")),
}
_TOKEN = re.compile(r"\d+|[^\W\d_]+|\S")
_SEPARATORS = {"-", ","}


@dataclass(frozen=True)
class Found:
    kind: str
    start: int  # character offsets in the text
    end: int
    redacted: str


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def digit_runs(text: str, language: str) -> Iterator[list[tuple[int, int, str]]]:
    """Runs of consecutive number tokens as (start, end, digits) per token, separators skipped."""
    words = DIGIT_WORDS.get(language, {})
    run: list[tuple[int, int, str]] = []
    for m in _TOKEN.finditer(text):
        token = m.group()
        digits = token if token.isdigit() else words.get(token.lower())
        if digits is not None:
            run.append((m.start(), m.end(), digits))
        elif token in _SEPARATORS and run:
            continue
        else:
            if run:
                yield run
            run = []
    if run:
        yield run


def payment_cards(text: str, language: str) -> Iterator[Found]:
    """Luhn-valid card numbers; a run may carry up to two stray number words at either end."""
    for run in digit_runs(text, language):
        best = None
        for lead in range(min(3, len(run))):
            for trail in range(min(3, len(run) - lead)):
                part = run[lead : len(run) - trail]
                digits = "".join(d for _, _, d in part)
                if 13 <= len(digits) <= 19 and luhn_valid(digits) and (best is None or len(digits) > len(best[2])):
                    best = (part[0][0], part[-1][1], digits)
        if best is not None:
            yield Found("payment_card", best[0], best[1], f"[card number ending {best[2][-4:]}]")


DETECTORS: dict[str, Callable[[str, str], Iterator[Found]]] = {"payment_card": payment_cards}


def find_sensitive(text: str, language: str, kinds: list[str] | None = None) -> list[Found]:
    """Everything sensitive in `text`, in order, from the named detectors (default all)."""
    found = [f for name in kinds or DETECTORS for f in DETECTORS[name](text, language)]
    return sorted(found, key=lambda f: f.start)


def redact(text: str, language: str) -> str:
    """`text` with every sensitive value replaced by its redacted form."""
    out, last = [], 0
    for f in find_sensitive(text, language):
        if f.start >= last:
            out += [text[last : f.start], f.redacted]
            last = f.end
    return "".join(out) + text[last:]
