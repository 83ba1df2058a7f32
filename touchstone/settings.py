"""Where things are: the embedded defaults, overridable by environment variables.

Defaults need nothing but a checkout: landing files, warehouse, staging and the Airflow home all
live under `<project>/data/` (git-ignored), and the standards under `<project>/standards/`.

| variable                  | default                  |
|---------------------------|--------------------------|
| TOUCHSTONE_DATA_DIR       | <project>/data           |
| TOUCHSTONE_LANDING_DIR    | <data>/landing           |
| TOUCHSTONE_STANDARDS_DIR  | <project>/standards      |
| TOUCHSTONE_STANDARD       | eu_core                  |
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.landing import DEFAULT_LAYOUT

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    landing_dir: Path
    standards_dir: Path
    # `id` (the version in force on the scored date) or `id@version`.
    standard: str = "eu_core"
    layout: str = DEFAULT_LAYOUT
    # A day with a larger share of records quarantined fails instead of publishing.
    max_quarantine_share: float = 0.5

    @property
    def warehouse_dir(self) -> Path:
        return self.data_dir / "warehouse"

    @property
    def staging_dir(self) -> Path:
        return self.data_dir / "staging"

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        data = Path(os.environ.get("TOUCHSTONE_DATA_DIR", PROJECT_ROOT / "data")).resolve()
        settings = cls(
            data_dir=data,
            landing_dir=Path(os.environ.get("TOUCHSTONE_LANDING_DIR", data / "landing")).resolve(),
            standards_dir=Path(os.environ.get("TOUCHSTONE_STANDARDS_DIR", PROJECT_ROOT / "standards")).resolve(),
            standard=os.environ.get("TOUCHSTONE_STANDARD", "eu_core"),
        )
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
