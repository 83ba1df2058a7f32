"""What is said: phrase sets compiled per language, and the search for them in an interaction.

Phrases match on lower-cased lemmas (see `scorers.nlp`), so matching is case-insensitive and
inflection-aware. Token patterns in spaCy's Matcher syntax cover what a fixed phrase cannot
(`[{"NORM": "record"}, {"OP": "?"}, {"NORM": "call"}]`); `NORM` is the lower-cased lemma. A search is
restricted by who said it and by a window, and by default ignores negated matches ("I can't
transfer you" is not an offer to transfer).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.matcher import Matcher, PhraseMatcher

from ingest.interaction import Interaction
from scorers.negation import is_negated
from scorers.nlp import Analysed, pipeline
from scorers.outcome import Evidence, NotApplicable, Verdict
from scorers.standard import (
    CriterionConfig,
    Said,
    SpeakerRole,
    TokenPattern,
    Window,
    Words,
    said_by,
)

__all__ = ["Match", "PhraseCriterion", "PhraseSet", "Said", "Words", "not_applicable", "turns_in_scope"]

class PhraseCriterion(CriterionConfig, Said):
    """Config of the kinds that look for something said, optionally in a window."""

    within: Window | None = None


def turns_in_scope(interaction: Interaction, speaker: SpeakerRole, window: Window | None = None, turns: range | None = None) -> Iterator[int]:
    """Indexes of the turns said by `speaker` inside `window` (and inside `turns`, if given)."""
    for index in turns if turns is not None else range(len(interaction.turns)):
        if said_by(speaker, interaction.turns[index], interaction) and (window is None or window.contains(index, interaction)):
            yield index


@dataclass(frozen=True)
class Match:
    turn_index: int
    start_ms: int | None
    text: str  # the words as said in the turn
    start: int  # token offsets in the turn's doc
    end: int

    @property
    def evidence(self) -> Evidence:
        return Evidence(self.turn_index, self.start_ms, self.text)


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

    def covers(self, language: str) -> bool:
        return language in self.matchers

    def find(self, analysed: Analysed, window: Window | None = None, turns: range | None = None, speaker: SpeakerRole | None = None) -> Iterator[Match]:
        """Matches in turn order, in the speaker's turns inside `window` and `turns`."""
        interaction = analysed.interaction
        matchers = self.matchers.get(interaction.language)
        if not matchers:
            return
        anchors = self.anchors.get(interaction.language)
        for index in turns_in_scope(interaction, speaker or self.speaker, window, turns):
            doc = analysed.docs[index]
            run = matchers if anchors is None or not anchors.isdisjoint(analysed.norms[index]) else [m for m in matchers if isinstance(m, PhraseMatcher)]
            spans = sorted({(start, end) for m in run for _, start, end in m(doc)})
            for start, end in spans:
                if self.said.skip_negated and is_negated(doc, start, end, interaction.language):
                    continue
                yield Match(index, interaction.turns[index].start_ms, doc[start:end].text, start, end)

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
