"""Words that say what a number is, looked for just before it.

A national phone number ("070 123 45 67"), an id whose check a random number passes too often
(`countries.PersonalId.needs_context`), and a card number whose check digit is wrong count only
after one of these words: account, order and social-security numbers also start with 0 (seen in the
DSTC11 calls), and a customer who reads out a card number with a digit wrong still reads out a card
number. The word said nearest before a number decides (`nearest_before`): "your phone bill for
account 1234567890" is an account number, "personnummer 880320-0016, ring mig på 070-123 45 67"
holds an id and a phone number.

Entries are regular expressions matched as whole words, so compounds are named ("telefonnummer",
"handynummer"), and "Telefonrechnung", "Handyvertrag" or "Kunden-ID" name no phone or id.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Literal

Topic = Literal["phone", "card", "id", "other"]
REACH = 60  # characters before the number

WORDS: dict[Topic, dict[str, tuple[str, ...]]] = {
    "phone": {
        "en": (r"(?:tele)?phone(?: number)?", r"mobile(?: number)?", r"cell(?: ?phone)?", "landline", "call me", "reach me",
               "text me", r"call (?:me|you) back on", r"(?:my|your) number"),
        "de": (r"telefon(?:nummer)?", r"handy(?:nummer)?", r"mobil(?:nummer|funknummer)?", r"\w*rufnummer", r"festnetz(?:nummer)?",
               "erreichen", "erreichbar", "anrufen", r"zurückrufen", r"rufen sie (?:mich|uns)(?: an)?(?: unter)?", r"unter der nummer",
               r"(?:meine|ihre) nummer"),
        "sv": (r"telefon(?:nummer|numret)?", r"mobil(?:nummer|numret|en)?", r"ring(?:a)? (?:mig|dig|oss)", r"når? (?:mig|dig)", "sms",
               r"hemnummer|hemnumret", r"(?:mitt|ditt) nummer"),
        "fr": (r"téléphone", r"portable", r"mobile", r"fixe", r"(?:me|vous|nous) (?:joindre|appeler|rappeler)", r"joignable",
               r"(?:appelez|rappelez)-(?:moi|nous)", r"(?:mon|votre) numéro"),
    },
    "card": {
        "en": (r"(?:credit |debit )?cards?(?: number)?", "visa", "mastercard", "amex", "american express"),
        "de": (r"\w*karte(?:nnummer)?", "visa", "mastercard"),
        "sv": (r"\w*kort(?:et|nummer|numret)", "kreditkort", "mastercard"),  # "kort" alone is "short"; "visa" is "show"
        "fr": (r"carte(?: bancaire| de crédit)?", r"numéro de carte", "visa", "mastercard", "cb"),
    },
    "id": {
        "en": (r"id (?:number|card)", r"(?:national|personal) id", "identity", "identification", "personal number",
               "national insurance", r"ni number", "nhs", "pps", r"tax (?:number|id)", "passport", "personal code", "birth number"),
        "de": (r"\w*ausweis(?:nummer)?", r"steuer-?id", r"steuer(?:identifikations)?nummer", r"identifikationsnummer",
               r"\w*versicherungsnummer", r"personenkennziffer", r"geburtsnummer", r"personennummer"),
        "sv": (r"person ?numm?(?:er|ret)", r"samordningsnumm?(?:er|ret)", r"id-numm?(?:er|ret)", "legitimation", "personbeteckning"),
        "fr": (r"numéro d'identité", r"carte d'identité", "sécu", "sécurité sociale", "nir", r"numéro (?:fiscal|national)", "registre national"),
    },
    # Numbers that are none of the above: said nearer, they win ("phone bill for account 1234567890").
    "other": {
        "en": ("account", "order", "contract", "invoice", "reference", "ref", r"customer (?:number|id)", "case", "ticket", "policy",
               "claim", "booking", "transaction", r"order id", "check", "tracking", "pin", "membership", "member", "serial", "parcel"),
        "de": (r"\w*konto(?:nummer)?", r"\w*bestell(?:ung|nummer)", r"\w*vertrag(?:snummer)?", r"\w*rechnung(?:snummer)?",
               r"referenz(?:nummer)?", r"kunden(?:nummer|-id)", r"auftrag(?:snummer)?", "vorgang", r"\w*ticket", "police", "pin",
               r"\w+nummer", r"\w+-nr\.?"),  # any other "...nummer": Vorgangs-, Sendungs-, Buchungsnummer
        "sv": ("konto", "order", "faktura", "ärende", "avtal", "referens", "bokning", "pin", "ocr", r"\w+numm?(?:er|ret)"),
        "fr": ("compte", "commande", "contrat", "facture", "référence", "dossier", r"numéro client", "réservation", "police",
               "sinistre", "code pin", r"numéro (?:de |d')\w+"),  # "numéro de suivi", "numéro de colis"
    },
}  # fmt: skip
# The ids' own names, in any language.
ID_NAMES = ("pesel", "bsn", "burgerservicenummer", "oib", "egn", "cpr", "cnp", "emšo", "emso", "amka", "hetu",
            "henkilötunnus", "kennitala", "asmens kodas", "isikukood", "rodné číslo", "fødselsnummer", "personas kods", "nino",
            "svnr", "social security", "ssn", r"ss ?#", "ss number", "codice fiscale", "dni", "nie", "cartão de cidadão")  # fmt: skip


@cache
def _pattern(topic: Topic, language: str) -> re.Pattern[str]:
    if topic == "id":  # an id is named in the caller's language or its own: "my Steuer-ID is ..." in English
        return words_pattern(tuple(w for words in WORDS["id"].values() for w in words) + ID_NAMES)
    return words_pattern(WORDS[topic].get(language, WORDS[topic]["en"]))


# What may stand between a word of another number and the number for the word to name it: right
# after it ("account 1234567890", "contract number: 7654321", "dossier n° 123"), or after a verb
# ("Vorgangsnummer ist 8609...", which a phone, card or id word said earlier overrides: "the mobile
# number on my account is 07911 123456").
_LABEL = re.compile(r"(?:\s|[:#.,-]|n°|no|nr|number|nummer|numret|numéro)*", re.IGNORECASE)
_LABEL_WITH_VERB = re.compile(r"(?:\s|[:#.,-]|n°|no|nr|number|nummer|numret|numéro|is|was|ist|lautet|war|är|var|est|c'est|le|la|du)*", re.IGNORECASE)


@cache
def words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Any of `words` (regular expressions) as a whole word, case-insensitively."""
    return re.compile(rf"(?<![^\W\d_])(?:{'|'.join(sorted(words, key=len, reverse=True))})(?![^\W\d_])", re.IGNORECASE)


