"""Every warehouse table, declared once: name, grain, description and Arrow schema.

Tables are hive-partitioned by `date=YYYY-MM-DD`; the partition column is not stored in the files.
Every row carries the standard and the run that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class Table:
    name: str
    grain: str  # what one row is
    description: str
    schema: pa.Schema
    # Daily tables hold one run's rows per date; a history table keeps every row it was given
    # (`runs`: every run; `overrides`: every override), ordered by its `stamped` time column.
    history: bool = False
    stamped: str | None = None


_PROVENANCE = [
    pa.field("run_id", pa.string(), nullable=False),
    pa.field("standard_id", pa.string(), nullable=False),
    pa.field("standard_version", pa.string(), nullable=False),
]

CRITERION_RESULTS = Table(
    "criterion_results",
    "interaction x criterion",
    "Every criterion's verdict on every interaction, with the evidence that decided it.",
    pa.schema(
        [
            pa.field("interaction_id", pa.string(), nullable=False),
            pa.field("agent_id", pa.string(), nullable=False),
            pa.field("criterion_id", pa.string(), nullable=False),
            pa.field("criterion_kind", pa.string(), nullable=False),
            pa.field("section", pa.string(), nullable=False),
            pa.field("outcome", pa.string(), nullable=False),  # pass | fail | not_applicable
            pa.field("reason", pa.string(), nullable=False),
            pa.field("points", pa.float64(), nullable=False),
            pa.field("max_points", pa.float64(), nullable=False),
            pa.field("critical", pa.bool_(), nullable=False),
            pa.field("evidence", pa.string()),  # redacted where sensitive
            pa.field("turn_index", pa.int32()),
            pa.field("start_ms", pa.int64()),
            # Set where a reviewer's override applies: `outcome` is then the reviewer's, and the
            # machine's outcome is kept here (its reason and evidence stay in their columns).
            pa.field("machine_outcome", pa.string()),
            pa.field("override_id", pa.string()),
            pa.field("override_reviewer", pa.string()),
            pa.field("override_reason", pa.string()),
            *_PROVENANCE,
        ]
    ),
)

INTERACTION_SCORES = Table(
    "interaction_scores",
    "interaction x standard",
    "One quality and compliance score per interaction and standard that scored it.",
    pa.schema(
        [
            pa.field("interaction_id", pa.string(), nullable=False),
            pa.field("agent_id", pa.string(), nullable=False),
            pa.field("agent_type", pa.string(), nullable=False),
            pa.field("team", pa.string()),
            pa.field("channel", pa.string(), nullable=False),
            pa.field("language", pa.string(), nullable=False),
            pa.field("started_at", pa.timestamp("us", tz="UTC")),
            pa.field("turns", pa.int32(), nullable=False),
            pa.field("duration_ms", pa.int64()),
            pa.field("quality_score", pa.float64()),  # 0-100; null when no criterion applied
            pa.field("compliance_passed", pa.bool_(), nullable=False),
            pa.field("critical_failures", pa.int32(), nullable=False),
            pa.field("criteria_passed", pa.int32(), nullable=False),
            pa.field("criteria_failed", pa.int32(), nullable=False),
            pa.field("criteria_not_applicable", pa.int32(), nullable=False),
            pa.field("section_scores", pa.map_(pa.string(), pa.float64()), nullable=False),
            pa.field("source", pa.string(), nullable=False),  # file and line it was read from
            # The contact itself, for the automation view: why the customer came and how hard it was.
            pa.field("customer_id", pa.string()),  # pseudonymous; finds repeat contacts across dates
            pa.field("contact_reason", pa.string(), nullable=False),
            pa.field("reason_source", pa.string(), nullable=False),  # metadata | topic | none
            pa.field("words", pa.int32(), nullable=False),
            pa.field("transfers", pa.int32(), nullable=False),
            pa.field("customer_distress", pa.bool_()),  # null when the sentiment lexicon lacks the language
            pa.field("handed_over", pa.bool_(), nullable=False),  # a bot conversation that reached a person
            # The routing rule that gave the interaction this standard (`default`, `always`); null
            # when the run scored every interaction with one standard.
            pa.field("routing_rule", pa.string()),
            *_PROVENANCE,
        ]
    ),
)

AGENT_DAILY_SCORES = Table(
    "agent_daily_scores",
    "agent x standard x date",
    "Per-agent daily scores with sample sizes and 95% confidence intervals, for coaching; one row per standard the agent was scored by.",
    pa.schema(
        [
            pa.field("agent_id", pa.string(), nullable=False),
            pa.field("agent_type", pa.string(), nullable=False),
            pa.field("team", pa.string()),
            pa.field("interactions", pa.int32(), nullable=False),
            pa.field("scored_interactions", pa.int32(), nullable=False),  # with a quality score
            pa.field("mean_quality_score", pa.float64()),
            pa.field("quality_ci_low", pa.float64()),
            pa.field("quality_ci_high", pa.float64()),
            pa.field("compliance_rate", pa.float64(), nullable=False),  # share with compliance_passed
            pa.field("critical_failures", pa.int32(), nullable=False),
            pa.field("section_scores", pa.map_(pa.string(), pa.float64()), nullable=False),
            *_PROVENANCE,
        ]
    ),
)

QUARANTINE = Table(
    "quarantine",
    "rejected input record",
    "Records that were read but not scored, with where they came from and why.",
    pa.schema(
        [
            pa.field("source", pa.string(), nullable=False),
            pa.field("locator", pa.string(), nullable=False),
            pa.field("reason", pa.string(), nullable=False),
            pa.field("raw_excerpt", pa.string(), nullable=False),
            pa.field("run_id", pa.string(), nullable=False),
        ]
    ),
)

RUNS = Table(
    "runs",
    "pipeline run",
    "The manifest of every run: what was read, scored and quarantined, with which standard.",
    pa.schema(
        [
            pa.field("run_id", pa.string(), nullable=False),
            pa.field("standard_id", pa.string(), nullable=False),
            pa.field("standard_version", pa.string(), nullable=False),
            pa.field("standard_sha256", pa.string(), nullable=False),
            pa.field("files", pa.int32(), nullable=False),
            pa.field("read", pa.int32(), nullable=False),
            pa.field("scored", pa.int32(), nullable=False),
            pa.field("quarantined", pa.int32(), nullable=False),
            pa.field("duplicates_dropped", pa.int32(), nullable=False),
            pa.field("input_checks_failed", pa.int32(), nullable=False),  # interactions quarantined by the input suite
            pa.field("output_checks_passed", pa.bool_(), nullable=False),
            pa.field("status", pa.string(), nullable=False),
            pa.field("published_at", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("overrides_applied", pa.int32()),  # reviewer overrides in the run's verdicts
            # A routed run: the routing applied (a run with one standard: nulls), and for every
            # standard and every rule, how many interactions it scored or routed (0: none that day).
            pa.field("routing_id", pa.string()),
            pa.field("routing_version", pa.string()),
            pa.field("routing_sha256", pa.string()),
            pa.field("standards", pa.list_(pa.struct([("standard_id", pa.string()), ("standard_version", pa.string()), ("standard_sha256", pa.string()), ("interactions", pa.int32())]))),
            pa.field("routes", pa.list_(pa.struct([("rule", pa.string()), ("interactions", pa.int32()), ("defined_at", pa.string())]))),  # defined_at: file:line
        ]
    ),
    history=True,
    stamped="published_at",
)

OVERRIDES = Table(
    "overrides",
    "reviewer override (append-only)",
    "Every verdict a reviewer overrode or withdrew an override of: who, when, why, and what the machine had said.",
    pa.schema(
        [
            pa.field("override_id", pa.string(), nullable=False),
            pa.field("interaction_id", pa.string(), nullable=False),
            pa.field("criterion_id", pa.string(), nullable=False),
            pa.field("agent_id", pa.string(), nullable=False),
            pa.field("outcome", pa.string(), nullable=False),  # pass | fail | not_applicable | withdrawn
            pa.field("reason", pa.string(), nullable=False),  # the reviewer's, redacted
            pa.field("reviewer", pa.string(), nullable=False),
            pa.field("overridden_at", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("machine_outcome", pa.string(), nullable=False),  # the machine's, when it was overridden
            pa.field("machine_reason", pa.string(), nullable=False),
            pa.field("criterion_sha256", pa.string(), nullable=False),  # the definition overridden
            pa.field("origin", pa.string(), nullable=False),  # `command line` or `file.csv:line`
            *_PROVENANCE,  # the run, standard and version whose verdict was overridden
        ]
    ),
    history=True,
    stamped="overridden_at",
)

TABLES: dict[str, Table] = {t.name: t for t in (CRITERION_RESULTS, INTERACTION_SCORES, AGENT_DAILY_SCORES, QUARANTINE, RUNS, OVERRIDES)}

# What a run publishes for its date (overrides are added by reviewers, never by a run).
PUBLISHED: tuple[Table, ...] = (CRITERION_RESULTS, INTERACTION_SCORES, AGENT_DAILY_SCORES, QUARANTINE, RUNS)
