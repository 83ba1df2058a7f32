"""Which detector a value belongs to when several could claim it, and redaction."""

from __future__ import annotations

import random

import pytest

from scorers.sensitive import find_sensitive, likely_countries, mask_long_numbers, redact, redact_any_language
from tests.scorers.sensitive.said import card_number, spoken

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
    text = "VAT DE136695976, personnummer 880320-0016, ring mig på 070-123 45 67, IBAN SE45 5000 0000 0583 9825 7466"
    assert redact(text, "sv") == "VAT [VAT number DE], personnummer [national id], ring mig på [phone number], IBAN [IBAN SE]"


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


# Found by review: ordinary customer-service sentences that must hold no sensitive data, with the
# countries a criterion looks for by default (the interaction's language; others after a word).
ORDINARY = [
    ("en", "Your phone bill for account 1234567890 is 45.99."),
    ("en", "Your mobile plan, contract number 7654321, renews next month."),
    ("en", "Your order ID is 123456789."),
    ("en", "The transaction ID is 482 193 775."),
    ("en", "I need your passport number? No, just the booking reference 556677889."),
    ("en", "The charges on your card were 49.90, 12.50, 7.99, 120.00."),
    ("en", "The card payments of 12.99 / 24.99 / 129.99 / 9.99 went through."),
    ("en", "Your card was charged twenty five ninety nine, twelve fifty, seven ninety nine, one hundred twenty."),
    ("en", "Let me read it three one eight five nine one two zero one two eight."),
    ("en", "Your customer number is 004686958969."),
    ("en", "Your order number is 405608656907."),
    ("de", "Ihre Telefonrechnung Nummer 123456789 über 49,90 Euro ist bezahlt."),
    ("de", "Ihr Handyvertrag 5566778899 wurde verlängert."),
    ("de", "Ihre Kunden-ID ist 1237010180."),
    ("de", "Termin: 10:30, 22.11.2026."),
    ("de", "Ihr Rückruf ist eingeplant: 14:30, 03.12.2026."),
    ("de", "Auf Ihrer Kreditkarte sehe ich 49,90, 12,50, 7,99, 120,00 und 15,00 Euro."),
    ("sv", "Jag ringer om order 7654321."),
    ("sv", "Kort sagt blir det 2026-11-22, 10.30, 45 minuter."),
    ("sv", "Kan du visa referensnumret 2026112212345 för mig?"),
    ("sv", "Ditt besök är bokat 03/01/2026 10:30."),
    ("fr", "Je vais vous rappeler pour le dossier 1234567."),
    ("fr", "Votre abonnement fixe, référence 12345678, coûte 29,99 euros."),
    ("fr", "Rendez-vous confirmé : 10:30 22/11/2026."),
    ("fr", "Le numéro de deux un quatre trois zéro quatre quatre trois deux est noté."),
    ("fr", "Votre carte a été débitée de quarante-neuf quatre-vingt-dix, douze cinquante, sept quatre-vingt-dix-neuf, cent vingt."),
    # found by the second review: numbers named by a compound, Luhn-valid reference numbers, thousands
    ("sv", "Ditt referensnummer är åtta ett noll två noll två sex fem fem nio."),
    ("de", "Ihre Vorgangsnummer ist 86095742719."),  # a valid Steuer-ID's digits
    ("de", "Ihre Kundennummer ist 86095742719."),
    ("de", "Ihre Ticketnummer ist 85073003328."),  # a valid Belgian national number's digits
    ("fr", "Votre numéro de suivi est 85073003328."),
    ("sv", "Faktura 5966380792363191 på 358,34 kronor."),  # passes Luhn, as OCR numbers do
    ("en", "Your account 6968933450605 was charged."),
    ("en", "The total is 1,234.56 for order 99."),
]


@pytest.mark.parametrize(("language", "text"), ORDINARY)
def test_ordinary_sentences_hold_nothing_sensitive(language: str, text: str) -> None:
    assert find_sensitive(text, language, countries=likely_countries(language), elsewhere=True) == []


