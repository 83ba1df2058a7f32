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
