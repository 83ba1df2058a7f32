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


def test_the_digits_of_an_iban_are_not_a_card() -> None:
    # Found on a generated day: 5238 7865 5441 3682 inside this IBAN passes Luhn.
    text = "So your bank account is GB52 NWBK 3878 6554 4136 82, correct?"
    assert find_sensitive(text, "en", ["payment_card"]) == []
    assert [f.kind for f in find_sensitive(text, "en")] == ["iban"]


def test_the_digits_of_a_card_are_not_a_national_id() -> None:
    # Found on a generated day: a Swedish agent reading back a card number was also "reading a personnummer".
    from touchstone.sample_data import card_number, spoken

    cards = [card_number(__import__("random").Random(n)) for n in range(300)]
    said = [f"Så kortnumret är {spoken(card, 'sv') if n % 2 else card}, stämmer det?" for n, card in enumerate(cards)]
    assert all(find_sensitive(text, "sv", ["national_id", "phone"]) == [] for text in said)
    assert all([f.kind for f in find_sensitive(text, "sv")] == ["payment_card"] for text in said)


def test_redact_keeps_the_rest_of_the_text() -> None:
    assert redact(f"Card {VISA} noted.", "en") == "Card [card number ending 6467] noted."


@pytest.mark.parametrize(
    ("language", "text", "kind", "redacted"),
    [
        ("en", "My IBAN is DE89 3704 0044 0532 0130 00, thanks.", "iban", "[IBAN DE]"),
        ("en", "It's GB82WEST12345698765432.", "iban", "[IBAN GB]"),
        ("sv", "Kontot är SE45 5000 0000 0583 9825 7466.", "iban", "[IBAN SE]"),
        ("fr", "IBAN FR14 2004 1010 0505 0001 3M02 606.", "iban", "[IBAN FR]"),
        ("sv", "Mitt personnummer är 811218-9876.", "national_id", "[national id]"),
        ("sv", "Det är åtta ett ett två ett åtta nio åtta sju sex.", "national_id", "[national id]"),
        ("de", "Meine Steuer-ID ist 86095742719.", "national_id", "[national id]"),
        ("de", "Die ID ist acht sechs null neun fünf sieben vier zwei sieben eins neun.", "national_id", "[national id]"),
        ("fr", "Mon numéro de sécu est 1 84 12 76 451 089 46.", "national_id", "[national id]"),
        ("en", "My NI number is AB 12 34 56 C.", "national_id", "[national id]"),
        ("sv", "Ring mig på +46 70 123 45 67.", "phone", "[phone number]"),
        ("de", "Meine Telefonnummer ist 030 1234 5678.", "phone", "[phone number]"),
        ("fr", "Mon portable, c'est le 06 12 34 56 78.", "phone", "[phone number]"),
        ("en", "That's (977) 625-2661.", "phone", "[phone number]"),  # as in the ABCD chats
        ("en", "My mobile is zero seven seven zero zero nine zero zero one two three.", "phone", "[phone number]"),
        ("en", "You can reach me at 281-277-5882.", "phone", "[phone number]"),  # as in DSTC11
        ("en", "Write to anna.berg@example.com please.", "email", "[e-mail address]"),
        ("en", "It's anna dot berg at example dot com.", "email", "[e-mail address]"),
        ("de", "Schreiben Sie an max at firma punkt de.", "email", "[e-mail address]"),
        ("sv", "Det är anna punkt berg snabel-a exempel punkt se.", "email", "[e-mail address]"),
        ("fr", "C'est anna point berg arobase exemple point fr.", "email", "[e-mail address]"),
    ],
)
def test_detectors(language: str, text: str, kind: str, redacted: str) -> None:
    found = find_sensitive(text, language)
    assert [f.kind for f in found] == [kind], found
    assert redacted in redact(text, language)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "Le montant de 40 euros pour la commande numéro 1234567."),  # "de 40 ..." is no IBAN
        ("en", "I will look at this dot later."),  # no domain
        ("de", "Die Bestellnummer ist 86095742718."),  # Steuer-ID check digit wrong
        ("sv", "Ordernumret är 811218-9875."),  # Luhn wrong
        ("en", "Order 12345 costs 49.90, delivered on 2026-11-22."),
        ("en", "DE89 3704 0044 0532 0130 01 is not valid."),  # IBAN check digits wrong
        ("en", "My bank account number is 0183362238."),  # starts with 0, but no phone word (DSTC11)
        ("en", "My social security number is zero eight five three six nine five two two."),
    ],
)
def test_look_alikes_are_not_flagged(language: str, text: str) -> None:
    assert find_sensitive(text, language) == []


def test_only_the_named_detectors_are_used() -> None:
    text = f"Card {VISA}, mail anna@example.com"
    assert [f.kind for f in find_sensitive(text, "en", ["email"])] == ["email"]
    assert redact(text, "en") == "Card [card number ending 6467], mail [e-mail address]"


def _reference_digit_runs(text: str, language: str) -> list[list[tuple[int, int, str, bool]]]:
    """The token-by-token digit runs the regex version replaced (kept here to prove them equal)."""
    import re

    from scorers.sensitive import DIGIT_WORDS

    words, runs, run = DIGIT_WORDS.get(language, {}), [], []
    for m in re.finditer(r"\d+|[^\W\d_]+|\S", text):
        token = m.group()
        digits = token if token.isdecimal() else words.get(token.lower())
        if digits is not None:
            run.append((m.start(), m.end(), digits, not token.isdecimal()))
        elif token in ("-", ",") and run:
            continue
        else:
            runs, run = runs + [run] if run else runs, []
    return runs + [run] if run else runs


def _texts() -> list[tuple[str, str]]:
    import json
    from pathlib import Path

    from touchstone.sample_data import FILLER, TEXT

    texts = [("en", "Call 0 7 1 2-3,4 five-six, seven x 8"), ("sv", "en två tre, fyra-fem sex"), ("fr", "un deux trois quatre"), ("de", "Null-eins zwei,drei")]
    texts += [(lang, line) for lang, t in TEXT.items() for value in t.values() if isinstance(value, str) for line in [value]]
    texts += [(lang, line) for lang, f in FILLER.items() for lines in f.values() for line in lines]
    dstc = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "dialogues" / "dstc11"
    for path in sorted(dstc.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts += [("en", str(value)) for value in row.values() if isinstance(value, str)]
    return texts


def test_digit_runs_equal_the_token_by_token_reference() -> None:
    from scorers.sensitive import digit_runs

    texts = _texts()
    assert len(texts) > 50
    for language, text in texts:
        got = [[(t.start, t.end, t.digits, t.spoken) for t in run] for run in digit_runs(text, language)]
        assert got == _reference_digit_runs(text, language), (language, text)


def test_excerpts_cut_inside_a_number_keep_none_of_it() -> None:
    from scorers.sensitive import mask_long_numbers, redact_any_language

    cut = "my card is 4539 1488 03"  # cut at 300 characters: too short for a card
    assert find_sensitive(cut, "en") == []
    assert mask_long_numbers(cut) == "my card is [number]"
    assert mask_long_numbers("fyra fem tre nio ett fyra, order 12345, tel") == "[number], order 12345, tel"
    spoken_de = "Karte vier fünf drei neun eins vier acht acht null drei vier drei sechs vier sechs sieben"
    assert redact_any_language(spoken_de) == "Karte [card number ending 6467]"
