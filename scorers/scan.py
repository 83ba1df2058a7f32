"""One pass over a turn for every criterion: which phrase sets could match it at all.

Phrases match on lemma norms of spaCy tokens (`scorers.nlp`), which costs a tokenizer and a lemma
lookup per word. Most turns hold none of what a standard looks for, so before a turn is tokenised
its lower-cased text is scanned once with one Aho-Corasick automaton per language holding, for every
phrase of every criterion (and the sentiment lexicon, and the contact topics), the surface forms
that a token with its sharpest word's norm can have: "recorded" is found for the norm `record`
because the lemma table sends "recorded" and "records" there (`LemmaNorm.surfaces`). A turn is
tokenised only when some scan key it needs is found, or a criterion needs every turn (sounds-like
phrases; token patterns without a required word are keys found in every turn).

The scan is a filter, never a verdict: a phrase whose anchor's surface is not a substring of the
turn cannot match, because every token's text is a substring of the turn's text and its norm is
the norm of its lower-cased text. Substrings inside longer words only cost a needless tokenisation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import ahocorasick

# language, norms -> each norm's surface forms (lower-cased words whose norm it is)
Surfaces = Callable[[str, set[str]], dict[str, set[str]]]
Alternatives = Callable[[], Iterable[Sequence[Iterable[str]]]]

# Python lower-cases a capital sigma by its context (final or not), so a token's lower-cased text
# may not be a substring of the lower-cased turn; such turns are not filtered.
CONTEXT_CASED = "\u03a3"


@dataclass
class _Language:
    """The scan keys registered for one language and their automaton (rebuilt after a registration)."""

    # key -> its alternatives (made when the automaton is built); an alternative is what a match
    # needs: a token with a norm of each set.
    anchors: dict[int, Alternatives] = field(default_factory=dict)
    made: dict[int, list[list[frozenset[str]]]] = field(default_factory=dict)  # the alternatives, once made
    surfaces: dict[str, set[str]] = field(default_factory=dict)  # norm -> its forms, once looked up
    automaton: ahocorasick.Automaton | None = None
    everything: frozenset[int] = frozenset()


class Scanner:
    """Scan keys of a process, shared by every standard it compiles. A key stands for alternatives
    (the phrases and patterns of one phrase set); an alternative for what any of its matches must
    contain: for each of its norm sets, a token whose norm is in the set (a phrase: one set per word;
    a token pattern: one set, its anchor, or none)."""

    def __init__(self, surfaces: Surfaces) -> None:
        self._surfaces = surfaces
        self._languages: dict[str, _Language] = {}
        self._keys: dict[tuple[str, str], int] = {}

    def register(self, language: str, identity: str, alternatives: Alternatives) -> int:
        """The key found in a turn when, for some alternative, a surface form of its sharpest norm
        set is. An alternative that requires nothing makes the key found in every turn.
        `alternatives` is called when the language's automaton is built: phrases are tokenised by the
        language's pipeline, which is loaded only for languages a day contains. What registers the
        same `identity` (the same phrases, compiled again for another shard) gets the same key."""
        known = self._keys.get((language, identity))
        if known is not None:
            return known
        key = self._keys[(language, identity)] = len(self._keys)
        entry = self._languages.setdefault(language, _Language())
        entry.anchors[key] = alternatives
        entry.automaton = None
        return key

    def _automaton(self, language: str) -> tuple[ahocorasick.Automaton, frozenset[int]]:
        entry = self._languages.setdefault(language, _Language())
        if entry.automaton is None:
            # A later registration rebuilds the automaton; what earlier ones made is kept.
            made = entry.made
            for key, alternatives in entry.anchors.items():
                if key not in made:
                    made[key] = [[frozenset(norms) for norms in sets] for sets in alternatives()]
            surfaces = entry.surfaces
            missing = {norm for alternatives in made.values() for sets in alternatives for norms in sets for norm in norms} - surfaces.keys()
            if missing:
                surfaces.update(self._surfaces(language, missing))
            found: dict[str, set[int]] = {}
            everything = set()
            for key, alternatives in made.items():
                for sets in alternatives:
                    if not sets:
                        everything.add(key)
                        continue
                    # The sharpest set: the one whose shortest surface form is longest (fewest false hits).
                    forms = max(({f for norm in norms for f in surfaces.get(norm, ())} for norms in sets), key=_sharpness)
                    for form in forms:
                        found.setdefault(form, set()).add(key)
            automaton = ahocorasick.Automaton()
            for form, keys in found.items():
                automaton.add_word(form, frozenset(keys))
            if found:
                automaton.make_automaton()
            entry.automaton, entry.everything = automaton, frozenset(everything)
        return entry.automaton, entry.everything

    def warm(self, language: str) -> None:
        """Build the language's automaton now (before forking workers that share it)."""
        self._automaton(language)

    def scan(self, language: str, text: str) -> frozenset[int]:
        """The keys that may match somewhere in `text` (of a turn in `language`)."""
        automaton, everything = self._automaton(language)
        if CONTEXT_CASED in text:
            return frozenset(self._languages[language].anchors)
        if automaton.kind != ahocorasick.AHOCORASICK:  # no forms to look for
            return everything
        found = set(everything)
        for _, keys in automaton.iter(text.lower()):
            found |= keys
        return frozenset(found)


def _sharpness(forms: set[str]) -> tuple[int, int]:
    return (min(map(len, forms), default=1_000), -len(forms))  # no form at all: cannot match, sharpest

