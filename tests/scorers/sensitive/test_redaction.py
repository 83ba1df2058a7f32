"""Which detector a value belongs to when several could claim it, and redaction."""

from __future__ import annotations

import random

import pytest

from scorers.sensitive import find_sensitive, mask_long_numbers, redact, redact_any_language
from touchstone.sample_data import card_number, spoken

VISA = "4539 1488 0343 6467"


def test_the_digits_of_an_iban_are_not_a_card() -> None:
    # Found on a generated day: 5238 7865 5441 3682 inside this IBAN passes Luhn.
    text = "So your bank account is GB52 NWBK 3878 6554 4136 82, correct?"
    assert find_sensitive(text, "en", ["payment_card"]) == []
    assert [f.kind for f in find_sensitive(text, "en")] == ["iban"]


@pytest.mark.parametrize("language", ["sv", "de", "fr", "en"])
def test_the_digits_of_a_card_are_not_a_national_id_or_a_phone(language: str) -> None:
    # Found on a generated day: a Swedish agent reading back a card number was also "reading a personnummer".
    cards = [card_number(random.Random(n)) for n in range(300)]
    said = [f"{spoken(card, language) if n % 2 else card}" for n, card in enumerate(cards)]
    assert all(find_sensitive(text, language, ["national_id", "phone", "vat"]) == [] for text in said)
    assert all([f.kind for f in find_sensitive(text, language)] == ["payment_card"] for text in said)


def test_a_number_after_a_phone_word_is_a_phone_even_if_it_passes_an_id_check() -> None:
    # 03012345678 passes the Greek AMKA's check.
    assert [f.kind for f in find_sensitive("Meine Telefonnummer ist 030 1234 5678.", "de")] == ["phone"]


def test_redact_keeps_the_rest_of_the_text() -> None:
    assert redact(f"Card {VISA} noted.", "en") == "Card [card number ending 6467] noted."
    text = "VAT DE136695976, personnummer 880320-0016, ring 070-123 45 67, IBAN SE45 5000 0000 0583 9825 7466"
    assert redact(text, "sv") == "VAT [VAT number DE], personnummer [national id], ring [phone number], IBAN [IBAN SE]"


def test_only_the_named_detectors_are_used() -> None:
    text = f"Card {VISA}, mail anna@example.com"
    assert [f.kind for f in find_sensitive(text, "en", ["email"])] == ["email"]
    assert redact(text, "en") == "Card [card number ending 6467], mail [e-mail address]"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Order 12345 costs 49.90, delivered on 2026-11-22."),
        ("de", "Die Bestellnummer ist 86095742718."),  # Steuer-ID check digit wrong
        ("sv", "Ordernumret är 811218-9875."),  # Luhn wrong
        ("en", "My bank account number is 0183362238."),  # DSTC11
        ("en", "My social security number is zero eight five three six nine five two."),  # one digit short
    ],
)
def test_ordinary_numbers_are_left_alone(language: str, text: str) -> None:
    assert find_sensitive(text, language) == []
    assert redact(text, language) == text


def test_excerpts_cut_inside_a_number_keep_none_of_it() -> None:
    cut = "my card is 4539 1488 03"  # cut at 300 characters: too short for a card
    assert find_sensitive(cut, "en") == []
    assert mask_long_numbers(cut) == "my card is [number]"
    assert mask_long_numbers("fyra fem tre nio ett fyra, order 12345, tel") == "[number], order 12345, tel"
    assert mask_long_numbers("forty-five thirty-nine fourteen, order 12345") == "[number], order 12345"
    spoken_de = "Karte vier fünf drei neun eins vier acht acht null drei vier drei sechs vier sechs sieben"
    assert redact_any_language(spoken_de) == "Karte [card number ending 6467]"
