"""The run's staging folder (`<data>/staging/<date>/<run_id>/`), through which the steps hand over:
where each step writes what the next reads (the shards, the ingest quarantine, the counts, the
checks), and the rows every step writes the same way (the quarantine's).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scorers.sensitive import mask_long_numbers, redact_any_language
from touchstone.settings import Settings
from touchstone.steps.plan import RunPlan
from warehouse.checks import SuiteResult

COUNTS = "counts.json"
LANGUAGES = "languages.json"  # the languages of the staged interactions
OVERRIDES_SEEN = "overrides.json"  # the ids of the overrides a run's merge applied


def staging(settings: Settings, plan: RunPlan) -> Path:
    """The run's own folder, where its steps hand over; publish removes it."""
    return settings.staging_dir / plan.day.isoformat() / plan.run_id


def ingest_quarantine(folder: Path) -> Path:
    """What ingest quarantined: kept apart from the merged quarantine, so a merge can be repeated."""
    return folder / "quarantine.ingest.parquet"


def shard_file(folder: Path, kind: str, shard: int, suffix: str = "parquet") -> Path:
    return folder / "shards" / f"{kind}-{shard:05d}.{suffix}"


def update_counts(folder: Path, **counts: int) -> dict[str, int]:
    """The run's counts (`counts.json`) with `counts` added or replaced: ingest counts what it read,
    aggregate what was scored and quarantined, and publish reconciles them."""
    path = folder / COUNTS
    merged = {**(json.loads(path.read_text()) if path.exists() else {}), **counts}
    path.write_text(json.dumps(merged, indent=2, sort_keys=True))
    return merged


def quarantine_row(source: str, locator: str, reason: str, raw: str, run_id: str) -> dict[str, Any]:
    """A quarantine row; the raw excerpt is redacted (cards, IBANs, ids, e-mail, phones; written, or
    spoken in any of the languages, since a broken record's language is not known), and what is left
    of long numbers is masked: an excerpt cut in the middle of a card number passes no check. Reasons
    never quote long input values (`ingest.reader.describe_validation_error`) and are redacted too,
    for what an exception's message might quote."""
    return {"source": source, "locator": locator, "reason": redact_any_language(reason), "raw_excerpt": mask_long_numbers(redact_any_language(raw)), "run_id": run_id}


def write_checks(folder: Path, suite: str, result: SuiteResult) -> None:
    """A suite's results kept in the run's `checks.json` (`input` by ingest, `output` by publish),
    which publish copies to the warehouse (`checks/date=<date>/<run_id>.json`) before its switch."""
    checks = folder / "checks.json"
    kept = json.loads(checks.read_text()) if checks.exists() else {}
    kept[suite] = {"success": result.success, "failures": result.failures, "details": result.details}
    checks.write_text(json.dumps(kept, indent=1, default=str))
