"""VAT numbers of the EU member states, the UK, Norway and Switzerland, validated by python-stdnum.
A VAT number counts with its country prefix, written in capitals ("DE 136 695 976", "ATU13585627")
or spelled before the number ("D E eins drei sechs ..."): without it, a random number passes some
country's check about one time in ten. The prefix names the country, so every country's VAT numbers
count, whatever the criterion's countries. (Iceland's VAT numbers have no check digit.)"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

from stdnum.eu import vat as eu_vat
from stdnum.util import get_cc_module

from scorers.sensitive.prefixed import groups, spelled_before
from scorers.sensitive.registry import Found, Scope, register_detector
from scorers.sensitive.spoken import best, number_runs

PREFIXES = tuple(sorted({"EL" if cc == "gr" else cc.upper() for cc in eu_vat.MEMBER_STATES} | {"GB", "NO", "CHE"}, key=lambda p: (-len(p), p)))
# As on an invoice: the prefix in capitals, then the number ("ATU13585627", "ESA13585625", "CHE-107.787.577").
_WRITTEN = re.compile(rf"(?<![^\W\d_])({'|'.join(PREFIXES)})[ .-]?(?=[0-9A-Z]?[ .-]?[0-9])")


@cache
def _validator(prefix: str) -> Callable[[str], bool]:
    if prefix.lower() in eu_vat.MEMBER_STATES or prefix == "EL":
        return lambda number: eu_vat.is_valid(prefix + number)
    if prefix == "CHE":
        return lambda number: get_cc_module("ch", "vat").is_valid(prefix + number)
    return get_cc_module(prefix.lower(), "vat").is_valid


def _valid(prefix: str, number: str) -> bool:
    """A VAT number python-stdnum accepts for the country of `prefix`."""
    return 5 <= len(number) <= 14 and _validator(prefix)(number)


def _country(prefix: str) -> str:
    return {"EL": "GR", "XI": "GB", "CHE": "CH"}.get(prefix, prefix)


@register_detector("vat", precedence=20)
def vat_numbers(text: str, scope: Scope) -> Iterator[Found]:
    """VAT numbers with their country prefix (python-stdnum)."""
    for m in _WRITTEN.finditer(text):
        prefix = m.group(1)
        valid = [end for number, end in groups(text, m.end(), 14) if _valid(prefix, number)]
        if valid:
            yield Found("vat", m.start(), valid[-1], f"[VAT number {prefix}]", _country(prefix))
    for run in number_runs(text, scope.language):
        if (spelled := spelled_before(text, run)) is not None and spelled[0] in PREFIXES:
            prefix, start = spelled
            if best(run, lambda digits: _valid(prefix, digits)) is not None:
                yield Found("vat", start, run[-1].end, f"[VAT number {prefix}]", _country(prefix))
