"""The NLP core: one blank spaCy pipeline per language, plus a lemma-normalising component.

Phrases are matched on `Token.norm_`, which the `touchstone_lemma_norm` component sets to the
lower-cased lemma from the spacy-lookups-data tables. The lemma depends on the lower-cased word only
(looked up lower-cased, then capitalised for German nouns), so matching is case-insensitive by
construction: "Fragen" and "fragen", "Mein" and "mein" get the same norm. A word that is itself a
lemma in the table stays as it is: standards are written in base forms, and the tables sometimes
send a base form elsewhere (Swedish "pris", price, to "prisa", to praise, while "priset" and
"priserna" go to "pris"). Standards' phrases run through the same
pipeline, so "calls are recorded" matches "this call is being recorded" in any inflection.
No trained model is needed and nothing is downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

import numpy
import spacy
from spacy.attrs import NORM, ORTH
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import load_language_data, registry

from ingest.interaction import Interaction
from scorers.listening import HeardTurn, Listener
from scorers.outcome import Evidence

LEMMA_NORM = "touchstone_lemma_norm"

# Frequent auxiliaries that the spacy-lookups-data tables get wrong or miss; without these,
# "l'appel est enregistré" would not match "les appels sont enregistrés".
LEMMA_FIXES: dict[str, dict[str, str]] = {
    "en": {"does": "do"},
    "sv": {"har": "ha"},
    "fr": {"est": "être", "suis": "être", "sommes": "être", "été": "être"},
}


def lemma_table(lang: str) -> dict[str, str]:
    """The spacy-lookups-data lemma table for `lang` as a plain dict of word -> lemma.

    Found through spaCy's lookups registry, but not built into a spaCy `Table`, which hashes every
    key up front: that costs ~10 s for the four languages against ~1 s for the plain dict.
    """
    tables = registry.lookups.get(lang) if lang in registry.lookups else {}
    if "lemma_lookup" not in tables:
        raise ValueError(f"spacy-lookups-data has no lemma_lookup table for {lang!r}; is it installed?")
    # The French table maps to lists of lemmas; the first is the common one.
    return {word: lemma[0] if isinstance(lemma, list) else lemma for word, lemma in load_language_data(tables["lemma_lookup"]).items()}


class LemmaNorm:
    """Sets `token.norm_` to the lower-cased lookup lemma; memoised per surface form."""

    def __init__(self, lang: str) -> None:
        self.table = lemma_table(lang)
        self.lemmas = {lemma.lower() for lemma in self.table.values()}
        self.fixes = LEMMA_FIXES.get(lang, {})
        self.cache: dict[str, str] = {}
        self.ids: dict[int, int] = {}  # orth id -> norm id

    def norm(self, text: str) -> str:
        cached = self.cache.get(text)
        if cached is None:
            low = text.lower()
            if low in self.fixes:
                lemma = self.fixes[low]
            elif low in self.lemmas:
                lemma = low
            else:
                lemma = self.table.get(low) or self.table.get(low.capitalize()) or low
            cached = self.cache[text] = lemma.lower()
        return cached

    def __call__(self, doc: Doc) -> Doc:
        # Whole-array in and out: creating a Python Token per word cost more than the tokenizer.
        strings = doc.vocab.strings
        ids = self.ids
        norms = []
        for orth in doc.to_array(ORTH).tolist():
            norm = ids.get(orth)
            if norm is None:
                norm = ids[orth] = strings.add(self.norm(strings[orth]))
            norms.append(norm)
        if norms:
            doc.from_array([NORM], numpy.array(norms, dtype="uint64").reshape(-1, 1))
        return doc


@Language.factory(LEMMA_NORM)
def make_lemma_norm(nlp: Language, name: str) -> LemmaNorm:
    return LemmaNorm(nlp.lang)


@cache
def pipeline(lang: str) -> Language:
    """The shared pipeline for `lang`: blank tokenizer + lemma norms."""
    nlp = spacy.blank(lang)
    nlp.add_pipe(LEMMA_NORM)
    return nlp


@dataclass(frozen=True)
class Analysed:
    """An interaction as heard (`scorers.listening`), every heard turn processed once, shared by all
    criteria that score it. `turns[i]` and `docs[i]` are the same heard turn; evidence names the
    interaction's own turn (segment) through `segment_of`."""

    interaction: Interaction
    turns: tuple[HeardTurn, ...]
    docs: tuple[Doc, ...]
    # Heard turns inside each window asked for (`scorers.windows`), filled on first use.
    windows: dict[Any, frozenset[int]] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def norms(self) -> tuple[frozenset[int], ...]:
        """Per turn, the set of its norm ids: a matcher whose anchor words are absent is not run."""
        return tuple(frozenset(doc.to_array(NORM).tolist()) for doc in self.docs)

    @cached_property
    def segment_breaks(self) -> tuple[frozenset[int], ...]:
        """Per turn, the token indexes where a later segment begins (a clause boundary for negation)."""
        breaks = []
        for turn, doc in zip(self.turns, self.docs):
            starts = set(turn.offsets[1:])
            breaks.append(frozenset(t.i for t in doc if t.idx in starts) if starts else frozenset())
        return tuple(breaks)

    def segment_of(self, turn: int, token: int = 0) -> int:
        """The interaction turn (segment) in which token `token` of heard turn `turn` was said."""
        doc = self.docs[turn]
        return self.turns[turn].segment_at(doc[token].idx if token < len(doc) else 0)

    def evidence(self, turn: int, text: str, token: int = 0) -> Evidence:
        """Evidence at token `token` of heard turn `turn`: its segment, that segment's start, `text`."""
        segment = self.segment_of(turn, token)
        return Evidence(segment, self.interaction.turns[segment].start_ms, text)


def analyse(interaction: Interaction, listener: Listener | None = None) -> Analysed:
    nlp = pipeline(interaction.language)
    turns = (listener or DEFAULT_LISTENER).hear(interaction)
    return Analysed(interaction, turns, tuple(nlp.pipe(t.text for t in turns)))


DEFAULT_LISTENER = Listener()
