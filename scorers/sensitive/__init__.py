"""Sensitive data in a turn's text, and its redaction.

Numbers count whether written as digits ("4539 1488 0343 6467") or said ("four five three nine",
"forty-five thirty-nine", "double five", with fillers and homophones such as "for" for four; see
`spoken`); check digits, validated by python-stdnum and phonenumbers, and the word said before a
number (`context`) keep ordinary numbers (amounts, order ids) from being taken for sensitive ones:

| detector      | what                                                        | check                                  |
|---------------|-------------------------------------------------------------|----------------------------------------|
| iban          | IBAN of any country, written or after its spelled letters   | python-stdnum `iban`                   |
| vat           | VAT number with its country prefix (EU, UK, NO, CH)         | python-stdnum `eu.vat` and per country |
| phone         | numbers of any region, by how they are said (`detectors.phone`) | phonenumbers (libphonenumber)      |
| payment_card  | an issuer's range and length, or 13-19 digits after a card word | Luhn (python-stdnum `luhn`)        |
| national_id   | personal ids of the countries in scope (`countries`)        | python-stdnum per country; NINO shape  |
| email         | name@domain.tld, or said with at/dot words                  | format                                 |

Which countries' ids and phone numbers count is the criterion's `countries` (by default those the
interaction's language and metadata make likely, and others where a word names the number);
redaction outside a criterion looks for every country's. Redacted text keeps only what a reviewer
needs: the kind, and for cards the last four digits; a value found in part of a run of numbers is
redacted with the whole run.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from functools import lru_cache

from scorers.sensitive.countries import ALL, likely_countries
from scorers.sensitive.registry import Found, Scope, registered_detectors
from scorers.sensitive.spoken import DIGIT_WORDS, LANGUAGES, digits_of, number_runs

__all__ = ["ALL", "DIGIT_WORDS", "Found", "registered_detectors", "find_sensitive", "found_in", "likely_countries", "mask_long_numbers", "redact", "redact_any_language", "scope_of"]


def find_sensitive(text: str, language: str, kinds: Iterable[str] | None = None, countries: Iterable[str] | None = None, elsewhere: bool = False) -> list[Found]:
    """Everything sensitive in `text` of the named kinds (default all) and `countries` (default
    every country known; with `elsewhere`, other countries' after a word, see `Scope`), in order
    and without overlaps.

    Every detector runs, in precedence order, whatever `kinds` asks for: the digits of an IBAN
    ("GB52 NWBK 3878 6554 4136 82") can pass Luhn and a card number can hold a valid personnummer,
    and a value is only ever what the first detector that claims it says it is.
    """
    return found_in(text, scope_of(language, countries, elsewhere), None if kinds is None else frozenset(kinds))


def scope_of(language: str, countries: Iterable[str] | None = None, elsewhere: bool = False) -> Scope:
    """What `find_sensitive` looks for (see there), made once for the turns of one interaction."""
    return Scope(language, ALL if countries is None else frozenset(c.upper() for c in countries), elsewhere)


def found_in(text: str, scope: Scope, kinds: frozenset[str] | None = None) -> list[Found]:
    """`find_sensitive` with the scope made: a criterion asks about every turn of its speaker."""
    found = _all_sensitive(text, scope)
    return list(found) if kinds is None else [f for f in found if f.kind in kinds]


@lru_cache(maxsize=4096)  # several criteria, and the redaction of their evidence, ask about the same turn
def _all_sensitive(text: str, scope: Scope) -> tuple[Found, ...]:
    found: list[Found] = []  # kept sorted by start, without overlaps
    for detector in registered_detectors().values():  # precedence order
        for f in detector.detect(text, scope):
            i = bisect.bisect_left(found, f.start, key=lambda g: g.start)
            if (i == 0 or found[i - 1].end <= f.start) and (i == len(found) or f.end <= found[i].start):
                found.insert(i, f)
    return tuple(found)


def redact(text: str, language: str, countries: Iterable[str] | None = None, elsewhere: bool = False) -> str:
    """`text` with every sensitive value replaced by its redacted form."""
    out, last = [], 0
    for f in find_sensitive(text, language, countries=countries, elsewhere=elsewhere):
        out += [text[last : f.start], f.redacted]
        last = f.end
    return "".join(out) + text[last:]


def redact_any_language(text: str) -> str:
    """`text` redacted for number and e-mail words of every language: for text whose language is not
    known, such as a quarantined record that could not be read."""
    for language in LANGUAGES:
        text = redact(text, language)
    return text


def mask_long_numbers(text: str, digits: int = 6) -> str:
    """Every run of `digits` or more digits (written or spoken, any language) replaced by
    "[number]": for excerpts cut at a fixed length, where half a card number passes no check."""
    for language in LANGUAGES:
        spans = [(run[0].start, run[-1].end) for run in number_runs(text, language) if len(digits_of(run)) >= digits]
        for start, end in reversed(spans):
            text = text[:start] + "[number]" + text[end:]
    return text
