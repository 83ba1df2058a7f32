"""Customer sentiment from a lexicon in the standard: per language, editable by compliance officers.

A turn's score is the sum of its sentiment words: +1 positive, -1 negative, times 1.5 after an
intensifier ("really angry"), and flipped and halved when negated ("not happy" is -0.5, "not bad"
+0.5). Entries match on lemmas, like phrases. Simple and explainable on purpose: the evidence of a
verdict is the words that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scorers.negation import is_negated
from scorers.nlp import Analysed, pipeline, register_phrases
from scorers.standard import Lexicon

if TYPE_CHECKING:
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

INTENSITY = 1.5
NEGATED = -0.5


@dataclass(frozen=True)
class TurnSentiment:
    score: float
    words: tuple[str, ...]  # the sentiment words found, as said


NEUTRAL = TurnSentiment(0.0, ())


class SentimentAnalyser:
    """Scores turns with the standard's lexicon; languages without a lexicon are not covered.
    A language's matcher is compiled when a turn of it is first scored; a turn in which the scan
    (`scorers.scan`) finds no positive or negative word scores 0 without being tokenised."""

    def __init__(self, lexicons: dict[str, Lexicon]) -> None:
        self.lexicons = lexicons
        self._matchers: dict[str, PhraseMatcher] = {}
        self._keys = {lang: self._register(lang) for lang in lexicons}

    def _register(self, lang: str) -> int:
        words = [*self.lexicons[lang].positive, *self.lexicons[lang].negative]  # intensifiers alone score nothing
        return register_phrases(lang, words)

    def covers(self, language: str) -> bool:
        return language in self.lexicons

    def matcher(self, lang: str) -> PhraseMatcher:
        matcher = self._matchers.get(lang)
        if matcher is None:
            from spacy.matcher import PhraseMatcher  # here, not above: validating a standard needs no spaCy

            nlp, lexicon = pipeline(lang), self.lexicons[lang]
            matcher = self._matchers[lang] = PhraseMatcher(nlp.vocab, attr="NORM")
            for label, words in (("positive", lexicon.positive), ("negative", lexicon.negative), ("intensifier", lexicon.intensifiers)):
                if words:
                    matcher.add(label, list(nlp.pipe(words)))
        return matcher

    def turn(self, analysed: Analysed, index: int) -> TurnSentiment:
        """The sentiment of heard turn `index`, computed once (triggers, outcomes and contact profiles ask again)."""
        key = (id(self), "sentiment", index)
        cached = analysed.memo.get(key)
        if cached is None:
            language = analysed.interaction.language
            if language not in self.lexicons or self._keys[language] not in analysed.hits(index):
                cached = NEUTRAL
            else:
                cached = self._score(analysed.docs[index], language)
            analysed.memo[key] = cached
        return cached

    def _score(self, doc: Doc, language: str) -> TurnSentiment:
        vocab = doc.vocab.strings
        found = sorted((start, end, vocab[label]) for label, start, end in self.matcher(language)(doc))
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
