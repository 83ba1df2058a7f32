from __future__ import annotations

import pytest

from scorers.outcome import Outcome
from tests.builders import criterion, interaction, verdict

PROHIBITED = {"en": ["not my problem"], "de": ["nicht mein problem"], "sv": ["inte mitt problem"], "fr": ["pas mon problème"]}


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Honestly, that is NOT my problem."),
        ("de", "Das ist nicht mein Problem."),
        ("sv", "Det är inte mitt problem."),
        ("fr", "Ce n'est pas mon problème."),
    ],
)
def test_prohibited_phrase_fails_with_evidence(language: str, said: str) -> None:
    ix = interaction([("agent", "Hello."), ("customer", "Help?"), ("agent", said)], language=language)
    result = verdict(criterion("prohibited_phrase", phrases=PROHIBITED), ix)
    assert result.outcome is Outcome.FAIL
    assert result.evidence is not None and result.evidence.turn_index == 2
    assert result.evidence.text.lower() in said.lower()


def test_customer_saying_it_does_not_count() -> None:
    ix = interaction([("customer", "That is not my problem!"), ("agent", "I will help.")])
    assert verdict(criterion("prohibited_phrase", phrases=PROHIBITED), ix).outcome is Outcome.PASS
