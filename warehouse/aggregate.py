"""Per-agent daily scores from the interaction scores: what QA managers coach from.

The mean quality score comes with its sample size and a 95% Student-t confidence interval, so that
an agent with 3 calls is not read like one with 300. Section scores are the mean of each section
over the interactions where it applied.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

PROVENANCE = ("run_id", "standard_id", "standard_version")


def mean_confidence_interval(values: list[float], level: float = 0.95) -> tuple[float | None, float | None, float | None]:
    """(mean, low, high), clipped to 0-100; no interval for fewer than two values."""
    if not values:
        return None, None, None
    mean = sum(values) / len(values)
    if len(values) < 2:
        return mean, None, None
    from scipy import stats  # here: 0.7 s to import, and a process that scores shards never needs it

    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
    half = stats.t.ppf((1 + level) / 2, len(values) - 1) * sd / math.sqrt(len(values))
    return mean, max(0.0, mean - half), min(100.0, mean + half)


class AgentAccumulator:
    """Per-agent running totals, fed one interaction row at a time: a day of any size is aggregated
    without holding its rows (only each agent's quality scores, for the interval). An agent scored
    by several standards (a routed run) gets one row per standard: scores of different
    scorecards are never averaged together."""

    def __init__(self) -> None:
        self.agents: dict[tuple[str, str, str], dict[str, Any]] = {}

    def add(self, row: dict[str, Any]) -> None:
        key = (row["agent_id"], row["standard_id"], row["standard_version"])
        agent = self.agents.get(key)
        if agent is None:
            agent = self.agents[key] = {
                "agent_type": row["agent_type"], "teams": Counter(), "interactions": 0, "quality": [], "compliant": 0,
                "critical_failures": 0, "sections": {}, **{key: row[key] for key in PROVENANCE},
            }  # fmt: skip
        agent["interactions"] += 1
        if row["quality_score"] is not None:
            agent["quality"].append(row["quality_score"])
        if row["team"]:
            agent["teams"][row["team"]] += 1
        agent["compliant"] += bool(row["compliance_passed"])
        agent["critical_failures"] += row["critical_failures"]
        for section, score in dict(row["section_scores"]).items():
            agent["sections"].setdefault(section, []).append(score)

    def rows(self) -> list[dict[str, Any]]:
        """One row per agent and standard, ordered by agent id, then standard."""
        out = []
        for key in sorted(self.agents):
            agent_id, agent = key[0], self.agents[key]
            mean, low, high = mean_confidence_interval(agent["quality"])
            teams: Counter[str] = agent["teams"]
            out.append(
                {
                    "agent_id": agent_id,
                    "agent_type": agent["agent_type"],
                    # The agent's most frequent team; ties go to the first by name.
                    "team": max(sorted(teams), key=lambda t: teams[t]) if teams else None,
                    "interactions": agent["interactions"],
                    "scored_interactions": len(agent["quality"]),
                    "mean_quality_score": mean,
                    "quality_ci_low": low,
                    "quality_ci_high": high,
                    "compliance_rate": agent["compliant"] / agent["interactions"],
                    "critical_failures": agent["critical_failures"],
                    "section_scores": {s: sum(v) / len(v) for s, v in sorted(agent["sections"].items())},
                    **{key: agent[key] for key in PROVENANCE},
                }
            )
        return out


def agent_daily_rows(interaction_rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per agent and standard, ordered by agent id, from rows of the `interaction_scores` table."""
    accumulator = AgentAccumulator()
    for row in interaction_rows:
        accumulator.add(row)
    return accumulator.rows()
