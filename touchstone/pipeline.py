"""The nightly steps for one date: ingest -> score -> aggregate -> publish -> report.

The Airflow DAG runs each step as a task; `touchstone run` runs them in a row. Steps hand over
through the run's staging folder (`<data>/staging/<date>/<run_id>/`), never through memory, so a
task can run on any worker, and only `publish` touches the warehouse. Every step is a transaction on
one date: re-running it replaces what it wrote. Ingest splits the day into shards of `shard_size`
interactions; each shard is scored on its own (one mapped task per shard in Airflow, or processes in
`touchstone run`), and aggregate merges them in shard order, so a day scores to the same rows
however it was split.

Counts reconcile: read = scored + quarantined, checked before anything is published.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import re
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from foundation.errors import TouchstoneError
from ingest.interaction import Interaction
from ingest.landing import landing_root
from ingest.parts import Span, day_parts
from ingest.reader import DayStream, stream_day
from ingest.records import EXCERPT_CHARS, Quarantined, SourceRecord
from ingest.source_config import load_source_config
from scorers.engine import Scored, compiled, warm
from scorers.loader import load_standard, load_standards, select_standard
from scorers.routing import ROUTING_FOLDER, Router, load_routings, resolve, select_routing
from scorers.nlp import Analysed
from scorers.overrides import Override
from scorers.sensitive import mask_long_numbers, redact_any_language
from scorers.standard import Standard
from touchstone.settings import Settings
from warehouse import staging as staged
from warehouse import store
from warehouse.aggregate import AgentAccumulator
from warehouse.frames import as_list
from warehouse.overrides import override_ids, overrides_of
from warehouse.reviewed import Reviewed
from warehouse.checks import (
    SuiteResult,
    check_input,
    check_output,
    check_rows,
    input_row,
    output_suite,
    suite_columns,
)
from warehouse.report import write_report
from warehouse.tables import (
    AGENT_DAILY_SCORES,
    CRITERION_RESULTS,
    INTERACTION_SCORES,
    PUBLISHED,
    QUARANTINE,
    RUNS,
)

COUNTS = "counts.json"
LANGUAGES = "languages.json"  # the languages of the staged interactions
OVERRIDES_SEEN = "overrides.json"  # the ids of the overrides a run's merge applied
# What the per-agent aggregation reads of each interaction score.
AGENT_COLUMNS = ["agent_id", "agent_type", "team", "quality_score", "compliance_passed", "critical_failures", "section_scores", "run_id", "standard_id", "standard_version"]
DEFAULT_SHARD_SIZE = 2000


@dataclass(frozen=True)
class RunPlan:
    """What one run scores: the date, with which standard versions, under which run id, in what shards.

    A run scores every interaction with one standard, or, planned with a routing (`routing_ref`),
    each interaction with the standards the routing in force gives it (`scorers.routing`). A run
    planned with a `draft` (a standard file outside the standards folder, for `standards impact`)
    scores with that file and is never published."""

    day: date
    run_id: str
    standard_refs: tuple[str, ...]  # always `id@version`, resolved when the run is planned; company-wide first
    shard_size: int = DEFAULT_SHARD_SIZE
    draft: str | None = None
    draft_sha256: str | None = None  # every step checks that the draft file is still the one planned
    routing_ref: str | None = None  # `id@version` of the routing applied, resolved when planned

    @property
    def standard_ref(self) -> str:
        """The standards, as people read them: `eu_core@2`, or `eu_core@2 + sales@1 + support@1`."""
        return " + ".join(self.standard_refs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(), "run_id": self.run_id, "standard_ref": self.standard_ref, "standard_refs": list(self.standard_refs),
            "routing_ref": self.routing_ref, "shard_size": self.shard_size, "draft": self.draft, "draft_sha256": self.draft_sha256,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunPlan:
        shard_size = int(data.get("shard_size") or DEFAULT_SHARD_SIZE)
        refs = tuple(data.get("standard_refs") or [data["standard_ref"]])
        return cls(date.fromisoformat(data["day"]), data["run_id"], refs, shard_size, data.get("draft"), data.get("draft_sha256"), data.get("routing_ref"))


def ingest_quarantine(folder: Path) -> Path:
    """What ingest quarantined: kept apart from the merged quarantine, so a merge can be repeated."""
    return folder / "quarantine.ingest.parquet"


def shard_file(folder: Path, kind: str, shard: int, suffix: str = "parquet") -> Path:
    return folder / "shards" / f"{kind}-{shard:05d}.{suffix}"


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise TouchstoneError(f"{text!r} is not a date", "write dates as YYYY-MM-DD, e.g. 2026-11-22") from None


def scored_date(run_after: datetime, override: str | None = None) -> date:
    """The date a nightly run scores: the day before it runs, unless a date is named.

    With a cron schedule Airflow's data interval is empty (start == end == run time), so the
    scored date is derived from the run time, or given explicitly as the `date` param.
    """
    return parse_day(override) if override else (run_after - timedelta(days=1)).date()


def new_run_id(prefix: str = "cli") -> str:
    return f"{prefix}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"


def safe_run_id(run_id: str) -> str:
    """A run id usable as one file name (Airflow's contain ':' and '+'; none may be `..` or hidden)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id).lstrip(".") or "run"


def load_standard_for(settings: Settings, day: date, ref: str | None = None) -> Standard:
    return select_standard(load_standards(settings.standards_dir), day, ref or settings.standard)


def published_refs(run: Any) -> tuple[tuple[str, ...], str | None]:
    """The standards (`id@version`) and routing (or None) of a `runs` row: what re-staging a
    published date scores with. Runs recorded before routing have one standard and no `standards`."""
    refs = tuple(f"{s['standard_id']}@{s['standard_version']}" for s in as_list(run.get("standards")))
    routing = run.get("routing_id")
    routed = f"{routing}@{run['routing_version']}" if isinstance(routing, str) else None
    return refs or (f"{run['standard_id']}@{run['standard_version']}",), routed


def router_for(settings: Settings, day: date, routing: str, standards: list[Standard] | None = None, bind_to: list[Standard] | None = None) -> Router:
    """The routing `routing` (`id` or `id@version`) in force on `day`, its files checked against the
    folder's standards (`standards`, when already loaded), bound to that day's versions among
    `bind_to` (default: all of them); refused with file and line when it cannot route the day whole."""
    standards = standards if standards is not None else load_standards(settings.standards_dir)
    chosen = select_routing(load_routings(settings.standards_dir, {s.id for s in standards}), day, routing)
    if chosen is None:
        raise TouchstoneError(f"no version of routing {routing!r} is in force on {day.isoformat()}", f"routing files live in {settings.standards_dir / ROUTING_FOLDER}")
    return resolve(chosen, standards if bind_to is None else bind_to, day)


def plan_run(
    settings: Settings, day: date, run_id: str, standard: str | None = None, shard_size: int | None = None, draft: Path | None = None, routing: str | None = None
) -> RunPlan:
    """Resolve the standard versions for `day` (validating every standard) and name the run.

    A standard named here scores every interaction; otherwise a routing (named here, or by the
    settings) gives each interaction its standards; otherwise the settings' standard scores all.
    With a `draft` file, the run scores with that file instead."""
    if shard_size is not None and shard_size < 1:
        raise TouchstoneError(f"shard size must be at least 1, not {shard_size}")
    size = shard_size or DEFAULT_SHARD_SIZE
    if draft is not None:
        chosen = load_standard(draft)
        return RunPlan(day, safe_run_id(run_id), (chosen.ref,), size, str(draft.resolve()), chosen.sha256)
    routing = None if standard is not None else routing or settings.routing
    if routing is not None:
        router = router_for(settings, day, routing)
        return RunPlan(day, safe_run_id(run_id), tuple(s.ref for s in router.scored_with), size, routing_ref=router.routing.ref)
    return RunPlan(day, safe_run_id(run_id), (load_standard_for(settings, day, standard).ref,), size)


def plan_router(settings: Settings, plan: RunPlan, standards: list[Standard] | None = None) -> Router | None:
    """The routing a planned run applies (None: one standard scores every interaction), bound to the
    standard versions the run was planned with: a version added since, or back-dated, does not change
    what a run (or a re-publication of a published date) scores with, as `--standard id@version` would not."""
    if not plan.routing_ref:
        return None
    folder = standards if standards is not None else load_standards(settings.standards_dir)
    if plan.draft:  # the draft stands in for its standard; the routing is bound to the folder's
        return router_for(settings, plan.day, plan.routing_ref, folder)
    return router_for(settings, plan.day, plan.routing_ref, folder, bind_to=list(plan_standards(settings, plan, folder).values()))


def plan_standards(settings: Settings, plan: RunPlan, standards: list[Standard] | None = None) -> dict[str, Standard]:
    """The standards a planned run scores with, by `id@version` (a draft file must not have changed
    since); `standards`, the folder's, when already loaded."""
    if plan.draft:
        draft = load_standard(Path(plan.draft))
        if plan.draft_sha256 and draft.sha256 != plan.draft_sha256:
            raise TouchstoneError(f"the draft {plan.draft} changed since run {plan.run_id} was planned", "plan the comparison again, and leave the draft alone while it runs")
        return {draft.ref: draft}
    standards = standards if standards is not None else load_standards(settings.standards_dir)
    return {ref: select_standard(standards, plan.day, ref) for ref in plan.standard_refs}


def plan_scoring(settings: Settings, plan: RunPlan) -> tuple[dict[str, Standard], Router | None]:
    """The standards and the routing a planned run scores with, the folder read once for both."""
    folder = load_standards(settings.standards_dir)
    return plan_standards(settings, plan, folder), plan_router(settings, plan, folder)


def staging(settings: Settings, plan: RunPlan) -> Path:
    return settings.staging_dir / plan.day.isoformat() / plan.run_id


def _update_counts(folder: Path, **counts: int) -> dict[str, int]:
    path = folder / COUNTS
    merged = {**(json.loads(path.read_text()) if path.exists() else {}), **counts}
    path.write_text(json.dumps(merged, indent=2, sort_keys=True))
    return merged


def _quarantine_row(source: str, locator: str, reason: str, raw: str, run_id: str) -> dict[str, Any]:
    """A quarantine row; the raw excerpt is redacted (cards, IBANs, ids, e-mail, phones; written, or
    spoken in any of the languages, since a broken record's language is not known), and what is left
    of long numbers is masked: an excerpt cut in the middle of a card number passes no check. Reasons
    never quote long input values (`ingest.reader.describe_validation_error`) and are redacted too,
    for what an exception's message might quote."""
    return {"source": source, "locator": locator, "reason": redact_any_language(reason), "raw_excerpt": mask_long_numbers(redact_any_language(raw)), "run_id": run_id}


def _batches(stream: DayStream, size: int, set_aside: Callable[[Quarantined], None]) -> Iterator[list[Interaction]]:
    """The stream's interactions in batches of `size` (at least one batch, maybe empty); every
    quarantined record goes to `set_aside` as it passes."""
    batch: list[Interaction] = []
    yielded = False
    for item in stream:
        if isinstance(item, Quarantined):
            set_aside(item)
            continue
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch, yielded = [], True
    if batch or not yielded:
        yield batch


@contextmanager
def fewer_collections(young: int = 50_000) -> Iterator[None]:
    """The garbage collector's young generation collected every `young` allocations (700 by
    default) while a step runs (as a `with` block or a decorator). A day is read and scored as
    millions of short-lived objects (records, turns, matches) beside a large heap that lives all
    run (lemma tables, compiled standards); at the default the collector took a quarter of ingest.
    The code makes hardly any cycles, so memory does not grow for it."""
    before = gc.get_threshold()
    gc.set_threshold(young, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextmanager
def heap_set_aside() -> Iterator[None]:
    """What the process already holds (imports, lemma tables, the day's sources) kept out of the
    garbage collector's walks while a block runs. Workers forked in the block then share those pages
    (a collection would write to them, so copy them), and the input suite's full collection after
    each shard (`warehouse.checks.run_suite`) skips them: staging in one process (the DAG's ingest
    task) walked the whole heap each time, ~0.2 s a shard. A process that inherited a freeze (Airflow's executors freeze
    before forking the processes that run tasks) keeps what is set aside here frozen with it, as
    giving it back would give back its parent's too; such a process ends with its task."""
    give_back = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if give_back:
            gc.unfreeze()


@dataclass
class _Staged:
    """What staging the day's interactions in shards gave, however it was done."""

    quarantine: list[dict[str, Any]] = field(default_factory=list)  # rows, in the order read
    checks: SuiteResult = field(default_factory=lambda: SuiteResult(True, {}, {}))
    shards: int = 0
    valid: int = 0
    rejected: int = 0
    languages: set[str] = field(default_factory=set)

    def add_shard(self, result: SuiteResult, kept: int, rejected: int, languages: Iterable[str]) -> None:
        self.checks = self.checks.merged(result, f"shard {self.shards}")
        self.shards, self.valid, self.rejected = self.shards + 1, self.valid + kept, self.rejected + rejected
        self.languages.update(languages)


def ingest(settings: Settings, plan: RunPlan, processes: int = 1) -> dict[str, Any]:
    """Read the day's landing files as a stream; stage the valid interactions in shards, and the
    quarantined records. The input suite runs per shard, so memory does not grow with the day.
    With several processes (and a landing folder on this machine) the files are read in parts
    side by side, into the very shards, quarantine and checks one process writes."""
    if processes > 1 and _local_landing(settings):
        # In a process of its own, as scoring: Great Expectations (~250 MB imported) is given
        # back when ingest ends, not carried by this process through the steps after it.
        with ProcessPoolExecutor(1, mp_context=_FORK) as owner:
            return owner.submit(_ingest, settings, plan, processes).result()
    return _ingest(settings, plan, 1)


def _local_landing(settings: Settings) -> bool:
    """Whether the landing area is a folder on this machine: only then are processes forked
    to read it (beside an object store's client, a forked process is not safe)."""
    return landing_root(settings.landing, settings.landing_conn_id).protocol == "file"


@fewer_collections()
def _ingest(settings: Settings, plan: RunPlan, processes: int) -> dict[str, Any]:
    folder = staging(settings, plan)
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "shards").mkdir(parents=True)
    stream = stream_day(landing_root(settings.landing, settings.landing_conn_id), plan.day, load_source_config(settings.source_config))
    if processes > 1:  # a local landing area (`ingest`)
        result = _stage_in_workers(stream, folder, plan, processes)
    else:
        _import_great_expectations()  # first, so the suite's collections leave it aside too
        with heap_set_aside():
            result = _stage(stream, folder, plan)
    _write_checks(folder, "input", result.checks)
    (folder / LANGUAGES).write_text(json.dumps(sorted(result.languages)))
    with (folder / "sources.json").open("w", encoding="utf-8") as out:
        json.dump(stream.sources, out)
    staged.write_rows(staged.to_arrow(result.quarantine, QUARANTINE), ingest_quarantine(folder))
    counts = _update_counts(folder, files=len(stream.files), read=stream.read, duplicates_dropped=stream.duplicates, input_checks_failed=result.rejected)
    return {**plan.to_dict(), **counts, "valid": result.valid, "quarantined_on_read": len(result.quarantine), "shards": list(range(result.shards))}


def _set_aside(record: Quarantined, run_id: str) -> dict[str, Any]:
    return _quarantine_row(record.source, record.locator, record.reason, record.raw_excerpt, run_id)


def _rejected(stream: DayStream, interaction_id: str, reason: str, excerpt: str, run_id: str) -> dict[str, Any]:
    """The quarantine row of an interaction the input suite rejected, named by where it was read."""
    file, _, locator = stream.sources[interaction_id].partition(" ")
    return _quarantine_row(file, locator, reason, excerpt, run_id)


def _stage(stream: DayStream, folder: Path, plan: RunPlan) -> _Staged:
    """Stage the stream in this process, a shard at a time."""
    staged_day = _Staged()
    for batch in _batches(stream, plan.shard_size, lambda record: staged_day.quarantine.append(_set_aside(record, plan.run_id))):
        kept, rejected, result = check_input(batch)
        with shard_file(folder, "interactions", staged_day.shards, "jsonl").open("w", encoding="utf-8") as out:
            out.writelines(item.model_dump_json() + "\n" for item in kept)
        staged_day.quarantine += [_rejected(stream, item.interaction_id, reason, item.model_dump_json()[:EXCERPT_CHARS], plan.run_id) for item, reason in rejected]
        staged_day.add_shard(result, len(kept), len(rejected), (item.language for item in kept))
    return staged_day


PART_BYTES = 8 << 20  # a part of a large line file read by one ingest worker (~1,000 long calls)
_FORK = multiprocessing.get_context("fork")  # workers share what their parent loaded
_FORKED: dict[str, Any] = {}  # what ingest's workers inherit by fork rather than receive pickled per task


def _import_great_expectations() -> None:
    """Great Expectations imported ahead (2-3 s): by a process that checks, or whose children do,
    while other processes work; or before the heap is set aside (`heap_set_aside`)."""
    import great_expectations  # noqa: F401


def _part_file(folder: Path, part: int) -> Path:
    """Where ingest's round one writes the interactions of a part (their input rows beside, `.rows`)."""
    return folder / "parts" / f"{part:05d}.jsonl"


@dataclass
class _Shards:
    """The day's interactions placed in shards in reading order, each as (part, line of its file),
    with what was set aside before each shard's rejections: the order `_batches` gives in one process."""

    size: int
    members: list[list[tuple[int, int]]] = field(default_factory=lambda: [[]])
    before: list[list[Quarantined]] = field(default_factory=list)
    pending: list[Quarantined] = field(default_factory=list)

    def place(self, stream: DayStream, part: int, entries: list[Quarantined | tuple[str, str, str, str]]) -> None:
        """The records of one part (`_read_part`), in reading order."""
        stream.read += len(entries)
        line = 0  # of the part's file: its interactions, duplicates included
        for entry in entries:
            if isinstance(entry, Quarantined):
                self.pending.append(entry)
                continue
            interaction_id, source, locator, excerpt = entry
            if (duplicate := stream.duplicate(SourceRecord(source, locator, excerpt), interaction_id)) is not None:
                self.pending.append(duplicate)
            else:
                self._keep((part, line))
            line += 1

    def _keep(self, member: tuple[int, int]) -> None:
        self.members[-1].append(member)
        if len(self.members[-1]) == self.size:
            self.before.append(self.pending)
            self.pending = []
            self.members.append([])

    def close(self) -> list[Quarantined]:
        """What was set aside after the last shard's rejections (only when the last shard is full)."""
        if not self.members[-1] and len(self.members) > 1:
            self.members.pop()
            return self.pending
        self.before.append(self.pending)
        return []


def _stage_in_workers(stream: DayStream, folder: Path, plan: RunPlan, processes: int) -> _Staged:
    """Stage the stream with workers, in two rounds; the result is `_stage`'s, file for file.

    1. Workers read parts of the files (`ingest.parts`) and validate each record, writing the
       interactions to a file per part with what the input suite looks at of each beside them.
       Duplicates are found here, in reading order, and each interaction's shard is known from
       its place among those kept, as in one process.
    2. Workers check a shard each with the input suite and write it from the parts' lines
       (nothing is validated twice).
    In one process, ingest left the other core idle for a fifth of a 100,000-call run."""
    (folder / "parts").mkdir()
    _FORKED["stream"] = stream
    shards = _Shards(plan.shard_size, pending=stream.unusable_rows())
    stream.read += len(shards.pending)
    try:
        with ProcessPoolExecutor(processes, mp_context=_FORK) as pool:
            read = [pool.submit(_read_part, part, _part_file(folder, n)) for n, part in enumerate(day_parts(stream.paths, PART_BYTES))]
            _import_great_expectations()  # while the workers read; the checkers inherit it

            for number, future in enumerate(read):
                shards.place(stream, number, future.result())
        last = shards.close()
        staged_day = _Staged()
        # The checkers inherit Great Expectations and the day's sources, set aside.
        with heap_set_aside(), ProcessPoolExecutor(min(processes, len(shards.members)), mp_context=_FORK) as pool:
            checked = pool.map(_check_shard, [folder] * len(shards.members), range(len(shards.members)), shards.members)
            for set_aside, (rejected, result, kept, languages) in zip(shards.before, checked, strict=True):
                staged_day.quarantine += [_set_aside(record, plan.run_id) for record in set_aside]
                staged_day.quarantine += [_rejected(stream, interaction_id, reason, excerpt, plan.run_id) for interaction_id, reason, excerpt in rejected]
                staged_day.add_shard(result, kept, len(rejected), languages)
        staged_day.quarantine += [_set_aside(record, plan.run_id) for record in last]
    finally:
        _FORKED.clear()
        shutil.rmtree(folder / "parts", ignore_errors=True)
    return staged_day


def _read_part(part: list[Span], out: Path) -> list[Quarantined | tuple[str, str, str, str]]:
    """Round one, in a worker: a part's records validated, the interactions written to `out` as
    JSON lines, and what the input suite looks at of each (`input_row`) beside it. Per record, in
    order: its quarantine entry, or the interaction's id, source, locator and excerpt (for the
    quarantine, should it be a duplicate)."""
    entries: list[Quarantined | tuple[str, str, str, str]] = []
    with out.open("w", encoding="utf-8") as lines, out.with_suffix(".rows").open("w", encoding="utf-8") as rows:
        for span in part:
            for record, item in _FORKED["stream"].normalised(span):
                if isinstance(item, Interaction):
                    lines.write(item.model_dump_json() + "\n")
                    rows.write(json.dumps(input_row(item)) + "\n")
                    entries.append((item.interaction_id, record.source, record.locator, record.raw[:EXCERPT_CHARS]))
                else:
                    entries.append(item)
    return entries


def _check_shard(folder: Path, number: int, members: list[tuple[int, int]]) -> tuple[list[tuple[str, str, str]], SuiteResult, int, set[str]]:
    """Round two, in a worker: one shard written from the parts' lines and checked by the input
    suite (on their rows: nothing is validated again); its rejections (id, reason, excerpt), the
    suite's result, how many were kept and their languages."""
    texts, rows = [], []
    for part in sorted({part for part, _ in members}):
        wanted = [line for p, line in members if p == part]
        path = _part_file(folder, part)
        with path.open(encoding="utf-8") as lines, path.with_suffix(".rows").open(encoding="utf-8") as values:
            part_texts, part_rows = lines.readlines(), values.readlines()
        texts += [part_texts[line] for line in wanted]
        rows += [json.loads(part_rows[line]) for line in wanted]
    rejected, result = check_rows(rows)
    with shard_file(folder, "interactions", number, "jsonl").open("w", encoding="utf-8") as out:
        out.writelines(text for position, text in enumerate(texts) if position not in rejected)
    kept = [row for position, row in enumerate(rows) if position not in rejected]
    return [(rows[p][0], reason, texts[p][:EXCERPT_CHARS]) for p, reason in sorted(rejected.items())], result, len(kept), {row[1] for row in kept}


def _write_checks(folder: Path, suite: str, result: SuiteResult) -> None:
    checks = folder / "checks.json"
    kept = json.loads(checks.read_text()) if checks.exists() else {}
    kept[suite] = {"success": result.success, "failures": result.failures, "details": result.details}
    checks.write_text(json.dumps(kept, indent=1, default=str))


def _criterion_rows(scored: Scored, standard: Standard, run_id: str) -> list[dict[str, Any]]:
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


def _interaction_row(scored: Scored, standard: Standard, run_id: str, source: str, rule: str | None) -> dict[str, Any]:
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


@fewer_collections()  # also where a DAG task scores a shard on its own
def score_shard(settings: Settings, plan: RunPlan, shard: int) -> dict[str, Any]:
    """Score one shard: each interaction with its standards (the run's one, or those the routing
    gives it). An interaction a scorer cannot handle, or that the routing sends nowhere, is
    quarantined with the reason, not fatal: none of its rows are kept, so it counts once."""
    folder = staging(settings, plan)
    standards, router = plan_scoring(settings, plan)
    non_speech = load_source_config(settings.source_config).non_speech
    scorers = {ref: compiled(standard, non_speech) for ref, standard in standards.items()}
    sources: dict[str, str] = json.loads((folder / "sources.json").read_text())
    criterion_rows: list[dict[str, Any]] = []
    interaction_rows: list[dict[str, Any]] = []
    quarantine: list[dict[str, Any]] = []
    scored_interactions = routed_elsewhere = 0
    with shard_file(folder, "interactions", shard, "jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            interaction = Interaction.model_validate_json(line)
            source = sources[interaction.interaction_id]
            file, _, locator = source.partition(" ")
            rule, chosen = None, tuple(standards.values())
            if router is not None:
                routed, chosen = router.route(interaction)
                rule = routed.rule
                if plan.draft:  # a draft's impact on a routed date: only what the routing gives the draft's standard
                    draft = next(iter(standards.values()))
                    if draft.id not in {s.id for s in chosen}:
                        routed_elsewhere += 1
                        continue
                    chosen = (draft,)
                if not chosen:  # a valid routing always gives a standard; counted, never dropped, if not
                    quarantine.append(_quarantine_row(file, locator, f"routing {router.routing.ref}: {routed.reason}", line[:EXCERPT_CHARS], plan.run_id))
                    continue
            try:
                heard: dict[str, Analysed] = {}  # one analysis per way of hearing, shared by the standards
                scored = []
                for standard in chosen:
                    scorer = scorers[standard.ref]
                    analysed = heard.get(scorer.hearing) or heard.setdefault(scorer.hearing, scorer.analyse(interaction))
                    scored.append((standard, scorer.score(interaction, analysed)))
            except Exception as exc:  # noqa: BLE001 - one bad interaction must not fail the night
                reason = f"scoring failed: {type(exc).__name__}: {exc}"
                quarantine.append(_quarantine_row(file, locator, reason, line[:EXCERPT_CHARS], plan.run_id))
                continue
            scored_interactions += 1
            for standard, result in scored:
                criterion_rows += _criterion_rows(result, standard, plan.run_id)
                interaction_rows.append(_interaction_row(result, standard, plan.run_id, source, rule))
    for table, rows in ((CRITERION_RESULTS, criterion_rows), (INTERACTION_SCORES, interaction_rows), (QUARANTINE, quarantine)):
        pq.write_table(staged.to_arrow(rows, table), shard_file(folder, table.name, shard))
    return {**plan.to_dict(), "shard": shard, "scored": scored_interactions, "quarantined": len(quarantine), "routed_elsewhere": routed_elsewhere}


def _shard_numbers(settings: Settings, plan: RunPlan, kind: str, suffix: str) -> list[int]:
    return sorted(int(p.stem.split("-")[1]) for p in (staging(settings, plan) / "shards").glob(f"{kind}-*.{suffix}"))


def shards(settings: Settings, plan: RunPlan) -> list[int]:
    """The shard numbers ingest wrote for this run."""
    return _shard_numbers(settings, plan, "interactions", "jsonl")


def day_languages(settings: Settings, plan: RunPlan, standards: Iterable[Standard]) -> list[str]:
    """The languages of the staged interactions that the standards cover (ingest records them;
    a day staged before it did: every language of the standards)."""
    covered = {lang for standard in standards for lang in standard.languages}
    path = staging(settings, plan) / LANGUAGES
    return sorted(covered & set(json.loads(path.read_text())) if path.exists() else covered)


def score(settings: Settings, plan: RunPlan, processes: int = 1) -> dict[str, Any]:
    """Score every shard: one after another, or in `processes` worker processes."""
    numbers = shards(settings, plan)
    if processes > 1 and len(numbers) > 1:
        # In a process of its own that forks the workers: what scoring loads (spaCy, the lemma
        # tables, compiled standards: ~300 MB for four languages) is given back when it ends, not
        # carried by this process through aggregate, publish and report.
        with ProcessPoolExecutor(1, mp_context=_FORK) as owner:
            results = owner.submit(_score_in_workers, settings, plan, numbers, processes).result()
    else:
        results = [score_shard(settings, plan, n) for n in numbers]  # each with fewer collections
    return {**plan.to_dict(), "shards": len(results), "scored": sum(r["scored"] for r in results)}


@fewer_collections()
def _score_in_workers(settings: Settings, plan: RunPlan, numbers: list[int], processes: int) -> list[dict[str, Any]]:
    # Compile the standards and load the day's languages once, before forking: the workers share
    # their memory pages (copy-on-write; set aside from the garbage collector so they stay shared).
    # The largest shards go first, so no worker is left with one at the end while the
    # others wait (shards of long chats take twice as long as of calls).
    standards = plan_standards(settings, plan).values()
    warm(standards, load_source_config(settings.source_config).non_speech, day_languages(settings, plan, standards))
    folder = staging(settings, plan)
    numbers = sorted(numbers, key=lambda n: -shard_file(folder, "interactions", n, "jsonl").stat().st_size)
    with heap_set_aside(), ProcessPoolExecutor(min(processes, len(numbers)), mp_context=_FORK) as pool:
        return list(pool.map(score_shard, [settings] * len(numbers), [plan] * len(numbers), numbers))


def scored_shards(settings: Settings, plan: RunPlan) -> list[int]:
    """The shard numbers scored for this run (a re-publication stages its day as shard 0)."""
    return _shard_numbers(settings, plan, CRITERION_RESULTS.name, "parquet")


def aggregate(settings: Settings, plan: RunPlan, overrides: dict[str, dict[str, Override]] | None = None) -> dict[str, Any]:
    """Merge the scored shards in shard order, apply the reviewers' overrides in force on the date
    (`warehouse.reviewed`; or `overrides`, when given), add scoring quarantines, and score the agents.

    Shards are copied one at a time (one row group each) and agents are accumulated as they pass,
    so memory stays at one shard whatever the size of the day.
    """
    folder = staging(settings, plan)
    numbers = scored_shards(settings, plan)
    ingested = shards(settings, plan)  # none for a day staged again from its published tables
    if ingested and ingested != numbers:
        missing = sorted(set(ingested) - set(numbers))
        raise TouchstoneError(f"shard(s) {', '.join(map(str, missing))} of {plan.day} were not scored", "score them (or run the date again) before aggregating")
    reviewed = Reviewed(plan_standards(settings, plan).values(), overrides_of(settings.warehouse, plan.day) if overrides is None else overrides)
    agents = AgentAccumulator()
    rows: dict[str, int] = {}
    scored = 0
    per_standard: Counter[str] = Counter()
    per_rule: Counter[str] = Counter()
    for table in (CRITERION_RESULTS, INTERACTION_SCORES, QUARANTINE):
        parts = [shard_file(folder, table.name, n) for n in numbers]
        if table is QUARANTINE:
            parts.insert(0, ingest_quarantine(folder))  # what ingest quarantined comes first
        merged = folder / f"{table.name}.merging.parquet"
        with pq.ParquetWriter(merged, table.schema) as writer:
            for part in parts:
                shard_table = pq.read_table(part, schema=table.schema)
                if table is CRITERION_RESULTS:
                    shard_table = reviewed.verdicts(shard_table)
                elif table is INTERACTION_SCORES:
                    shard_table = reviewed.scores(shard_table)
                    for row in shard_table.select(AGENT_COLUMNS).to_pylist():
                        agents.add(row)
                    scored += _count_scored(shard_table, per_standard, per_rule)
                writer.write_table(shard_table)
        rows[table.name] = pq.ParquetFile(merged).metadata.num_rows
        merged.replace(staged.staged_path(table, folder))
    _update_counts(folder, scored=scored, quarantined=rows[QUARANTINE.name], standards=dict(per_standard), routes=dict(per_rule))
    (folder / OVERRIDES_SEEN).write_text(json.dumps(reviewed.seen))
    agent_rows = agents.rows()
    staged.write_staged(agent_rows, AGENT_DAILY_SCORES, folder)
    return {**plan.to_dict(), "agents": len({row["agent_id"] for row in agent_rows}), "interactions": scored, "overrides_applied": reviewed.applied}


def _count_scored(scores: pa.Table, per_standard: Counter[str], per_rule: Counter[str]) -> int:
    """The interactions in a part of interaction_scores (each has one row per standard that scored
    it, all in one part), counted into `per_standard` (`id@version`) and `per_rule` (routed runs)."""
    for (standard_id, version), count in Counter(zip(scores["standard_id"].to_pylist(), scores["standard_version"].to_pylist())).items():
        per_standard[f"{standard_id}@{version}"] += count
    routed = dict(zip(scores["interaction_id"].to_pylist(), scores["routing_rule"].to_pylist()))
    per_rule.update(rule for rule in routed.values() if rule is not None)
    return len(routed)


def _overrides_moved(settings: Settings, plan: RunPlan) -> bool:
    """Whether the overrides in force on the date are not those the run's merge applied (a reviewer
    recorded or withdrew one while the run was on its way)."""
    return override_ids(overrides_of(settings.warehouse, plan.day)) != json.loads((staging(settings, plan) / OVERRIDES_SEEN).read_text())


class _OverridesMoved(Exception):
    """A reviewer recorded or withdrew an override of the date after the run's merge."""


MERGE_ATTEMPTS = 5


def check_staged_output(folder: Path, score_rows: int) -> SuiteResult:
    """The output suite on a run's staged tables: the columns it looks at of the scores and the
    agents' rows, the criterion results streamed from their file."""
    needed = suite_columns(output_suite(score_rows))
    frames: dict[str, Any] = {t.name: staged.read_staged(t, folder, needed[t.name], compact=True).to_pandas() for t in (INTERACTION_SCORES, AGENT_DAILY_SCORES)}
    return check_output({**frames, CRITERION_RESULTS.name: staged.staged_path(CRITERION_RESULTS, folder)}, score_rows)


OutputCheck = Callable[[Path, int], SuiteResult]


@contextmanager
def output_checks(processes: int) -> Iterator[OutputCheck]:
    """Where publish runs the output suite: here, or with several processes in a child forked now.

    The child imports Great Expectations (2-3 s) while this process scores the agents (on the
    core aggregate leaves idle), checks, and ends before anything is written: this process never
    carries Great Expectations (~250 MB) into publish's writes and the report. A second check
    (overrides recorded during the publish) forks another."""
    if processes == 1:
        yield check_staged_output
        return
    checker = ProcessPoolExecutor(1, mp_context=_FORK)  # a process starts at the first task
    checker.submit(_import_great_expectations)

    def check(folder: Path, score_rows: int) -> SuiteResult:
        nonlocal checker
        try:
            return checker.submit(check_staged_output, folder, score_rows).result()
        finally:
            checker.shutdown()
            checker = ProcessPoolExecutor(1, mp_context=_FORK)

    try:
        yield check
    finally:
        checker.shutdown()


def publish(settings: Settings, plan: RunPlan, replaces: str | None = None, check: OutputCheck = check_staged_output) -> dict[str, Any]:
    """Check the counts reconcile, then swap the day's partitions in and record the run.

    `check` runs the output suite on the staged tables (`output_checks`: here, or in a child).
    The overrides in force are checked again at the switch, under the date's lock: if a reviewer
    recorded one since the merge, the shards are merged again and the publish repeated, so what is
    published carries every override recorded before its switch. With `replaces` (a day staged
    again from its published tables), the publish is refused if another run was switched in since.
    """
    if plan.draft:
        raise TouchstoneError(f"run {plan.run_id} scores with the draft {plan.draft}: a draft is never published")
    for attempt in range(MERGE_ATTEMPTS):
        if attempt or _overrides_moved(settings, plan):
            aggregate(settings, plan)  # the shards are still staged: merge them again with the overrides in force now
        try:
            return _publish_merged(settings, plan, replaces, check)
        except _OverridesMoved:
            continue
    raise TouchstoneError(f"the overrides of {plan.day} changed {MERGE_ATTEMPTS} times while run {plan.run_id} was published; nothing was published", "run the date again")


def _before_switch(settings: Settings, plan: RunPlan, replaces: str | None) -> None:
    """The last check before a run switches in (under the date's lock on a local warehouse)."""
    if replaces is not None:
        now = store.in_force(settings.warehouse).get(plan.day.isoformat())
        if now != replaces:
            raise TouchstoneError(f"run {now} of {plan.day} was published after {plan.run_id} was staged from run {replaces}; {plan.run_id} was not published")
    if _overrides_moved(settings, plan):
        raise _OverridesMoved


def _publish_merged(settings: Settings, plan: RunPlan, replaces: str | None, check: OutputCheck) -> dict[str, Any]:
    folder = staging(settings, plan)
    counts = json.loads((folder / COUNTS).read_text())
    score_rows = staged.staged_rows(INTERACTION_SCORES, folder)  # one per interaction and standard that scored it
    staged_scores = pc.count_distinct(pq.read_table(staged.staged_path(INTERACTION_SCORES, folder), columns=["interaction_id"])["interaction_id"]).as_py()
    staged_quarantine = staged.staged_rows(QUARANTINE, folder)
    per_standard: dict[str, int] = counts.get("standards", {})
    if (
        (counts["scored"], counts["quarantined"]) != (staged_scores, staged_quarantine)
        or counts["read"] != staged_scores + staged_quarantine
        or ("standards" in counts and sum(per_standard.values()) != score_rows)
    ):
        raise TouchstoneError(
            f"counts do not reconcile for {plan.day}: read {counts['read']}, scored {staged_scores}, quarantined {staged_quarantine}",
            "nothing was published; this is a bug, please report it with the staging folder " + str(folder),
        )
    limit = load_source_config(settings.source_config).max_quarantine_share
    if counts["read"] and staged_quarantine / counts["read"] > limit:
        raise TouchstoneError(
            f"{staged_quarantine} of {counts['read']} records for {plan.day} were quarantined, more than "
            f"{limit:.0%}; nothing was published",
            f"inspect the reasons in {folder / 'quarantine.parquet'}",
        )
    output = check(folder, score_rows)
    _write_checks(folder, "output", output)
    if not output.success:
        raise TouchstoneError(
            f"output checks failed for {plan.day}: {', '.join(output.failures)}; nothing was published",
            f"the suite results are in {folder / 'checks.json'}",
        )
    planned, router = plan_scoring(settings, plan)
    standards = list(planned.values())
    routes = counts.get("routes", {})
    run_row = {
        "run_id": plan.run_id,
        # A routed run names all its standards here ("eu_core+sales", "2+1"); each is in `standards`.
        "standard_id": "+".join(s.id for s in standards),
        "standard_version": "+".join(s.version for s in standards),
        "standard_sha256": standards[0].sha256 if len(standards) == 1 else hashlib.sha256("+".join(s.sha256 for s in standards).encode()).hexdigest(),
        "files": counts["files"],
        "read": counts["read"],
        "scored": staged_scores,
        "quarantined": staged_quarantine,
        "duplicates_dropped": counts["duplicates_dropped"],
        "input_checks_failed": counts["input_checks_failed"],
        "output_checks_passed": output.success,
        "status": "published",
        "published_at": datetime.now(UTC),
        "overrides_applied": _overrides_applied(folder),
        "routing_id": router.routing.id if router else None,
        "routing_version": router.routing.version if router else None,
        "routing_sha256": router.routing.sha256 if router else None,
        "standards": [
            {"standard_id": s.id, "standard_version": s.version, "standard_sha256": s.sha256, "interactions": per_standard.get(s.ref, 0)} for s in standards
        ],
        "routes": [
            {"rule": name, "interactions": routes.get(name, 0), "defined_at": router.routing.defined_at(name)} for name, _loc, _refs in router.routing.routes()
        ]
        if router
        else None,
    }
    staged.write_staged([run_row], RUNS, folder)
    warehouse = settings.warehouse
    try:  # the run's check results are kept whether or not the publish then succeeds
        warehouse.write_text(f"checks/date={plan.day.isoformat()}/{plan.run_id}.json", (folder / "checks.json").read_text())
    except OSError as exc:
        raise store.unwritable(warehouse, plan.day, exc) from exc
    store.publish(folder, warehouse, plan.day, plan.run_id, PUBLISHED, before_switch=lambda: _before_switch(settings, plan, replaces))
    shutil.rmtree(folder)
    return {
        **plan.to_dict(),
        **{k: v for k, v in run_row.items() if k in ("read", "scored", "quarantined", "duplicates_dropped", "overrides_applied", "status", "standards", "routes")},
        "warehouse": str(warehouse),
    }


def _overrides_applied(folder: Path) -> int:
    """How many of the staged verdicts are a reviewer's override."""
    column = pq.read_table(staged.staged_path(CRITERION_RESULTS, folder), columns=["override_id"]).column("override_id")
    return len(column) - column.null_count


def report_day(settings: Settings, day: date, out: Path | None = None, standard_id: str | None = None) -> Path:
    """`warehouse.report.write_report` with the deployment's folders: what the pipeline, the CLI
    and scripts call (the report itself takes its folders as arguments and knows no settings)."""
    return write_report(settings.warehouse, settings.standards_dir, settings.reviews_dir, settings.reports_dir, day, out, standard_id)


def report(settings: Settings, plan: RunPlan) -> dict[str, Any]:
    """Write the date's HTML report from what is published (after publish; never changes the tables)."""
    path = report_day(settings, plan.day)
    return {**plan.to_dict(), "report": str(path)}


class StepTimes:
    """How long each step of a run took, in seconds: what a data engineer reads first when a night
    runs long, and what the benchmark subtracts to see the scoring apart from the rest. The
    process's own start-up (imports) is in no step. Publish includes waiting for its check (with
    several processes, a child that imports Great Expectations meanwhile) and, if a reviewer's
    override arrived during the run, merging the shards again."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, step: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[step] = time.perf_counter() - start


def run_day(
    settings: Settings,
    day: date,
    standard: str | None = None,
    run_id: str | None = None,
    shard_size: int | None = None,
    processes: int = 1,
    on_step: Callable[[str], None] = lambda _step: None,
    routing: str | None = None,
) -> dict[str, Any]:
    """All steps for one date, without a scheduler; `on_step` hears each step as it starts. The
    summary says how long each took (`seconds`: plan, ingest, score, aggregate, publish, report)."""
    timed = StepTimes()
    with timed("plan"):
        plan = plan_run(settings, day, run_id or new_run_id(), standard, shard_size, routing=routing)
    on_step("reading the landing files")
    with timed("ingest"):
        ingested = ingest(settings, plan, processes)
    on_step(f"scoring {ingested['valid']:,} interactions in {len(ingested['shards'])} shards")
    with timed("score"):
        score(settings, plan, processes)
    with output_checks(processes) as check:
        on_step("scoring the agents")
        with timed("aggregate"):
            aggregated = aggregate(settings, plan)
        on_step("checking and publishing the tables")
        with timed("publish"):
            published = publish(settings, plan, check=check)
    on_step("writing the report")
    with timed("report"):
        written = report(settings, plan)["report"]
    return {**published, "agents": aggregated["agents"], "report": written, "seconds": timed.seconds}
