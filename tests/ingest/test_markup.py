"""Non-speech markup: the quick test for a markup character never changes what is removed."""

from __future__ import annotations

import pytest

from ingest.markup import NonSpeech

TEXTS = [
    "thank you for calling harper valley",
    "[noise] thank you <unk> for {breath} calling",
    "my name is ((inaudible)) john (laughs) har~ harper",
    "a (parenthesis) stays, and so do [unclosed and <b",
    "",
    "   ",
    "hold on please",
    "ich heiße Anna ~ tilde alone",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(
    "non_speech",
    [NonSpeech(), NonSpeech(defaults=False), NonSpeech(patterns=[r"hold on"]), NonSpeech(patterns=[r"\*\*[a-z]+\*\*"], defaults=False)],
    ids=["defaults", "none", "own pattern", "own only"],
)
def test_remove_equals_the_full_pattern(non_speech: NonSpeech, text: str) -> None:
    assert non_speech.remove(text) == non_speech.regex.sub(" ", text)


def test_a_source_pattern_without_a_markup_character_is_applied() -> None:
    assert NonSpeech(patterns=[r"hold on"]).remove("hold on please") == "  please"
    assert NonSpeech().remove("[noise] hello") == "  hello"
