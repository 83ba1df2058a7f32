"""Runs that apply a routing: each interaction scored by the standards the routing in force gives it.

These use the shipped standards eu_core and retail_bank in a folder of their own, with routing files
written here, so each case says which rule sends what where; the shipped routing example
(`lines_of_business`) is checked against the generator's ground truth in `test_lines_of_business`.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from foundation.errors import TouchstoneError
from ingest.interaction import Interaction
from scorers.engine import CompiledStandard
from scorers.loader import StandardError, load_standards, select_standard
from tests.conftest import SAMPLE_DAY
from touchstone.cli import cli
from touchstone.pipeline import run_day
from touchstone.sample_data import generate_day, read_ground_truth
from touchstone.settings import Settings
from touchstone.steps.plan import plan_run
from warehouse.store import read_table

ROOT = Path(__file__).resolve().parents[2]
BANK_QUEUES = ("billing", "payment")
ROUTING = """\
id: lob
version: "{version}"
effective_from: {effective}
always: [eu_core]
rules:
  - name: bank
    when: {{queue: [{queues}]}}
    standards: [retail_bank]
  - name: mortgages
    when: {{queue: [mortgages]}}
    standards: [retail_bank]
"""


def _standards(folder: Path, *routings: str) -> Path:
    """A standards folder with eu_core, retail_bank and the given routing files."""
    (folder / "routing").mkdir(parents=True)
    for name in ("eu_core.v1.yaml", "eu_core.v2.yaml", "retail_bank.v1.yaml"):
        shutil.copy(ROOT / "standards" / name, folder / name)
    for number, text in enumerate(routings, start=1):
        (folder / "routing" / f"lob.v{number}.yaml").write_text(text, encoding="utf-8")
    return folder


def _settings(tmp_path: Path, *routings: str) -> Settings:
    data = tmp_path / "data"
    return Settings.from_env(data_dir=data, landing_dir=data / "landing", standards_dir=_standards(tmp_path / "standards", *routings))


def _queue_of(settings: Settings, day: date) -> dict[str, str]:
    return {i: str(q) for i, q in _landed(settings, day).items()}


def _landed(settings: Settings, day: date) -> dict[str, object]:
    import json

    rows = [json.loads(line) for path in sorted((settings.landing_dir / day.isoformat()).glob("*.jsonl")) for line in path.read_text().splitlines()]
    return {row["interaction_id"]: row["metadata"]["queue"] for row in rows}


def test_a_day_routed_to_three_standards_gives_the_ground_truth_of_each(tmp_path: Path) -> None:
    """The shipped example: eu_core for every interaction, sales for the contract queue, support for
    the others (`standards/routing/lines_of_business.v1.yaml`); every verdict of every standard is
    the generator's ground truth, and the run's counts say who scored what."""
    data = tmp_path / "data"
    settings = Settings.from_env(data_dir=data, landing_dir=data / "landing")
    generated = generate_day(settings.landing_dir, SAMPLE_DAY, interactions=300, seed=13, lines_of_business=True)
    summary = run_day(settings, SAMPLE_DAY, run_id="three", routing="lines_of_business", processes=2, shard_size=100)
    truth = read_ground_truth(generated.ground_truth)
    results = read_table(settings.warehouse_dir, "criterion_results", SAMPLE_DAY)
    got = {(r.interaction_id, r.standard_id, r.criterion_id): r.outcome for r in results.itertuples()}
    expected = {(i, standard, c): o for i, row in truth.items() for standard, verdicts in row["by_standard"].items() for c, o in verdicts.items()}
    assert got == expected
    per_standard = {}
    for row in truth.values():
        for standard in row["by_standard"]:
            per_standard[standard] = per_standard.get(standard, 0) + 1
    assert per_standard["eu_core"] == 300 and per_standard["sales"] > 20 and per_standard["support"] > 150
    run = read_table(settings.warehouse_dir, "runs", SAMPLE_DAY).iloc[-1]
    assert {s["standard_id"]: s["interactions"] for s in run.standards} == per_standard
    assert {r["rule"]: r["interactions"] for r in run.routes} == {"sales": per_standard["sales"], "support": per_standard["support"], "default": 0}
    assert "Matched no interaction" not in Path(summary["report"]).read_text()  # an idle default is the healthy case
    assert (summary["read"], summary["scored"], summary["quarantined"]) == (300, 300, 0)
    failed = results[results.outcome == "fail"]
    assert {"sales", "support", "eu_core"} == set(failed.standard_id)  # violations of every standard are found


@pytest.fixture(scope="module")
def routed_day(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict]:
    """A generated day (200 interactions) run with the routing `lob`: (settings, run summary)."""
    tmp = tmp_path_factory.mktemp("routed")
    settings = _settings(tmp, ROUTING.format(version="1", effective="2026-01-01", queues=", ".join(BANK_QUEUES)))
    generate_day(settings.landing_dir, SAMPLE_DAY, interactions=200, seed=5)
    return settings, run_day(settings, SAMPLE_DAY, run_id="routed", routing="lob")


def test_each_interaction_is_scored_by_the_standards_its_queue_routes_to(routed_day) -> None:
    settings, summary = routed_day
    queues = _queue_of(settings, SAMPLE_DAY)
    scores = read_table(settings.warehouse_dir, "interaction_scores", SAMPLE_DAY)
    by_standard = {sid: set(rows["interaction_id"]) for sid, rows in scores.groupby("standard_id")}
    bank = {i for i, q in queues.items() if q in BANK_QUEUES}
    assert by_standard == {"eu_core": set(queues), "retail_bank": bank} and 0 < len(bank) < len(queues)
    rules = dict(zip(scores["interaction_id"], scores["routing_rule"]))
    assert {i: rules[i] for i in queues} == {i: "bank" if i in bank else "always" for i in queues}
    # read = scored + quarantined counts interactions, not rows: 200 read, 200 scored.
    assert (summary["read"], summary["scored"], summary["quarantined"]) == (200, 200, 0)
    assert len(scores) == 200 + len(bank)


def test_routing_changes_no_verdict_of_the_company_wide_standard(routed_day) -> None:
    """eu_core's verdicts of a routed run are the generator's ground truth, as in a run with eu_core alone."""
    settings, _ = routed_day
    truth = read_ground_truth(settings.landing_dir / f"{SAMPLE_DAY.isoformat()}.ground_truth.jsonl")
    results = read_table(settings.warehouse_dir, "criterion_results", SAMPLE_DAY)
    core = results[results["standard_id"] == "eu_core"]
    assert {(r.interaction_id, r.criterion_id): r.outcome for r in core.itertuples()} == {
        (i, c): outcome for i, row in truth.items() for c, outcome in row["expected"].items()
    }


def test_the_line_of_business_standard_gives_what_it_gives_when_scored_alone(routed_day) -> None:
    settings, _ = routed_day
    import json

    bank = select_standard(load_standards(settings.standards_dir), SAMPLE_DAY, "retail_bank")
    compiled = CompiledStandard(bank)
    lines = [json.loads(line) for path in sorted((settings.landing_dir / SAMPLE_DAY.isoformat()).glob("*.jsonl")) for line in path.read_text().splitlines()]
    expected = {
        (row["interaction_id"], r.criterion.id): r.verdict.outcome.value
        for row in lines
        if row["metadata"]["queue"] in BANK_QUEUES
        for r in compiled.score(Interaction.model_validate(row)).results
    }
    results = read_table(settings.warehouse_dir, "criterion_results", SAMPLE_DAY)
    mine = results[results["standard_id"] == "retail_bank"]
    assert {(r.interaction_id, r.criterion_id): r.outcome for r in mine.itertuples()} == expected
    assert set(mine["standard_version"]) == {bank.version}


def test_the_run_records_the_routing_and_what_each_standard_and_rule_took(routed_day) -> None:
    settings, summary = routed_day
    run = read_table(settings.warehouse_dir, "runs", SAMPLE_DAY).iloc[-1]
    bank = sum(q in BANK_QUEUES for q in _queue_of(settings, SAMPLE_DAY).values())
    assert (run.routing_id, run.routing_version, len(run.routing_sha256)) == ("lob", "1", 64)
    assert [(s["standard_id"], s["interactions"]) for s in run.standards] == [("eu_core", 200), ("retail_bank", bank)]
    # Every rule is listed, those that matched nothing with 0: `mortgages` is reported, not hidden.
    assert [(r["rule"], r["interactions"]) for r in run.routes] == [("bank", bank), ("mortgages", 0), ("always", 200 - bank)]
    routing_file = settings.standards_dir / "routing" / "lob.v1.yaml"
    assert [r["defined_at"] for r in run.routes] == [f"{routing_file}:6", f"{routing_file}:9", f"{routing_file}:4"]
    assert (run.standard_id, run.scored) == ("eu_core+retail_bank", 200)
    assert summary["routing_ref"] == "lob@1"


def test_agents_get_one_daily_row_per_standard_that_scored_them(routed_day) -> None:
    settings, _ = routed_day
    scores = read_table(settings.warehouse_dir, "interaction_scores", SAMPLE_DAY)
    agents = read_table(settings.warehouse_dir, "agent_daily_scores", SAMPLE_DAY)
    counted = scores.groupby(["agent_id", "standard_id"]).size()
    assert {(a.agent_id, a.standard_id): a.interactions for a in agents.itertuples()} == counted.to_dict()
    for a in agents.itertuples():  # each mean is over that standard's scores only
        mine = scores[(scores.agent_id == a.agent_id) & (scores.standard_id == a.standard_id)]["quality_score"].dropna()
        assert a.mean_quality_score == pytest.approx(mine.mean())


def test_the_report_has_a_page_per_standard_linked_to_the_others(routed_day) -> None:
    settings, summary = routed_day
    first, bank = Path(summary["report"]), settings.reports_dir / f"{SAMPLE_DAY.isoformat()}.retail_bank.html"
    assert first.name == f"{SAMPLE_DAY.isoformat()}.html" and bank.exists()
    counts = read_table(settings.warehouse_dir, "interaction_scores", SAMPLE_DAY).groupby("standard_id").size()
    core_page, bank_page = first.read_text(), bank.read_text()
    assert f'<a href="{bank.name}">retail_bank@1.0</a>' in core_page and f'<a href="{first.name}">eu_core@2.0</a>' in bank_page
    assert f'data-value="{counts["eu_core"]}"' in core_page and f'data-value="{counts["retail_bank"]}"' in bank_page
    assert f"Matched no interaction: mortgages ({settings.standards_dir / 'routing' / 'lob.v1.yaml'}:9)" in core_page
    # Each page lists its own standard's criteria only.
    assert "greeting_names_bank" in bank_page and "greeting_names_bank" not in core_page
    assert "no_card_number_read_out" in core_page and "no_card_number_read_out" not in bank_page


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["show", "agents", "--standard", "retail_bank"], "retail_bank"),
        (["show", "interactions", "--standard", "eu_core"], "eu_core"),
        (["query", "select distinct standard_id from interaction_scores", "--standard", "retail_bank"], "retail_bank"),
    ],
)
def test_show_and_query_narrow_to_one_standard(routed_day, args: list[str], expected: str) -> None:
    settings, _ = routed_day
    result = CliRunner().invoke(cli, [*args, *(["--date", SAMPLE_DAY.isoformat()] if args[0] == "show" else []), "--data-dir", str(settings.data_dir)])
    assert result.exit_code == 0, result.output
    scores = read_table(settings.warehouse_dir, "interaction_scores", SAMPLE_DAY)
    if args[0] == "query":
        assert "retail_bank" in result.output and "eu_core" not in result.output
    else:
        rows = scores[scores.standard_id == expected]
        shown = len(rows) if args[1] == "interactions" else rows["agent_id"].nunique()
        assert f"{shown} rows" in result.output


def test_show_names_the_day_s_standards_for_one_that_scored_nothing(routed_day) -> None:
    settings, _ = routed_day
    result = CliRunner().invoke(cli, ["show", "agents", "--date", SAMPLE_DAY.isoformat(), "--standard", "sales", "--data-dir", str(settings.data_dir)])
    assert result.exit_code == 1
    assert "standard 'sales' scored nothing on 2026-11-22" in result.output and "eu_core, retail_bank" in result.output


def test_a_backfill_routes_each_date_with_the_routing_in_force_on_it(tmp_path: Path) -> None:
    """Version 1 sends billing and payment to retail_bank; version 2, in force from the 23rd, billing only."""
    settings = _settings(
        tmp_path,
        ROUTING.format(version="1", effective="2026-01-01", queues="billing, payment"),
        ROUTING.format(version="2", effective="2026-11-23", queues="billing"),
    )
    days = (date(2026, 11, 22), date(2026, 11, 23))
    for day in days:
        generate_day(settings.landing_dir, day, interactions=120, seed=3)
    result = CliRunner().invoke(cli, ["backfill", "--from", "2026-11-22", "--to", "2026-11-23", "--routing", "lob", "--data-dir", str(settings.data_dir)], env={
        "TOUCHSTONE_STANDARDS_DIR": str(settings.standards_dir), "TOUCHSTONE_LANDING_DIR": str(settings.landing_dir)})  # fmt: skip
    assert result.exit_code == 0, result.output
    for day, version, queues in ((days[0], "1", {"billing", "payment"}), (days[1], "2", {"billing"})):
        run = read_table(settings.warehouse_dir, "runs", day).iloc[-1]
        assert run.routing_version == version
        scores = read_table(settings.warehouse_dir, "interaction_scores", day)
        landed = _queue_of(settings, day)
        assert set(scores[scores.standard_id == "retail_bank"]["interaction_id"]) == {i for i, q in landed.items() if q in queues}
    assert "Routed by lob@2" in result.output and "Routed by lob@1" in result.output
    assert "matching no interaction on 2026-11-23: mortgages (" in " ".join(result.output.split()) and "always (" not in result.output


@pytest.mark.parametrize(
    ("routing", "expected"),
    [
        # A version that does not exist: refused with the line that names it.
        (ROUTING.format(version="1", effective="2026-01-01", queues="billing").replace("standards: [retail_bank]\n  - name: mortgages", "standards: [retail_bank@9]\n  - name: mortgages"),
         "lob.v1.yaml:8: rules[0].standards[0]: standard 'retail_bank' has no version '9'"),
        # The company-wide standard again in a rule: scored twice by one standard.
        (ROUTING.format(version="1", effective="2026-01-01", queues="billing").replace("standards: [retail_bank]\n  - name: mortgages", "standards: [eu_core]\n  - name: mortgages"),
         "lob.v1.yaml:8: rules[0].standards: bank gives eu_core twice"),
        # One standard pinned in a rule, in force in another place: two versions of it in one day.
        (ROUTING.format(version="1", effective="2026-01-01", queues="billing").replace("standards: [retail_bank]\n  - name: mortgages", "standards: [eu_core@1.0]\n  - name: mortgages"),
         "lob.v1.yaml:8: rules[0].standards[0]: eu_core@1.0 is eu_core@1.0 on 2026-11-22, but another place gives eu_core@2.0"),
        # No routing in force on the date.
        (ROUTING.format(version="1", effective="2026-12-01", queues="billing"), "no version of routing 'lob' is in force on 2026-11-22"),
    ],
)
def test_a_routing_that_cannot_route_the_date_whole_is_refused_before_anything_is_read(tmp_path: Path, routing: str, expected: str) -> None:
    settings = _settings(tmp_path, routing)
    generate_day(settings.landing_dir, SAMPLE_DAY, interactions=10, seed=3)
    with pytest.raises(TouchstoneError) as raised:
        run_day(settings, SAMPLE_DAY, run_id="refused", routing="lob")
    assert expected in str(raised.value)
    assert not (settings.staging_dir / SAMPLE_DAY.isoformat()).exists() and not settings.warehouse_dir.exists()


def test_a_named_standard_wins_over_the_routing_of_the_settings(tmp_path: Path) -> None:
    settings = _settings(tmp_path, ROUTING.format(version="1", effective="2026-01-01", queues="billing"))
    routed = plan_run(Settings(**{**settings.__dict__, "routing": "lob"}), SAMPLE_DAY, "r")
    assert (routed.standard_refs, routed.routing_ref) == (("eu_core@2.0", "retail_bank@1.0"), "lob@1")
    single = plan_run(Settings(**{**settings.__dict__, "routing": "lob"}), SAMPLE_DAY, "r", standard="retail_bank")
    assert (single.standard_refs, single.routing_ref) == (("retail_bank@1.0",), None)


def test_two_standards_sharing_a_criterion_id_on_one_interaction_are_refused(tmp_path: Path) -> None:
    """Verdicts (and reviewers' overrides) name a criterion by its id within an interaction."""
    settings = _settings(tmp_path, ROUTING.format(version="1", effective="2026-01-01", queues="billing"))
    copy = (settings.standards_dir / "retail_bank.v1.yaml").read_text().replace("id: retail_bank", "id: bank_copy", 1)
    (settings.standards_dir / "bank_copy.v1.yaml").write_text(copy)
    routing = settings.standards_dir / "routing" / "lob.v1.yaml"
    routing.write_text(routing.read_text().replace("standards: [retail_bank]\n  - name: mortgages", "standards: [retail_bank, bank_copy]\n  - name: mortgages"))
    with pytest.raises(StandardError) as raised:
        plan_run(settings, SAMPLE_DAY, "r", routing="lob")
    assert "lob.v1.yaml:8: rules[0].standards: bank gives retail_bank@1.0 and bank_copy@1.0, which both have a criterion" in str(raised.value)


def test_an_override_on_a_routed_date_rescores_only_its_standard_and_keeps_the_routing(routed_day, tmp_path: Path) -> None:
    from touchstone.overrides import record, statuses
    from warehouse.overrides import request

    source, _ = routed_day
    shutil.copytree(source.data_dir, tmp_path / "data")
    settings = Settings(**{**source.__dict__, "data_dir": tmp_path / "data", "landing_dir": tmp_path / "data" / "landing"})
    before = read_table(settings.warehouse_dir, "interaction_scores", SAMPLE_DAY).set_index(["interaction_id", "standard_id"])
    results = read_table(settings.warehouse_dir, "criterion_results", SAMPLE_DAY)
    failed = results[(results.standard_id == "retail_bank") & (results.criterion_id == "greeting_names_bank") & (results.outcome == "fail")]
    chosen = str(failed.interaction_id.iat[0])
    # A back-dated version appears: the date is published again with the versions that scored it.
    newer = (settings.standards_dir / "retail_bank.v1.yaml").read_text().replace('version: "1.0"', 'version: "1.1"', 1)
    (settings.standards_dir / "retail_bank.v1.1.yaml").write_text(newer)
    recorded = record(settings, [request(SAMPLE_DAY.isoformat(), chosen, "greeting_names_bank", "pass", "named the bank, heard on the recording", "maria", "command line")])
    assert recorded.overrides == 1
    after = read_table(settings.warehouse_dir, "interaction_scores", SAMPLE_DAY).set_index(["interaction_id", "standard_id"])
    assert after.loc[(chosen, "retail_bank"), "criteria_failed"] == before.loc[(chosen, "retail_bank"), "criteria_failed"] - 1
    assert after.loc[(chosen, "eu_core")].drop("run_id").equals(before.loc[(chosen, "eu_core")].drop("run_id"))
    run = read_table(settings.warehouse_dir, "runs", SAMPLE_DAY).iloc[-1]
    assert (run.routing_id, run.overrides_applied, [s["standard_id"] for s in run.standards]) == ("lob", 1, ["eu_core", "retail_bank"])
    assert statuses(settings, SAMPLE_DAY)["status"].tolist() == ["applied"]
    assert set(zip(after.reset_index().standard_id, after.reset_index().standard_version)) == {("eu_core", "2.0"), ("retail_bank", "1.0")}


def test_calibrate_counts_one_standard_s_reviews_with_standard(routed_day, tmp_path: Path) -> None:
    settings, _ = routed_day
    results = read_table(settings.warehouse_dir, "criterion_results", SAMPLE_DAY)
    bank = results[(results.standard_id == "retail_bank") & (results.criterion_id == "greeting_names_bank")].head(3)
    core = results[(results.standard_id == "eu_core") & (results.criterion_id == "greeting")].head(2)
    reviews = tmp_path / "reviews.csv"
    rows = [(r.interaction_id, r.criterion_id, r.outcome) for r in bank.itertuples()] + [(r.interaction_id, r.criterion_id, r.outcome) for r in core.itertuples()]
    reviews.write_text("interaction_id,criterion_id,human_outcome\n" + "".join(f"{i},{c},{o}\n" for i, c, o in rows))
    result = CliRunner().invoke(cli, ["calibrate", "--date", SAMPLE_DAY.isoformat(), "--human", str(reviews), "--no-keep", "--standard", "retail_bank", "--data-dir", str(settings.data_dir)])
    assert result.exit_code == 0, result.output
    assert "greeting_names_bank" in result.output and "│ greeting " not in result.output and "no automatic verdict" not in result.output


def test_standards_try_with_a_routing_scores_only_what_it_routes_to_the_draft(routed_day) -> None:
    settings, _ = routed_day
    draft = settings.standards_dir / "retail_bank.v1.yaml"
    result = CliRunner().invoke(
        cli, ["standards", "try", str(draft), "--on", str(settings.landing_dir / SAMPLE_DAY.isoformat()), "--routing", "lob", "--standards-dir", str(settings.standards_dir)]
    )
    assert result.exit_code == 0, result.output
    bank = sum(q in BANK_QUEUES for q in _queue_of(settings, SAMPLE_DAY).values())
    assert f"Routing lob@1: {bank} interaction(s) go to retail_bank.v1.yaml's standard, {200 - bank} elsewhere" in result.output


def test_a_draft_s_impact_on_a_routed_date_compares_only_its_standard_s_interactions(routed_day, tmp_path: Path) -> None:
    """A draft of retail_bank, unchanged but for its version, re-scores exactly the interactions the
    routing gave retail_bank, and finds every verdict as published."""
    from touchstone.impact import impact

    settings, _ = routed_day
    draft = tmp_path / "retail_bank.draft.yaml"
    draft.write_text((settings.standards_dir / "retail_bank.v1.yaml").read_text().replace('version: "1.0"', 'version: "1.1-draft"', 1))
    result = impact(settings, draft, SAMPLE_DAY, SAMPLE_DAY)
    bank = sum(q in BANK_QUEUES for q in _queue_of(settings, SAMPLE_DAY).values())
    assert (result.headline["interactions"], result.headline["only_published"], result.headline["only_draft"], result.headline["quality_changed"]) == (bank, 0, 0, 0)
    import pandas as pd

    criteria = pd.read_parquet(result.folder / "criteria.parquet").set_index("criterion_id")
    published = read_table(settings.warehouse_dir, "criterion_results", SAMPLE_DAY)
    assert set(criteria.index) == set(published[published.standard_id == "retail_bank"]["criterion_id"])
    assert (criteria["published_fail"] == criteria["draft_fail"]).all() and criteria["published_fail"].sum() > 0


def test_a_draft_of_a_standard_the_routing_gave_nothing_skips_the_date(routed_day, tmp_path: Path) -> None:
    from touchstone.impact import plan_days

    settings, _ = routed_day
    draft = tmp_path / "sales.yaml"
    draft.write_text((settings.standards_dir / "retail_bank.v1.yaml").read_text().replace("id: retail_bank", "id: sales", 1))
    with pytest.raises(TouchstoneError) as raised:
        plan_days(settings, draft, SAMPLE_DAY, SAMPLE_DAY)
    assert "2026-11-22: nothing was scored with sales (the date was scored with eu_core@2.0, retail_bank@1.0, routed by lob@1)" in str(raised.value)


def test_a_version_added_after_planning_does_not_change_what_the_run_scores_with(tmp_path: Path) -> None:
    """A back-dated version appears while a run is on its way: the run scores and publishes with the
    versions it was planned with, as a run given `--standard id@version` would."""
    from touchstone.steps.aggregate import aggregate
    from touchstone.steps.ingest import ingest
    from touchstone.steps.publish import publish
    from touchstone.steps.score import score

    settings = _settings(tmp_path, ROUTING.format(version="1", effective="2026-01-01", queues="billing"))
    generate_day(settings.landing_dir, SAMPLE_DAY, interactions=30, seed=3)
    plan = plan_run(settings, SAMPLE_DAY, "planned", routing="lob")
    ingest(settings, plan)
    newer = (settings.standards_dir / "retail_bank.v1.yaml").read_text().replace('version: "1.0"', 'version: "1.1"', 1).replace("effective_from: 2020-01-01", "effective_from: 2026-11-01", 1)
    (settings.standards_dir / "retail_bank.v1.1.yaml").write_text(newer)
    score(settings, plan)
    aggregate(settings, plan)
    publish(settings, plan)
    scores = read_table(settings.warehouse_dir, "interaction_scores", SAMPLE_DAY)
    assert set(zip(scores.standard_id, scores.standard_version)) == {("eu_core", "2.0"), ("retail_bank", "1.0")}
    run = read_table(settings.warehouse_dir, "runs", SAMPLE_DAY).iloc[-1]
    assert [(s["standard_id"], s["standard_version"]) for s in run.standards] == [("eu_core", "2.0"), ("retail_bank", "1.0")]


def _copy(routed_day, tmp_path: Path) -> Settings:
    """A copy of the routed day's folders, for a test to change."""
    source, _ = routed_day
    shutil.copytree(source.data_dir, tmp_path / "data")
    return Settings(**{**source.__dict__, "data_dir": tmp_path / "data", "landing_dir": tmp_path / "data" / "landing"})


def test_report_standard_writes_that_page_in_its_place_and_a_plain_rerun_removes_the_others(routed_day, tmp_path: Path) -> None:
    from touchstone.steps.report import report_day

    settings = _copy(routed_day, tmp_path)
    first, bank = settings.reports_dir / f"{SAMPLE_DAY}.html", settings.reports_dir / f"{SAMPLE_DAY}.retail_bank.html"
    before = first.read_text()
    assert report_day(settings, SAMPLE_DAY, standard_id="retail_bank") == bank
    assert first.read_text() == before and "Standard retail_bank@1.0" in bank.read_text()
    # Re-run without the routing: eu_core alone scores the date, and its page is the only one.
    run_day(settings, SAMPLE_DAY, run_id="plain")
    assert first.exists() and not bank.exists() and "Standard eu_core@2.0" in first.read_text()


def test_each_report_page_counts_the_reviews_of_its_own_standard(routed_day, tmp_path: Path) -> None:
    settings = _copy(routed_day, tmp_path)
    results = read_table(settings.warehouse_dir, "criterion_results", SAMPLE_DAY)
    picked = pd.concat([results[results.standard_id == s].head(4) for s in ("eu_core", "retail_bank")])
    reviews = tmp_path / "reviews.csv"
    picked.assign(human_outcome=picked.outcome)[["interaction_id", "criterion_id", "human_outcome"]].to_csv(reviews, index=False)
    result = CliRunner().invoke(cli, ["calibrate", "--date", SAMPLE_DAY.isoformat(), "--human", str(reviews), "--data-dir", str(settings.data_dir)])
    assert result.exit_code == 0, result.output
    for page, standard in ((f"{SAMPLE_DAY}.html", "eu_core"), (f"{SAMPLE_DAY}.retail_bank.html", "retail_bank")):
        text = (settings.reports_dir / page).read_text()
        assert "no automatic verdict" not in text
        mine = set(picked[picked.standard_id == standard].criterion_id)
        others = set(picked[picked.standard_id != standard].criterion_id)
        assert all(f">{c}<" in text for c in mine) and not any(f"<td>{c}</td>" in text.split('id="calibration"')[1].split("</section>")[0] for c in others)


def test_a_draft_is_compared_only_on_dates_its_standard_scored(routed_day, tmp_path: Path) -> None:
    """The 21st was scored with eu_core alone (before the routing), the 22nd routed: a retail_bank
    draft is compared on the 22nd only, an eu_core draft on both."""
    from touchstone.impact import plan_days

    settings = _copy(routed_day, tmp_path)
    day = date(2026, 11, 21)
    generate_day(settings.landing_dir, day, interactions=40, seed=8)
    run_day(settings, day, run_id="plain")
    bank = tmp_path / "bank.yaml"
    bank.write_text((settings.standards_dir / "retail_bank.v1.yaml").read_text().replace('version: "1.0"', 'version: "1.1-draft"', 1))
    plans, skipped = plan_days(settings, bank, day, SAMPLE_DAY)
    assert [p.day for p in plans] == [SAMPLE_DAY] and plans[0].routing_ref == "lob@1"
    assert skipped == {"2026-11-21": "nothing was scored with retail_bank (the date was scored with eu_core@2.0)"}
    core = tmp_path / "core.yaml"
    core.write_text((settings.standards_dir / "eu_core.v2.yaml").read_text().replace('version: "2.0"', 'version: "2.1-draft"', 1))
    plans, skipped = plan_days(settings, core, day, SAMPLE_DAY)
    assert [(p.day, p.routing_ref) for p in plans] == [(day, None), (SAMPLE_DAY, "lob@1")] and skipped == {}


def test_a_routing_version_prepared_for_later_does_not_stop_a_run_or_a_re_publication(tmp_path: Path) -> None:
    """A next routing version (or another routing) naming a standard this run does not use is
    checked against the folder, not against the run's standards."""
    from touchstone.overrides import record
    from warehouse.overrides import request

    settings = _settings(tmp_path, ROUTING.format(version="1", effective="2026-01-01", queues="billing"))
    shutil.copy(ROOT / "standards" / "sales.v1.yaml", settings.standards_dir / "sales.v1.yaml")
    (settings.standards_dir / "routing" / "pilot.yaml").write_text('id: pilot\nversion: "1"\neffective_from: 2027-01-01\nalways: [sales]\n')
    generate_day(settings.landing_dir, SAMPLE_DAY, interactions=30, seed=3)
    assert run_day(settings, SAMPLE_DAY, run_id="with-pilot", routing="lob")["scored"] == 30
    results = read_table(settings.warehouse_dir, "criterion_results", SAMPLE_DAY)
    failed = results[(results.standard_id == "eu_core") & (results.outcome == "fail")].iloc[0]
    assert record(settings, [request(SAMPLE_DAY.isoformat(), failed.interaction_id, failed.criterion_id, "pass", "heard it", "maria", "command line")]).overrides == 1


def test_report_pages_elsewhere_stand_alone_and_nothing_else_is_removed(routed_day, tmp_path: Path) -> None:
    from touchstone.steps.report import report_day

    settings = _copy(routed_day, tmp_path)
    share = tmp_path / "share"
    share.mkdir()
    (share / "daily.notes.html").write_text("mine")
    (settings.reports_dir / f"{SAMPLE_DAY}.annotated.html").write_text("mine")
    page = report_day(settings, SAMPLE_DAY, share / "daily.html", standard_id="retail_bank")
    text = page.read_text()
    assert page == share / "daily.html" and "<b>retail_bank@1.0</b>" in text and "<a href" not in text.split('id="standards"')[1].split("</p>")[0]
    report_day(settings, SAMPLE_DAY, share / "daily.html")
    assert sorted(p.name for p in share.iterdir()) == ["daily.html", "daily.notes.html", "daily.retail_bank.html"]
    report_day(settings, SAMPLE_DAY)
    assert (settings.reports_dir / f"{SAMPLE_DAY}.annotated.html").read_text() == "mine"
