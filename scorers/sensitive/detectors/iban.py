"""IBANs of every country, written ("DE89 3704 0044 0532 0130 00") or with the country's letters
spelled before the number ("D E acht neun drei sieben ...", "D E 89 3704 ..."), validated by
python-stdnum (ISO 13616 mod 97, the country's length and account format, and national check
digits where it knows them). Account parts with letters are found written, not spelled."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from stdnum import iban, numdb

from scorers.sensitive.prefixed import groups, spelled_before
from scorers.sensitive.registry import Found, Scope, register_detector
from scorers.sensitive.spoken import best, number_runs

_START = re.compile(r"(?<![^\W\d_])([A-Z]{2})[ -]?(\d{2})", re.IGNORECASE)


@cache
def _length(country: str) -> int | None:
    """The length of `country`'s IBANs, from the IBAN registry python-stdnum carries: a text is
    only validated at that length ("DE89 DE89 ..." would else cost a validation per group)."""
    _, info = numdb.get("iban").info(country)[0]
    return 4 + sum(int(n) for n in re.findall(r"(\d+)!", info["bban"])) if "bban" in info else None


def _valid(compact: str) -> bool:
    """An IBAN python-stdnum accepts (country, length, format, check digits)."""
    return _length(compact[:2]) == len(compact) and iban.is_valid(compact)


@register_detector("iban", precedence=10)
def ibans(text: str, scope: Scope) -> Iterator[Found]:
    """IBANs of any country (python-stdnum)."""
    for m in _START.finditer(text):
        head = (m.group(1) + m.group(2)).upper()
        valid = [end for rest, end in groups(text, m.end(), 30) if _valid(head + rest)]
        if valid:
            yield Found("iban", m.start(), valid[-1], f"[IBAN {head[:2]}]", head[:2])
    for run in number_runs(text, scope.language):
        if (spelled := spelled_before(text, run)) is not None:
            country, start = spelled
            if best(run, lambda digits: _valid(country + digits)) is not None:
                yield Found("iban", start, run[-1].end, f"[IBAN {country}]", country)
