"""Step four, aggregate: the scored shards merged in shard order into the day's staged tables, the
reviewers' overrides in force on the date applied to the machine's verdicts, and the agents' daily
scores computed. Nothing is published: publish merges again when an override arrives meanwhile.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pyarrow as pa

from foundation.errors import TouchstoneError
from scorers.overrides import Override
from touchstone.settings import Settings
from touchstone.steps.plan import RunPlan, plan_standards
from touchstone.steps.score import scored_shards, shards
from touchstone.steps.staging import INGEST_QUARANTINE, OVERRIDES_SEEN, shard_file, staging, update_counts
from warehouse import staging as staged
from warehouse.aggregate import AgentAccumulator
from warehouse.overrides import overrides_of
from warehouse.reviewed import Reviewed
from warehouse.tables import AGENT_DAILY_SCORES, CRITERION_RESULTS, INTERACTION_SCORES, QUARANTINE

# What the per-agent aggregation reads of each interaction score.
AGENT_COLUMNS = ["agent_id", "agent_type", "team", "quality_score", "compliance_passed", "critical_failures", "section_scores", "run_id", "standard_id", "standard_version"]


def aggregate(settings: Settings, plan: RunPlan, overrides: dict[str, dict[str, Override]] | None = None) -> dict[str, Any]:
    """Merge the scored shards in shard order, apply the reviewers' overrides in force on the date
    (`warehouse.reviewed`; or `overrides`, when given), add scoring quarantines, and score the agents.

    Shards are copied one at a time (one row group each) and agents are accumulated as they pass,
    so memory stays at one shard whatever the size of the day.
    """
    folder = staging(settings, plan)
    numbers = scored_shards(settings, plan)
    ingested = shards(settings, plan)  # none for a day staged again from its published tables
    if ingested and ingested != numbers:
        missing = sorted(set(ingested) - set(numbers))
        raise TouchstoneError(f"shard(s) {', '.join(map(str, missing))} of {plan.day} were not scored", "score them (or run the date again) before aggregating")
    reviewed = Reviewed(plan_standards(settings, plan).values(), overrides_of(settings.warehouse, plan.day) if overrides is None else overrides)
    agents = AgentAccumulator()
    rows: dict[str, int] = {}
    scored = 0
    per_standard: Counter[str] = Counter()
    per_rule: Counter[str] = Counter()
    for table in (CRITERION_RESULTS, INTERACTION_SCORES, QUARANTINE):
        parts = [shard_file(table.name, n) for n in numbers]
        if table is QUARANTINE:
            parts.insert(0, INGEST_QUARANTINE)  # what ingest quarantined comes first
        rows[table.name] = 0
        with folder.writer(staged.staged_name(table), table.schema) as writer:  # whole or not at all
            for part in parts:
                shard_table = folder.read_table(part, schema=table.schema)
                if table is CRITERION_RESULTS:
                    shard_table = reviewed.verdicts(shard_table)
                elif table is INTERACTION_SCORES:
                    shard_table = reviewed.scores(shard_table)
                    for row in shard_table.select(AGENT_COLUMNS).to_pylist():
                        agents.add(row)
                    scored += _count_scored(shard_table, per_standard, per_rule)
                writer.write_table(shard_table)
                rows[table.name] += shard_table.num_rows
    update_counts(folder, scored=scored, quarantined=rows[QUARANTINE.name], standards=dict(per_standard), routes=dict(per_rule))
    folder.write_text(OVERRIDES_SEEN, json.dumps(reviewed.seen))
    agent_rows = agents.rows()
    staged.write_staged(agent_rows, AGENT_DAILY_SCORES, folder)
    return {**plan.to_dict(), "agents": len({row["agent_id"] for row in agent_rows}), "interactions": scored, "overrides_applied": reviewed.applied}


def _count_scored(scores: pa.Table, per_standard: Counter[str], per_rule: Counter[str]) -> int:
    """The interactions in a part of interaction_scores (each has one row per standard that scored
    it, all in one part), counted into `per_standard` (`id@version`) and `per_rule` (routed runs)."""
    for (standard_id, version), count in Counter(zip(scores["standard_id"].to_pylist(), scores["standard_version"].to_pylist())).items():
        per_standard[f"{standard_id}@{version}"] += count
    routed = dict(zip(scores["interaction_id"].to_pylist(), scores["routing_rule"].to_pylist()))
    per_rule.update(rule for rule in routed.values() if rule is not None)
    return len(routed)