@pytest.mark.parametrize(
    ("language", "text", "redacted"),
    [
        # a number read with "double" and a homophone, whole
        ("en", "My card number is four five three nine one double for eight oh three four three six four six six.", "My card number is [card number ending 6466]."),
        ("en", "So that is for double five six seven three seven five eight six eight nine nine eight five five.", "So that is [card number ending 9855]."),
        ("en", "My phone number is oh seven seven double oh, nine double for, one two three.", "My phone number is [phone number]."),
        # digits a valid part leaves off are redacted with it, and the card ends as read
        ("sv", "Så ditt kortnummer är fyra fem tre nio ett fyra åtta åtta noll tre fyra tre sex fyra sex sju, två, tre, eller hur?", "Så ditt kortnummer är [card number ending 6467], eller hur?"),
        # international numbers are phone numbers, not cards passing Luhn, with "+" / "plus" redacted
        ("de", "Es ist +49 15031 602852.", "Es ist [phone number]."),
        # spelled and mixed forms
        ("en", "My IBAN is D E 89 3704 0044 0532 0130 00.", "My IBAN is [IBAN DE]."),
        ("en", "DE89-3704-0044-0532-0130-00", "[IBAN DE]"),
        ("de", "Die USt-IdNr. ist D E 136 695 976.", "Die USt-IdNr. ist [VAT number DE]."),
        ("en", "VAT: ATU 1358 5627.", "VAT: [VAT number AT]."),
        ("en", "My NI number is A B 12 34 56 C, or ab 123456 c.", "My NI number is [national id], or [national id]."),
        ("sv", "Mitt personnummer är åtta åtta noll tre två noll streck noll noll ett sex.", "Mitt personnummer är [national id]."),
        ("sv", "Mitt personnummer är nittonhundraåttioåtta noll tre två noll noll noll ett sex.", "Mitt personnummer är [national id]."),
        ("en", "My social security number is five three six dash nine oh dash four three nine nine.", "My social security number is [national id]."),
        ("en", "That's (977) 625-2661.", "That's [phone number]."),  # ABCD: no such area code, written as a US number
        # found by the second review
        ("en", "My card number is 4539148803436468.", "My card number is [card number ending 6468]."),  # a digit wrong, unspaced
        ("de", "Meine Kartennummer ist 4539148803436468.", "Meine Kartennummer ist [card number ending 6468]."),
        ("en", "My card is 4539 1488 0343 6467, 124.", "My card is [card number ending 6467], 124."),  # not the security code
        ("en", "My card is 4539 1488 0343 6467, 12/27.", "My card is [card number ending 6467], 12/27."),
        ("en", "My mobile, in case you need it, is 07911123456.", "My mobile, in case you need it, is [phone number]."),
        ("en", "The mobile number on my account is 07911123456.", "The mobile number on my account is [phone number]."),
        ("en", "My social security number for the account is 536-90-4399.", "My social security number for the account is [national id]."),
        ("de", "Meine Handynummer aus dem Vertrag ist 01712345678.", "Meine Handynummer aus dem Vertrag ist [phone number]."),
        ("de", "Meine Steuer-ID für das Konto ist 86095742719.", "Meine Steuer-ID für das Konto ist [national id]."),
        ("fr", "Mon portable pour le compte est le 0612345678.", "Mon portable pour le compte est le [phone number]."),
        ("sv", "Mitt telefonnummer är 070-123 45 67, 070-765 43 21.", "Mitt telefonnummer är [phone number], [phone number]."),
        ("en", "My email is anna.berg at gmail dot com.", "My email is [e-mail address]."),
        ("en", "It is anna underscore berg at gmail dot com.", "It is [e-mail address]."),
        ("de", "Telefon: 0049 171 2345678.", "Telefon: [phone number]."),
        ("en", "Call +4539 1488 0343 6467.", "Call +[card number ending 6467]."),  # no phone number: still a card
        # DSTC11 banking_346: after "my number", a whole card number, not a German number with a digit left off
        ("en", "My number is five three four seven six four five zero eight six one four two four four eight I lost it.", "My number is [card number ending 2448] I lost it."),
    ],
)
def test_values_are_redacted_whole(language: str, text: str, redacted: str) -> None:
    assert redact(text, language) == redacted


@pytest.mark.parametrize(
    ("language", "text", "kind"),
    [
        ("en", "My Steuer-ID is 86095742719.", "national_id"),  # a foreign id named in the caller's language
        ("en", "My personnummer is 880320-0016.", "national_id"),
        ("de", "Meine National Insurance Number ist AB 12 34 56 C.", "national_id"),
        ("en", "My number is 07911123456.", "phone"),
        ("sv", "Mitt nummer är 0701234567.", "phone"),
        ("sv", "Du når mig på 0701234567.", "phone"),
        ("de", "Meine Nummer ist null eins sieben eins zwei drei vier fünf sechs sieben acht.", "phone"),
        ("fr", "Mon numéro est le zéro six douze trente-quatre cinquante-six soixante-dix-huit.", "phone"),
        ("fr", "Appelez-moi au 0612345678.", "phone"),
    ],
)
def test_found_with_the_default_countries(language: str, text: str, kind: str) -> None:
    assert [f.kind for f in find_sensitive(text, language, countries=likely_countries(language), elsewhere=True)] == [kind]


def test_a_wider_scope_hides_nothing() -> None:
    # With every country, the Greek AMKA's check could claim this London number (written as London
    # numbers are) before the phone detector: phone numbers are looked for before ids.
    for countries in (None, likely_countries("en")):
        assert [f.kind for f in find_sensitive("It's 020 7946 0958.", "en", ["phone"], countries)] == ["phone"]
