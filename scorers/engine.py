"""Compile a standard into one scorer per criterion, and score interactions with it.

Compilation (phrase matchers, kind lookup) happens once per run; scoring an interaction hears its
turns (`scorers.listening`), processes them through spaCy once and hands the result to every
criterion.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.interaction import Interaction
from scorers.contact import ContactProfile, ContactProfiler
from scorers.interaction_fields import field_value
from ingest.markup import NonSpeech
from scorers.listening import Listener
from scorers.nlp import SCANNER, Analysed, analyse, lemma_norm, pipeline
from scorers.outcome import NotApplicable, Verdict
from scorers.registry import Resources, Scorer, resolve
from scorers.scoring_rules import CriterionResult, InteractionScore, score_interaction
from scorers.sentiment import SentimentAnalyser
from scorers.standard import CriterionConfig, Standard


@dataclass(frozen=True)
class Scored:
    interaction: Interaction
    results: tuple[CriterionResult, ...]
    score: InteractionScore
    contact: ContactProfile


def applies(criterion: CriterionConfig, interaction: Interaction) -> Verdict | None:
    """not_applicable when the criterion's `applies_to` excludes this interaction, else None."""
    scope = criterion.applies_to
    if scope.channels is not None and interaction.channel not in scope.channels:
        return Verdict.not_applicable(NotApplicable.CHANNEL_NOT_COVERED, f"applies to {', '.join(scope.channels)} only")
    if scope.agent_types is not None and interaction.agent.type not in scope.agent_types:
        return Verdict.not_applicable(NotApplicable.AGENT_TYPE_NOT_COVERED, f"applies to {', '.join(scope.agent_types)} agents only")
    if scope.teams is not None and field_value(interaction, "team") not in scope.teams:
        return Verdict.not_applicable(NotApplicable.TEAM_NOT_COVERED, f"applies to the {', '.join(scope.teams)} team(s) only")
    if scope.queues is not None and field_value(interaction, "queue") not in scope.queues:
        return Verdict.not_applicable(NotApplicable.QUEUE_NOT_COVERED, f"applies to the {', '.join(scope.queues)} queue(s) only")
    for key, values in (scope.metadata or {}).items():
        if field_value(interaction, f"metadata.{key}") not in values:
            return Verdict.not_applicable(NotApplicable.METADATA_NOT_COVERED, f"applies where {key} is {' or '.join(values)} only")
    return None


_PROFILERS: dict[str, ContactProfiler] = {}


def profiler_for(standard: Standard) -> ContactProfiler:
    """The contact profiler (and sentiment lexicon) of a standard, shared by the standards of a
    process that define them alike: a routed run scores one interaction with several standards, and
    its sentiment and contact profile are then computed once (`ContactProfiler.profile` keeps the last)."""
    key = json.dumps([standard.contact_reasons.model_dump(mode="json"), {lang: lex.model_dump(mode="json") for lang, lex in standard.sentiment.items()}], sort_keys=True)
    found = _PROFILERS.get(key)
    if found is None:
        found = _PROFILERS[key] = ContactProfiler(standard.contact_reasons, SentimentAnalyser(standard.sentiment))
    return found


_COMPILED: dict[tuple[str, str], CompiledStandard] = {}
KEEP_COMPILED = 16  # a backfill or a test session compiles many; a run needs a few


def compiled(standard: Standard, non_speech: NonSpeech | None = None) -> CompiledStandard:
    """The process's compiled form of `standard` heard with `non_speech`: the shards a process
    scores, and the workers forked after `warm`, share it (and its languages, compiled once)."""
    key = (standard.model_dump_json(), (non_speech or NonSpeech()).model_dump_json())
    found = _COMPILED.pop(key, None) or CompiledStandard(standard, non_speech)
    _COMPILED[key] = found  # the most recently used last
    while len(_COMPILED) > KEEP_COMPILED:
        del _COMPILED[next(iter(_COMPILED))]
    return found


def warm(standards: Iterable[Standard], non_speech: NonSpeech | None, languages: Iterable[str]) -> None:
    """Compile `standards` and load what scoring `languages` needs (spaCy pipelines, lemma tables,
    the scan's automata), before forking workers: they share the memory pages."""
    for standard in standards:
        compiled(standard, non_speech)
    for language in languages:
        pipeline(language)
        lemma_norm(language).load()
        SCANNER.warm(language)


class CompiledStandard:
    """A standard ready to score: each criterion bound to its kind's scorer."""

    def __init__(self, standard: Standard, non_speech: NonSpeech | None = None) -> None:
        self.standard = standard
        # How turns are heard: the standard's listening settings, the source's non-speech markup.
        self.listener = Listener(standard.listening, non_speech)
        self.profiler = profiler_for(standard)
        resources = Resources(sentiment=self.profiler.sentiment)
        self.scorers: list[tuple[CriterionConfig, Scorer]] = []
        for criterion in standard.criteria:
            kind = resolve(criterion.kind)
            assert kind is not None, f"kind {criterion.kind} was validated by the loader"
            self.scorers.append((criterion, kind.factory(criterion, resources)))

    @staticmethod
    def applies_or_score(criterion: CriterionConfig, scorer: Scorer, interaction: Interaction, analysed: Analysed) -> Verdict:
        return applies(criterion, interaction) or scorer(analysed)

    @property
    def hearing(self) -> str:
        """What decides how a turn is heard: standards with the same listening settings (in one run,
        so with the same non-speech markup) can share one analysis of an interaction."""
        return self.standard.listening.model_dump_json()

    def analyse(self, interaction: Interaction) -> Analysed:
        return analyse(interaction, self.listener)

    def score(self, interaction: Interaction, analysed: Analysed | None = None) -> Scored:
        """Score `interaction`; `analysed`, its analysis by a standard that hears alike, if at hand
        (a routed run scores one interaction with several standards: spaCy runs once)."""
        analysed = analysed or self.analyse(interaction)
        results = tuple(
            CriterionResult(criterion, self.applies_or_score(criterion, scorer, interaction, analysed)) for criterion, scorer in self.scorers
        )
        return Scored(interaction, results, score_interaction(self.standard, results), self.profiler.profile(analysed))
