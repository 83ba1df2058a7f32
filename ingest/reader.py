"""Read a day: every file through its format, every record through the canonical model.

Files are found in the landing area (`ingest.landing`), decompressed when `.gz`, and read by the
format their name (JSON Lines) or their content (one JSON document) says. Speaker labels that are not
roles are mapped through the source configuration; fields the transcripts lack come from the
configuration's defaults and from the day's metadata file, joined by interaction id.

Nothing is lost: each record either becomes an `Interaction` or a `Quarantined` entry with the
reason, so `read == len(interactions) + len(quarantined)` always holds. A file that cannot be read to
the end (a truncated gzip) keeps the records read before the break and adds one quarantine entry for
the rest. A repeated interaction id keeps its first occurrence (files in sorted order, then record
order) and quarantines the others.
"""

from __future__ import annotations

import copy
import csv
import json
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from pydantic import ValidationError
from upath import UPath

from ingest.formats import Format, detect_document, line_format_for
from ingest.interaction import Interaction
from ingest.landing import day_files, day_pattern, open_text, relative
from ingest.limits import MAX_DEPTH, MAX_DOCUMENT_CHARS, bounded_lines, too_deep
from ingest.parts import Span
from ingest.records import EXCERPT_CHARS, Quarantined, SourceRecord
from ingest.source_config import SourceConfig

ROLES = {"agent", "bot", "customer", "system"}
METADATA_COLUMNS = {"agent_id": ("agent", "id"), "agent_type": ("agent", "type"), "team": ("agent", "team"), "agent_name": ("agent", "name"),
                    "customer_id": ("customer", "id"), "customer_name": ("customer", "name")}  # fmt: skip
READ_ERRORS = (EOFError, OSError, zlib.error, UnicodeDecodeError)


@dataclass
class DayInput:
    """Everything read for one day."""

    files: list[str] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    duplicates: int = 0
    # interaction id -> "file line N", where each kept interaction was read from
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def read(self) -> int:
        return len(self.interactions) + len(self.quarantined)


def _shown(value: Any) -> str:
    """A bad value as a reason may quote it: short words as they are; other text and large numbers
    only by their size, since they could be a card number or an address in the wrong field."""
    if isinstance(value, dict | list):
        return ""
    if isinstance(value, str) and (len(value) > 20 or any(ch.isdigit() or ch == "@" for ch in value)):
        return f" (got text of {len(value)} characters)"
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 100_000:
        return " (got a number of 100,000 or more)"
    return f" (got {value!r})"[:40]


