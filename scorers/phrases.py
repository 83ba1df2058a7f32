"""What is said: phrase sets compiled per language, and the search for them in an interaction.

Phrases match on lower-cased lemmas (see `scorers.nlp`), so matching is case-insensitive and
inflection-aware. Token patterns in spaCy's Matcher syntax cover what a fixed phrase cannot
(`[{"NORM": "record"}, {"OP": "?"}, {"NORM": "call"}]`); `NORM` is the lower-cased lemma. A search is
restricted by who said it and by a window, and by default ignores negated matches ("I can't
transfer you" is not an offer to transfer). Phrases marked `sounds_like` also match speech-to-text
near-misses (`scorers.sounds_like`), after the exact matches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from scorers.negation import is_negated
from scorers.nlp import Analysed, pipeline
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


class PhraseSet:
    """The phrases and patterns of one `Words` (or `Said`), compiled once per language."""

    def __init__(self, said: Words) -> None:
        self.said = said
        self.speaker: SpeakerRole = getattr(said, "speaker", "any")
        self.matchers: dict[str, list[PhraseMatcher | Matcher]] = {}
        # Per language, the norm ids without which the token patterns cannot match (None: always run).
        self.anchors: dict[str, frozenset[int] | None] = {}
        # Per language, the phrases that may also match by sound, compiled.
        self.sounds: dict[str, list[SoundPhrase]] = {}
        for lang in said.languages():
            nlp = pipeline(lang)
            compiled: list[PhraseMatcher | Matcher] = []
            if said.phrases and lang in said.phrases:
                phrase_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
                phrase_matcher.add("phrase", list(nlp.pipe(said.phrases[lang])))
                compiled.append(phrase_matcher)
            if said.patterns and lang in said.patterns:
                matcher = Matcher(nlp.vocab)
                matcher.add("pattern", said.patterns[lang])
                compiled.append(matcher)
                anchors = [_anchor_norms(p) for p in said.patterns[lang]]
                self.anchors[lang] = None if None in anchors else frozenset(nlp.vocab.strings.add(v) for a in anchors for v in a or ())
            self.matchers[lang] = compiled
            heard_as = said.sounds_like_phrases(lang)
            if isinstance(said.sounds_like, dict) and heard_as:
                # Phrases listed only under `sounds_like` are matched exactly as well.
                extra = PhraseMatcher(nlp.vocab, attr="NORM")
                extra.add("sounds_like", list(nlp.pipe(heard_as)))
                compiled.append(extra)
            self.sounds[lang] = [c for c in (sound_phrase(p, lang) for p in heard_as) if c.matchable]

    def covers(self, language: str) -> bool:
        return language in self.matchers

    def find(self, analysed: Analysed, window: Window | None = None, turns: range | None = None, speaker: SpeakerRole | None = None) -> Iterator[Match]:
        """Matches in turn order, in the speaker's turns inside `window` and `turns`."""
        language = analysed.interaction.language
        matchers = self.matchers.get(language)
        if not matchers:
            return
        anchors = self.anchors.get(language)
        for index in turns_in_scope(analysed, speaker or self.speaker, window, turns):
            doc = analysed.docs[index]
            run = matchers if anchors is None or not anchors.isdisjoint(analysed.norms[index]) else [m for m in matchers if isinstance(m, PhraseMatcher)]
            spans = {(start, end): doc[start:end].text for m in run for _, start, end in m(doc)}
            if self.sounds.get(language):
                spans |= self._sounds_like(doc, language, spans)
            for (start, end), said in sorted(spans.items()):
                if self.said.skip_negated and is_negated(doc, start, end, language, analysed.segment_breaks[index]):
                    continue
                yield Match(index, analysed.evidence(index, said, start), start, end)

    def _sounds_like(self, doc: Doc, language: str, exact: dict[tuple[int, int], str]) -> dict[tuple[int, int], str]:
        """Near-misses that no exact match covers, with what was heard and what it was taken for."""
        found = find_sounds_like([t.text for t in doc], self.sounds[language], language)
        return {
            (m.start, m.end): f"{doc[m.start:m.end].text} (heard; taken for '{m.phrase}')"
            for m in found
            if all(m.end <= start or m.start >= end for start, end in exact)
        }

    def first(self, analysed: Analysed, window: Window | None = None, turns: range | None = None) -> Match | None:
        return next(self.find(analysed, window, turns), None)


def not_applicable(analysed: Analysed, phrase_sets: Iterable[PhraseSet] = (), window: Window | None = None) -> Verdict | None:
    """The not_applicable verdict when the phrases' language or the window's timestamps are missing."""
    interaction = analysed.interaction
    if not all(p.covers(interaction.language) for p in phrase_sets):
        return Verdict.not_applicable(NotApplicable.LANGUAGE_NOT_COVERED, f"no phrases for language {interaction.language!r}")
    if window is not None and window.needs_timestamps and not interaction.has_timestamps:
        return Verdict.not_applicable(NotApplicable.NO_TIMESTAMPS, f"{window.describe()} needs turn timestamps")
    return None
