"""Where things are: the embedded defaults, overridable by environment variables.

Defaults need nothing but a checkout: landing files, warehouse, staging and the Airflow home all
live under `<project>/data/` (git-ignored), and the standards under `<project>/standards/`.

| variable                     | default                                                    |
|------------------------------|------------------------------------------------------------|
| TOUCHSTONE_DATA_DIR          | <project>/data                                             |
| TOUCHSTONE_LANDING_DIR       | <data>/landing (a local folder)                            |
| TOUCHSTONE_LANDING_URL       | none; a URL (file://, s3://, gs://, abfs://) instead of the folder |
| TOUCHSTONE_LANDING_CONN_ID   | none; the Airflow connection with the object store's credentials |
| TOUCHSTONE_SOURCE_CONFIG     | none; a YAML file: layout, speaker roles, defaults, metadata (`ingest.source_config`) |
| TOUCHSTONE_WAREHOUSE_URL     | none; an object store URL (s3://bucket/prefix) instead of <data>/warehouse |
| TOUCHSTONE_WAREHOUSE_CONN_ID | none; the Airflow connection (type aws) with its credentials, else AWS_* variables |
| TOUCHSTONE_STAGING_URL       | <warehouse URL>/_staging with an object-store warehouse (its credentials), else <data>/staging |
| TOUCHSTONE_STANDARDS_DIR     | <project>/standards                                        |
| TOUCHSTONE_STANDARD          | eu_core                                                    |
| TOUCHSTONE_ROUTING           | none; a routing id (`standards/routing/`): each interaction gets the standards it routes to |
| TOUCHSTONE_CACHE_DIR         | $XDG_CACHE_HOME/touchstone (~/.cache/touchstone): compiled patterns kept between runs (`scorers.regex_cache`) |
| TOUCHSTONE_LOCK_EXPIRY_SECONDS | 120: a date's lock on an object store is taken over this long after its holder stopped renewing it (`warehouse.lock`) |
| TOUCHSTONE_LOCK_WAIT_SECONDS | 1800: how long a writer of a date waits for its lock before giving up |
| TOUCHSTONE_RETENTION_DAYS    | 30: days of time travel `touchstone warehouse clean` keeps (`warehouse.housekeeping`) |
| TOUCHSTONE_INGEST_PROCESSES  | the machine's cores: processes the DAG's ingest task reads the day's files with |
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from foundation.errors import TouchstoneError

if TYPE_CHECKING:  # imported where used: pyarrow (~0.5 s) is not needed to know where the standards are
    from warehouse.location import Warehouse
    from warehouse.lock import LockTiming
    from warehouse.staging import Staging

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CORES = os.cpu_count() or 1


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    landing_dir: Path
    standards_dir: Path
    # `id` (the version in force on the scored date) or `id@version`.
    standard: str = "eu_core"
    # A routing `id` or `id@version`: each interaction is scored by the standards it gives (none:
    # every interaction by `standard`).
    routing: str | None = None
    landing_url: str | None = None
    landing_conn_id: str | None = None
    source_config: Path | None = None
    warehouse_url: str | None = None
    warehouse_conn_id: str | None = None
    staging_url: str | None = None
    lock_expiry_seconds: float = 120.0
    lock_wait_seconds: float = 1800.0
    retention_days: int = 30
    # Processes the DAG's ingest task reads the day with (the CLI's --processes sets its own).
    ingest_processes: int = CORES

    @property
    def landing(self) -> str:
        """Where the day's files are: the URL when one is set, else the local folder."""
        return self.landing_url or str(self.landing_dir)

    @property
    def warehouse_dir(self) -> Path:
        """The local warehouse folder (the default when no warehouse URL is set)."""
        return self.data_dir / "warehouse"

    @property
    def warehouse(self) -> Warehouse:
        """Where the published tables are: the URL with its connection's credentials, else the folder."""
        from touchstone.object_store import storage_options
        from warehouse.location import Warehouse

        if self.warehouse_url is None:
            return Warehouse.at(self.warehouse_dir)
        return Warehouse.at(self.warehouse_url, storage_options(self.warehouse_conn_id))

    @property
    def lock_timing(self) -> LockTiming:
        """How the date lock waits and, on an object store, how long a lease lasts unrenewed."""
        from warehouse.lock import LockTiming

        return LockTiming(expiry=self.lock_expiry_seconds, wait=self.lock_wait_seconds)

    @property
    def staging_dir(self) -> Path:
        """The local staging folder (the default with a local warehouse)."""
        return self.data_dir / "staging"

    @property
    def staging(self) -> Staging:
        """Where runs hand over between steps: beside the warehouse, so every worker that may write
        the warehouse reaches it with the same credentials (TOUCHSTONE_STAGING_URL, else the
        warehouse's `_staging` prefix on an object store, else the local folder)."""
        from warehouse.staging import Staging

        if self.staging_url is None and self.warehouse_url is None:
            return Staging.at(self.staging_dir)
        warehouse = self.warehouse
        return Staging.at(self.staging_url or f"{warehouse.uri}/_staging", warehouse.storage_options)

    @property
    def reports_dir(self) -> Path:
        """One HTML report per date: `<data>/reports/<date>.html`."""
        return self.data_dir / "reports"

    @property
    def reviews_dir(self) -> Path:
        """Human reviewers' outcomes per date (`<date>.csv`), kept by `touchstone calibrate` for the report."""
        return self.data_dir / "reviews"

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        data = Path(os.environ.get("TOUCHSTONE_DATA_DIR", PROJECT_ROOT / "data")).resolve()
        settings = cls(
            data_dir=data,
            landing_dir=Path(os.environ.get("TOUCHSTONE_LANDING_DIR", data / "landing")).resolve(),
            standards_dir=Path(os.environ.get("TOUCHSTONE_STANDARDS_DIR", PROJECT_ROOT / "standards")).resolve(),
            standard=os.environ.get("TOUCHSTONE_STANDARD", "eu_core"),
            routing=os.environ.get("TOUCHSTONE_ROUTING") or None,
            landing_url=os.environ.get("TOUCHSTONE_LANDING_URL") or None,
            landing_conn_id=os.environ.get("TOUCHSTONE_LANDING_CONN_ID") or None,
            source_config=Path(os.environ["TOUCHSTONE_SOURCE_CONFIG"]) if os.environ.get("TOUCHSTONE_SOURCE_CONFIG") else None,
            warehouse_url=os.environ.get("TOUCHSTONE_WAREHOUSE_URL") or None,
            warehouse_conn_id=os.environ.get("TOUCHSTONE_WAREHOUSE_CONN_ID") or None,
            staging_url=os.environ.get("TOUCHSTONE_STAGING_URL") or None,
            lock_expiry_seconds=_number("TOUCHSTONE_LOCK_EXPIRY_SECONDS", 120.0, float),
            lock_wait_seconds=_number("TOUCHSTONE_LOCK_WAIT_SECONDS", 1800.0, float),
            retention_days=_number("TOUCHSTONE_RETENTION_DAYS", 30, int),
            ingest_processes=_number("TOUCHSTONE_INGEST_PROCESSES", CORES, int),
        )
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]


N = TypeVar("N", int, float)


def _number(name: str, default: N, kind: type[N]) -> N:
    """A positive number from the environment variable `name` (unset or empty: `default`)."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        value = kind(-1)
    if value <= 0:
        raise TouchstoneError(f"{name}={text!r} is not a positive {'whole ' if kind is int else ''}number", f"unset it for the default, {default}")
    return value
