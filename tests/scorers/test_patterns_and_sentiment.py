from __future__ import annotations

import pytest
from pydantic import ValidationError

from scorers.outcome import Outcome
from tests.builders import criterion, interaction, verdict

LEXICON = {
    "en": {"negative": ["angry", "fed up", "terrible"], "positive": ["great", "happy"], "intensifiers": ["really", "very"]},
    "de": {"negative": ["wütend", "schrecklich"], "positive": ["super"], "intensifiers": ["sehr"]},
    "sv": {"negative": ["arg", "hemsk"], "positive": ["bra"], "intensifiers": ["väldigt"]},
    "fr": {"negative": ["fâché", "horrible"], "positive": ["génial"], "intensifiers": ["très"]},
}
UPSET = criterion(
    "conditional",
    trigger={"sentiment_at_most": -1},
    response={"within_turns": 1, "phrases": {"en": ["sorry"], "de": ["tut mir leid"], "sv": ["jag beklagar"], "fr": ["désolé"]}},
)


@pytest.mark.parametrize(
    ("language", "said", "triggered"),
    [
        ("en", "I am really angry.", True),
        ("en", "This is terrible and I'm fed up.", True),
        ("en", "I'm not angry, just asking.", False),  # negated: +0.5
        ("en", "Not great, not terrible.", False),  # -0.5 + 0.5
        ("de", "Ich bin sehr wütend.", True),
        ("de", "Ich bin nicht wütend.", False),
        ("sv", "Jag är väldigt arg.", True),
        ("sv", "Jag är inte arg.", False),
        ("fr", "Je suis très fâché.", True),
        ("fr", "Je ne suis pas fâché.", False),
    ],
)
def test_sentiment_trigger_with_intensifiers_and_negation(language: str, said: str, triggered: bool) -> None:
    ix = interaction([("agent", "Hello"), ("customer", said), ("agent", "Okay.")], language=language)
    result = verdict(UPSET, ix, sentiment=LEXICON)
    assert result.outcome is (Outcome.FAIL if triggered else Outcome.NOT_APPLICABLE), result.reason
    if triggered:
        assert result.evidence.turn_index == 1 and result.evidence.text.startswith("sentiment -")


def test_sentiment_trigger_without_a_lexicon_for_the_language() -> None:
    ix = interaction([("customer", "Je suis très fâché.")], language="fr")
    result = verdict(UPSET, ix, sentiment={"en": LEXICON["en"]})
    assert result.outcome is Outcome.NOT_APPLICABLE and result.reason.startswith("language_not_covered")


def test_negated_phrase_trigger_does_not_fire() -> None:
    ask = criterion("conditional", trigger={"phrases": {"en": ["speak to a human"]}}, response={"phrases": {"en": ["transfer you"]}})
    not_asked = interaction([("customer", "I don't want to speak to a human, just answer me."), ("agent", "Sure.")])
    assert verdict(ask, not_asked).outcome is Outcome.NOT_APPLICABLE
    refused = interaction([("customer", "I want to speak to a human."), ("agent", "I can't transfer you.")])
    assert verdict(ask, refused).outcome is Outcome.FAIL  # a negated offer is no offer


def test_token_patterns_match_variants() -> None:
    config = criterion("required_phrase", patterns={"en": [[{"NORM": "call"}, {"NORM": "be"}, {"OP": "?"}, {"NORM": "record"}]]})
    assert verdict(config, interaction([("agent", "Calls are always recorded.")])).outcome is Outcome.PASS
    assert verdict(config, interaction([("agent", "This call is recorded.")])).outcome is Outcome.PASS
    assert verdict(config, interaction([("agent", "We record everything.")])).outcome is Outcome.FAIL


def test_invalid_token_pattern_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match=r"invalid token pattern for 'en'.*LOWR"):
        criterion("required_phrase", patterns={"en": [[{"LOWR": "x"}]]})


def test_something_to_match_is_required() -> None:
    with pytest.raises(ValidationError, match="give phrases, patterns, or both"):
        criterion("required_phrase")
