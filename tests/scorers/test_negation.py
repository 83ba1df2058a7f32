from __future__ import annotations

import pytest

from scorers.negation import is_negated
from scorers.nlp import pipeline


def _span(language: str, text: str, words: str) -> tuple:
    doc = pipeline(language)(text)
    lowered = [t.lower_ for t in doc]
    target = [t.lower_ for t in pipeline(language)(words)]
    for i in range(len(lowered)):
        if lowered[i : i + len(target)] == target:
            return doc, i, i + len(target)
    raise AssertionError(f"{words!r} not in {text!r}")


@pytest.mark.parametrize(
    ("language", "text", "words", "negated"),
    [
        ("en", "I can't transfer you today.", "transfer you", True),
        ("en", "I cannot transfer you.", "transfer you", True),
        ("en", "I will transfer you now.", "transfer you", False),
        ("en", "No, I will transfer you.", "transfer you", False),  # the clause boundary stops it
        ("en", "oh no this is harper valley", "harper valley", False),  # real ASR: "no" is an answer here
        ("en", "there is no charge", "charge", True),  # ... and a determiner here
        ("en", "I'm not sorry.", "sorry", True),
        ("de", "Ich kann Sie nicht verbinden.", "verbinden", True),
        ("de", "Ich verstehe Sie nicht.", "ich verstehe", True),  # negation after the verb
        ("de", "Ich verbinde Sie jetzt.", "verbinde sie", False),
        ("sv", "Jag kan inte koppla dig.", "koppla dig", True),
        ("sv", "Jag förstår inte.", "jag förstår", True),
        ("sv", "Jag kopplar dig nu.", "kopplar dig", False),
        ("fr", "Je ne peux pas vous transférer.", "vous transférer", True),
        ("fr", "Je ne comprends pas.", "comprends", True),
        ("fr", "Je vais vous transférer.", "vous transférer", False),
    ],
)
def test_negation_in_every_language(language: str, text: str, words: str, negated: bool) -> None:
    doc, start, end = _span(language, text, words)
    assert is_negated(doc, start, end, language) is negated
