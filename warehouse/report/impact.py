"""The impact page: what a draft standard would change on past days, in the report's look.

One static file beside the comparison's Parquet tables; every number on it is read from them
(`data-value` holds the exact figure behind a formatted cell).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from scorers.sensitive import redact
from scorers.standard import Standard
from warehouse.report.html import environment, records

MAX_FLIPS = 300  # listed on the page; all of them are in flips.parquet


def _flip_rows(flips: pd.DataFrame) -> list[dict[str, Any]]:
    """Flips for the page, evidence redacted again in the interaction's language (as the report does)."""
    shown = flips.head(MAX_FLIPS)
    evidence = [redact(e, lang) if isinstance(e, str) else "" for e, lang in zip(shown["evidence"], shown["language"])]
    return records(shown.assign(evidence=evidence))


def render_page(headline: dict[str, Any], tables: dict[str, pd.DataFrame], draft: Standard, skipped: dict[str, str]) -> str:
    criteria = tables["criteria"].merge(
        tables["changes"].drop_duplicates("criterion_id", keep="last")[["criterion_id", "change", "detail"]], on="criterion_id", how="left"
    )
    titles = {c.id: c.title for c in draft.criteria}
    criteria["title"] = criteria["criterion_id"].map(lambda c: titles.get(c, c))
    flips = tables["flips"]
    return environment().get_template("impact.html.j2").render(
        headline=headline,
        draft=draft,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        criteria=records(criteria.sort_values(["pass_rate_change", "criterion_id"], key=lambda c: c.abs() if c.name == "pass_rate_change" else c, ascending=[False, True], na_position="last")),
        changes=records(tables["changes"][tables["changes"]["change"] != "unchanged"]),
        agents=records(tables["agents"]),
        teams=records(tables["teams"]),
        flips=_flip_rows(flips),
        flips_total=len(flips),
        skipped=skipped,
    )


def write_page(target: Path, headline: dict[str, Any], tables: dict[str, pd.DataFrame], draft: Standard, skipped: dict[str, str]) -> Path:
    """Write the page atomically and return its path."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(render_page(headline, tables, draft, skipped), encoding="utf-8")
    os.replace(tmp, target)
    return target
