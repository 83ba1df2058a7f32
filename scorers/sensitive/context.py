"""Words that say what a number is, looked for just before it.

A national phone number ("070 123 45 67"), an id whose check a random number passes too often
(`countries.PersonalId.needs_context`), and a card number whose check digit is wrong count only
after one of these words: account, order and social-security numbers also start with 0 (seen in the
DSTC11 calls), and a customer who reads out a card number with a digit wrong still reads out a card
number. Words match at the start of a word, so compounds count ("Telefonnummer", "kortnumret").
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

Topic = Literal["phone", "card", "id"]
REACH = 60  # characters before the number

WORDS: dict[Topic, dict[str, tuple[str, ...]]] = {
    "phone": {
        "en": ("phone", "telephone", "mobile", "cell", "call me", "reach me", "text me", "landline"),
        "de": ("telefon", "handy", "mobil", "rufnummer", "erreichen", "anrufen", "zurückrufen", "festnetz"),
        "sv": ("telefon", "mobil", "ring", "nå mig", "sms", "nummer till mig"),
        "fr": ("téléphone", "portable", "mobile", "joindre", "appeler", "rappeler", "fixe"),
    },
    "card": {
        "en": ("card", "visa", "mastercard", "amex", "american express"),
        "de": ("karte", "kreditkarte", "kartennummer", "visa", "mastercard"),
        "sv": ("kort", "kreditkort", "visa", "mastercard"),
        "fr": ("carte", "visa", "mastercard", "cb"),
    },
    "id": {
        "en": ("id", "identity", "identification", "personal number", "national insurance", "ni number",
               "social security", "ssn", "ss#", "ss number", "nhs", "pps", "tax number", "tax id", "passport", "personal code",
               "birth number"),
        "de": ("ausweis", "identifikation", "id", "steuer", "sozialversicherung", "versicherungsnummer",
               "personennummer", "persönliche nummer", "geburtsnummer", "personalnummer"),
        "sv": ("personnummer", "person nummer", "samordningsnummer", "id", "legitimation", "födelsenummer", "personbeteckning"),
        "fr": ("identité", "identification", "id", "sécu", "sécurité sociale", "nir", "numéro fiscal", "numéro national", "registre national"),
    },
}  # fmt: skip
# The ids' own names, in any language.
ID_NAMES = ("pesel", "bsn", "burgerservicenummer", "oib", "egn", "cpr", "cnp", "emšo", "emso", "amka", "hetu",
            "henkilötunnus", "kennitala", "asmens", "isikukood", "rodné", "fødselsnummer", "personas kods", "nino", "svnr")  # fmt: skip


@cache
def _pattern(topic: Topic, language: str) -> re.Pattern[str]:
    words = WORDS[topic].get(language, WORDS[topic]["en"]) + (ID_NAMES if topic == "id" else ())
    # At the start of a word; short words ("id", "sms", "cb") must be whole words.
    alternatives = sorted((re.escape(w) + (r"(?![^\W\d_])" if len(w) <= 3 else "") for w in words), key=len, reverse=True)
    return re.compile(rf"(?<![^\W\d_])(?:{'|'.join(alternatives)})", re.IGNORECASE)


def said_before(text: str, start: int, topic: Topic, language: str) -> bool:
    """Whether a word of `topic` is said in the `REACH` characters before `start`."""
    return _pattern(topic, language).search(text, max(0, start - REACH), start) is not None


def nearest_before(text: str, start: int, topics: tuple[Topic, ...], language: str) -> Topic | None:
    """Of `topics`, the one whose word is said closest before `start` (within `REACH`): in
    "personnummer 880320-0016, ring 070-123 45 67" the second number is a phone number."""
    best: tuple[int, Topic] | None = None
    for topic in topics:
        for m in _pattern(topic, language).finditer(text, max(0, start - REACH), start):
            if best is None or m.end() > best[0]:
                best = (m.end(), topic)
    return None if best is None else best[1]
