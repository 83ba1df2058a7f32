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


OFFER = criterion(
    "conditional",
    trigger={"phrases": {"en": ["speak to a human"], "de": ["mit einem menschen sprechen"], "sv": ["prata med en människa"], "fr": ["parler à un humain"]}},
    response={"within_turns": 1, "phrases": {"en": ["transfer you"], "de": ["verbinde sie"], "sv": ["kopplar dig"], "fr": ["vous transférer", "vous transfère"]}},
)


@pytest.mark.parametrize(
    ("language", "ask", "offer", "outcome"),
    [
        ("en", "Can I speak to a human?", "I will transfer you now.", Outcome.PASS),
        ("en", "Can I speak to a human?", "I cannot transfer you.", Outcome.FAIL),
        ("de", "Kann ich mit einem Menschen sprechen?", "Ich verbinde Sie sofort.", Outcome.PASS),
        ("de", "Kann ich mit einem Menschen sprechen?", "Ich verbinde Sie nicht.", Outcome.FAIL),
        ("sv", "Får jag prata med en människa?", "Jag kopplar dig nu.", Outcome.PASS),
        ("sv", "Får jag prata med en människa?", "Jag kopplar dig inte.", Outcome.FAIL),
        ("fr", "Je veux parler à un humain.", "Je vous transfère.", Outcome.PASS),
        ("fr", "Je veux parler à un humain.", "Je ne peux pas vous transférer.", Outcome.FAIL),
        ("fr", "Je ne veux pas parler à un humain.", "D'accord.", Outcome.NOT_APPLICABLE),
    ],
)
def test_negated_offers_and_asks_in_every_language(language: str, ask: str, offer: str, outcome: Outcome) -> None:
    ix = interaction([("customer", ask), ("agent", offer)], language=language, agent_type="bot")
    assert verdict(OFFER, ix).outcome is outcome
