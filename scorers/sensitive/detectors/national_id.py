"""Personal id numbers of the countries in scope (`scorers.sensitive.countries`), validated by
python-stdnum: ids of digits are read from number runs, written or said; ids with letters (FI, IE,
IT, ES, PT) from their written shape. An id whose check a random number (or a random string of its
shape) passes more often than 1 in 200 counts only after a word that names an id, as does the id of
a country out of scope when the scope takes other countries after a word (`Scope.elsewhere`); an id
with words of its own (the US social security number) only after those. No id counts where another
kind's word ("phone", "order") is said nearer before it. The UK's National Insurance number has no
check digit: its shape (two letters, six digits, a letter A-D, no prefix never issued) is checked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from scorers.sensitive.context import REACH, nearest_before, plus_before, words_pattern
from scorers.sensitive.countries import COUNTRIES, PersonalId, in_order
from scorers.sensitive.registry import Found, Scope, register_detector
from scorers.sensitive.spoken import best, digits_of, number_runs

_NINO = re.compile(r"(?<![^\W\d_])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z] ?[A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![^\W\d_])", re.IGNORECASE)
REDACTED = "[national id]"


@dataclass(frozen=True)
class _Id:
    pid: PersonalId
    country: str
    needs_word: bool  # its check is weak, or its country is out of scope


@cache
def _ids(scope: Scope) -> tuple[list[_Id], list[tuple[_Id, re.Pattern[str]]], int]:
    """(ids of digits, ids of a written shape, the fewest digits an id of digits has) in scope:
    those that need no id word first, the likeliest countries first; with `scope.elsewhere`, every
    other country's after them."""
    others = sorted(COUNTRIES.keys() - scope.countries) if scope.elsewhere else []
    ids = [_Id(pid, code, pid.needs_context) for code in in_order(scope.countries & COUNTRIES.keys(), scope.language) for pid in COUNTRIES[code].ids]
    ids = sorted(ids, key=lambda i: i.needs_word) + [_Id(pid, code, True) for code in others for pid in COUNTRIES[code].ids]
    written = [(i, re.compile(rf"(?<![^\W_]){i.pid.pattern}(?![^\W_])", re.IGNORECASE)) for i in ids if i.pid.pattern]
    digits = [i for i in ids if i.pid.lengths]
    return digits, written, min((min(i.pid.lengths) for i in digits), default=0)


def _named(i: _Id, text: str, start: int, said: str | None) -> bool:
    """Whether the id may count here: no other kind's word nearer, and its own word where it needs one."""
    if said not in (None, "id"):
        return False
    if i.pid.words:
        return words_pattern(i.pid.words).search(text, max(0, start - REACH), start) is not None
    return said == "id" or not i.needs_word


def _valid(pid: PersonalId, digits: str) -> bool:
    """Digits of the id's length that python-stdnum accepts as that id."""
    return len(digits) in pid.lengths and pid.is_valid(digits)


@register_detector("national_id", precedence=40)
def national_ids(text: str, scope: Scope) -> Iterator[Found]:
    """Personal id numbers of the countries in scope (python-stdnum)."""
    digit_ids, written, shortest = _ids(scope)
    for run in number_runs(text, scope.language) if digit_ids else ():
        if len(digits_of(run)) < shortest or plus_before(text, run[0].start):
            continue  # too short for any id, or dialled ("+31 10123456")
        said = nearest_before(text, run[0].start, scope.language)
        i = next((i for i in digit_ids if _named(i, text, run[0].start, said) and best(run, lambda d, pid=i.pid: _valid(pid, d))), None)
        if i is not None:
            yield Found("national_id", run[0].start, run[-1].end, REDACTED, i.country)
    for i, pattern in written:
        for m in pattern.finditer(text):
            if i.pid.is_valid(m.group().upper()) and _named(i, text, m.start(), nearest_before(text, m.start(), scope.language)):
                yield Found("national_id", m.start(), m.end(), REDACTED, i.country)
    if "GB" in scope.countries or scope.elsewhere:  # elsewhere: named ("meine National Insurance Number ist ...")
        for m in _NINO.finditer(text):
            if "GB" in scope.countries or nearest_before(text, m.start(), scope.language) == "id":
                yield Found("national_id", m.start(), m.end(), REDACTED, "GB")
