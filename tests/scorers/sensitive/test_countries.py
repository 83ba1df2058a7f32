"""The countries' ids: which need an id word is measured, not guessed; likely countries."""

from __future__ import annotations

import random

import pytest

from scorers.sensitive.countries import COUNTRIES, likely_countries

EU_EEA_UK = set("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO GB".split())


def test_every_eu_and_eea_state_and_the_uk() -> None:
    assert EU_EEA_UK <= set(COUNTRIES)
    without_id = {code for code, country in COUNTRIES.items() if not country.ids}
    assert without_id == {"CY", "HU", "LU", "MT", "LI"}  # no python-stdnum validator (named in the module)


@pytest.mark.parametrize("pid", [pid for c in COUNTRIES.values() for pid in c.ids if pid.lengths], ids=lambda pid: pid.module)
def test_an_id_word_is_needed_exactly_where_random_numbers_pass_too_often(pid) -> None:
    rng = random.Random(pid.module)
    draws = 4000
    rate = max(sum(pid.is_valid("".join(rng.choice("0123456789") for _ in range(n))) for _ in range(draws)) / draws for n in pid.lengths)
    assert pid.needs_context == (rate > 1 / 200) or 0.0025 < rate < 0.0075, rate  # near the line, either is right


@pytest.mark.parametrize(
    ("language", "metadata", "expected"),
    [
        ("sv", {}, {"SE", "FI"}),
        ("de", {"country": "ch"}, {"DE", "AT", "LU", "BE", "LI"}),  # not a known country: ignored
        ("fr", {"customer_country": ["PL", "xx"]}, {"FR", "BE", "LU", "PL"}),
        ("en", {"country": "se"}, {"GB", "IE", "MT", "CY", "US", "SE"}),
    ],
)
def test_likely_countries(language: str, metadata: dict, expected: set[str]) -> None:
    assert likely_countries(language, metadata) == expected
