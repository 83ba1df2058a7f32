"""Per-agent daily scores from the interaction scores: what QA managers coach from.

The mean quality score comes with its sample size and a 95% Student-t confidence interval, so that
an agent with 3 calls is not read like one with 300. Section scores are the mean of each section
over the interactions where it applied.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from scipy import stats

PROVENANCE = ("run_id", "standard_id", "standard_version")


def mean_confidence_interval(values: list[float], level: float = 0.95) -> tuple[float | None, float | None, float | None]:
    """(mean, low, high), clipped to 0-100; no interval for fewer than two values."""
    if not values:
        return None, None, None
    mean = sum(values) / len(values)
    if len(values) < 2:
        return mean, None, None
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
    half = stats.t.ppf((1 + level) / 2, len(values) - 1) * sd / math.sqrt(len(values))
    return mean, max(0.0, mean - half), min(100.0, mean + half)


def agent_daily_rows(interaction_rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per agent, ordered by agent id, from rows of the `interaction_scores` table."""
    by_agent: dict[str, list[dict[str, Any]]] = {}
    for row in interaction_rows:
        by_agent.setdefault(row["agent_id"], []).append(row)
    out = []
    for agent_id in sorted(by_agent):
        rows = by_agent[agent_id]
        quality = [r["quality_score"] for r in rows if r["quality_score"] is not None]
        mean, low, high = mean_confidence_interval(quality)
        sections: dict[str, list[float]] = {}
        for r in rows:
            for section, score in dict(r["section_scores"]).items():
                sections.setdefault(section, []).append(score)
        teams = [r["team"] for r in rows if r["team"]]
        out.append(
            {
                "agent_id": agent_id,
                "agent_type": rows[0]["agent_type"],
                "team": max(sorted(set(teams)), key=teams.count) if teams else None,
                "interactions": len(rows),
                "scored_interactions": len(quality),
                "mean_quality_score": mean,
                "quality_ci_low": low,
                "quality_ci_high": high,
                "compliance_rate": sum(r["compliance_passed"] for r in rows) / len(rows),
                "critical_failures": sum(r["critical_failures"] for r in rows),
                "section_scores": {s: sum(v) / len(v) for s, v in sorted(sections.items())},
                **{key: rows[0][key] for key in PROVENANCE},
            }
        )
    return out
