"""The run's staging place (`<staging>/<date>/<run_id>/`), through which the steps hand over:
where each step writes what the next reads (the shards, the ingest quarantine, the counts, the
checks), and the rows every step writes the same way (the quarantine's). It is on the warehouse's
object store when the warehouse is (`Settings.staging`), so the steps of a run may run on machines
that share no disk; the names are fixed, so a retried step overwrites what its lost try wrote.
"""

from __future__ import annotations

import json
from typing import Any

from scorers.sensitive import mask_long_numbers, redact_any_language
from touchstone.settings import Settings
from touchstone.steps.plan import RunPlan
from warehouse.checks import SuiteResult
from warehouse.staging import Staging

COUNTS = "counts.json"
LANGUAGES = "languages.json"  # the languages of the staged interactions
CHECKS = "checks.json"
OVERRIDES_SEEN = "overrides.json"  # the ids of the overrides a run's merge applied
INGEST_QUARANTINE = "quarantine.ingest.parquet"  # kept apart from the merged quarantine, so a merge can be repeated
SHARDS = "shards"


def staging(settings: Settings, plan: RunPlan) -> Staging:
    """The run's own place, where its steps hand over; publish removes it."""
    return settings.staging.child(plan.day.isoformat(), plan.run_id)


def shard_file(kind: str, shard: int) -> str:
    """A shard's file in the run's staging: the interactions ingest staged, or a table score wrote."""
    return f"{SHARDS}/{kind}-{shard:05d}.parquet"


def largest_first(folder: Staging, numbers: list[int]) -> list[int]:
    """Shard numbers, the largest staged shards first: worked on in that order (a DAG maps its tasks
    in it), no slot is left with a long one at the end while the others wait (a shard of long
    chats takes twice as long as one of calls)."""
    return sorted(numbers, key=lambda n: -folder.size(shard_file("interactions", n)))


def shard_sources(shard: int) -> str:
    """Where ingest keeps each of a shard's interactions' file and place in it: beside the shard, so
    a scoring task reads its own (the whole day's would be 50 MB and 200 MB of memory at 1,000,000)."""
    return f"{SHARDS}/sources-{shard:05d}.json"


def shard_numbers(folder: Staging, kind: str) -> list[int]:
    """The numbers of the shards of `kind` staged in `folder`."""
    return [int(name.removesuffix(".parquet").split("-")[1]) for name in folder.names(SHARDS, f"{kind}-", ".parquet")]


def update_counts(folder: Staging, **counts: int) -> dict[str, int]:
    """The run's counts (`counts.json`) with `counts` added or replaced: ingest counts what it read,
    aggregate what was scored and quarantined, and publish reconciles them."""
    merged = {**folder.read_json(COUNTS, default={}), **counts}
    folder.write_text(COUNTS, json.dumps(merged, indent=2, sort_keys=True))
    return merged


def quarantine_row(source: str, locator: str, reason: str, raw: str, run_id: str) -> dict[str, Any]:
    """A quarantine row; the raw excerpt is redacted (cards, IBANs, ids, e-mail, phones; written, or
    spoken in any of the languages, since a broken record's language is not known), and what is left
    of long numbers is masked: an excerpt cut in the middle of a card number passes no check. Reasons
    never quote long input values (`ingest.reader.describe_validation_error`) and are redacted too,
    for what an exception's message might quote."""
    return {"source": source, "locator": locator, "reason": redact_any_language(reason), "raw_excerpt": mask_long_numbers(redact_any_language(raw)), "run_id": run_id}


def write_checks(folder: Staging, suite: str, result: SuiteResult) -> None:
    """A suite's results kept in the run's `checks.json` (`input` by ingest, `output` by publish),
    which publish copies to the warehouse (`checks/date=<date>/<run_id>.json`) before its switch."""
    kept = folder.read_json(CHECKS, default={})
    kept[suite] = {"success": result.success, "failures": result.failures, "details": result.details}
    folder.write_text(CHECKS, json.dumps(kept, indent=1, default=str))
