from __future__ import annotations

import pytest

from scorers.sensitive import find_sensitive, luhn_valid, redact

VISA = "4539 1488 0343 6467"  # Luhn-valid test number


@pytest.mark.parametrize(("digits", "valid"), [("4539148803436467", True), ("4539148803436468", False), ("79927398713", True)])
def test_luhn(digits: str, valid: bool) -> None:
    assert luhn_valid(digits) is valid


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", f"Your card number is {VISA}, correct?"),
        ("en", "That is 4539-1488-0343-6467."),
        ("en", "so that's four five three nine one four eight eight zero three four three six four six seven"),
        ("de", "Die Nummer ist vier fünf drei neun eins vier acht acht null drei vier drei sechs vier sechs sieben."),
        ("sv", "Kortnumret är fyra fem tre nio ett fyra åtta åtta noll tre fyra tre sex fyra sex sju."),
        ("fr", "Le numéro est quatre cinq trois neuf un quatre huit huit zéro trois quatre trois six quatre six sept."),
        ("en", "one 4539 1488 0343 6467"),  # a stray number word before the card
    ],
)
def test_card_numbers_in_digits_and_words(language: str, text: str) -> None:
    found = find_sensitive(text, language)
    assert [f.kind for f in found] == ["payment_card"]
    assert found[0].redacted == "[card number ending 6467]"


@pytest.mark.parametrize(
    "text",
    [
        "Your order number is 4539148803436468.",  # fails Luhn
        "Customer number 4471 2290, amount 49,90 euros.",  # too short
        "Reference 12345678901234567890123.",  # too long
        "We have one two three options.",
    ],
)
def test_ordinary_numbers_are_not_cards(text: str) -> None:
    assert find_sensitive(text, "en") == []


def test_redact_keeps_the_rest_of_the_text() -> None:
    assert redact(f"Card {VISA} noted.", "en") == "Card [card number ending 6467] noted."