def describe_validation_error(error: ValidationError) -> str:
    """One line per problem, `field.path: message (got value)`, for quarantine reasons."""
    parts = []
    for problem in error.errors(include_url=False):
        where = ".".join(str(p) for p in problem["loc"]) or "record"
        parts.append(f"{where}: {problem['msg']}{_shown(problem.get('input'))}")
    return "; ".join(parts)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` on top of `base`, nested mappings merged; None in `over` does not erase."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        elif value is not None:
            merged[key] = value
    return merged


def _map_speakers(payload: dict[str, Any], fmt: Format, config: SourceConfig) -> str | None:
    """Replace speaker labels by roles in place; the reason when a label has no role."""
    mapping = config.speakers.get(fmt.base_name, {})
    for turn in payload.get("turns", []):
        label = str(turn.get("speaker"))
        if fmt.speakers_are_roles or label in ROLES and label not in mapping:
            continue
        if label not in mapping:
            labels = sorted({str(t.get("speaker")) for t in payload["turns"]})
            return (
                f"speaker label {label!r} of a {fmt.base_name} transcript has no role: say who is who in the source "
                f"configuration, e.g. speakers: {{{fmt.base_name}: {{{', '.join(f'{x!r}: ...' for x in labels)}}}}}"
            )
        turn["speaker"] = mapping[label]
    return None


def normalise(record: SourceRecord, fmt: Format | None = None, config: SourceConfig | None = None, metadata: dict[str, dict[str, Any]] | None = None) -> Interaction | Quarantined:
    """The record as a canonical interaction, or quarantined with the reason."""
    if record.error is not None or record.payload is None:
        return Quarantined.of(record, record.error or "no record")
    config = config or SourceConfig()
    payload = record.payload
    if fmt is not None and fmt.read_lines is None:  # vendor documents: complete them
        if (problem := _map_speakers(payload, fmt, config)) is not None:
            return Quarantined.of(record, problem)
        defaults = config.defaults.model_dump(exclude_none=True)
        payload = _merge(defaults, payload)
    if metadata and isinstance(key := payload.get("interaction_id"), str | int) and (extra := metadata.get(str(key))):
        payload = _merge(payload, extra)
    try:
        return Interaction.model_validate(payload)
    except ValidationError as exc:
        return Quarantined.of(record, f"invalid interaction: {describe_validation_error(exc)}")


def _shape_problem(fmt: Format, exc: Exception) -> str:
    """What a document that a format recognised but could not read lacks, for the quarantine reason."""
    detail = f"no {exc.args[0]!r} where one was expected" if isinstance(exc, KeyError) and exc.args else f"{type(exc).__name__}: {exc}"
    return f"{fmt.name} document in an unexpected shape ({detail})"[:500]


def _read_file(path: UPath, name: str, span: Span | None = None) -> Iterator[tuple[SourceRecord, Format | None]]:
    """Records of one file (or of a span of a line file) with their format; a file that breaks
    off, or a document a format recognises but cannot read, yields a quarantine record instead of
    stopping the day."""
    fmt = line_format_for(path.name)
    count = 0
    span = span or Span(0)
    try:
        with open_text(path, span.start, span.end) as text:
            if fmt is not None and fmt.read_lines is not None:
                for record in fmt.read_lines(text, name, span.first_line):
                    count += 1
                    yield record, fmt
                return
            content = text.read(MAX_DOCUMENT_CHARS + 1)
    except READ_ERRORS as exc:
        yield SourceRecord(name, f"after record {count}" if count else "file", "", error=f"file cannot be read to the end ({type(exc).__name__}: {exc}); the records before it were kept"), None
        return
    if len(content) > MAX_DOCUMENT_CHARS:
        yield SourceRecord(name, "file", content[:EXCERPT_CHARS], error=f"document is longer than {MAX_DOCUMENT_CHARS:,} characters"), None
        return
    try:
        document = json.loads(content)
    except json.JSONDecodeError as exc:
        yield SourceRecord(name, f"line {exc.lineno}", content[exc.pos : exc.pos + EXCERPT_CHARS], error=f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"), None
        return
    except (ValueError, RecursionError) as exc:  # numbers over 4,300 digits; nesting past the parser's depth
        yield SourceRecord(name, "file", content[:EXCERPT_CHARS], error=f"JSON that cannot be read: {exc}"), None
        return
    if too_deep(document):
        yield SourceRecord(name, "file", content[:EXCERPT_CHARS], error=f"JSON nested more than {MAX_DEPTH} levels deep"), None
        return
    fmt = detect_document(document)
    if fmt is None or fmt.parse is None:
        keys = ", ".join(sorted(map(str, document))[:8]) if isinstance(document, dict) else type(document).__name__
        yield SourceRecord(name, "file", content[:EXCERPT_CHARS], error=f"unknown transcript format (top-level keys: {keys})"), None
        return
    records = fmt.parse(document, name)
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError) as exc:
            # Formats read documents as their vendors write them; any other shape is bad input.
            yield SourceRecord(name, "document", content[:EXCERPT_CHARS], error=_shape_problem(fmt, exc)), fmt
            return
        yield record, fmt


def _metadata_record(row: dict[str, str]) -> dict[str, Any]:
    """A metadata CSV row as a canonical-shaped partial record (empty cells say nothing)."""
    record: dict[str, Any] = {}
    for column, value in row.items():
        if not value or column == "interaction_id":
            continue
        if column in METADATA_COLUMNS:
            outer, inner = METADATA_COLUMNS[column]
            record.setdefault(outer, {})[inner] = value
        elif column in ("language", "channel"):
            record[column] = value
        else:
            record.setdefault("metadata", {})[column] = value
    return record


def _metadata_rows(text: IO[str], name: str) -> Iterator[tuple[str, dict[str, Any] | SourceRecord]]:
    """`(interaction id, partial record)` per row of a metadata file, or `("", problem)` for a row
    that cannot be used (it becomes a quarantine record: the interaction is scored without it)."""
    if name.removesuffix(".gz").endswith(".csv"):
        rows = csv.DictReader(text)
        try:
            for row in rows:
                where = f"line {rows.line_num}"
                if None in row or None in row.values():
                    cells = sum(value is not None for column, value in row.items() if column is not None) + len(row.get(None) or [])
                    yield "", SourceRecord(name, where, str(row), error=f"metadata row has {cells} cells for {len(rows.fieldnames or [])} columns")
                elif not row.get("interaction_id"):
                    yield "", SourceRecord(name, where, str(row), error="metadata row has no interaction_id")
                else:
                    yield row["interaction_id"], _metadata_record(row)
        except csv.Error as exc:
            yield "", SourceRecord(name, f"line {rows.line_num}", "", error=f"metadata CSV cannot be read: {exc}")
        return
    for number, line, whole in bounded_lines(text):
        if not line.strip():
            continue
        try:
            item = json.loads(line) if whole else None
        except (ValueError, RecursionError) as exc:  # malformed, numbers over 4,300 digits, too deep
            item, problem = None, f"malformed JSON: {getattr(exc, 'msg', exc)}"
        else:
            problem = "metadata line is not a JSON object with an interaction_id"
        if not isinstance(item, dict) or not isinstance(item.get("interaction_id"), str | int) or too_deep(item):
            yield "", SourceRecord(name, f"line {number}", line, error=problem)
            continue
        yield str(item.pop("interaction_id")), item


def read_metadata(root: UPath, day: date, config: SourceConfig) -> tuple[dict[str, dict[str, Any]], list[SourceRecord]]:
    """The day's metadata (CSV or JSON Lines) by interaction id, as canonical-shaped partial
    records, and the rows that could not be used."""
    rows: dict[str, dict[str, Any]] = {}
    problems: list[SourceRecord] = []
    if config.metadata is None:
        return rows, problems
    for path in sorted(root.glob(day_pattern(config.metadata, day, "metadata")), key=str):
        name = relative(root, path)
        try:
            with open_text(path) as text:
                for interaction_id, row in _metadata_rows(text, name):
                    if isinstance(row, SourceRecord):
                        problems.append(row)
                    else:
                        rows[interaction_id] = row
        except READ_ERRORS as exc:
            problems.append(SourceRecord(name, "file", "", error=f"metadata file cannot be read to the end ({type(exc).__name__}: {exc})"))
    return rows, problems


class DayStream:
    """The records of some files, one at a time: an `Interaction` or a `Quarantined` entry each.

    Only the ids seen (for duplicates) and their sources are kept, so a day of any size is read in
    constant memory; `read`, `duplicates` and `sources` are complete once the stream is exhausted.
    """

    def __init__(
        self, root: UPath, paths: list[UPath], config: SourceConfig, metadata: dict[str, dict[str, Any]] | None = None, unusable: Sequence[SourceRecord] = ()
    ) -> None:
        self.root, self.paths, self.config, self.metadata = root, paths, config, metadata
        self.unusable = list(unusable)  # metadata rows that could not be used: quarantined first
        self.files = [relative(root, p) for p in paths]
        self.read = 0
        self.duplicates = 0
        # interaction id -> "file line N", where each kept interaction was read from
        self.sources: dict[str, str] = {}

    def __iter__(self) -> Iterator[Interaction | Quarantined]:
        for item in self.unusable_rows():
            self.read += 1
            yield item
        for number in range(len(self.paths)):
            for record, item in self.normalised(Span(number)):
                self.read += 1
                if isinstance(item, Interaction) and (duplicate := self.duplicate(record, item.interaction_id)) is not None:
                    item = duplicate
                yield item

    def read_from(self, paths: list[UPath]) -> DayStream:
        """This stream, not yet read, with its files read from `paths` (copies, in the same order):
        its records keep the landing area's names."""
        if len(paths) != len(self.paths):
            raise ValueError(f"{len(paths)} copies of {len(self.paths)} files")
        other = copy.copy(self)
        other.paths, other.sources = list(paths), {}
        return other

    def unusable_rows(self) -> list[Quarantined]:
        """The quarantine entries of the metadata rows that could not be used (read first)."""
        return [Quarantined.of(record, record.error or "unusable metadata row") for record in self.unusable]

    def normalised(self, span: Span) -> Iterator[tuple[SourceRecord, Interaction | Quarantined]]:
        """Each record of a file, or a span of one, with what it became, before duplicates are
        looked for (a worker reading a part of the day cannot know the ids of the parts before it)."""
        for record, fmt in _read_file(self.paths[span.file], self.files[span.file], span):
            yield record, normalise(record, fmt, self.config, self.metadata)

    def duplicate(self, record: SourceRecord, interaction_id: str) -> Quarantined | None:
        """None for the first record of an id, whose source is kept; the quarantine entry of any
        later one. Records must come here in reading order."""
        first = self.sources.get(interaction_id)
        if first is None:
            self.sources[interaction_id] = f"{record.source} {record.locator}"
            return None
        self.duplicates += 1
        return Quarantined.of(record, f"duplicate interaction_id {interaction_id!r}, first seen in {first}")


def stream_day(root: UPath, day: date, config: SourceConfig | None = None) -> DayStream:
    """Stream every record of `day` from the landing area, normalised."""
    config = config or SourceConfig()
    paths = day_files(root, day, config.layouts)
    metadata, unusable = read_metadata(root, day, config)
    return DayStream(root, paths, config, metadata, unusable)


def _collect(stream: DayStream) -> DayInput:
    result = DayInput(files=stream.files)
    for item in stream:
        (result.interactions if isinstance(item, Interaction) else result.quarantined).append(item)
    result.duplicates, result.sources = stream.duplicates, stream.sources
    return result


def read_day(root: UPath, day: date, config: SourceConfig | None = None) -> DayInput:
    """Read and normalise every record of `day` from the landing area (all in memory: small days)."""
    return _collect(stream_day(root, day, config))


def read_paths(root: UPath, paths: list[UPath], config: SourceConfig, metadata: dict[str, dict[str, Any]] | None = None) -> DayInput:
    """Read and normalise the records of the given files (names relative to `root`)."""
    return _collect(DayStream(root, paths, config, metadata))
