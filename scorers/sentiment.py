"""Customer sentiment from a lexicon in the standard: per language, editable by compliance officers.

A turn's score is the sum of its sentiment words: +1 positive, -1 negative, times 1.5 after an
intensifier ("really angry"), and flipped and halved when negated ("not happy" is -0.5, "not bad"
+0.5). Entries match on lemmas, like phrases. Simple and explainable on purpose: the evidence of a
verdict is the words that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from scorers.negation import is_negated
from scorers.nlp import pipeline
from scorers.standard import Lexicon

INTENSITY = 1.5
NEGATED = -0.5


@dataclass(frozen=True)
class TurnSentiment:
    score: float
    words: tuple[str, ...]  # the sentiment words found, as said


class SentimentAnalyser:
    """Scores turns with the standard's lexicon; languages without a lexicon are not covered."""

    def __init__(self, lexicons: dict[str, Lexicon]) -> None:
        self.matchers: dict[str, PhraseMatcher] = {}
        for lang, lexicon in lexicons.items():
            nlp = pipeline(lang)
            matcher = PhraseMatcher(nlp.vocab, attr="NORM")
            for label, words in (("positive", lexicon.positive), ("negative", lexicon.negative), ("intensifier", lexicon.intensifiers)):
                if words:
                    matcher.add(label, list(nlp.pipe(words)))
            self.matchers[lang] = matcher

    def covers(self, language: str) -> bool:
        return language in self.matchers

    def turn(self, doc: Doc, language: str) -> TurnSentiment:
        """The turn's sentiment, computed once per doc (triggers, outcomes and contact profiles ask again)."""
        key = ("touchstone_sentiment", id(self))
        cached = doc.user_data.get(key)
        if cached is None:
            cached = doc.user_data[key] = self._score(doc, language)
        return cached

    def _score(self, doc: Doc, language: str) -> TurnSentiment:
        matcher = self.matchers.get(language)
        if matcher is None:
            return TurnSentiment(0.0, ())
        vocab = doc.vocab.strings
        found = sorted((start, end, vocab[label]) for label, start, end in matcher(doc))
        intensified_until = -1
        score, words = 0.0, []
        for start, end, label in found:
            if label == "intensifier":
                intensified_until = end + 1  # strengthens a sentiment word right after it
                continue
            value = 1.0 if label == "positive" else -1.0
            if start <= intensified_until:
                value *= INTENSITY
            if is_negated(doc, start, end, language):
                value *= NEGATED
            score += value
            words.append(doc[start:end].text)
        return TurnSentiment(score, tuple(words))
