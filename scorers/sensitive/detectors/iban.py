"""IBANs of every country, written ("DE89 3704 0044 0532 0130 00") or spoken after the country's
letters ("D E acht neun drei sieben ..."), validated by python-stdnum (ISO 13616 mod 97, the
country's length and account format, and national check digits where it knows them)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import stdnum
from stdnum import iban

from scorers.sensitive.registry import Found, Scope, best, register_detector
from scorers.sensitive.spoken import number_runs

_START = re.compile(r"(?<![^\W\d_])([A-Z]{2}) ?(\d{2})", re.IGNORECASE)
# Two letters said before a spoken number: "D E", "D. E.", "DE".
LETTERS_BEFORE = re.compile(r"(?<![^\W\d_])([A-Za-z])\.? ?([A-Za-z])\.?[\s,]*$")


@cache
def iban_lengths() -> dict[str, int]:
    """Each country's IBAN length, from python-stdnum's copy of the SWIFT IBAN registry: a text is
    only validated at its country's length (a run of "DE89 DE89 ..." would else be validated at
    every length from 15 to 34, at every start)."""
    registry = (Path(stdnum.__file__).parent / "iban.dat").read_text(encoding="utf-8")
    return {cc: 4 + sum(int(n) for n in re.findall(r"(\d+)!", bban)) for cc, bban in re.findall(r'^([A-Z]{2}) .*?bban="([^"]+)"', registry, re.MULTILINE)}


def _valid(compact: str) -> bool:
    return iban_lengths().get(compact[:2].upper()) == len(compact) and iban.is_valid(compact)


@register_detector("iban", precedence=10)
def ibans(text: str, scope: Scope) -> Iterator[Found]:
    """IBANs of any country (python-stdnum)."""
    for m in _START.finditer(text):
        compact, i, end = m.group(1) + m.group(2), m.end(), None
        while i < len(text) and len(compact) < 34:  # read on (single spaces allowed), keep the longest valid
            if text[i] == " " and i + 1 < len(text) and text[i + 1].isalnum():
                i += 1
            if not text[i].isascii() or not text[i].isalnum():
                break
            compact += text[i]
            i += 1
            if (i == len(text) or not text[i].isalnum()) and _valid(compact):  # at the end of a group
                end = i
        if end is not None:
            yield Found("iban", m.start(), end, f"[IBAN {compact[:2].upper()}]", compact[:2].upper())
    for run in number_runs(text, scope.language):
        if not any(t.spoken for t in run) or (letters := LETTERS_BEFORE.search(text, max(0, run[0].start - 10), run[0].start)) is None:
            continue
        country = (letters.group(1) + letters.group(2)).upper()
        if (hit := best(run, lambda digits: _valid(country + digits))) is not None:
            yield Found("iban", letters.start(), hit[1], f"[IBAN {country}]", country)
