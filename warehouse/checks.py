"""Data-quality suites, kept as code and run inside the pipeline with Great Expectations 1.x.

- The input suite checks the day's normalised interactions before scoring: ids present and unique,
  languages and channels supported, speakers known, text not empty, timestamps non-negative and in
  order, at least one agent or bot turn. Pydantic has already rejected most of this record by
  record; the suite states it once, declaratively, and adds rules across turns. An interaction
  failing any expectation is quarantined with the expectation's name as the reason.
- The output suite checks the staged tables before they are published: scores within 0-100, one row
  per interaction and per interaction and criterion, outcomes known, agent rows reconciling with
  interaction rows. A failure stops the publish: the previous data stays.

Both suites' full results are kept with the run (`<warehouse>/checks/date=.../<run_id>.json`).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from ingest.interaction import SUPPORTED_LANGUAGES, Interaction

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # no usage statistics: no network at run time

SPEAKERS = ["agent", "bot", "customer", "system"]
OUTCOMES = ["pass", "fail", "not_applicable"]


@dataclass(frozen=True)
class Expect:
    """One expectation on one frame; a failure quarantines (input) or stops the publish (output)."""

    frame: str
    type: str  # a Great Expectations expectation class name
    kwargs: dict[str, Any]

    @property
    def columns(self) -> list[str]:
        """The columns the expectation looks at (none for table-level ones)."""
        kwargs = self.kwargs
        if "column" in kwargs:
            return [kwargs["column"]]
        if "column_A" in kwargs:
            return [kwargs["column_A"], kwargs["column_B"]]
        return list(kwargs.get("column_list", []))

    @property
    def label(self) -> str:
        columns = self.columns
        shown = columns[0] if "column" in self.kwargs else columns if "column_list" in self.kwargs else ", ".join(columns) or None
        return f"{self.frame}: {self.type}({shown})"


INPUT_SUITE = [
    Expect("interactions", "ExpectColumnValuesToNotBeNull", {"column": "interaction_id"}),
    Expect("interactions", "ExpectColumnValuesToBeUnique", {"column": "interaction_id"}),
    Expect("interactions", "ExpectColumnValuesToBeInSet", {"column": "language", "value_set": list(SUPPORTED_LANGUAGES)}),
    Expect("interactions", "ExpectColumnValuesToBeInSet", {"column": "channel", "value_set": ["voice", "chat"]}),
    Expect("interactions", "ExpectColumnValuesToBeBetween", {"column": "service_turns", "min_value": 1}),
    Expect("turns", "ExpectColumnValuesToBeInSet", {"column": "speaker", "value_set": SPEAKERS}),
    Expect("turns", "ExpectColumnValuesToBeBetween", {"column": "text_chars", "min_value": 1}),
    Expect("turns", "ExpectColumnValuesToBeBetween", {"column": "start_ms", "min_value": 0}),
    Expect("turns", "ExpectColumnValuesToBeInSet", {"column": "in_order", "value_set": [True]}),
]


def output_suite(scored: int) -> list[Expect]:
    """The output suite; `scored` is the rows of interaction_scores: one per interaction and
    standard that scored it (one standard per interaction, unless the run was routed)."""
    return [
        Expect("interaction_scores", "ExpectCompoundColumnsToBeUnique", {"column_list": ["interaction_id", "standard_id"]}),
        Expect("interaction_scores", "ExpectColumnValuesToBeBetween", {"column": "quality_score", "min_value": 0, "max_value": 100}),
        Expect("interaction_scores", "ExpectTableRowCountToEqual", {"value": scored}),
        Expect("interaction_scores", "ExpectColumnValuesToNotBeNull", {"column": "contact_reason"}),
        Expect("interaction_scores", "ExpectColumnValuesToBeBetween", {"column": "transfers", "min_value": 0}),
        # One result per interaction, standard and criterion: as many results as distinct criteria
        # (DuckDB gives the interactions where they differ: `criterion_summaries`).
        Expect("criteria_per_interaction", "ExpectColumnPairValuesToBeEqual", {"column_A": "results", "column_B": "criteria"}),
        Expect("criterion_outcomes", "ExpectColumnValuesToBeInSet", {"column": "outcome", "value_set": OUTCOMES}),
        Expect("agent_daily_scores", "ExpectCompoundColumnsToBeUnique", {"column_list": ["agent_id", "standard_id"]}),
        Expect("agent_daily_scores", "ExpectColumnSumToBeBetween", {"column": "interactions", "min_value": scored, "max_value": scored}),
        Expect("agent_daily_scores", "ExpectColumnValuesToBeBetween", {"column": "compliance_rate", "min_value": 0, "max_value": 1}),
    ]


InputRow = tuple[str, str, str, list[str], list[int], list[int | None]]  # id, language, channel; per turn: speaker, characters, start


def input_row(interaction: Interaction) -> InputRow:
    """What the input suite looks at of one interaction: small, plain values (what a worker reading
    a part of the day sends on, rather than the interaction)."""
    turns = interaction.turns
    return interaction.interaction_id, interaction.language, interaction.channel, [t.speaker for t in turns], [len(t.text.strip()) for t in turns], [t.start_ms for t in turns]


def input_frames(rows: Sequence[InputRow]) -> dict[str, pd.DataFrame]:
    """One row per interaction and one per turn, with the columns the input suite checks (built
    column by column: half a million turns a day)."""
    interactions: dict[str, list[Any]] = {"position": [], "interaction_id": [], "language": [], "channel": [], "service_turns": []}
    turns: dict[str, list[Any]] = {"position": [], "turn_index": [], "speaker": [], "text_chars": [], "start_ms": [], "in_order": []}
    for position, (interaction_id, language, channel, speakers, chars, starts) in enumerate(rows):
        interactions["position"].append(position)
        interactions["interaction_id"].append(interaction_id)
        interactions["language"].append(language)
        interactions["channel"].append(channel)
        interactions["service_turns"].append(sum(s in ("agent", "bot") for s in speakers))
        previous = None
        in_order = []
        for start in starts:
            in_order.append(previous is None or start is None or start >= previous)
            previous = start if start is not None else previous
        turns["position"] += [position] * len(starts)
        turns["turn_index"] += range(len(starts))
        turns["speaker"] += speakers
        turns["text_chars"] += chars
        turns["start_ms"] += starts
        turns["in_order"] += in_order
    frames = {name: pd.DataFrame(columns) if rows else pd.DataFrame(columns=list(columns)) for name, columns in (("interactions", interactions), ("turns", turns))}
    frames["turns"]["start_ms"] = frames["turns"]["start_ms"].astype("Float64")
    return frames


@dataclass(frozen=True)
class SuiteResult:
    success: bool
    failures: dict[str, list[Any]]  # expectation label -> unexpected rows (input suite: interaction ids)
    details: dict[str, Any]  # the Great Expectations results, as JSON

    def merged(self, part: SuiteResult, name: str) -> SuiteResult:
        """This result and the result of one more batch, its details kept under `name`."""
        failures = {label: list(rows) for label, rows in self.failures.items()}
        for label, rows in part.failures.items():
            failures.setdefault(label, []).extend(rows)
        return SuiteResult(self.success and part.success, failures, {**self.details, name: part.details})


def run_suite(name: str, expectations: Sequence[Expect], frames: dict[str, pd.DataFrame]) -> SuiteResult:
    """Run `expectations` on the frames with an ephemeral Great Expectations context."""
    try:
        return _run_suite(name, expectations, frames)
    finally:
        # The context, its suites and results refer to each other: garbage only a full collection
        # finds, which a long step (collecting rarely: `touchstone.steps.processes.fewer_collections`)
        # seldom makes. Left, it grew a process by ~5 MB a shard: ~240 MB in each of a
        # 100,000-call day's ingest workers.
        gc.collect()


def _run_suite(name: str, expectations: Sequence[Expect], frames: dict[str, pd.DataFrame]) -> SuiteResult:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # keep task logs readable
    source = context.data_sources.add_pandas(name)
    failures: dict[str, list[int]] = {}
    details: dict[str, Any] = {}
    for frame_name, frame in frames.items():
        mine = [e for e in expectations if e.frame == frame_name]
        if not mine:
            continue
        batch = source.add_dataframe_asset(name=frame_name).add_batch_definition_whole_dataframe(frame_name)
        suite = context.suites.add(gx.ExpectationSuite(name=f"{name}.{frame_name}"))
        by_id = {}
        for expect in mine:
            by_id[suite.add_expectation(getattr(gx.expectations, expect.type)(**expect.kwargs)).id] = expect
        definition = context.validation_definitions.add(gx.ValidationDefinition(name=f"{name}.{frame_name}", data=batch, suite=suite))
        result = definition.run(batch_parameters={"dataframe": frame.reset_index(drop=True)}, result_format="COMPLETE")
        details[frame_name] = result.describe_dict()
        for outcome in result.results:  # not in the order added: matched by the expectation's id
            expect = by_id[outcome.expectation_config.id]
            if not outcome.success:
                failures[expect.label] = [int(i) for i in (outcome.result or {}).get("unexpected_index_list") or []]
    return SuiteResult(not failures, failures, details)


def check_input(interactions: Sequence[Interaction]) -> tuple[list[Interaction], list[tuple[Interaction, str]], SuiteResult]:
    """The interactions that pass the input suite, the ones that fail it with the reason, and the result."""
    rejected, result = check_rows([input_row(ix) for ix in interactions])
    kept = [ix for i, ix in enumerate(interactions) if i not in rejected]
    return kept, [(interactions[i], reason) for i, reason in sorted(rejected.items())], result


def check_rows(rows: Sequence[InputRow]) -> tuple[dict[int, str], SuiteResult]:
    """The input suite on `input_row`s: the positions failing it with the reason, and the result."""
    frames = input_frames(rows)
    result = run_suite("input", INPUT_SUITE, frames)
    positions = {label: [int(frames[label.split(":")[0]].iloc[row]["position"]) for row in failing] for label, failing in result.failures.items()}
    rejected: dict[int, str] = {}
    for label, failing in positions.items():
        for position in failing:
            rejected.setdefault(position, f"failed check {label}")
    # Name failing rows by interaction id, which means something outside this batch.
    return rejected, SuiteResult(result.success, {label: sorted({rows[p][0] for p in failing}) for label, failing in positions.items()}, result.details)


def suite_columns(expectations: Sequence[Expect]) -> dict[str, list[str]]:
    """Per frame, the columns its expectations look at: all that needs reading for a large day."""
    columns: dict[str, list[str]] = {}
    for expect in expectations:
        mine = columns.setdefault(expect.frame, [])
        mine += [c for c in expect.columns if c not in mine]
    return columns


def criterion_summaries(results: pd.DataFrame | Path | ds.Dataset) -> dict[str, pd.DataFrame]:
    """`criterion_results` summarised by DuckDB for the output suite: the interactions (and
    standards) whose results are not one per criterion, with their count of results and of
    distinct criteria (none on a good day: the suite's expectation fails on any row); and the
    distinct outcomes. Read from the Parquet file (a path, or a dataset on any file system: a
    staged file on an object store, whose four columns are copied to a local file first, a batch
    at a time) and counted within `SUMMARY_MEMORY` (DuckDB spills the rest to a temporary folder):
    memory does not grow with the day. A frame of every interaction's counts and DuckDB's distinct
    sets took 880 MB at 300,000 calls; DuckDB scanning Arrow batches, 800 MB at 1,000,000, against
    300 MB reading the file itself."""
    import tempfile

    import duckdb

    columns = ["interaction_id", "standard_id", "criterion_id", "outcome"]
    with tempfile.TemporaryDirectory(prefix="touchstone-checks-") as spill:
        if isinstance(results, ds.Dataset):
            local = Path(spill) / "results.parquet"
            scanner = results.scanner(columns=columns, batch_size=COPY_ROWS, batch_readahead=1, fragment_readahead=1)
            with pq.ParquetWriter(local, scanner.projected_schema) as out:
                for batch in scanner.to_batches():
                    out.write_batch(batch)
            results = local
        db = duckdb.connect(config={"memory_limit": SUMMARY_MEMORY, "temp_directory": spill, "preserve_insertion_order": False})
        try:
            if isinstance(results, Path):
                db.read_parquet(str(results)).select(", ".join(columns)).create_view("results")
            else:
                db.register("results", results[columns])
            return {
                "criteria_per_interaction": db.execute(
                    """with per_criterion as (select interaction_id, standard_id, criterion_id, count(*) as n from results group by all)
                       select interaction_id, standard_id, sum(n) as results, count(*) as criteria from per_criterion
                       group by all having sum(n) <> count(*) order by all"""
                ).df(),
                "criterion_outcomes": db.execute("select distinct outcome from results").df(),
            }
        finally:
            db.close()


SUMMARY_MEMORY = "256MB"  # DuckDB's memory for the output suite's counts; what is over goes to disk
COPY_ROWS = 100_000  # rows of the staged results copied at a time


def check_output(tables: dict[str, pd.DataFrame | Path | ds.Dataset], scored: int) -> SuiteResult:
    """Run the output suite: `interaction_scores` and `agent_daily_scores` as frames (the columns
    `suite_columns` names are enough), `criterion_results` as a frame or as its Parquet file."""
    frames = {name: tables[name] for name in ("interaction_scores", "agent_daily_scores")}
    frames.update(criterion_summaries(tables["criterion_results"]))  # type: ignore[arg-type]
    return run_suite("output", output_suite(scored), frames)  # type: ignore[arg-type]
