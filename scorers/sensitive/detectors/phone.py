"""Phone numbers of any region, validated by phonenumbers (Google's libphonenumber).

- International ("+46 70 123 45 67", "0046 ...", "plus four six ..."): valid anywhere.
- National, after a phone word ("my mobile is 070 123 45 67", spoken or written): of a possible
  length in a country in scope (the word says it is a phone number: a caller's "546 158 1578" is
  one, though no US exchange starts with 1), or, with the trunk prefix 0, valid in any country of
  `countries.COUNTRIES` (a customer may give a foreign number).
- National, written as its country writes it ("070-123 45 67", "(415) 625-2661"), 9 digits or more:
  valid in a country in scope, and grouped as libphonenumber formats it there, with no phone word.
Any other number (account and order numbers also start with 0) is not taken for a phone number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from scorers.sensitive.context import nearest_before
from scorers.sensitive.countries import ALL, in_order
from scorers.sensitive.registry import Found, Scope, best, register_detector
from scorers.sensitive.spoken import NumberToken, digits_of, number_runs

REDACTED = "[phone number]"
_PLUS_BEFORE = re.compile(r"(?:\+|(?<![^\W\d_])plus[\s,]+)\s*$", re.IGNORECASE)


@lru_cache(maxsize=8192)
def _region(number: str, region: str | None, possible: bool = False) -> str | None:
    """The region of `number` (digits; international when `region` is None) if it is valid there
    (or, with `possible`, of a length numbers have there)."""
    if not 6 <= len(number) <= 15:
        return None
    try:
        parsed = phonenumbers.parse("+" + number if region is None else number, region)
    except NumberParseException:
        return None
    if phonenumbers.is_valid_number(parsed):
        return phonenumbers.region_code_for_number(parsed)
    return region if possible and region is not None and phonenumbers.is_possible_number(parsed) else None


def _regions(number: str, scope: Scope) -> Iterator[str]:
    """The regions in scope in which `number` is valid, likeliest first."""
    return (r for r in in_order(scope.countries, scope.language) if _region(number, r) is not None)


def _after_phone_word(number: str, scope: Scope) -> str | None:
    """The region of a number said after a phone word: valid in scope, valid anywhere with the
    trunk prefix 0, or else possible in scope; the likeliest first."""
    likely = in_order(scope.countries, scope.language)
    abroad = sorted(ALL - scope.countries) if number.startswith("0") else []
    tries = [(r, False) for r in likely + abroad] + [(r, True) for r in likely]
    return next((found for r, possible in tries if (found := _region(number, r, possible)) is not None), None)


def _grouped_as_written(raw: str, number: str, region: str) -> bool:
    formatted = phonenumbers.format_number(phonenumbers.parse(number, region), PhoneNumberFormat.NATIONAL)
    return re.findall(r"\d+", raw) == re.findall(r"\d+", formatted)


def _phone(text: str, run: tuple[NumberToken, ...], scope: Scope) -> Found | None:
    start = run[0].start
    plus = _PLUS_BEFORE.search(text, max(0, start - 8), start)
    if plus is not None or run[0].digits.startswith("00"):
        international = (lambda d: _region(d, None)) if plus is not None else (lambda d: d.startswith("00") and _region(d[2:], None))
        if (hit := best(run, lambda d: bool(international(d)))) is not None:
            return Found("phone", plus.start() if plus is not None else hit[0], hit[1], REDACTED, international(hit[2]) or None)
        if plus is not None:
            return None  # "+46 00 000 00 00": no number of any region
    if nearest_before(text, start, ("phone", "id", "card"), scope.language) == "phone":
        if (hit := best(run, lambda d: _after_phone_word(d, scope) is not None)) is not None:
            return Found("phone", hit[0], hit[1], REDACTED, _after_phone_word(hit[2], scope))
    elif not any(t.spoken for t in run) and len(digits_of(run)) >= 9:  # 8 digits: a phone number in DK or CY, an account number elsewhere
        number, raw = digits_of(run), text[start : run[-1].end]
        region = next((r for r in _regions(number, scope) if _grouped_as_written(raw, number, r)), None)
        if region is not None:
            return Found("phone", start - (text[start - 1 : start] == "("), run[-1].end, REDACTED, region)
    return None


@register_detector("phone", precedence=50)
def phones(text: str, scope: Scope) -> Iterator[Found]:
    """Phone numbers of any region (phonenumbers)."""
    for run in number_runs(text, scope.language):
        if len(digits_of(run)) >= 7 and (found := _phone(text, run, scope)) is not None:
            yield found
