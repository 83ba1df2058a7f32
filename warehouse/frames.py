"""Small helpers over frames read back from the tables, shared by the report, impact and the CLI."""

from __future__ import annotations

from typing import Any

import pandas as pd


def as_list(value: object) -> list[Any]:
    """A list column's value as pandas reads it back (a list, a NumPy array, or null: [])."""
    return list(value) if isinstance(value, list | tuple) or hasattr(value, "__array__") else []  # type: ignore[call-overload]


def of_standard(frame: pd.DataFrame, standard_id: str | None) -> pd.DataFrame:
    """The rows one standard scored (all rows for None): a routed date holds rows of several
    standards, whose scores are never mixed."""
    if standard_id is None or frame.empty:
        return frame
    return frame[frame["standard_id"].astype(str) == standard_id].reset_index(drop=True)
