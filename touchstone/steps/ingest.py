"""Step two, ingest: the day's landing files read as a stream into the run's staging place. The
valid interactions are staged in Parquet shards of the plan's size (`ingest.interaction_rows`: what
score takes one at a time), with the records set aside (unreadable, invalid, duplicated, or
rejected by the input suite) in the ingest quarantine, the counts, the sources and the languages of
the day. In one process, or with workers reading the files in parts and checking the shards side by
side: the same files either way. The workers' parts are temporary files on this machine (they never
leave the step); only the shards and manifests go to the staging place.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from upath import UPath

from foundation.errors import TouchstoneError, one_line
from ingest.interaction import Interaction
from ingest.interaction_rows import interactions_to_rows, to_rows
from ingest.landing import landing_root
from ingest.parts import Span, day_parts
from ingest.reader import DayStream, stream_day
from ingest.records import EXCERPT_CHARS, Quarantined, SourceRecord
from ingest.source_config import load_source_config
from touchstone.settings import Settings
from touchstone.steps.plan import RunPlan
from touchstone.steps.processes import FORK, fewer_collections, heap_set_aside, import_great_expectations
from touchstone.steps.staging import INGEST_QUARANTINE, LANGUAGES, largest_first, quarantine_row, shard_file, shard_sources, staging, update_counts, write_checks
from warehouse import staging as staged
from warehouse.checks import SuiteResult, check_input, check_rows, input_row
from warehouse.staging import Staging
from warehouse.tables import QUARANTINE


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
    With several processes the files are read in parts side by side, into the very shards,
    quarantine and checks one process writes; from an object store, after copying them to this
    machine (`_on_this_machine`)."""
    if processes > 1:
        # In a process of its own, as scoring: Great Expectations (~250 MB imported) is given
        # back when ingest ends, not carried by this process through the steps after it.
        with ProcessPoolExecutor(1, mp_context=FORK) as owner:
            return owner.submit(_ingest, settings, plan, processes).result()
    return _ingest(settings, plan, 1)


def ingest_task(settings: Settings, plan: RunPlan) -> dict[str, Any]:
    """The DAG's ingest task: `ingest` with the deployment's `TOUCHSTONE_INGEST_PROCESSES`, its
    shards largest first (the order the DAG maps its scoring tasks in)."""
    result = ingest(settings, plan, settings.ingest_processes)
    return {**result, "shards": largest_first(staging(settings, plan), result["shards"])}


@fewer_collections()
def _ingest(settings: Settings, plan: RunPlan, processes: int) -> dict[str, Any]:
    folder = staging(settings, plan)
    folder.remove()  # what an earlier try of the step staged
    root = landing_root(settings.landing, settings.landing_conn_id)
    stream = stream_day(root, plan.day, load_source_config(settings.source_config))
    with ExitStack() as copies:
        if processes > 1:
            parts = None
            if root.protocol != "file":  # workers forked beside an object store's client must not use it
                stream, parts = copies.enter_context(_on_this_machine(stream))
            result = _stage_in_workers(stream, folder, plan, processes, parts)
        else:
            import_great_expectations()  # first, so the suite's collections leave it aside too
            with heap_set_aside():
                result = _stage(stream, folder, plan)
    write_checks(folder, "input", result.checks)
    folder.write_text(LANGUAGES, json.dumps(sorted(result.languages)))
    folder.write_table(INGEST_QUARANTINE, staged.to_arrow(result.quarantine, QUARANTINE))
    counts = update_counts(folder, files=len(stream.files), read=stream.read, duplicates_dropped=stream.duplicates, input_checks_failed=result.rejected)
    return {**plan.to_dict(), **counts, "valid": result.valid, "quarantined_on_read": len(result.quarantine), "shards": list(range(result.shards))}


@contextmanager
def _on_this_machine(stream: DayStream) -> Iterator[tuple[DayStream, Iterator[list[Span]]]]:
    """The stream reading copies of its files in a temporary folder on this machine, and the day's
    parts, cut as the copies are made (`day_parts`): workers start on the first part while the rest
    is on its way, and never use the object store's client, which is not safe across a fork. The
    records keep their landing names. The copies are removed when the block ends."""
    folder = Path(tempfile.mkdtemp(prefix="touchstone-landing-"))
    copies = [folder / f"{number:05d}-{PurePosixPath(name).name}" for number, name in enumerate(stream.files)]  # the name keeps the format and .gz

    def parts() -> Iterator[list[Span]]:
        try:
            yield from day_parts(stream.paths, PART_BYTES, copies)
        except OSError as exc:
            raise TouchstoneError(f"cannot copy the landing file {one_line(exc)} (to {folder})", COPY_HINT) from exc

    try:
        yield stream.read_from([UPath(copy) for copy in copies]), parts()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


COPY_HINT = "check the landing connection and the free space of the temporary folder (TMPDIR); the task's retry copies again"


def _set_aside(record: Quarantined, run_id: str) -> dict[str, Any]:
    return quarantine_row(record.source, record.locator, record.reason, record.raw_excerpt, run_id)


def _rejected(stream: DayStream, interaction_id: str, reason: str, excerpt: str, run_id: str) -> dict[str, Any]:
    """The quarantine row of an interaction the input suite rejected, named by where it was read."""
    file, _, locator = stream.sources[interaction_id].partition(" ")
    return quarantine_row(file, locator, reason, excerpt, run_id)


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


