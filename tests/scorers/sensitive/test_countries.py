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


def _draw(rng: random.Random, shape: str) -> str:
    """A random string of `shape`: d a digit, L a capital, l one of the letters after ':'."""
    shape, _, letters = shape.partition(":")
    return "".join(rng.choice("0123456789") if c == "d" else rng.choice(letters or "ABCDEFGHIJKLMNOPQRSTUVWXYZ") if c in "Ll" else c for c in shape)


# The written shapes of the ids with letters, as their patterns in `countries` accept them.
SHAPES = {
    "ie.pps": "dddddddL:ABCDEFGHIJKLMNOPQRSTUVW",
    "es.dni": "ddddddddL",
    "es.nie": "XdddddddL",
    "it.codicefiscale": "LLLLLLddLddLdddL",
    "pt.cc": "dddddddddLLd",
    "fi.hetu": "dddddd-dddL:0123456789ABCDEFHJKLMNPRSTUVWXY",
}


@pytest.mark.parametrize("pid", [pid for c in COUNTRIES.values() for pid in c.ids if pid.pattern], ids=lambda pid: pid.module)
def test_ids_with_letters_are_measured_against_strings_of_their_shape(pid) -> None:
    rng = random.Random(pid.module)
    draws = 4000
    rate = sum(pid.is_valid(_draw(rng, SHAPES[pid.module])) for _ in range(draws)) / draws
    assert pid.needs_context == (rate > 1 / 200), rate
