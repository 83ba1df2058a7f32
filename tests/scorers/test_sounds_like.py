"""Sounds-like matching of brands and key phrases misheard by speech-to-text: the real mishearings
of "Harper Valley National Bank" in the shared calls are found, other words are not, and human
transcripts get no pass they would not get by exact matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.interaction import Interaction
from scorers.outcome import Outcome
from scorers.sounds_like import find_sounds_like, phrase_key, sound_key, sound_phrase
from tests.builders import criterion, interaction, verdict
from touchstone.public_dialogues import harper_valley

CALLS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "calls" / "harper_valley"
BANK = {"en": ["harper valley national bank", "harper valley"]}


def greeting(sounds_like: bool) -> object:
    return criterion("required_phrase", phrases=BANK, sounds_like=sounds_like, within={"first_turns": 2, "of": "agent"})


@pytest.mark.parametrize(
    "heard",
    [  # the speech-to-text of real openings (Harper Valley calls), and the mishearings the issue lists
        "hello this is happy valley national thing my name is mary how can i help you today",
        "hello uh this is carson valley national bank my name is john how can i help you today",
        "hello this is harbor valley national bank my name is patricia how can i help you today",
        "hello this is hector valley national bank my name is kay how can i help you today",
        "hello this is a valid national bank my name is rob how can i help you today",
        "hello this is help provide the national bank my name is jennifer how can i help you today",
        "thank you for calling her for valley",
        "welcome to halbur valley",
        "this is carpet valley national bank",
    ],
)
def test_misheard_brand_is_found_by_sound(heard: str) -> None:
    ix = interaction([("agent", heard, 0)], channel="voice")
    result = verdict(greeting(True), ix)
    assert result.outcome is Outcome.PASS
    assert result.evidence is not None and "(heard; taken for 'harper valley" in result.evidence.text
    assert verdict(greeting(False), ix).outcome is Outcome.FAIL  # without it, a miss


@pytest.mark.parametrize(
    "said",
    [
        "hello this is acme savings and loans how can i help you today",
        "your for today",  # real speech-to-text of a caller: close in sound, but no word of the phrase
        "how can i help you today",
        "this is happy to help",
    ],
)
def test_other_words_are_not_taken_for_the_brand(said: str) -> None:
    assert verdict(greeting(True), interaction([("agent", said, 0)], channel="voice")).outcome is Outcome.FAIL


@pytest.mark.skipif(not CALLS.is_dir(), reason="../shared/data is not beside the checkout")
def test_no_new_pass_on_human_transcripts() -> None:
    """On the careful human transcripts sounds-like passes exactly what exact matching passes, but
    for the one call where the agent said "harper value national bank" (the reviewers pass it)."""
    changed = set()
    for call in harper_valley(CALLS, "human"):
        ix = Interaction.model_validate(call)
        if verdict(greeting(True), ix).outcome != verdict(greeting(False), ix).outcome:
            changed.add(ix.interaction_id)
    assert changed == {"03a17cc36d474151"}


@pytest.mark.parametrize(
    ("language", "phrase", "heard"),
    [
        ("de", "volksbank mittelhessen", "volksbank mittel essen"),
        ("de", "sparkasse köln bonn", "spar kasse köln bon"),
        ("sv", "handelsbanken", "handels banken"),
        ("sv", "skandiabanken", "skandia banken"),
        ("fr", "crédit agricole", "crédit agricol"),
        ("fr", "société générale", "société généralle"),
    ],
)
def test_near_misses_in_every_language(language: str, phrase: str, heard: str) -> None:
    found = find_sounds_like(heard.split(), [sound_phrase(phrase, language)], language)
    assert [m.phrase for m in found] == [phrase]


def test_sound_keys() -> None:
    assert sound_key("harper", "en") == sound_key("harbor", "en")
    assert sound_key("valley", "en") == sound_key("value", "en")
    assert phrase_key(["her", "for"], "en") == sound_key("harper", "en")
    assert sound_key("Schmidt", "de") == sound_key("schmitt", "de")


def test_short_phrases_are_never_matched_by_sound() -> None:
    config = criterion("required_phrase", phrases={"en": ["thank you"]}, sounds_like=True)
    assert verdict(config, interaction([("agent", "think you")])).outcome is Outcome.FAIL
