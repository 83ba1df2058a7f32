"""The fast paths give what the plain ones gave: lemma norms set by array, and token patterns
skipped when their anchor words are absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorers.nlp import Analysed, analyse, pipeline, tokenised
from scorers.phrases import PhraseSet, _anchor_norms
from scorers.standard import Words
from tests.builders import interaction
from touchstone import public_dialogues
from touchstone.sample_data import FILLER, TEXT

DIALOGUES = Path(__file__).resolve().parents[3] / "shared" / "data" / "dialogues"


class _EveryKey(frozenset):
    """Scan hits holding every key: each phrase set runs on every turn, as if there were no scan."""

    def __contains__(self, key: object) -> bool:
        return True


EVERY_KEY = _EveryKey()


def _texts() -> list[tuple[str, str]]:
    texts = [(lang, line) for lang, t in TEXT.items() for value in t.values() for line in ([value] if isinstance(value, str) else value if isinstance(value, list) else [])]
    texts += [(lang, line) for lang, f in FILLER.items() for lines in f.values() for line in lines]
    if DIALOGUES.is_dir():
        for record in public_dialogues.abcd(DIALOGUES / "abcd" / "abcd_sample.json"):
            texts += [("en", turn["text"]) for turn in record["turns"]]
    return texts


def test_lemma_norms_by_array_equal_the_token_by_token_norms() -> None:
    texts = _texts()
    assert len(texts) > 100
    for lang, text in texts:
        nlp = pipeline(lang)
        norm = nlp.get_pipe("touchstone_lemma_norm").norm
        assert [t.norm_ for t in nlp(text)] == [norm(t.text) for t in nlp.tokenizer(text)], text


def test_a_turn_tokenised_directly_is_the_pipelines_doc() -> None:
    """`tokenised` calls the pipeline's two steps itself: the same tokens, norms and text, and
    spaCy's length limit kept."""
    for lang, text in _texts():
        direct, through = tokenised(lang, text), pipeline(lang)(text)
        assert pipeline(lang).pipe_names == ["touchstone_lemma_norm"]
        assert [(t.text, t.whitespace_, t.norm_) for t in direct] == [(t.text, t.whitespace_, t.norm_) for t in through], text
    with pytest.raises(ValueError, match="E088"):
        tokenised("en", "a" * (pipeline("en").max_length + 1))


@pytest.mark.parametrize(
    ("pattern", "anchor"),
    [
        ([{"NORM": "price"}, {"NORM": "be"}, {"LIKE_NUM": True}], {"price"}),
        ([{"NORM": {"IN": ["cost", "price"]}}, {"NORM": "vat"}], {"vat"}),  # the sharper one
        ([{"NORM": "ziehen"}, {"IS_PUNCT": False, "OP": "{0,4}"}, {"NORM": "um"}], {"ziehen"}),
        ([{"NORM": "please", "OP": "?"}, {"LIKE_NUM": True}], None),  # nothing must be there
        ([{"NORM": "call", "OP": "{1,2}"}], {"call"}),
    ],
)
def test_anchor_of_a_token_pattern(pattern: list[dict], anchor: set[str] | None) -> None:
    assert _anchor_norms(pattern) == anchor


def test_anchored_patterns_find_what_unanchored_ones_find(monkeypatch: pytest.MonkeyPatch) -> None:
    words = Words(patterns={"en": [[{"NORM": "cost"}, {"LIKE_NUM": True}], [{"NORM": "price"}, {"NORM": "be"}, {"LIKE_NUM": True}]]})
    phrases = PhraseSet(words)
    texts = ["It costs 20 euros.", "The price is 30.", "Nothing here.", "Costs: 12", "the PRICES ARE 9 now"]
    scanned = [[m.text for m in phrases.find(analyse(interaction([("agent", text)])))] for text in texts]
    monkeypatch.setattr(Analysed, "hits", lambda self, turn: EVERY_KEY)  # every turn tokenised and matched
    assert scanned == [[m.text for m in phrases.find(analyse(interaction([("agent", text)])))] for text in texts]
    assert scanned[0] == ["costs 20"] and scanned[2] == []
