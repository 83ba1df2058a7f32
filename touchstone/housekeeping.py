"""The warehouse's weekly housekeeping with the deployment's settings: what `touchstone warehouse
clean` and the `touchstone_housekeeping` DAG both run (`warehouse.housekeeping` does the work)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

from touchstone.settings import Settings
from warehouse.housekeeping import GRACE, clean


def clean_warehouse(settings: Settings, dry_run: bool = False, grace_days: float | None = None) -> list[dict[str, Any]]:
    """Clean the settings' warehouse under each date's lock, keeping TOUCHSTONE_RETENTION_DAYS of
    time travel; one summary per table (plain values: the DAG's task returns them)."""
    grace = GRACE if grace_days is None else timedelta(days=grace_days)
    cleaned = clean(settings.warehouse, settings.retention_days, grace, dry_run, settings.lock_timing)
    return [asdict(c) for c in cleaned]
