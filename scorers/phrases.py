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
from typing import Any

from pydantic import Field, field_validator, model_validator
from spacy.errors import MatchPatternError
from spacy.matcher import Matcher, PhraseMatcher
from spacy.vocab import Vocab

from ingest.interaction import Interaction, Language
from scorers.negation import is_negated
from scorers.nlp import Analysed, pipeline
from scorers.outcome import Evidence, NotApplicable, Verdict
from scorers.standard import CriterionConfig, Phrases, SpeakerRole, StrictModel, Window, said_by

TokenPattern = list[dict[str, Any]]
Patterns = dict[Language, list[TokenPattern]]


class Words(StrictModel):
    """What is said: `phrases` and/or token `patterns` per language."""

    phrases: Phrases | None = None
    patterns: Patterns | None = Field(default=None, description="spaCy Matcher token patterns per language; NORM is the lower-cased lemma")
    # Whether a negated match ("I'm not sorry", "je ne peux pas vous transférer") is ignored.
    skip_negated: bool = True

    @field_validator("patterns")
    @classmethod
    def _valid_patterns(cls, patterns: Patterns | None) -> Patterns | None:
        for lang, rules in (patterns or {}).items():
            try:
                Matcher(Vocab(), validate=True).add(lang, rules)
            except (MatchPatternError, ValueError) as exc:
                detail = " ".join(str(exc).split("\n")[2:]).strip() or str(exc)
                raise ValueError(f"invalid token pattern for {lang!r}: {detail}") from None
        return patterns

    @model_validator(mode="after")
    def _something_to_match(self) -> Words:
        if not self.phrases and not self.patterns:
            raise ValueError("give phrases, patterns, or both")
        return self

    def languages(self) -> set[str]:
        return set(self.phrases or {}) | set(self.patterns or {})


class Said(Words):
    """Who says what: a `speaker`, and the words."""

    speaker: SpeakerRole = "agent"


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


class PhraseSet:
    """The phrases and patterns of one `Words` (or `Said`), compiled once per language."""

    def __init__(self, said: Words) -> None:
        self.said = said
        self.speaker: SpeakerRole = getattr(said, "speaker", "any")
        self.matchers: dict[str, list[PhraseMatcher | Matcher]] = {}
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
            self.matchers[lang] = compiled

    def covers(self, language: str) -> bool:
        return language in self.matchers

    def find(self, analysed: Analysed, window: Window | None = None, turns: range | None = None, speaker: SpeakerRole | None = None) -> Iterator[Match]:
        """Matches in turn order, in the speaker's turns inside `window` and `turns`."""
        interaction = analysed.interaction
        matchers = self.matchers.get(interaction.language)
        if not matchers:
            return
        for index in turns_in_scope(interaction, speaker or self.speaker, window, turns):
            doc = analysed.docs[index]
            spans = sorted({(start, end) for m in matchers for _, start, end in m(doc)})
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