_PLUS = re.compile(r"(?:\+|(?<![^\W\d_])plus[\s,]+)\s*$", re.IGNORECASE)


def plus_before(text: str, start: int) -> re.Match[str] | None:
    """The "+" or "plus" said just before `start`: what follows is dialled, a phone number or nothing."""
    return _PLUS.search(text, max(0, start - 8), start)


@lru_cache(maxsize=4096)  # the phone, card and id detectors each ask about the same run
def nearest_before(text: str, start: int, language: str) -> Topic | None:
    """The topic whose word is said closest before `start` (within `REACH`): in "personnummer
    880320-0016, ring mig på 070-123 45 67" the second number is a phone number. At the same place,
    a longer word wins ("ID card" is an id; "votre numéro de suivi" is no phone number). A word of
    another number counts only where it names this one (`_LABEL`), and only after a verb where no
    phone, card or id word is said before it."""
    specific: tuple[int, int, Topic] | None = None  # (end, -start, topic)
    other: tuple[int, int, bool] | None = None  # (end, start, named right before the number)
    for topic in WORDS:
        for m in _pattern(topic, language).finditer(text, max(0, start - REACH), start):
            if topic != "other":
                if specific is None or (m.end(), -m.start()) > specific[:2]:
                    specific = (m.end(), -m.start(), topic)
            elif (tight := _LABEL.fullmatch(text, m.end(), start) is not None) or _LABEL_WITH_VERB.fullmatch(text, m.end(), start):
                if other is None or m.end() > other[0]:
                    other = (m.end(), m.start(), tight)
    if other is not None:
        if specific is None or (other[0] > specific[0] and (other[2] or other[1] < specific[0])):
            return "other"  # named right before; or the same phrase, longer
    return None if specific is None else specific[2]
