"""What is said: phrase sets compiled per language, and the search for them in an interaction.

Phrases match on lower-cased lemmas (see `scorers.nlp`), so matching is case-insensitive and
inflection-aware. Token patterns in spaCy's Matcher syntax cover what a fixed phrase cannot
(`[{"NORM": "record"}, {"OP": "?"}, {"NORM": "call"}]`); `NORM` is the lower-cased lemma. A search is
restricted by who said it and by a window, and by default ignores negated matches ("I can't
transfer you" is not an offer to transfer). Phrases marked `sounds_like` also match speech-to-text
near-misses (`scorers.sounds_like`), after the exact matches.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scorers.negation import is_negated
from scorers.nlp import SCANNER, Analysed, pipeline, register_phrases
from scorers.outcome import Evidence, NotApplicable, Verdict
from scorers.sounds_like import SoundPhrase, find_sounds_like, sound_phrase
from scorers.standard import (
    CriterionConfig,
    Said,
    SpeakerRole,
    TokenPattern,
    Window,
    Words,
)
from scorers.windows import turns_in_scope

if TYPE_CHECKING:
    from spacy.matcher import Matcher, PhraseMatcher
    from spacy.tokens import Doc

__all__ = ["Match", "PhraseCriterion", "PhraseSet", "Said", "Words", "not_applicable", "turns_in_scope"]

class PhraseCriterion(CriterionConfig, Said):
    """Config of the kinds that look for something said, optionally in a window."""

    within: Window | None = None


@dataclass(frozen=True)
class Match:
    turn_index: int  # the heard turn (see `scorers.listening`)
    evidence: Evidence  # the interaction turn (segment) it was said in, its start, the words
    start: int  # token offsets in the heard turn's doc
    end: int

    @property
    def text(self) -> str:
        return self.evidence.text


def _anchor_norms(pattern: TokenPattern) -> set[str] | None:
    """NORM values one of which a match of `pattern` must contain, or None if it has no such token.

    A token without an operator (or with `+`, or `{n,m}` with n >= 1) must be there; its literal
    `NORM` (or `NORM: {IN: [...]}`) values are the anchor. The smallest set is the sharpest filter.
    """
    best: set[str] | None = None
    for spec in pattern:
        op = str(spec.get("OP", "1"))
        required = op in ("1", "+") or (op.startswith("{") and not op.startswith(("{0", "{,")))
        norm = spec.get("NORM")
        values = {norm} if isinstance(norm, str) else set(norm["IN"]) if isinstance(norm, dict) and set(norm) == {"IN"} else None
        if required and values and (best is None or len(values) < len(best)):
            best = values
    return best


@dataclass(frozen=True)
class _Compiled:
    """One language of a phrase set: its matchers and the scan keys that say a turn needs them."""

    phrases: PhraseMatcher | None  # the phrases, and those listed only under `sounds_like`
    patterns: Matcher | None
    sounds: tuple[SoundPhrase, ...]  # phrases that may also match by sound
    phrase_key: int | None  # scan key of the phrases (None: there are none)
    pattern_key: int | None  # scan key of the patterns' anchors (None: there are none)


class PhraseSet:
    """The phrases and patterns of one `Words` (or `Said`), compiled per language when a turn of
    that language first asks, and registered with the scan (`scorers.scan`) so that turns where
    they cannot match are never tokenised."""

    def __init__(self, said: Words) -> None:
        self.said = said
        self.speaker: SpeakerRole = getattr(said, "speaker", "any")
        self.languages = frozenset(said.languages())
        self._compiled: dict[str, _Compiled] = {}
        self._keys: dict[str, tuple[int | None, int | None]] = {}  # registered before compiling
        for lang in self.languages:
            self._register(lang)

    def _register(self, lang: str) -> None:
        """Scan keys are registered at once (the scanner builds each language's automaton once, from
        every phrase set the process has); what they stand for is compiled when first scanned for."""
        phrases, patterns = self._exact_phrases(lang), (self.said.patterns or {}).get(lang, [])
        phrase_key = register_phrases(lang, phrases) if phrases else None
        anchors = lambda: [[a] if (a := _anchor_norms(p)) else [] for p in patterns]  # noqa: E731 - made when the automaton is built
        pattern_key = SCANNER.register(lang, json.dumps(["patterns", patterns]), anchors) if patterns else None
        self._keys[lang] = (phrase_key, pattern_key)

    def _exact_phrases(self, lang: str) -> list[str]:
        """The phrases matched exactly: the phrases, and those listed only under `sounds_like`."""
        said = self.said
        return [*(said.phrases or {}).get(lang, ()), *(said.sounds_like_phrases(lang) if isinstance(said.sounds_like, dict) else ())]

    def compiled(self, lang: str) -> _Compiled:
        found = self._compiled.get(lang)
        if found is None:
            found = self._compiled[lang] = self._compile(lang)
        return found

    def _compile(self, lang: str) -> _Compiled:
        from spacy.matcher import Matcher, PhraseMatcher  # here, not above: validating a standard needs no spaCy

        said, nlp, phrases = self.said, pipeline(lang), self._exact_phrases(lang)
        phrase_matcher = matcher = None
        if phrases:
            phrase_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
            phrase_matcher.add("phrase", list(nlp.pipe(phrases)))
        if said.patterns and lang in said.patterns:
            matcher = Matcher(nlp.vocab)
            matcher.add("pattern", said.patterns[lang])
        sounds = tuple(c for c in (sound_phrase(p, lang) for p in said.sounds_like_phrases(lang)) if c.matchable)
        return _Compiled(phrase_matcher, matcher, sounds, *self._keys[lang])

    def covers(self, language: str) -> bool:
        return language in self.languages

    def find(self, analysed: Analysed, window: Window | None = None, turns: range | None = None, speaker: SpeakerRole | None = None) -> Iterator[Match]:
        """Matches in turn order, in the speaker's turns inside `window` and `turns`."""
        language = analysed.interaction.language
        if language not in self.languages:
            return
        compiled = self.compiled(language)
        for index in turns_in_scope(analysed, speaker or self.speaker, window, turns):
            hits = analysed.hits(index)
            run = [m for m, key in ((compiled.phrases, compiled.phrase_key), (compiled.patterns, compiled.pattern_key)) if m is not None and key in hits]
            if not run and not compiled.sounds:
                continue  # nothing it looks for is in this turn: not tokenised
            doc = analysed.docs[index]
            spans = {(start, end): doc[start:end].text for m in run for _, start, end in m(doc)}
            if compiled.sounds:
                spans |= _sounds_like(doc, language, compiled.sounds, spans)
            for (start, end), said in sorted(spans.items()):
                if self.said.skip_negated and is_negated(doc, start, end, language, analysed.segment_breaks(index)):
                    continue
                yield Match(index, analysed.evidence(index, said, start), start, end)

    def first(self, analysed: Analysed, window: Window | None = None, turns: range | None = None) -> Match | None:
        return next(self.find(analysed, window, turns), None)


def _sounds_like(doc: Doc, language: str, sounds: tuple[SoundPhrase, ...], exact: dict[tuple[int, int], str]) -> dict[tuple[int, int], str]:
    """Near-misses that no exact match covers, with what was heard and what it was taken for."""
    found = find_sounds_like([t.text for t in doc], list(sounds), language)
    return {
        (m.start, m.end): f"{doc[m.start:m.end].text} (heard; taken for '{m.phrase}')"
        for m in found
        if all(m.end <= start or m.start >= end for start, end in exact)
    }


def not_applicable(analysed: Analysed, phrase_sets: Iterable[PhraseSet] = (), window: Window | None = None) -> Verdict | None:
    """The not_applicable verdict when the phrases' language or the window's timestamps are missing."""
    interaction = analysed.interaction
    if not all(p.covers(interaction.language) for p in phrase_sets):
        return Verdict.not_applicable(NotApplicable.LANGUAGE_NOT_COVERED, f"no phrases for language {interaction.language!r}")
    if window is not None and window.needs_timestamps and not interaction.has_timestamps:
        return Verdict.not_applicable(NotApplicable.NO_TIMESTAMPS, f"{window.describe()} needs turn timestamps")
    return None
