"""What customers of a sample day read out: card numbers, IBANs, Swedish personal identity numbers
and new contact details, written or as speech-to-text writes them when spoken."""

from __future__ import annotations

import random

from stdnum import luhn

from scorers.sensitive import DIGIT_WORDS
from touchstone.sample_data.phrases import IBAN_COUNTRY, TEXT

HANDLES = ("sunny", "meadow", "river", "stone", "maple", "cedar", "harbor", "willow")


def card_number(rng: random.Random) -> str:
    """A Luhn-valid 16-digit card number (Visa or Mastercard range), as 4 groups."""
    digits = rng.choice("45") + "".join(rng.choice("0123456789") for _ in range(14))
    check = next(d for d in "0123456789" if luhn.is_valid(digits + d))
    number = digits + check
    return " ".join(number[i : i + 4] for i in range(0, 16, 4))


def spoken(number: str, lang: str) -> str:
    """A number as speech-to-text writes digits read one by one: 'four five three nine ...'."""
    words = {}
    for word, digit in DIGIT_WORDS[lang].items():
        words.setdefault(digit, word)  # the first (most common) word per digit
    return " ".join(words[d] for d in number if d.isdigit())


def iban(rng: random.Random, lang: str) -> str:
    """A valid IBAN of the language's country (ISO 13616 check digits), grouped by four."""
    country, bank, digits = IBAN_COUNTRY[lang]
    bban = bank + "".join(rng.choice("0123456789") for _ in range(digits))
    numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    compact = f"{country}{98 - int(numeric) % 97:02d}{bban}"
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def personnummer(rng: random.Random) -> str:
    """A valid Swedish personal identity number, YYMMDD-NNNC."""
    stem = f"{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    check = next(d for d in "0123456789" if luhn.is_valid(stem + d))
    return f"{stem[:6]}-{stem[6:]}{check}"


def contact_value(rng: random.Random, lang: str, kind: str, spoken_form: bool) -> str:
    """A new e-mail address, phone number or IBAN as a customer would say it."""
    if kind == "iban":
        return iban(rng, lang)
    if kind == "email":
        dot, at, tld = TEXT[lang]["email_words"]
        first, second = rng.sample(HANDLES, 2)
        return f"{first} {dot} {second} {at} example {dot} {tld}" if spoken_form else f"{first}.{second}@example.{tld}"
    number = f"07{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    return spoken(number, lang) if spoken_form else number
