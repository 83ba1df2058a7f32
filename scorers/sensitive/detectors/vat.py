"""VAT numbers of the EU member states, the UK, Norway and Switzerland, validated by python-stdnum.
A VAT number counts with its country prefix ("DE 136 695 976", or the letters spoken before the
digits): without it, a random number passes some country's check about one time in ten. The prefix
names the country, so every country's VAT numbers count, whatever the criterion's countries.
(Iceland's VAT numbers have no check digit and are not recognised.)"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

from stdnum.eu import vat as eu_vat
from stdnum.util import get_cc_module

from scorers.sensitive.detectors.iban import LETTERS_BEFORE
from scorers.sensitive.registry import Found, Scope, best, register_detector
from scorers.sensitive.spoken import number_runs

PREFIXES = tuple(sorted({"EL" if cc == "gr" else cc.upper() for cc in eu_vat.MEMBER_STATES} | {"GB", "NO", "CHE"}, key=lambda p: (-len(p), p)))
# Written as on an invoice: upper-case prefix, then digits and capitals with single separators
# ("ATU13585627", "ESA13585625", "CHE-107.787.577").
_WRITTEN = re.compile(rf"(?<![^\W\d_])({'|'.join(PREFIXES)})[ .-]?(?=[0-9A-Z]?[0-9])")


@cache
def _validator(prefix: str) -> Callable[[str], bool]:
    if prefix.lower() in eu_vat.MEMBER_STATES or prefix == "EL":
        return lambda number: eu_vat.is_valid(prefix + number)
    if prefix == "CHE":
        return lambda number: get_cc_module("ch", "vat").is_valid(prefix + number)
    return get_cc_module(prefix.lower(), "vat").is_valid


def _valid(prefix: str, number: str) -> bool:
    return 5 <= len(number) <= 14 and _validator(prefix)(number)


def _country(prefix: str) -> str:
    return {"EL": "GR", "XI": "GB", "CHE": "CH"}.get(prefix, prefix)


@register_detector("vat", precedence=20)
def vat_numbers(text: str, scope: Scope) -> Iterator[Found]:
    """VAT numbers with their country prefix (python-stdnum)."""
    for m in _WRITTEN.finditer(text):
        prefix, number, i, end = m.group(1), "", m.end(), None
        while i < len(text) and len(number) < 14:
            if text[i] in " .-" and i + 1 < len(text) and text[i + 1].isalnum():
                i += 1
            if not (text[i].isdigit() or "A" <= text[i] <= "Z"):
                break
            number += text[i]
            i += 1
            if (i == len(text) or not text[i].isalnum()) and _valid(prefix, number):  # at the end of a group
                end = i
        if end is not None:
            yield Found("vat", m.start(), end, f"[VAT number {prefix}]", _country(prefix))
    for run in number_runs(text, scope.language):
        if not any(t.spoken for t in run) or (letters := LETTERS_BEFORE.search(text, max(0, run[0].start - 10), run[0].start)) is None:
            continue
        prefix = (letters.group(1) + letters.group(2)).upper()
        if prefix in PREFIXES and (hit := best(run, lambda digits: _valid(prefix, digits))) is not None:
            yield Found("vat", letters.start(), hit[1], f"[VAT number {prefix}]", _country(prefix))
