"""Personal id numbers of the countries in scope (`scorers.sensitive.countries`), validated by
python-stdnum: ids of digits are read from number runs, written or spoken; ids with letters (FI, IE,
IT, ES, PT) from their written shape. An id whose check a random number passes more often than 1 in
200 counts only after an id word, and no id counts where a phone word is said closer before it than an id word. The UK's National Insurance number has no check digit: its shape
(two letters, six digits, a letter A-D, without the prefixes never issued) is checked here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from scorers.sensitive.context import nearest_before, said_before
from scorers.sensitive.countries import COUNTRIES, PersonalId, in_order
from scorers.sensitive.registry import Found, Scope, best, register_detector
from scorers.sensitive.spoken import digits_of, number_runs

_NINO = re.compile(r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")
REDACTED = "[national id]"


@cache
def _ids(countries: frozenset[str], language: str) -> tuple[list[tuple[PersonalId, str]], list[tuple[PersonalId, str, re.Pattern[str]]]]:
    """(ids of digits, ids of a written shape) of `countries`: those that need no id word first,
    then the likeliest countries first."""
    ids = sorted(((pid, code) for code in in_order(countries & COUNTRIES.keys(), language) for pid in COUNTRIES[code].ids), key=lambda item: item[0].needs_context)
    written = [(pid, code, re.compile(rf"(?<![^\W_]){pid.pattern}(?![^\W_])", re.IGNORECASE)) for pid, code in ids if pid.pattern]
    return [(pid, code) for pid, code in ids if pid.lengths], written


def _valid(pid: PersonalId, digits: str) -> bool:
    return len(digits) in pid.lengths and pid.is_valid(digits)


@register_detector("national_id", precedence=40)
def national_ids(text: str, scope: Scope) -> Iterator[Found]:
    """Personal id numbers of the countries in scope (python-stdnum)."""
    digit_ids, written = _ids(scope.countries, scope.language)
    shortest = min((min(pid.lengths) for pid, _ in digit_ids), default=0)
    for run in number_runs(text, scope.language) if digit_ids else ():
        if len(digits_of(run)) < shortest:
            continue
        said = nearest_before(text, run[0].start, ("id", "phone"), scope.language)
        if said == "phone":
            continue  # "my phone number is 030 1234 5678" is a phone number, even if it passes an id's check
        id_word = said == "id"
        for pid, code in digit_ids:
            if pid.needs_context and not id_word:
                break  # the rest need it too
            if (hit := best(run, lambda digits, pid=pid: _valid(pid, digits))) is not None:
                yield Found("national_id", hit[0], hit[1], REDACTED, code)
                break
    for pid, code, pattern in written:
        for m in pattern.finditer(text):
            if pid.is_valid(m.group().upper()) and (not pid.needs_context or said_before(text, m.start(), "id", scope.language)):
                yield Found("national_id", m.start(), m.end(), REDACTED, code)
    if "GB" in scope.countries:
        for m in _NINO.finditer(text):
            yield Found("national_id", m.start(), m.end(), REDACTED, "GB")
