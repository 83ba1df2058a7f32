"""Sounds-like matching: a phrase found where speech-to-text wrote something that sounds like it.

Speech recognisers mishear names and brands: "Harper Valley" comes out as "harbor valley", "happy
valley", "hector valley", "carson valley". Where a standard asks (`sounds_like`), a phrase also
matches a run of words whose *sound key* is close to the phrase's:

- A word's sound key keeps its consonants by class (the Soundex classes, which German's Kölner
  Phonetik and the French and Swedish variants share in spirit: b f p v / c g j k q s x z / d t / l /
  m n / r) and folds every run of vowels to one `a`, after a few spelling rules per language
  (`ph` is f, German `sch` and `ch`, Swedish `sj`/`tj`/`kj`, French silent final letters).
  "harper" and "harbor" share a key; "value" and "valley" too.
- A run of whole words (one word more or fewer than the phrase, at most) matches when the
  Levenshtein similarity of the keys, over the longer key, is at least `MIN_SIMILARITY`, the
  phrase's key is long enough (`MIN_KEY`) for that to mean something (short phrases are never
  matched by sound), and, for a phrase of several words, at least one of them is heard as it
  sounds: a mishearing keeps part of what was said ("carpet *valley*", "a valid *national bank*"),
  and this is what keeps "your for today" from being taken for "harper valley".

Exact matches are always tried first (`scorers.phrases`); these are the near-misses, and the
evidence says what was heard and which phrase it was taken for.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

MIN_SIMILARITY = 0.75
MIN_KEY = 8  # sound-key characters: "harper valley" has 9, "thank you" 5
CLASSES = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"), **dict.fromkeys("dt", "3"), "l": "4", **dict.fromkeys("mn", "5"), "r": "6"}
VOWELS = frozenset("aeiouyåäöæøœ")
# Spelling rules per language, applied in order before the classes: sounds that are spelt apart.
SPELLING: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (("ph", "f"), ("ck", "k"), ("gh", ""), ("kn", "n"), ("wr", "r"), ("wh", "w"), ("th", "t")),
    "de": (("sch", "s"), ("ch", "k"), ("ph", "f"), ("ck", "k"), ("th", "t"), ("w", "v"), ("tz", "z")),
    "sv": (("sj", "s"), ("skj", "s"), ("stj", "s"), ("tj", "s"), ("kj", "s"), ("ph", "f"), ("ck", "k"), ("w", "v")),
    "fr": (("eau", "o"), ("au", "o"), ("ph", "f"), ("qu", "k"), ("ch", "s"), ("gn", "n"), ("th", "t")),
}
_FRENCH_SILENT_END = re.compile(r"(?:e|es|s|t|ts|x|d|ent)$")


def _fold(word: str) -> str:
    """Lower-cased letters without accents (ä and ö kept: they are vowels either way)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if c.isalpha() and not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def sound_key(word: str, language: str) -> str:
    """The sound key of one word: consonant classes, vowel runs as one `a`, repeats folded."""
    letters = _fold(word)
    for spelt, sound in SPELLING.get(language, ()):
        letters = letters.replace(spelt, sound)
    if language == "fr" and len(letters) > 3:
        letters = _FRENCH_SILENT_END.sub("", letters) or letters
    key: list[str] = []
    for c in letters:
        code = "a" if c in VOWELS else CLASSES.get(c, "")  # h and w are no sound of their own
        if code and (not key or key[-1] != code):
            key.append(code)
    return "".join(key)


def phrase_key(words: list[str], language: str) -> str:
    """The sound key of several words, as said together ("her for" sounds like "harper")."""
    return _joined([sound_key(word, language) for word in words])


@dataclass(frozen=True)
class SoundPhrase:
    """A phrase compiled for sound matching once, when the standard is compiled."""

    phrase: str
    key: str  # the whole phrase's sound key
    words: int
    anchors: frozenset[str] | None  # its words' keys, one of which must be heard; None for one word

    @property
    def matchable(self) -> bool:
        """Long enough in sound for a near-miss to mean something."""
        return len(self.key) >= MIN_KEY


def sound_phrase(phrase: str, language: str) -> SoundPhrase:
    words = phrase.lower().split()
    anchors = frozenset(sound_key(w, language) for w in words) - {""} if len(words) > 1 else None
    return SoundPhrase(phrase, phrase_key(words, language), len(words), anchors)


@dataclass(frozen=True)
class SoundMatch:
    start: int  # word offsets in the turn
    end: int
    phrase: str  # the phrase it was taken for
    similarity: float


def find_sounds_like(words: list[str], phrases: list[SoundPhrase], language: str) -> list[SoundMatch]:
    """Runs of `words` that sound like one of `phrases`, the most similar where runs overlap, in
    word order."""
    keys = [sound_key(w, language) for w in words]
    found: list[SoundMatch] = []
    for phrase in phrases:
        n = phrase.words
        for start in range(len(words)):
            best: SoundMatch | None = None
            for size in range(max(1, n - 1), n + 2):
                end = start + size
                if end > len(words):
                    break
                if phrase.anchors is not None and phrase.anchors.isdisjoint(keys[start:end]):
                    continue
                similarity = Levenshtein.normalized_similarity(phrase.key, _joined(keys[start:end]))
                if similarity >= MIN_SIMILARITY and (best is None or similarity > best.similarity):
                    best = SoundMatch(start, end, phrase.phrase, similarity)
            if best is not None:
                found.append(best)
    chosen: list[SoundMatch] = []
    for match in sorted(found, key=lambda m: (-m.similarity, m.start)):
        if all(match.end <= c.start or match.start >= c.end for c in chosen):
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


def _joined(keys: list[str]) -> str:
    key = ""
    for part in keys:
        key += part[1:] if key and part and key[-1] == part[0] else part
    return key
