"""Read a day: every file through its format adapter, every record through the canonical model.

Nothing is lost: each record either becomes an `Interaction` or a `Quarantined` entry with the
reason, so `read == len(interactions) + len(quarantined)` always holds. A repeated interaction id
keeps its first occurrence (files in sorted order, then line order) and quarantines the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from ingest.formats import format_for
from ingest.interaction import Interaction
from ingest.landing import DEFAULT_LAYOUT, day_files
from ingest.records import Quarantined, SourceRecord


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


def describe_validation_error(error: ValidationError) -> str:
    """One line per problem, `field.path: message (got value)`, for quarantine reasons."""
    parts = []
    for problem in error.errors(include_url=False):
        where = ".".join(str(p) for p in problem["loc"]) or "record"
        got = problem.get("input")
        shown = "" if isinstance(got, (dict, list)) else f" (got {got!r})"[:80]
        parts.append(f"{where}: {problem['msg']}{shown}")
    return "; ".join(parts)


def normalise(record: SourceRecord) -> Interaction | Quarantined:
    """The record as a canonical interaction, or quarantined with the reason."""
    if record.error is not None:
        return Quarantined.of(record, record.error)
    try:
        return Interaction.model_validate(record.payload)
    except ValidationError as exc:
        return Quarantined.of(record, f"invalid interaction: {describe_validation_error(exc)}")


def iter_records(landing_root: Path, day: date, layout: str = DEFAULT_LAYOUT) -> Iterator[SourceRecord]:
    for path in day_files(landing_root, day, layout):
        yield from format_for(path).read(path, path.relative_to(landing_root).as_posix())


def read_day(landing_root: Path, day: date, layout: str = DEFAULT_LAYOUT) -> DayInput:
    """Read and normalise every record of `day` from the landing folder."""
    result = DayInput(files=[p.relative_to(landing_root).as_posix() for p in day_files(landing_root, day, layout)])
    for record in iter_records(landing_root, day, layout):
        item = normalise(record)
        if isinstance(item, Interaction):
            first = result.sources.get(item.interaction_id)
            if first is not None:
                result.duplicates += 1
                item = Quarantined.of(record, f"duplicate interaction_id {item.interaction_id!r}, first seen in {first}")
            else:
                result.sources[item.interaction_id] = f"{record.source} {record.locator}"
        (result.interactions if isinstance(item, Interaction) else result.quarantined).append(item)
    return result
