from __future__ import annotations

import pytest

from scorers.outcome import Outcome
from tests.builders import criterion, interaction, verdict
from tests.scorers.test_patterns_and_sentiment import LEXICON


def _conversation(language: str, start: str, end: str):
    return interaction(
        [("customer", start), ("agent", "..."), ("customer", "..."), ("agent", "..."), ("customer", "..."), ("customer", end)],
        language=language,
    )


@pytest.mark.parametrize(
    ("language", "start", "end", "require", "outcome"),
    [
        ("en", "I am really angry.", "Great, I'm happy now.", "improved", Outcome.PASS),
        ("en", "Great.", "This is terrible.", "not_worse", Outcome.FAIL),
        ("en", "I am angry.", "I am still angry.", "not_worse", Outcome.PASS),
        ("en", "I am angry.", "I am still angry.", "ends_non_negative", Outcome.FAIL),
        ("de", "Ich bin wütend.", "Super, danke.", "improved", Outcome.PASS),
        ("sv", "Jag är arg.", "Bra, tack.", "improved", Outcome.PASS),
        ("fr", "Je suis fâché.", "Génial, merci.", "improved", Outcome.PASS),
        ("fr", "Génial.", "Je ne suis pas fâché.", "improved", Outcome.FAIL),  # +1 -> +0.5
    ],
)
def test_first_third_against_last(language: str, start: str, end: str, require: str, outcome: Outcome) -> None:
    result = verdict(criterion("customer_sentiment", require=require), _conversation(language, start, end), sentiment=LEXICON)
    assert result.outcome is outcome, result.reason


def test_silent_customer_is_not_applicable() -> None:
    ix = interaction([("agent", "Hi"), ("agent", "Hello?"), ("agent", "Bye")])
    assert verdict(criterion("customer_sentiment"), ix, sentiment=LEXICON).outcome is Outcome.NOT_APPLICABLE
