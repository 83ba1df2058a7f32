"""The countries whose personal ids, VAT numbers and phone numbers are recognised, and which of
them an interaction's language and metadata make likely.

Every EU and EEA member state and the UK (and the US, whose phone numbers and social security
numbers appear in English calls) with the personal id python-stdnum validates. Where a random
number of an id's length passes its check more often than 1 in 200 (measured, see
`tests/scorers/sensitive/test_countries.py`), the id counts only after a word that names an id
("personnummer", "PESEL", "social security"), as national phone numbers count only after a phone
word. No validator exists for the personal ids of Cyprus, Hungary, Luxembourg, Malta and
Liechtenstein (python-stdnum has none, or only one any number passes): their VAT numbers and phone
numbers are recognised, their personal ids are not. Ids written with letters (IE, IT, ES, PT) are
measured against random strings of their shape: only Finland's date and check character pass
rarely enough to count without a word.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass(frozen=True)
class PersonalId:
    module: str  # python-stdnum module: "se.personnummer"
    name: str
    lengths: tuple[int, ...] = ()  # digit counts, for ids made of digits only (read from number runs)
    pattern: str | None = None  # a regex of the written id, for ids with letters or a fixed shape
    needs_context: bool = False  # a random number (or string of its shape) passes more often than 1 in 200
    words: tuple[str, ...] = ()  # where set, only these words name it (regular expressions)

    @property
    def is_valid(self) -> Callable[[str], bool]:
        return _module(self.module).is_valid


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166 alpha-2, also the phone region
    name: str
    ids: tuple[PersonalId, ...] = ()


COUNTRIES: dict[str, Country] = {c.code: c for c in (
    Country("AT", "Austria", (PersonalId("at.vnr", "Versicherungsnummer", (10,), needs_context=True),)),  # 8.4 %
    Country("BE", "Belgium", (PersonalId("be.nn", "numéro national", (11,)),)),
    Country("BG", "Bulgaria", (PersonalId("bg.egn", "EGN", (10,), needs_context=True),)),  # 1.2 %
    Country("HR", "Croatia", (PersonalId("hr.oib", "OIB", (11,), needs_context=True),)),  # 9.9 %
    Country("CY", "Cyprus"),
    Country("CZ", "Czechia", (PersonalId("cz.rc", "rodné číslo", (9, 10), needs_context=True),)),  # 15 % / 2 %
    Country("DK", "Denmark", (PersonalId("dk.cpr", "CPR", (10,), needs_context=True),)),  # 3.2 %
    Country("EE", "Estonia", (PersonalId("ee.ik", "isikukood", (11,)),)),
    Country("FI", "Finland", (PersonalId("fi.hetu", "henkilötunnus", pattern=r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]"),)),
    Country("FR", "France", (PersonalId("fr.nir", "NIR", (15,), needs_context=True),)),  # 0.8 %
    Country("DE", "Germany", (PersonalId("de.idnr", "Steuer-ID", (11,)),)),
    Country("GR", "Greece", (PersonalId("gr.amka", "AMKA", (11,)),)),
    Country("HU", "Hungary"),
    Country("IE", "Ireland", (PersonalId("ie.pps", "PPS number", pattern=r"\d{7}[A-W][A-IW]?", needs_context=True),)),  # 4.1 %
    Country("IT", "Italy", (PersonalId("it.codicefiscale", "codice fiscale", pattern=r"[A-Z]{6}[0-9LMNP-V]{2}[A-EHLMPR-T][0-9LMNP-V]{2}[A-Z][0-9LMNP-V]{3}[A-Z]", needs_context=True),)),  # 3 %
    Country("LV", "Latvia", (PersonalId("lv.pvn", "personas kods", (11,), needs_context=True),)),  # 6 %
    Country("LT", "Lithuania", (PersonalId("lt.asmens", "asmens kodas", (11,), needs_context=True),)),  # 1.5 %
    Country("LU", "Luxembourg"),
    Country("MT", "Malta"),
    Country("NL", "Netherlands", (PersonalId("nl.bsn", "BSN", (9,), needs_context=True),)),  # 9 %
    Country("PL", "Poland", (PersonalId("pl.pesel", "PESEL", (11,), needs_context=True),)),  # 1.9 %
    Country("PT", "Portugal", (PersonalId("pt.cc", "Cartão de Cidadão", pattern=r"\d{8} ?\d ?[A-Z][A-Z0-9]\d", needs_context=True),)),  # 10 %
    Country("RO", "Romania", (PersonalId("ro.cnp", "CNP", (13,)),)),
    Country("SK", "Slovakia", (PersonalId("sk.rc", "rodné číslo", (9, 10), needs_context=True),)),  # 15 % / 2 %
    Country("SI", "Slovenia", (PersonalId("si.emso", "EMŠO", (13,)),)),
    Country("ES", "Spain", (PersonalId("es.dni", "DNI", pattern=r"\d{8}-?[A-Z]", needs_context=True),  # 3.9 %
                            PersonalId("es.nie", "NIE", pattern=r"[XYZ]-?\d{7}-?[A-Z]", needs_context=True))),  # 3.7 %
    Country("SE", "Sweden", (PersonalId("se.personnummer", "personnummer", (10, 12)),)),
    Country("IS", "Iceland", (PersonalId("is_.kennitala", "kennitala", (10,)),)),
    Country("LI", "Liechtenstein"),
    Country("NO", "Norway", (PersonalId("no.fodselsnummer", "fødselsnummer", (11,)),)),
    # The NINO has no check digit and no python-stdnum module: its shape is checked (`national_id`).
    Country("GB", "United Kingdom", (PersonalId("gb.nhs", "NHS number", (10,), needs_context=True),)),  # 9 %
    # No check digit at all (89 % of 9-digit numbers pass): only its own name says what it is.
    Country("US", "United States", (PersonalId("us.ssn", "social security number", (9,), needs_context=True, words=("social security", "ssn", r"ss ?#", "ss number")),)),
)}  # fmt: skip
ALL = frozenset(COUNTRIES)
# Where customers who speak a language live, most often: their numbers count without a phone word
# when written as that country writes them, and their ids are looked for by default.
LIKELY: dict[str, tuple[str, ...]] = {  # likeliest first
    "en": ("GB", "US", "IE", "MT", "CY"),
    "de": ("DE", "AT", "LU", "BE", "LI"),
    "sv": ("SE", "FI"),
    "fr": ("FR", "BE", "LU"),
}
METADATA_KEYS = ("country", "customer_country")  # interaction metadata naming the customer's country


def likely_countries(language: str, metadata: Mapping[str, Any] | None = None) -> frozenset[str]:
    """The language's countries, and those the interaction's metadata names (`country`,
    `customer_country`: a code or a list of codes; unknown codes are ignored)."""
    named: set[str] = set()
    for key in METADATA_KEYS:
        value = (metadata or {}).get(key)
        for code in [value] if isinstance(value, str) else value if isinstance(value, list) else []:
            if isinstance(code, str) and code.strip().upper() in COUNTRIES:
                named.add(code.strip().upper())
    return frozenset(LIKELY.get(language, ALL)) | named


def in_order(countries: frozenset[str], language: str) -> list[str]:
    """`countries`, those likely for `language` first: a number valid in several is named after
    the likeliest (a French 06 number is French, though German numbers start with 06 too)."""
    likely = LIKELY.get(language, ())
    return sorted(countries, key=lambda code: (likely.index(code) if code in likely else len(likely), code))


def unknown_codes(codes: Iterable[str]) -> list[str]:
    return sorted(c for c in codes if c.upper() not in COUNTRIES)


@cache
def _module(name: str) -> Any:
    return importlib.import_module(f"stdnum.{name}")
