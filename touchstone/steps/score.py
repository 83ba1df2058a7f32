"""Step three, score: each shard ingest staged scored on its own, so a day scores to the same rows
however it was split. A DAG task scores one shard (`score_shard`, mapped over the shards);
`touchstone run` scores them one after another or in worker processes (`score`). Each shard's
criterion results, interaction scores and scoring quarantine go to the run's staging as Parquet,
with the machine's verdicts: the reviewers' overrides are applied when aggregate merges the shards.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from ingest.interaction import Interaction
from ingest.interaction_rows import from_rows
from ingest.records import EXCERPT_CHARS
from ingest.source_config import load_source_config
from scorers.engine import CompiledStandard, Scored, compiled, warm
from scorers.nlp import Analysed
from scorers.routing import Router
from scorers.standard import Standard
from touchstone.settings import Settings
from touchstone.steps.plan import RunPlan, plan_scoring, plan_standards
from touchstone.steps.processes import FORK, fewer_collections, heap_set_aside
from touchstone.steps.staging import LANGUAGES, largest_first, quarantine_row, shard_file, shard_numbers, shard_sources, staging
from warehouse import staging as staged
from warehouse.tables import CRITERION_RESULTS, INTERACTION_SCORES, QUARANTINE

READ_ROWS = 500  # interactions validated from a shard at a time: a shard's rows are never all held as dicts
STAGED = (CRITERION_RESULTS, INTERACTION_SCORES, QUARANTINE)  # what scoring stages of each shard (a retry overwrites them)


def criterion_result_rows(scored: Scored, standard: Standard, run_id: str) -> list[dict[str, Any]]:
    rows = []
    for result in scored.results:
        evidence = result.verdict.evidence
        rows.append(
            {
                "interaction_id": scored.interaction.interaction_id,
                "agent_id": scored.interaction.agent.id,
                "criterion_id": result.criterion.id,
                "criterion_kind": result.criterion.kind,
                "section": result.criterion.section,
                "outcome": result.verdict.outcome.value,  # the machine's: overrides come in `aggregate`
                "reason": result.verdict.reason,
                "points": result.points,
                "max_points": result.max_points,
                "critical": result.criterion.critical,
                "evidence": evidence.text if evidence else None,
                "turn_index": evidence.turn_index if evidence else None,
                "start_ms": evidence.start_ms if evidence else None,
                "run_id": run_id,
                "standard_id": standard.id,
                "standard_version": standard.version,
            }
        )
    return rows


def interaction_score_row(scored: Scored, standard: Standard, run_id: str, source: str, rule: str | None) -> dict[str, Any]:
    ix, score, contact = scored.interaction, scored.score, scored.contact
    started = ix.started_at
    if started is not None and started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    return {
        "interaction_id": ix.interaction_id,
        "agent_id": ix.agent.id,
        "agent_type": ix.agent.type,
        "team": ix.agent.team,
        "channel": ix.channel,
        "language": ix.language,
        "started_at": started,
        "turns": len(ix.turns),
        "duration_ms": ix.duration_ms,
        "quality_score": score.quality_score,
        "compliance_passed": score.compliance_passed,
        "critical_failures": score.critical_failures,
        "criteria_passed": score.passed,
        "criteria_failed": score.failed,
        "criteria_not_applicable": score.not_applicable,
        "section_scores": score.section_scores,
        "source": source,
        "customer_id": ix.customer.id,
        "contact_reason": contact.reason,
        "reason_source": contact.reason_source,
        "words": contact.words,
        "transfers": contact.transfers,
        "customer_distress": contact.customer_distress,
        "handed_over": contact.handed_over,
        "routing_rule": rule,
        "run_id": run_id,
        "standard_id": standard.id,
        "standard_version": standard.version,
    }


@dataclass
class _Scoring:
    """A shard's interactions scored with the run's standards, into the rows of each staged table."""

    plan: RunPlan
    standards: dict[str, Standard]
    router: Router | None
    scorers: dict[str, CompiledStandard]
    sources: dict[str, str]  # interaction id -> "file locator", as ingest read it
    scored: int = 0
    routed_elsewhere: int = 0

    def rows(self, interactions: Iterable[Interaction]) -> dict[str, list[dict[str, Any]]]:
        rows: dict[str, list[dict[str, Any]]] = {table.name: [] for table in STAGED}
        for interaction in interactions:
            self._add(interaction, rows)
        return rows

    def _add(self, interaction: Interaction, rows: dict[str, list[dict[str, Any]]]) -> None:
        source = self.sources[interaction.interaction_id]
        file, _, locator = source.partition(" ")
        rule, chosen = None, tuple(self.standards.values())
        if self.router is not None:
            routed, chosen = self.router.route(interaction)
            rule = routed.rule
            if self.plan.draft:  # a draft's impact on a routed date: only what the routing gives the draft's standard
                draft = next(iter(self.standards.values()))
                if draft.id not in {s.id for s in chosen}:
                    self.routed_elsewhere += 1
                    return
                chosen = (draft,)
            if not chosen:  # a valid routing always gives a standard; counted, never dropped, if not
                reason = f"routing {self.router.routing.ref}: {routed.reason}"
                rows[QUARANTINE.name].append(quarantine_row(file, locator, reason, interaction.model_dump_json()[:EXCERPT_CHARS], self.plan.run_id))
                return
        try:
            heard: dict[str, Analysed] = {}  # one analysis per way of hearing, shared by the standards
            scored = []
            for standard in chosen:
                scorer = self.scorers[standard.ref]
                analysed = heard.get(scorer.hearing) or heard.setdefault(scorer.hearing, scorer.analyse(interaction))
                scored.append((standard, scorer.score(interaction, analysed)))
        except Exception as exc:  # noqa: BLE001 - one bad interaction must not fail the night
            reason = f"scoring failed: {type(exc).__name__}: {exc}"
            rows[QUARANTINE.name].append(quarantine_row(file, locator, reason, interaction.model_dump_json()[:EXCERPT_CHARS], self.plan.run_id))
            return
        self.scored += 1
        for standard, result in scored:
            rows[CRITERION_RESULTS.name] += criterion_result_rows(result, standard, self.plan.run_id)
            rows[INTERACTION_SCORES.name].append(interaction_score_row(result, standard, self.plan.run_id, source, rule))


@fewer_collections()  # also where a DAG task scores a shard on its own
def score_shard(settings: Settings, plan: RunPlan, shard: int) -> dict[str, Any]:
    """Score one shard: each interaction with its standards (the run's one, or those the routing
    gives it). An interaction a scorer cannot handle, or that the routing sends nowhere, is
    quarantined with the reason, not fatal: none of its rows are kept, so it counts once. Returns,
    with the counts, the seconds spent in the step itself: a DAG task's duration less these is what
    the task spent starting (`scripts/benchmark.py --stack-startup`)."""
    started = time.perf_counter()
    folder = staging(settings, plan)
    standards, router = plan_scoring(settings, plan)
    non_speech = load_source_config(settings.source_config).non_speech
    scoring = _Scoring(plan, standards, router, {ref: compiled(standard, non_speech) for ref, standard in standards.items()}, folder.read_json(shard_sources(shard)))
    quarantined = 0
    with ExitStack() as files:  # written a batch at a time: a task's memory does not grow with its shard
        out = {table.name: files.enter_context(folder.writer(shard_file(table.name, shard), table.schema)) for table in STAGED}
        for batch in folder.batches(shard_file("interactions", shard), READ_ROWS):
            rows = scoring.rows(from_rows(batch))
            quarantined += len(rows[QUARANTINE.name])
            for table in STAGED:
                if rows[table.name]:
                    out[table.name].write_table(staged.to_arrow(rows[table.name], table))
    seconds = round(time.perf_counter() - started, 3)
    return {**plan.to_dict(), "shard": shard, "scored": scoring.scored, "quarantined": quarantined, "routed_elsewhere": scoring.routed_elsewhere, "seconds": seconds}


def shards(settings: Settings, plan: RunPlan) -> list[int]:
    """The shard numbers ingest wrote for this run."""
    return shard_numbers(staging(settings, plan), "interactions")


def day_languages(settings: Settings, plan: RunPlan, standards: Iterable[Standard]) -> list[str]:
    """The languages of the staged interactions that the standards cover (ingest records them;
    a day staged before it did: every language of the standards)."""
    covered = {lang for standard in standards for lang in standard.languages}
    staged_languages = staging(settings, plan).read_json(LANGUAGES, default=None)
    return sorted(covered if staged_languages is None else covered & set(staged_languages))


def score(settings: Settings, plan: RunPlan, processes: int = 1) -> dict[str, Any]:
    """Score every shard: one after another, or in `processes` worker processes."""
    numbers = shards(settings, plan)
    if processes > 1 and len(numbers) > 1:
        # In a process of its own that forks the workers: what scoring loads (spaCy, the lemma
        # tables, compiled standards: ~300 MB for four languages) is given back when it ends, not
        # carried by this process through aggregate, publish and report.
        with ProcessPoolExecutor(1, mp_context=FORK) as owner:
            results = owner.submit(_score_in_workers, settings, plan, numbers, processes).result()
    else:
        results = [score_shard(settings, plan, n) for n in numbers]  # each with fewer collections
    return {**plan.to_dict(), "shards": len(results), "scored": sum(r["scored"] for r in results)}


@fewer_collections()
def _score_in_workers(settings: Settings, plan: RunPlan, numbers: list[int], processes: int) -> list[dict[str, Any]]:
    # Compile the standards and load the day's languages once, before forking: the workers share
    # their memory pages (copy-on-write; set aside from the garbage collector so they stay shared).
    standards = plan_standards(settings, plan).values()
    warm(standards, load_source_config(settings.source_config).non_speech, day_languages(settings, plan, standards))
    numbers = largest_first(staging(settings, plan), numbers)
    with heap_set_aside(), ProcessPoolExecutor(min(processes, len(numbers)), mp_context=FORK) as pool:
        return list(pool.map(score_shard, [settings] * len(numbers), [plan] * len(numbers), numbers))


def scored_shards(settings: Settings, plan: RunPlan) -> list[int]:
    """The shard numbers scored for this run (a re-publication stages its day as shard 0)."""
    return shard_numbers(staging(settings, plan), CRITERION_RESULTS.name)
