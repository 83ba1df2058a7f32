from __future__ import annotations

import pytest
from pydantic import ValidationError

from scorers.outcome import Outcome
from tests.builders import criterion, interaction, verdict

NO_CARDS = criterion("sensitive_data", detect=["payment_card"])


def test_agent_reading_a_card_fails_with_redacted_evidence() -> None:
    ix = interaction([("customer", "It is 4539 1488 0343 6467."), ("agent", "So 4539 1488 0343 6467, right?")], language="en")
    result = verdict(NO_CARDS, ix)
    assert result.outcome is Outcome.FAIL
    assert result.evidence.turn_index == 1
    assert "4539" not in result.evidence.text and "6467" in result.evidence.text


def test_customer_giving_the_card_is_fine() -> None:
    ix = interaction([("customer", "It is 4539 1488 0343 6467."), ("agent", "Thank you, noted.")])
    assert verdict(NO_CARDS, ix).outcome is Outcome.PASS


def test_unknown_detector_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="unknown detector"):
        criterion("sensitive_data", detect=["dna"])


PERSONAL = criterion("sensitive_data", detect=["national_id", "phone", "vat"])
# A Norwegian fødselsnummer (a check random numbers pass 1 in 1,000): Norway is not likely for an English call.
NAMED, BARE = "My fødselsnummer is 15108695088.", "It is 15108695088."


@pytest.mark.parametrize(
    ("countries", "metadata", "said", "outcome"),
    [
        ("likely", {}, BARE, Outcome.PASS),  # a Norwegian id's check, in an English call, with no word: an order number
        ("likely", {}, NAMED, Outcome.FAIL),  # ... but named: the word says what it is
        ("likely", {"customer_country": "NO"}, BARE, Outcome.FAIL),  # the metadata says where the customer lives
        ("all", {}, BARE, Outcome.FAIL),
        (["NO"], {}, BARE, Outcome.FAIL),
        (["SE", "FI"], {"country": "NO"}, NAMED, Outcome.PASS),  # a list is exactly those countries
    ],
)
def test_countries_in_scope(countries, metadata: dict, said: str, outcome: Outcome) -> None:
    config = criterion("sensitive_data", detect=["national_id"], countries=countries)
    ix = interaction([("customer", "Can you read it back?"), ("agent", said)], metadata=metadata)
    result = verdict(config, ix)
    assert result.outcome is outcome
    if outcome is Outcome.FAIL:
        assert result.evidence.text == said.replace("15108695088", "[national id]") and result.reason == "the agent said a national id"


def test_an_id_outside_the_scope_is_still_redacted_in_evidence() -> None:
    # The verdict fails on the phone number; the Polish id in the same turn is not in scope, but the
    # evidence is redacted for every country, as everywhere else.
    ix = interaction([("customer", "Details?"), ("agent", "PESEL 44051401359, phone +44 20 7946 0958.")])
    result = verdict(PERSONAL, ix)
    assert result.outcome is Outcome.FAIL and result.evidence.text == "PESEL [national id], phone [phone number]."


def test_vat_numbers_read_back_fail() -> None:
    ix = interaction([("customer", "Our VAT number?"), ("agent", "It is DE136695976.")])
    assert verdict(PERSONAL, ix).reason == "the agent said a VAT number"


@pytest.mark.parametrize(("countries", "message"), [(["SE", "XX"], "unknown country code"), ([], "countries is empty"), ("some", "Input should be 'likely' or 'all'")])
def test_bad_countries_are_validation_errors(countries, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        criterion("sensitive_data", detect=["phone"], countries=countries)
