"""Phone numbers of any region, validated by phonenumbers (Google's libphonenumber).

- International: after "+" or "plus" ("+46 70 123 45 67", "plus four six ..."), valid anywhere; with
  the prefix 00 ("0046 ..."), also only after a phone word (customer numbers start with 00 too).
- National, after a phone word ("my mobile is 070 123 45 67", said or written): valid in a country in
  scope; or, with the trunk prefix 0 and a scope that takes other countries after a word
  (`Scope.elsewhere`), valid anywhere in `countries.COUNTRIES` (a customer may give a foreign number);
  or 9-12 digits of a length numbers have in a country in scope (the word says it is a phone
  number: a caller's "546 158 1578" is one, though no US exchange starts with 1).
- National, written in groups exactly as its country writes it ("070-123 45 67", "(977) 625-2661"),
  9-12 digits, of a length numbers have in a country in scope: no phone word needed, unless a word
  says it is something else ("account 020 7946 0958", "personnummer 811218-9876").
A number that is a whole valid card number is a card number, not a phone number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from scorers.sensitive.context import nearest_before, plus_before
from scorers.sensitive.countries import ALL, in_order
from scorers.sensitive.detectors.payment_card import valid_card
from scorers.sensitive.registry import Found, Scope, register_detector
from scorers.sensitive.spoken import NumberToken, best, digits_of, number_runs

REDACTED = "[phone number]"


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


def _after_phone_word(number: str, scope: Scope) -> str | None:
    """The region of a number said after a phone word (see the module's docstring), likeliest first."""
    likely = in_order(scope.countries, scope.language)
    abroad = sorted(ALL - scope.countries) if scope.elsewhere and number.startswith("0") else []
    tries = [(r, False) for r in likely + abroad] + [(r, True) for r in likely if 9 <= len(number) <= 12]  # not a card's 13-19
    return next((found for r, possible in tries if (found := _region(number, r, possible)) is not None), None)


def _written_as_in(raw: str, number: str, scope: Scope) -> str | None:
    """The region in scope whose way of writing its numbers `raw` follows exactly."""
    for region in in_order(scope.countries, scope.language):
        if _region(number, region, possible=True) is not None:
            formatted = phonenumbers.format_number(phonenumbers.parse(number, region), PhoneNumberFormat.NATIONAL)
            written = re.findall(r"\d+", raw)
            if len(written) > 1 and written == re.findall(r"\d+", formatted):  # in groups, as there
                return region
    return None


def _phone(text: str, run: tuple[NumberToken, ...], scope: Scope) -> Found | None:
    """The phone number a run is, by the rules of the module's docstring, in their order."""
    start, end = run[0].start, run[-1].end
    plus = plus_before(text, start)
    said = nearest_before(text, start, scope.language)
    if plus is not None or (said == "phone" and run[0].digits.startswith("00")):
        def international(digits: str) -> str | None:
            return _region(digits if plus is not None else digits[2:], None)

        number = best(run, lambda d: international(d) is not None)
        if number is None:
            return None  # "+46 00 000 00 00": no number of any region
        return Found("phone", plus.start() if plus is not None else start, end, REDACTED, international(number))
    if valid_card(digits_of(run)):
        return None  # a whole card number ("my number is five three four seven ..."), not a phone number with a digit left off
    if said == "phone" and (number := best(run, lambda d: _after_phone_word(d, scope) is not None)) is not None:
        return Found("phone", start, end, REDACTED, _after_phone_word(number, scope))
    # Written in a phone number's groups ("the phone number linked to my account is 281-277-5882",
    # "(977) 625-2661"), unless a word says it is something else.
    if said in (None, "phone") and not any(t.spoken for t in run) and 9 <= len(number := digits_of(run)) <= 12:
        if (region := _written_as_in(text[start:end], number, scope)) is not None:
            return Found("phone", start - (text[start - 1 : start] == "("), end, REDACTED, region)
    return None


@register_detector("phone", precedence=25)  # before cards: "+49 15031 602852" passes Luhn as a Visa number
def phones(text: str, scope: Scope) -> Iterator[Found]:
    """Phone numbers of any region (phonenumbers)."""
    for run in number_runs(text, scope.language):
        if len(digits_of(run)) >= 7 and (found := _phone(text, run, scope)) is not None:
            yield found
