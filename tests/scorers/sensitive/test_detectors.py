"""Each type of sensitive data, per country: valid numbers are found, written and said; near-misses
(one digit changed, so the check fails) are not. The values are python-stdnum's own examples."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from stdnum.eu import vat as eu_vat
from stdnum.util import get_cc_module

from scorers.sensitive import find_sensitive, likely_countries
from scorers.sensitive.countries import COUNTRIES
from tests.scorers.sensitive.said import spoken

# (country, stdnum module, the id as written, the sentence it is said in with its id word, language)
IDS = [
    ("AT", "at.vnr", "1237 010180", "Meine Versicherungsnummer ist {}.", "de"),
    ("BE", "be.nn", "85 07 30 033 28", "Mon numéro national est le {}.", "fr"),
    ("BG", "bg.egn", "8032056031", "My EGN is {}.", "en"),
    ("HR", "hr.oib", "33392005961", "My OIB is {}.", "en"),
    ("CZ", "cz.rc", "710319/2745", "My birth number is {}.", "en"),
    ("DK", "dk.cpr", "211062-5629", "My CPR number is {}.", "en"),
    ("EE", "ee.ik", "36805280109", "My isikukood is {}.", "en"),
    ("FI", "fi.hetu", "131052-308T", "Min henkilötunnus är {}.", "sv"),
    ("FR", "fr.nir", "2 95 10 99 126 111 93", "Mon numéro de sécu est {}.", "fr"),
    ("DE", "de.idnr", "36 574 261 809", "Meine Steuer-ID ist {}.", "de"),
    ("GR", "gr.amka", "01013099997", "My AMKA is {}.", "en"),
    ("IE", "ie.pps", "6433435F", "My PPS number is {}.", "en"),
    ("IT", "it.codicefiscale", "RCCMNL83S18D969H", "My codice fiscale is {}.", "en"),
    ("LV", "lv.pvn", "161175-19997", "My personal code is {}.", "en"),
    ("LT", "lt.asmens", "33309240064", "My asmens kodas is {}.", "en"),
    ("NL", "nl.bsn", "111222333", "My BSN is {}.", "en"),
    ("PL", "pl.pesel", "44051401359", "My PESEL is {}.", "en"),
    ("PT", "pt.cc", "00000000 0 ZZ4", "My ID card is {}.", "en"),
    ("RO", "ro.cnp", "1630615123457", "My CNP is {}.", "en"),
    ("SK", "sk.rc", "710319/2745", "My birth number is {}.", "en"),
    ("SI", "si.emso", "0101006500006", "My EMSO is {}.", "en"),
    ("ES", "es.dni", "54362315-K", "My DNI is {}.", "en"),
    ("ES", "es.nie", "X-2482300W", "My NIE is {}.", "en"),
    ("SE", "se.personnummer", "880320-0016", "Mitt personnummer är {}.", "sv"),
    ("IS", "is_.kennitala", "120174-3399", "My kennitala is {}.", "en"),
    ("NO", "no.fodselsnummer", "151086 95088", "My fødselsnummer is {}.", "en"),
    ("GB", "gb.nhs", "943 476 5870", "My NHS number is {}.", "en"),
    ("US", "us.ssn", "536-90-4399", "My social security number is {}.", "en"),
]


def near_miss(module: str | Callable[[str], bool], written: str) -> str:
    """`written` with one digit changed (from the end: the check digit first) so the check fails."""
    validate = importlib.import_module(f"stdnum.{module}").is_valid if isinstance(module, str) else module
    for i in reversed([i for i, ch in enumerate(written) if ch.isdigit()]):
        changed = written[:i] + str((int(written[i]) + 1) % 10) + written[i + 1 :]
        if not validate(changed):
            return changed
    raise AssertionError(f"no near-miss of {written}")


def kinds(text: str, language: str, countries: list[str] | None = None) -> list[tuple[str, str | None]]:
    return [(f.kind, f.country) for f in find_sensitive(text, language, countries=countries)]


@pytest.mark.parametrize(("country", "module", "written", "sentence", "language"), IDS, ids=[f"{c}-{m}" for c, m, *_ in IDS])
def test_national_ids_written_and_said(country: str, module: str, written: str, sentence: str, language: str) -> None:
    assert importlib.import_module(f"stdnum.{module}").is_valid(written)
    assert kinds(sentence.format(written), language, [country]) == [("national_id", country)]
    if written.replace(" ", "").replace("-", "").replace("/", "").isdigit():  # ids of digits are said too
        assert kinds(sentence.format(spoken(written, language)), language, [country]) == [("national_id", country)]
    if country != "US":  # a social security number has no check digit
        changed = near_miss(module, written)
        assert kinds(sentence.format(changed), language, [country]) == []
        if written.replace(" ", "").replace("-", "").replace("/", "").isdigit():
            assert kinds(sentence.format(spoken(changed, language)), language, [country]) == []


@pytest.mark.parametrize(("country", "module", "written", "sentence", "language"), [i for i in IDS if i[0] != "US"], ids=[f"{c}-{m}" for c, m, *_ in IDS if c != "US"])
def test_an_id_whose_check_random_numbers_pass_needs_its_word(country: str, module: str, written: str, sentence: str, language: str) -> None:
    pid = next(p for p in COUNTRIES[country].ids if p.module == module)
    found = kinds(f"The number is {written}.", "en", [country])
    assert found == ([] if pid.needs_context else [("national_id", country)])


def test_ids_of_countries_out_of_scope_are_not_looked_for() -> None:
    assert kinds("My PESEL is 44051401359.", "en", ["SE"]) == []
    assert kinds("Mitt personnummer är 880320-0016.", "sv", ["SE"]) == [("national_id", "SE")]


def test_a_nino_has_its_shape_checked() -> None:
    assert kinds("My NI number is AB 12 34 56 C.", "en", ["GB"]) == [("national_id", "GB")]
    assert kinds("My NI number is BG 12 34 56 C.", "en", ["GB"]) == []  # a prefix never issued


@pytest.mark.parametrize(
    ("language", "text", "country"),
    [
        ("en", "My IBAN is DE89 3704 0044 0532 0130 00, thanks.", "DE"),
        ("en", "It's GB82WEST12345698765432.", "GB"),
        ("sv", "Kontot är SE45 5000 0000 0583 9825 7466.", "SE"),
        ("fr", "IBAN FR14 2004 1010 0505 0001 3M02 606.", "FR"),
        ("en", "PL61 1090 1014 0000 0712 1981 2874 is my account.", "PL"),  # countries the old list lacked
        ("en", "It is BG80 BNBG 9661 1020 3456 78.", "BG"),
        ("en", "Mine is MT84 MALT 0110 0001 2345 MTLC AST0 01S.", "MT"),
        ("de", "Die IBAN ist D E acht neun drei sieben null vier null null vier vier null fünf drei zwei null eins drei null null null.", "DE"),
        ("sv", "Det är S E fyrtiofem femtio noll noll noll noll noll noll noll fem åtta tre nio åtta två fem sju fyra sex sex.", "SE"),
    ],
)
def test_ibans(language: str, text: str, country: str) -> None:
    assert kinds(text, language) == [("iban", country)]


@pytest.mark.parametrize(
    "text",
    [
        "DE89 3704 0044 0532 0130 01 is not valid.",  # check failed: one digit changed
        "DE88 3704 0044 0532 0130 00 is not valid.",  # check digits wrong
        "PL61 1090 1014 0000 0712 1981 2875.",
        "Le montant de 40 euros pour la commande numéro 1234567.",  # "de 40 ..." is no IBAN
    ],
)
def test_iban_near_misses(text: str) -> None:
    assert "iban" not in [k for k, _ in kinds(text, "en")]


@pytest.mark.parametrize(
    ("language", "text", "country"),
    [
        ("en", "Our VAT number is DE136695976.", "DE"),
        ("en", "VAT: ATU13585627.", "AT"),
        ("fr", "Notre numéro de TVA est FR 40 303 265 045.", "FR"),
        ("sv", "Momsnumret är SE556188840401.", "SE"),
        ("en", "It is NL004495445B01.", "NL"),
        ("en", "EL094259216 is the Greek one.", "GR"),
        ("en", "Our VAT number is GB 980 7806 84.", "GB"),
        ("en", "MVA: NO 995 525 828 MVA", "NO"),
        ("de", "Die Nummer ist CHE-107.787.577 MWST.", "CH"),
        ("de", "Die USt-IdNr. ist D E eins drei sechs sechs neun fünf neun sieben sechs.", "DE"),
    ],
)
def test_vat_numbers(language: str, text: str, country: str) -> None:
    assert kinds(text, language) == [("vat", country)]


@pytest.mark.parametrize("text", ["Our VAT number is DE136695977.", "VAT: ATU13585628.", "It is NL004495446B01.", "our vat number is de136695976."])
def test_vat_near_misses(text: str) -> None:
    assert "vat" not in [k for k, _ in kinds(text, "en")]


VISA = "4539 1488 0343 6467"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", f"Your number is {VISA}, correct?"),
        ("en", "That is 4539-1488-0343-6467."),
        ("en", "so that's four five three nine one four eight eight zero three four three six four six seven"),
        ("en", "forty-five thirty-nine, fourteen eighty-eight, oh three four three, sixty-four sixty-seven"),
        ("en", "four five three nine, one for double eight, oh three four three, six four six seven"),
        ("en", "four five uh three nine one four eight eight zero three four three six four um six seven"),
        ("de", "Die Nummer ist vier fünf drei neun eins vier acht acht null drei vier drei sechs vier sechs sieben."),
        ("de", "Die Nummer ist fünfundvierzig neununddreißig, vierzehn achtundachtzig, null drei, dreiundvierzig, vierundsechzig siebenundsechzig."),
        ("sv", "Numret är fyra fem tre nio ett fyra dubbel åtta noll tre fyra tre sex fyra sex sju."),
        ("sv", "Numret är fyrtiofem trettionio, fjorton åttioåtta, noll tre fyrtiotre, sextiofyra sextiosju."),
        ("fr", "Le numéro est quatre cinq trois neuf un quatre huit huit zéro trois quatre trois six quatre six sept."),
        ("fr", "Le numéro est quarante-cinq trente-neuf, quatorze quatre-vingt-huit, zéro trois quarante-trois, soixante-quatre soixante-sept."),
        ("en", "one 4539 1488 0343 6467"),  # a stray number word before the card
    ],
)
def test_card_numbers_written_and_said(language: str, text: str) -> None:
    found = find_sensitive(text, language)
    assert [f.kind for f in found] == ["payment_card"]
    assert found[0].redacted == "[card number ending 6467]"


@pytest.mark.parametrize(
    "text",
    [
        "Your order number is 4539148803436468.",  # one digit changed: fails Luhn
        "Reference 4539 1488 0343 6476.",  # two digits swapped
        "Customer number 4471 2290, amount 49,90 euros.",  # too short
        "Reference 12345678901234567890123.",  # too long
        "Reference 7992739871300000.",  # passes Luhn, but no card starts with 7
        "We have one two three options.",
    ],
)
def test_card_near_misses(text: str) -> None:
    assert find_sensitive(text, "en") == []


def test_a_card_number_with_a_digit_wrong_is_still_a_card_number_after_a_card_word() -> None:
    # As the DSTC11 callers do: "the credit card number I have here is 7531 9007 5960 4164".
    found = find_sensitive("My credit card number is 4539 1488 0343 6468.", "en")
    assert [(f.kind, f.redacted) for f in found] == [("payment_card", "[card number ending 6468]")]


@pytest.mark.parametrize(
    ("language", "text", "country"),
    [
        ("sv", "Ring mig på +46 70 123 45 67.", "SE"),
        ("sv", "Det är 070-123 45 67.", "SE"),  # written as Sweden writes it: no phone word needed
        ("sv", "Mitt telefonnummer är noll sju noll, ett två tre, fyrtiofem, sextiosju.", "SE"),
        ("de", "Meine Telefonnummer ist 030 1234 5678.", "DE"),
        ("de", "Meine Handynummer ist null eins sieben eins, zwei drei vier, fünf sechs sieben acht.", "DE"),
        ("de", "Rufen Sie mich an unter doppel null vier neun, eins fünf eins, zwei drei vier, fünf sechs sieben acht neun.", "DE"),
        ("fr", "Mon portable, c'est le 06 12 34 56 78.", "FR"),
        ("fr", "Mon portable, c'est le zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit.", "FR"),
        ("fr", "Vous pouvez me joindre au plus trois trois six, douze, trente-quatre, cinquante-six, soixante-dix-huit.", "FR"),
        ("en", "That's (415) 625-2661.", "US"),
        ("en", "That's (977) 625-2661.", "US"),  # as in the ABCD chats: no such area code, but written as US numbers are
        ("en", "You can reach me at 281-277-5882.", None),  # as in DSTC11 (a number in the US and in the UK)
        ("en", "My phone number is 546 158 1578.", None),  # DSTC11: no US exchange starts with 1, but the caller said it is one
        ("en", "My mobile is oh seven seven double oh nine hundred one two three.", None),
        ("en", "Call me on +44 20 7946 0958.", "GB"),
    ],
)
def test_phone_numbers(language: str, text: str, country: str | None) -> None:
    found = kinds(text, language, likely_countries(language))
    assert [kind for kind, _ in found] == ["phone"] and country in (None, found[0][1])


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "It's 977 6252661."),  # no such area code, not written as US numbers are, and no phone word
        ("en", "My bank account number is 0183362238."),  # starts with 0, but no phone word (DSTC11)
        ("en", "My bank account # is 7724 1574 and my PIN# is 4960"),  # DSTC11
        ("en", "the check # is 373080"),  # DSTC11
        ("en", "That expires on 06/2026."),  # DSTC11
        ("sv", "Ordernumret är 0701234567."),  # a Swedish mobile's digits, not grouped as one, no phone word
        ("sv", "Ring mig på +46 00 000 00 00."),  # not a number any region has
        ("en", "My phone bill is forty five pounds."),
    ],
)
def test_phone_near_misses(language: str, text: str) -> None:
    assert kinds(text, language, likely_countries(language)) == []


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Write to anna.berg@example.com please."),
        ("en", "It's anna dot berg at example dot com."),
        ("de", "Schreiben Sie an max at firma punkt de."),
        ("sv", "Det är anna punkt berg snabel-a exempel punkt se."),
        ("fr", "C'est anna point berg arobase exemple point fr."),
    ],
)
def test_emails(language: str, text: str) -> None:
    assert kinds(text, language) == [("email", None)]


def test_email_look_alikes() -> None:
    assert find_sensitive("I will look at this dot later.", "en") == []


def test_near_miss_helper_changes_one_digit() -> None:
    changed = near_miss("se.personnummer", "880320-0016")
    assert changed != "880320-0016" and len(re.sub(r"\d", "", changed)) == 1


def _vat_example(cc: str) -> tuple[str, str, Callable[[str], bool]]:
    """(prefix, a valid VAT number of `cc` from python-stdnum's own documentation, its validator)."""
    module = get_cc_module(cc, "vat")
    prefix = {"gr": "EL", "ch": "CHE"}.get(cc, cc.upper())
    for quoted in re.findall(r"'([^'\n]{6,30})'", module.__doc__ or ""):
        if module.is_valid(quoted):
            number = module.compact(quoted)
            return prefix, number.removeprefix(prefix).removeprefix(cc.upper()), module.is_valid
    raise AssertionError(f"no example VAT number for {cc}")


VAT_COUNTRIES = sorted(eu_vat.MEMBER_STATES - {"xi"}) + ["gb", "no", "ch"]


@pytest.mark.parametrize("cc", VAT_COUNTRIES)
def test_vat_numbers_of_every_country(cc: str) -> None:
    prefix, number, validate = _vat_example(cc)
    assert kinds(f"Our VAT number is {prefix} {number}.", "en") == [("vat", {"gr": "GR", "ch": "CH"}.get(cc, cc.upper()))], number
    changed = near_miss(lambda n: validate(prefix + n), number)
    assert "vat" not in [k for k, _ in kinds(f"Our VAT number is {prefix} {changed}.", "en")], changed


@pytest.mark.parametrize("region", sorted(COUNTRIES))
def test_phone_numbers_of_every_country(region: str) -> None:
    number = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE) or phonenumbers.example_number(region)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    assert kinds(f"My mobile number is {national}.", "en", [region]) == [("phone", region)], national
    assert kinds(f"It is {international}.", "en", ["SE"]) == [("phone", region)], international  # international: anywhere
    digits = phonenumbers.national_significant_number(number)
    assert kinds(f"The reference is {digits}.", "en", [region]) == [], digits  # no word, not written as a phone number
    invalid = phonenumbers.invalid_example_number(region)
    if invalid is not None:
        wrong = phonenumbers.format_number(invalid, PhoneNumberFormat.INTERNATIONAL)
        assert kinds(f"It is {wrong}.", "en", ["SE"]) == [], wrong
