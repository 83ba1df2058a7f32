"""Phrase sets compiled per language, and the search for them in an analysed interaction.

Matching is on lower-cased lemmas (see `scorers.nlp`), so it is case-insensitive and
inflection-aware. A search is restricted by who said it and by a window in the conversation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.matcher import PhraseMatcher

from ingest.interaction import Interaction
from scorers.nlp import Analysed, pipeline
from scorers.outcome import Evidence, NotApplicable, Verdict
from scorers.standard import CriterionConfig, Phrases, SpeakerRole, Window, said_by


class PhraseCriterion(CriterionConfig):
    """Config of the kinds that look for phrases said by one speaker, optionally in a window."""

    speaker: SpeakerRole = "agent"
    phrases: Phrases
    within: Window | None = None


@dataclass(frozen=True)
class Match:
    turn_index: int
    start_ms: int | None
    text: str  # the words as said in the turn

    @property
    def evidence(self) -> Evidence:
        return Evidence(self.turn_index, self.start_ms, self.text)


def turns_in_scope(interaction: Interaction, speaker: SpeakerRole, window: Window | None = None, turns: range | None = None) -> Iterator[int]:
    """Indexes of the turns said by `speaker` inside `window` (and inside `turns`, if given)."""
    for index in turns if turns is not None else range(len(interaction.turns)):
        if said_by(speaker, interaction.turns[index], interaction) and (window is None or window.contains(index, interaction)):
            yield index


class PhraseSet:
    """The phrases of one criterion part, compiled once per language."""

    def __init__(self, phrases: Phrases) -> None:
        self.matchers: dict[str, PhraseMatcher] = {}
        for lang, texts in phrases.items():
            nlp = pipeline(lang)
            matcher = PhraseMatcher(nlp.vocab, attr="NORM")
            matcher.add("phrase", list(nlp.pipe(texts)))
            self.matchers[lang] = matcher

    def covers(self, language: str) -> bool:
        return language in self.matchers

    def find(
        self,
        analysed: Analysed,
        speaker: SpeakerRole,
        window: Window | None = None,
        turns: range | None = None,
    ) -> Iterator[Match]:
        """Matches in turn order, in turns said by `speaker`, inside `window` and `turns`."""
        interaction = analysed.interaction
        matcher = self.matchers.get(interaction.language)
        if matcher is None:
            return
        for index in turns_in_scope(interaction, speaker, window, turns):
            doc = analysed.docs[index]
            for _, start, end in sorted(matcher(doc), key=lambda m: m[1]):
                yield Match(index, interaction.turns[index].start_ms, doc[start:end].text)

    def first(self, analysed: Analysed, speaker: SpeakerRole, window: Window | None = None, turns: range | None = None) -> Match | None:
        return next(self.find(analysed, speaker, window, turns), None)


def not_applicable(analysed: Analysed, phrase_sets: Iterable[PhraseSet] = (), window: Window | None = None) -> Verdict | None:
    """The not_applicable verdict when the phrases' language or the window's timestamps are missing."""
    interaction = analysed.interaction
    if not all(p.covers(interaction.language) for p in phrase_sets):
        return Verdict.not_applicable(NotApplicable.LANGUAGE_NOT_COVERED, f"no phrases for language {interaction.language!r}")
    if window is not None and window.needs_timestamps and not interaction.has_timestamps:
        return Verdict.not_applicable(NotApplicable.NO_TIMESTAMPS, f"{window.describe()} needs turn timestamps")
    return None