def _stage(stream: DayStream, folder: Staging, plan: RunPlan) -> _Staged:
    """Stage the stream in this process, a shard at a time."""
    staged_day = _Staged()
    for batch in _batches(stream, plan.shard_size, lambda record: staged_day.quarantine.append(_set_aside(record, plan.run_id))):
        kept, rejected, result = check_input(batch)
        folder.write_table(shard_file("interactions", staged_day.shards), interactions_to_rows(kept))
        folder.write_text(shard_sources(staged_day.shards), json.dumps({item.interaction_id: stream.sources[item.interaction_id] for item in kept}))
        staged_day.quarantine += [_rejected(stream, item.interaction_id, reason, item.model_dump_json()[:EXCERPT_CHARS], plan.run_id) for item, reason in rejected]
        staged_day.add_shard(result, len(kept), len(rejected), (item.language for item in kept))
    return staged_day


PART_BYTES = 8 << 20  # a part of a large line file read by one ingest worker (~1,000 long calls)
_FORKED: dict[str, Any] = {}  # what ingest's workers inherit by fork rather than receive pickled per task


def _part_file(parts: Path, part: int) -> Path:
    """Where ingest's round one writes the interactions of a part (their input rows beside, `.rows`):
    a temporary folder on this machine, read by round two in the same step."""
    return parts / f"{part:05d}.jsonl"


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


def _stage_in_workers(stream: DayStream, folder: Staging, plan: RunPlan, processes: int, parts: Iterator[list[Span]] | None = None) -> _Staged:
    """Stage the stream with workers, in two rounds; the result is `_stage`'s, file for file.

    1. Workers read parts of the files (`ingest.parts`) and validate each record, writing the
       interactions to a file per part with what the input suite looks at of each beside them.
       Duplicates are found here, in reading order, and each interaction's shard is known from
       its place among those kept, as in one process.
    2. Workers check a shard each with the input suite and write it from the parts' lines
       (nothing is validated twice).
    In one process, ingest left the other core idle for a fifth of a 100,000-call run. `parts`:
    the day's parts when they are cut elsewhere (as an object store's files are copied)."""
    cut = parts if parts is not None else day_parts(stream.paths, PART_BYTES)
    parts_folder = Path(tempfile.mkdtemp(prefix="touchstone-ingest-"))
    _FORKED["stream"] = stream
    shards = _Shards(plan.shard_size, pending=stream.unusable_rows())
    stream.read += len(shards.pending)
    try:
        with ProcessPoolExecutor(processes, mp_context=FORK) as pool:
            read = deque(pool.submit(_read_part, part, _part_file(parts_folder, n)) for n, part in enumerate(cut))
            import_great_expectations()  # while the workers read; the checkers inherit it

            # Each part's entries (~500 bytes a record, with its excerpt) let go once placed: held
            # by their futures, a 1,000,000-call day's took ~500 MB.
            for number in range(len(read)):
                shards.place(stream, number, read.popleft().result())
        last = shards.close()
        staged_day = _Staged()
        # The checkers inherit Great Expectations and the day's sources, set aside.
        with heap_set_aside(), ProcessPoolExecutor(min(processes, len(shards.members)), mp_context=FORK) as pool:
            count = len(shards.members)
            checked = pool.map(_check_shard, [folder] * count, [parts_folder] * count, range(count), shards.members)
            for set_aside, (rejected, result, kept, languages) in zip(shards.before, checked, strict=True):
                staged_day.quarantine += [_set_aside(record, plan.run_id) for record in set_aside]
                staged_day.quarantine += [_rejected(stream, interaction_id, reason, excerpt, plan.run_id) for interaction_id, reason, excerpt in rejected]
                staged_day.add_shard(result, kept, len(rejected), languages)
        staged_day.quarantine += [_set_aside(record, plan.run_id) for record in last]
    finally:
        _FORKED.clear()
        shutil.rmtree(parts_folder, ignore_errors=True)
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


def _check_shard(folder: Staging, parts: Path, number: int, members: list[tuple[int, int]]) -> tuple[list[tuple[str, str, str]], SuiteResult, int, set[str]]:
    """Round two, in a worker: one shard written from the parts' lines and checked by the input
    suite (on their rows: nothing is validated again); its rejections (id, reason, excerpt), the
    suite's result, how many were kept and their languages."""
    texts, rows = [], []
    for part in sorted({part for part, _ in members}):
        wanted = [line for p, line in members if p == part]
        path = _part_file(parts, part)
        with path.open(encoding="utf-8") as lines, path.with_suffix(".rows").open(encoding="utf-8") as values:
            part_texts, part_rows = lines.readlines(), values.readlines()
        texts += [part_texts[line] for line in wanted]
        rows += [json.loads(part_rows[line]) for line in wanted]
    rejected, result = check_rows(rows)
    folder.write_table(shard_file("interactions", number), to_rows(json.loads(text) for position, text in enumerate(texts) if position not in rejected))
    kept = [row for position, row in enumerate(rows) if position not in rejected]
    sources = _FORKED["stream"].sources  # complete: the checkers are forked after every part was placed
    folder.write_text(shard_sources(number), json.dumps({row[0]: sources[row[0]] for row in kept}))
    return [(rows[p][0], reason, texts[p][:EXCERPT_CHARS]) for p, reason in sorted(rejected.items())], result, len(kept), {row[1] for row in kept}
