"""The Great Expectations suites: real suites on real frames, inside a real pipeline run."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from foundation.errors import TouchstoneError
from ingest.interaction import Interaction
from touchstone.pipeline import run_day
from touchstone.sample_data import generate_day
from touchstone.settings import Settings
from touchstone.steps.aggregate import aggregate
from touchstone.steps.ingest import ingest
from touchstone.steps.plan import plan_run
from touchstone.steps.publish import publish
from touchstone.steps.score import score
from touchstone.steps.staging import staging
from warehouse.checks import check_input, check_output, criterion_summaries, input_frames, input_row
from warehouse.store import read_table

DAY = date(2026, 11, 22)


def _interaction(interaction_id: str, speakers: list[str]) -> Interaction:
    return Interaction.model_validate(
        {"interaction_id": interaction_id, "channel": "chat", "language": "en", "agent": {"id": "a", "type": "human"},
         "turns": [{"speaker": s, "text": "words"} for s in speakers]}  # fmt: skip
    )


def test_input_suite_rejects_what_pydantic_lets_through() -> None:
    kept, rejected, result = check_input([_interaction("ok", ["agent", "customer"]), _interaction("nobody-served", ["customer", "customer"])])
    assert [i.interaction_id for i in kept] == ["ok"]
    assert [(i.interaction_id, reason) for i, reason in rejected] == [("nobody-served", "failed check interactions: ExpectColumnValuesToBeBetween(service_turns)")]
    assert not result.success and result.details["turns"]["success"]


def test_a_suite_run_leaves_no_garbage_behind() -> None:
    """Great Expectations' context, suites and results refer to each other; a run per shard left
    them for a full collection that long steps seldom make (~5 MB a shard)."""
    import gc

    check_input([_interaction("warm-up", ["agent", "customer"])])  # Great Expectations' import-time objects
    gc.collect()
    check_input([_interaction("ok", ["agent", "customer"]), _interaction("nobody-served", ["customer", "customer"])])
    assert gc.collect() == 0


def test_input_frames_hold_one_row_per_interaction_and_per_turn() -> None:
    timed = Interaction.model_validate(
        {"interaction_id": "call", "channel": "voice", "language": "de", "agent": {"id": "a", "type": "human"},
         "turns": [{"speaker": "agent", "text": " hallo ", "start_ms": 0}, {"speaker": "customer", "text": "ja", "start_ms": 900}, {"speaker": "bot", "text": "x", "start_ms": 900}]}  # fmt: skip
    )
    frames = input_frames([input_row(_interaction("chat", ["customer", "agent"])), input_row(timed)])
    assert frames["interactions"].to_dict("list") == {"position": [0, 1], "interaction_id": ["chat", "call"], "language": ["en", "de"], "channel": ["chat", "voice"], "service_turns": [1, 2]}
    turns = frames["turns"]
    assert turns[["position", "turn_index", "speaker", "text_chars", "in_order"]].to_dict("list") == {
        "position": [0, 0, 1, 1, 1], "turn_index": [0, 1, 0, 1, 2], "speaker": ["customer", "agent", "agent", "customer", "bot"], "text_chars": [5, 5, 5, 2, 1], "in_order": [True] * 5}  # fmt: skip
    assert str(turns["start_ms"].dtype) == "Float64" and turns["start_ms"].isna().tolist() == [True, True, False, False, False]
    empty = input_frames([])  # a day whose every record was quarantined on read
    assert [list(f.columns) for f in empty.values()] == [list(f.columns) for f in frames.values()] and all(f.empty for f in empty.values())


def _outputs(scores: list[float], agent_interactions: int, duplicate: bool = False, transfers: int = 0, standards: tuple[str, ...] = ("s",)) -> dict[str, pd.DataFrame]:
    """Output frames of a run; with several `standards`, every interaction scored by each (a routed run)."""
    ids = [f"i{n}" for n in range(len(scores))]
    rows = [(i, s) for s in standards for i in ids]
    contact = {"contact_reason": ["billing"] * len(rows), "transfers": [0] * (len(rows) - 1) + [transfers]}
    verdicts = rows + rows[:1] * duplicate
    criteria = pd.DataFrame({"interaction_id": [i for i, _ in verdicts], "standard_id": [s for _, s in verdicts], "criterion_id": ["c"] * len(verdicts), "outcome": ["pass"] * len(verdicts)})
    return {
        "interaction_scores": pd.DataFrame({"interaction_id": [i for i, _ in rows], "standard_id": [s for _, s in rows], "quality_score": scores * len(standards), **contact}),
        "criterion_results": criteria,
        "agent_daily_scores": pd.DataFrame({"agent_id": ["a"] * len(standards), "standard_id": list(standards), "interactions": [agent_interactions] * len(standards), "compliance_rate": [1.0] * len(standards)}),
    }


@pytest.mark.parametrize(
    ("frames", "scored", "failed"),
    [
        (_outputs([80.0, 100.0], 2), 2, set()),
        (_outputs([80.0, 140.0], 2), 2, {"interaction_scores: ExpectColumnValuesToBeBetween(quality_score)"}),
        (_outputs([80.0, 100.0], 3), 2, {"agent_daily_scores: ExpectColumnSumToBeBetween(interactions)"}),
        (_outputs([80.0, 100.0], 2, duplicate=True), 2, {"criteria_per_interaction: ExpectColumnPairValuesToBeEqual(results, criteria)"}),
        (_outputs([80.0, 100.0], 2, transfers=-1), 2, {"interaction_scores: ExpectColumnValuesToBeBetween(transfers)"}),
        # A routed run: each interaction once per standard, each agent once per standard.
        (_outputs([80.0, 100.0], 2, standards=("eu_core", "sales")), 4, set()),
        (_outputs([80.0, 100.0], 2, duplicate=True, standards=("eu_core", "sales")), 4, {"criteria_per_interaction: ExpectColumnPairValuesToBeEqual(results, criteria)"}),
    ],
)
def test_output_suite(frames: dict[str, pd.DataFrame], scored: int, failed: set[str]) -> None:
    result = check_output(frames, scored=scored)
    assert set(result.failures) == failed and result.success is (not failed)


def test_output_suite_refuses_an_interaction_scored_twice_by_one_standard() -> None:
    frames = _outputs([80.0, 100.0], 2)
    frames["interaction_scores"] = pd.concat([frames["interaction_scores"]] * 2, ignore_index=True)
    result = check_output(frames, scored=4)
    assert set(result.failures) == {"interaction_scores: ExpectCompoundColumnsToBeUnique(['interaction_id', 'standard_id'])", "agent_daily_scores: ExpectColumnSumToBeBetween(interactions)"}


@pytest.mark.parametrize("given", ["frame", "parquet file", "dataset"])
def test_criterion_summaries_name_only_the_interactions_whose_results_are_not_one_per_criterion(tmp_path: Path, given: str) -> None:
    """However the results come (a frame, the staged file, or a dataset on an object store, copied
    to a local file first), DuckDB hands the suite the interactions that break the rule, not a row
    per interaction."""
    results = _outputs([80.0, 100.0, 90.0], 3, duplicate=True, standards=("eu_core", "sales"))["criterion_results"]
    results = pd.concat([results, results.assign(criterion_id="d", outcome="fail")], ignore_index=True)
    pq.write_table(pa.Table.from_pandas(results), tmp_path / "results.parquet")
    source = {"frame": results, "parquet file": tmp_path / "results.parquet", "dataset": ds.dataset(tmp_path / "results.parquet")}[given]
    summaries = criterion_summaries(source)
    assert summaries["criteria_per_interaction"].to_dict("records") == [{"interaction_id": "i0", "standard_id": "eu_core", "results": 4, "criteria": 2}]
    assert sorted(summaries["criterion_outcomes"]["outcome"]) == ["fail", "pass"]


def _settings(tmp_path: Path) -> Settings:
    return Settings.from_env(data_dir=tmp_path / "data", landing_dir=tmp_path / "landing")


def test_pipeline_quarantines_input_check_failures_and_keeps_the_results(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    generate_day(settings.landing_dir, DAY, interactions=10, seed=3)
    unserved = _interaction("nobody-served", ["customer"]).model_dump_json()
    (settings.landing_dir / DAY.isoformat() / "extra.jsonl").write_text(unserved + "\n")
    summary = run_day(settings, DAY, run_id="checked")
    assert (summary["read"], summary["scored"], summary["quarantined"]) == (11, 10, 1)
    quarantine = read_table(settings.warehouse_dir, "quarantine", DAY).iloc[0]
    assert (quarantine.source, quarantine.locator) == ("2026-11-22/extra.jsonl", "line 1")
    assert quarantine.reason == "failed check interactions: ExpectColumnValuesToBeBetween(service_turns)"
    run = read_table(settings.warehouse_dir, "runs", DAY).iloc[0]
    assert (run.input_checks_failed, run.output_checks_passed) == (1, True)
    kept = json.loads((settings.warehouse_dir / "checks" / "date=2026-11-22" / "checked.json").read_text())
    assert kept["input"]["success"] is False and kept["output"]["success"] is True
    assert kept["output"]["details"]["criteria_per_interaction"]["statistics"]["evaluated_expectations"] == 1
    assert kept["input"]["failures"] == {"interactions: ExpectColumnValuesToBeBetween(service_turns)": ["nobody-served"]}


def test_failed_output_checks_publish_nothing_and_keep_the_previous_day(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    generate_day(settings.landing_dir, DAY, interactions=10, seed=3)
    run_day(settings, DAY, run_id="good")
    before = read_table(settings.warehouse_dir, "interaction_scores", DAY)
    plan = plan_run(settings, DAY, "bad")
    ingest(settings, plan)
    score(settings, plan)
    aggregate(settings, plan)
    staged = staging(settings, plan).local / "agent_daily_scores.parquet"
    table = pq.read_table(staged)
    frame = table.to_pandas()
    frame["interactions"] = frame["interactions"] + 1  # an aggregation bug: agents no longer reconcile
    pq.write_table(pa.Table.from_pandas(frame, schema=table.schema, preserve_index=False), staged)
    with pytest.raises(TouchstoneError, match="output checks failed for 2026-11-22: agent_daily_scores: ExpectColumnSumToBeBetween"):
        publish(settings, plan)
    after = read_table(settings.warehouse_dir, "interaction_scores", DAY)
    assert after.equals(before) and set(after.run_id) == {"good"}

