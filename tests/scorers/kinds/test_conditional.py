from __future__ import annotations

import pytest

from scorers.outcome import Outcome
from tests.builders import criterion, interaction, verdict

EMPATHY = criterion(
    "conditional",
    trigger={"phrases": {"en": ["frustrated", "unacceptable"], "de": ["verärgert"], "sv": ["frustrerad"], "fr": ["énervé"]}},
    response={"within_turns": 1, "phrases": {"en": ["sorry"], "de": ["tut mir leid"], "sv": ["jag beklagar"], "fr": ["désolé"]}},
)


@pytest.mark.parametrize(
    ("language", "upset", "kind_reply"),
    [
        ("en", "I am so frustrated!", "I'm really sorry."),
        ("de", "Ich bin wirklich verärgert.", "Das tut mir leid."),
        ("sv", "Jag är så frustrerad.", "Jag beklagar verkligen."),
        ("fr", "Je suis très énervé.", "Je suis désolée."),  # feminine reply
    ],
)
def test_answered_trigger_passes(language: str, upset: str, kind_reply: str) -> None:
    ix = interaction([("agent", "Hi"), ("customer", upset), ("agent", kind_reply)], language=language)
    result = verdict(EMPATHY, ix)
    assert result.outcome is Outcome.PASS, result.reason
    assert result.evidence.turn_index == 2


def test_unanswered_trigger_fails_with_trigger_as_evidence() -> None:
    ix = interaction([("agent", "Hi"), ("customer", "This is unacceptable."), ("agent", "Your number?"), ("agent", "Sorry.")])
    result = verdict(EMPATHY, ix)
    assert result.outcome is Outcome.FAIL  # the apology came in the second agent turn, not the first
    assert result.evidence.turn_index == 1 and result.evidence.text == "unacceptable"


def test_every_trigger_needs_its_own_answer() -> None:
    ix = interaction(
        [("customer", "I'm frustrated."), ("agent", "Sorry!"), ("customer", "Still frustrated."), ("agent", "Next question.")]
    )
    assert verdict(EMPATHY, ix).outcome is Outcome.FAIL


def test_no_trigger_is_not_applicable() -> None:
    result = verdict(EMPATHY, interaction([("customer", "Hello"), ("agent", "Hi")]))
    assert result.outcome is Outcome.NOT_APPLICABLE and result.reason.startswith("trigger_not_observed")
