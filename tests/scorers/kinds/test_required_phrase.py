from __future__ import annotations

import pytest

from scorers.outcome import Outcome
from tests.builders import criterion, interaction, verdict

DISCLOSURE = {
    "en": ["call is recorded"],
    "de": ["gespräch wird aufgezeichnet"],
    "sv": ["samtalet spelas in"],
    "fr": ["appel est enregistré"],
}


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Please note that CALLS ARE RECORDED for training."),  # plural, upper case
        ("en", "Hello, this call is recorded."),
        ("de", "Alle Gespräche werden aufgezeichnet."),  # plural noun and verb
        ("de", "Dieses Gespräch wird aufgezeichnet."),
        ("sv", "Samtalet spelas in för kvalitetssyfte."),
        ("sv", "Alla samtal spelas in."),  # indefinite plural
        ("fr", "Cet appel est enregistré."),
        ("fr", "Les appels sont enregistrés."),  # plural, agreement
    ],
)
def test_inflected_forms_match_on_lemmas(language: str, said: str) -> None:
    config = criterion("required_phrase", phrases=DISCLOSURE)
    result = verdict(config, interaction([("agent", said)], language=language))
    assert result.outcome is Outcome.PASS, result.reason
    assert result.evidence is not None and result.evidence.turn_index == 0


@pytest.mark.parametrize("language", ["en", "de", "sv", "fr"])
def test_missing_phrase_fails(language: str) -> None:
    config = criterion("required_phrase", phrases=DISCLOSURE)
    result = verdict(config, interaction([("agent", "Okay."), ("customer", "this call is recorded")], language=language))
    assert result.outcome is Outcome.FAIL  # said by the customer, which does not count


def test_first_turns_window() -> None:
    config = criterion("required_phrase", phrases={"en": ["hello"]}, within={"first_turns": 2})
    early = interaction([("agent", "Hello!"), ("customer", "Hi"), ("agent", "Yes")])
    late = interaction([("agent", "Who is calling?"), ("customer", "Hi"), ("agent", "Hello!")])
    assert verdict(config, early).outcome is Outcome.PASS
    assert verdict(config, late).outcome is Outcome.FAIL
    assert "first 2 turns" in verdict(config, late).reason


def test_first_seconds_window_and_missing_timestamps() -> None:
    config = criterion("required_phrase", phrases=DISCLOSURE, within={"first_seconds": 30})
    in_time = interaction([("agent", "Hi", 0), ("agent", "This call is recorded.", 29_000)], channel="voice")
    too_late = interaction([("agent", "Hi", 0), ("agent", "This call is recorded.", 31_000)], channel="voice")
    chat = interaction([("agent", "This call is recorded.")])
    assert verdict(config, in_time).outcome is Outcome.PASS
    assert verdict(config, in_time).evidence.start_ms == 29_000
    assert verdict(config, too_late).outcome is Outcome.FAIL
    untimed = verdict(config, chat)
    assert untimed.outcome is Outcome.NOT_APPLICABLE and untimed.reason.startswith("no_timestamps")


@pytest.mark.parametrize(
    ("window", "index", "expected"),
    [({"last_turns": 1}, 3, Outcome.PASS), ({"last_turns": 1}, 2, Outcome.FAIL), ({"first_percent": 50}, 1, Outcome.PASS), ({"last_percent": 25}, 0, Outcome.FAIL)],
)
def test_turn_windows(window: dict, index: int, expected: Outcome) -> None:
    turns = [("agent", "one"), ("customer", "two"), ("agent", "three"), ("customer", "four")]
    turns[index] = ("agent", "thank you")
    config = criterion("required_phrase", phrases={"en": ["thanks"]}, within=window)
    assert verdict(config, interaction(turns)).outcome is expected


def test_language_without_phrases_is_not_applicable() -> None:
    config = criterion("required_phrase", phrases={"en": ["hello"]})
    result = verdict(config, interaction([("agent", "Bonjour")], language="fr"))
    assert result.outcome is Outcome.NOT_APPLICABLE
    assert result.reason.startswith("language_not_covered")


@pytest.mark.parametrize(("speaker", "agent_type", "expected"), [("bot", "bot", Outcome.PASS), ("bot", "human", Outcome.FAIL), ("agent", "bot", Outcome.PASS), ("customer", "bot", Outcome.FAIL)])
def test_speaker_roles(speaker: str, agent_type: str, expected: Outcome) -> None:
    config = criterion("required_phrase", phrases={"en": ["hello"]}, speaker=speaker)
    ix = interaction([("agent", "Hello there"), ("customer", "Okay")], agent_type=agent_type)
    assert verdict(config, ix).outcome is expected


TRANSFER = {"en": ["transfer you"], "de": ["verbinde sie"], "sv": ["kopplar dig"], "fr": ["vous transférer"]}


@pytest.mark.parametrize(
    ("language", "said", "outcome"),
    [
        ("en", "I will transfer you.", Outcome.PASS),
        ("en", "I can't transfer you.", Outcome.FAIL),
        ("de", "Ich verbinde Sie weiter.", Outcome.PASS),
        ("de", "Ich verbinde Sie nicht.", Outcome.FAIL),
        ("sv", "Jag kopplar dig vidare.", Outcome.PASS),
        ("sv", "Jag kopplar dig inte.", Outcome.FAIL),
        ("fr", "Je vais vous transférer.", Outcome.PASS),
        ("fr", "Je ne vais pas vous transférer.", Outcome.FAIL),
    ],
)
def test_a_negated_phrase_is_not_said(language: str, said: str, outcome: Outcome) -> None:
    config = criterion("required_phrase", phrases=TRANSFER)
    assert verdict(config, interaction([("agent", said)], language=language)).outcome is outcome
