"""Reviewer overrides end to end: recorded, applied to the scores and the report, kept through a
re-score, listed when they no longer apply, refused whole when any line is bad, and an audit trail
that keeps every version."""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from foundation.errors import TouchstoneError
from scorers.loader import load_standard
from tests.builders import ROOT
from tests.warehouse.report.html_tables import parse
from touchstone.cli import cli
from touchstone.overrides import record, statuses
from touchstone.pipeline import run_day
from touchstone.sample_data import generate_day
from touchstone.settings import Settings
from warehouse.aggregate import agent_daily_rows
from warehouse.overrides import in_force, read_overrides, read_requests, request
from warehouse.store import in_force as runs_in_force
from warehouse.store import read_table

DAY = date(2026, 11, 22)
PROVENANCE = ["run_id", "override_id"]


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("overrides") / "data"
    settings = Settings.from_env(data_dir=data, landing_dir=data / "landing")
    generate_day(settings.landing_dir, DAY, interactions=120, seed=5)
    run_day(settings, DAY, run_id="machine")
    return data


@pytest.fixture
def settings(scored: Path, tmp_path: Path) -> Settings:
    """A copy of the scored day, for a test to change."""
    data = tmp_path / "data"
    shutil.copytree(scored, data)
    return Settings.from_env(data_dir=data, landing_dir=data / "landing")


def _tables(settings: Settings) -> dict[str, pd.DataFrame]:
    return {name: read_table(settings.warehouse, name, DAY) for name in ("criterion_results", "interaction_scores", "agent_daily_scores")}


def _pick(results: pd.DataFrame, criterion: str, outcome: str, n: int = 0) -> str:
    return str(results[(results.criterion_id == criterion) & (results.outcome == outcome)].interaction_id.iat[n])


def _csv(path: Path, rows: list[tuple[str, ...]]) -> Path:
    lines = ["date,interaction_id,criterion_id,outcome,reason,reviewer", *(",".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_imported_overrides_are_applied_to_scores_agents_and_the_report(settings: Settings, tmp_path: Path) -> None:
    before = _tables(settings)
    results, scores = before["criterion_results"], before["interaction_scores"].set_index("interaction_id")
    greeted = _pick(results, "greeting", "fail")  # the machine failed the greeting; the reviewer heard one
    rude = _pick(results, "no_prohibited_language", "pass")  # the machine missed an insult
    no_vat = _pick(results, "price_with_vat", "fail")
    assert scores.loc[rude, "compliance_passed"]
    # The QA team's calibration sample of the day: four greetings, one judged otherwise.
    sample = list(results[(results.criterion_id == "greeting") & (results.outcome == "pass")].interaction_id[:4])
    settings.reviews_dir.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"interaction_id": sample, "criterion_id": "greeting", "human_outcome": ["pass", "pass", "pass", "fail"]}).to_csv(settings.reviews_dir / f"{DAY}.csv", index=False)
    csv = _csv(
        tmp_path / "disputes.csv",
        [
            (str(DAY), greeted, "greeting", "pass", "greeted in the first turn; card 4111 1111 1111 1111 quoted", "maria"),
            (str(DAY), rude, "no_prohibited_language", "fail", "swore at 2:10 (muffled in the transcript)", "jonas"),
            (str(DAY), no_vat, "price_with_vat", "not_applicable", "no price was quoted; the machine misheard", "maria"),
            (str(DAY), sample[3], "greeting", "fail", "the sample's disagreement corrected", "jonas"),
        ],
    )
    recorded = record(settings, *read_requests(csv))
    assert recorded.overrides == 4

    after = _tables(settings)
    results_now, scores_now = after["criterion_results"], after["interaction_scores"].set_index("interaction_id")
    overridden = results_now[results_now.override_id.notna()].set_index(["interaction_id", "criterion_id"])
    assert overridden[["outcome", "machine_outcome", "override_reviewer"]].to_dict("index") == {
        (greeted, "greeting"): {"outcome": "pass", "machine_outcome": "fail", "override_reviewer": "maria"},
        (rude, "no_prohibited_language"): {"outcome": "fail", "machine_outcome": "pass", "override_reviewer": "jonas"},
        (no_vat, "price_with_vat"): {"outcome": "not_applicable", "machine_outcome": "fail", "override_reviewer": "maria"},
        (sample[3], "greeting"): {"outcome": "fail", "machine_outcome": "pass", "override_reviewer": "jonas"},
    }
    # The reviewer's reason is redacted like evidence.
    assert "4111" not in overridden.loc[(greeted, "greeting"), "override_reason"] and "[card number" in overridden.loc[(greeted, "greeting"), "override_reason"]
    # Every other verdict is the machine's, unchanged.
    untouched = results_now[results_now.override_id.isna()].drop(columns=PROVENANCE)
    pd.testing.assert_frame_equal(untouched.reset_index(drop=True), results.drop(columns=PROVENANCE).drop(index=results_now.index[results_now.override_id.notna()]).reset_index(drop=True))
    # Scores: a critical failure fails compliance and zeroes quality (auto_fail); a passed greeting
    # earns its points; a price check that did not apply leaves the section.
    assert (scores_now.loc[rude, "compliance_passed"], scores_now.loc[rude, "critical_failures"], scores_now.loc[rude, "quality_score"]) == (False, 1, 0.0)
    assert scores_now.loc[greeted, "criteria_passed"] == scores.loc[greeted, "criteria_passed"] + 1
    assert scores_now.loc[greeted, "quality_score"] > scores.loc[greeted, "quality_score"]
    assert scores_now.loc[no_vat, "criteria_not_applicable"] == scores.loc[no_vat, "criteria_not_applicable"] + 1
    assert "transparency" not in dict(scores_now.loc[no_vat, "section_scores"])
    # Agents are aggregated again from the new interaction scores.
    expected_agents = pd.DataFrame(agent_daily_rows(after["interaction_scores"].drop(columns="date").to_dict("records")))
    expected_agents["section_scores"] = [list(s.items()) for s in expected_agents["section_scores"]]  # a map reads back as pairs
    pd.testing.assert_frame_equal(after["agent_daily_scores"].drop(columns=["date", "run_id"]), expected_agents.drop(columns="run_id"), check_dtype=False)
    runs = read_table(settings.warehouse, "runs", DAY)
    assert list(runs.overrides_applied.fillna(0)) == [0, 4] and runs_in_force(settings.warehouse)[str(DAY)] == recorded.dates[str(DAY)]

    # The report marks them, with the reviewer and the reason.
    tables, _ = parse((settings.reports_dir / f"{DAY}.html").read_text(encoding="utf-8"))
    marked = {(r.cells[0].text, r.cells[3].text, r.cells[4].text, r.cells[5].text) for r in tables["overrides-table"]}
    assert marked == {(greeted, "fail", "pass", "maria"), (rude, "pass", "fail", "jonas"), (no_vat, "fail", "not_applicable", "maria"), (sample[3], "pass", "fail", "jonas")}
    failures = [r for r in tables["failures-table"] if r.cells[1].text == rude]
    assert len(failures) == 1 and failures[0].attrs.get("class") == "overridden" and "overridden by jonas: swore at 2:10" in failures[0].cells[-1].text
    # Overrides are reviews: calibration and the 30-day agreement per criterion count them. Greeting:
    # 4 sampled (3 agree), the disagreement then overridden, + 1 other override: reviewed 3 sampled
    # rows + 2 overrides, 3 of 5 agree; in the sample 3 of 4 (the override does not hide the
    # sample's disagreement); 2 verdicts overridden.
    calibration = {r.cells[0].text: (r.cells[1].text, r.cells[2].value) for r in tables["calibration-table"]}
    assert calibration["greeting"] == ("5", 0.6) and calibration["no_prohibited_language"] == ("1", 0.0)
    criteria = {r.attrs["data-criterion"]: r for r in tables["criteria-table"]}
    assert [c.value for c in criteria["greeting"].cells[-4:]] == [0.6, 0.75, 5.0, 2.0]  # agreement, in samples, reviewed, overridden
    assert [c.value for c in criteria["no_prohibited_language"].cells[-4:]] == [0.0, None, 1.0, 1.0]
    assert [c.value for c in criteria["closing_thanks"].cells[-4:]] == [None, None, None, None]
    most = {r.attrs["data-criterion"]: r.cells[1].value for r in tables["most-overridden-table"]}
    assert most == {"greeting": 2.0, "no_prohibited_language": 1.0, "price_with_vat": 1.0}
    asked = CliRunner().invoke(cli, ["query", "--ready", "most_overridden_criteria", "--data-dir", str(settings.data_dir)])
    assert asked.exit_code == 0 and all(c in asked.output for c in most)


def test_a_re_score_keeps_the_overrides_and_equals_the_republished_day(settings: Settings) -> None:
    results = _tables(settings)["criterion_results"]
    greeted = _pick(results, "greeting", "fail")
    record(settings, [request(str(DAY), greeted, "greeting", "pass", "heard it", "maria", "command line")])
    republished = _tables(settings)
    # `touchstone run` reads the transcripts again; the overrides apply in scoring.
    ran = CliRunner().invoke(cli, ["run", "--date", str(DAY), "--data-dir", str(settings.data_dir)])
    assert ran.exit_code == 0 and "1 reviewer override(s) applied" in ran.output
    rescored = _tables(settings)
    assert set(rescored["interaction_scores"].run_id) == {runs_in_force(settings.warehouse)[str(DAY)]} != set(republished["interaction_scores"].run_id)
    for name, frame in rescored.items():
        pd.testing.assert_frame_equal(frame.drop(columns=["run_id"]), republished[name].drop(columns=["run_id"]), obj=name)
    assert list(statuses(settings, DAY).status) == ["applied"]


def test_a_changed_criterion_lists_the_override_as_no_longer_applying(settings: Settings, tmp_path: Path) -> None:
    results = _tables(settings)["criterion_results"]
    greeted, rude = _pick(results, "greeting", "fail"), _pick(results, "no_prohibited_language", "pass")
    record(
        settings,
        [
            request(str(DAY), greeted, "greeting", "pass", "heard it", "maria", "a"),
            request(str(DAY), rude, "no_prohibited_language", "fail", "swore", "maria", "b"),
        ],
    )
    standards = tmp_path / "standards"
    shutil.copytree(ROOT / "standards", standards)
    text = (standards / "eu_core.v2.yaml").read_text(encoding="utf-8").replace('version: "2.0"', 'version: "2.2"', 1)
    text = text.replace("within: {first_turns: 4}\n    phrases:\n      en: [hello,", "within: {first_turns: 5}\n    phrases:\n      en: [hello,", 1)
    (standards / "eu_core.v2.2.yaml").write_text(text, encoding="utf-8")
    assert load_standard(standards / "eu_core.v2.2.yaml").ref == "eu_core@2.2"
    moved = Settings.from_env(data_dir=settings.data_dir, landing_dir=settings.landing_dir, standards_dir=standards)
    run_day(moved, DAY, standard="eu_core@2.2", run_id="greeting-changed")

    found = statuses(moved, DAY).set_index("criterion_id")["status"].to_dict()
    assert found == {"greeting": "criterion_changed", "no_prohibited_language": "applied"}
    now = _tables(moved)["criterion_results"].set_index(["interaction_id", "criterion_id"])
    assert pd.isna(now.loc[(greeted, "greeting"), "override_id"]) and pd.isna(now.loc[(greeted, "greeting"), "machine_outcome"])  # the machine's verdict
    assert now.loc[(rude, "no_prohibited_language"), ["outcome", "machine_outcome"]].tolist() == ["fail", "pass"]
    tables, _ = parse((moved.reports_dir / f"{DAY}.html").read_text(encoding="utf-8"))
    idle = [(r.cells[0].text, r.cells[1].text, r.attrs["data-status"]) for r in tables["not-applying-table"]]
    assert idle == [(greeted, "greeting", "criterion_changed")]


def test_the_audit_trail_keeps_every_version_and_a_withdrawal_restores_the_machine(settings: Settings) -> None:
    machine = _tables(settings)
    greeted = _pick(machine["criterion_results"], "greeting", "fail")
    for outcome, who in (("pass", "maria"), ("not_applicable", "jonas")):
        record(settings, [request(str(DAY), greeted, "greeting", outcome, f"{who} listened", who, "command line")])
    record(settings, [request(str(DAY), greeted, "greeting", "", "entered by mistake", "lead", "command line", withdraw=True)])

    trail = read_overrides(settings.warehouse, DAY)
    assert list(zip(trail.outcome, trail.reviewer, trail.machine_outcome)) == [("pass", "maria", "fail"), ("not_applicable", "jonas", "fail"), ("withdrawn", "lead", "fail")]
    assert trail.overridden_at.is_monotonic_increasing and in_force(trail).empty
    back = _tables(settings)
    for name, frame in back.items():
        pd.testing.assert_frame_equal(frame.drop(columns=["run_id"]), machine[name].drop(columns=["run_id"]), obj=name)
    assert list(statuses(settings, DAY).status) == ["withdrawn"]
    result = CliRunner().invoke(cli, ["override", "history", "--data-dir", str(settings.data_dir), "--interaction", greeted])
    assert result.exit_code == 0 and "3 row(s)" in result.output and all(who in result.output for who in ("maria", "jonas", "lead"))


def test_bad_input_names_every_line_and_records_nothing(settings: Settings, tmp_path: Path) -> None:
    results = _tables(settings)["criterion_results"]
    known = _pick(results, "greeting", "fail")
    csv = _csv(
        tmp_path / "bad.csv",
        [
            (str(DAY), known, "greeting", "pass", "fine line", "maria"),
            (str(DAY), "no-such-call", "greeting", "pass", "x", "maria"),
            (str(DAY), known, "no_such_criterion", "pass", "x", "maria"),
            (str(DAY), known, "closing_thanks", "maybe", "x", "maria"),
            (str(DAY), known, "closing_thanks"),
            ("22/11/2026", known, "closing_thanks", "pass", "x", "maria"),
            (str(DAY), known, "greeting", "fail", "the same verdict again", "maria"),
        ],
    )
    runs_before = runs_in_force(settings.warehouse)
    with pytest.raises(TouchstoneError) as raised:
        record(settings, *read_requests(csv))
    message = raised.value.message
    for line, words in ((3, "interaction 'no-such-call'"), (4, "criterion 'no_such_criterion'"), (5, "outcome 'maybe'"), (6, "expected 6 fields"), (7, "date '22/11/2026'"), (8, "overrides the same verdict as")):
        assert f"bad.csv:{line}: {words}" in message, line
    assert "bad.csv:2:" not in message
    assert read_overrides(settings.warehouse).empty and runs_in_force(settings.warehouse) == runs_before  # nothing half-applied

    result = CliRunner().invoke(cli, ["override", "import", str(csv), "--data-dir", str(settings.data_dir)])
    assert result.exit_code == 1 and "bad.csv:5: outcome 'maybe' is not one of pass, fail, not_applicable" in result.output
    result = CliRunner().invoke(cli, ["override", "set", "--date", str(DAY), "--interaction", known, "--criterion", "greeting", "--outcome", "maybe", "--reason", "x", "--reviewer", "m", "--data-dir", str(settings.data_dir)])
    assert result.exit_code == 2 and "'maybe' is not one of" in result.output
    result = CliRunner().invoke(cli, ["override", "withdraw", "--date", str(DAY), "--interaction", known, "--criterion", "greeting", "--reason", "x", "--reviewer", "m", "--data-dir", str(settings.data_dir)])
    assert result.exit_code == 1 and "no override of greeting" in result.output
    assert read_overrides(settings.warehouse).empty


@pytest.mark.parametrize("when", ["after its merge", "at its switch"])
def test_an_override_recorded_while_a_run_is_on_its_way_is_in_what_it_publishes(settings: Settings, monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    """A nightly run merges its shards (one interaction quarantined by a scorer crash); a reviewer
    records an override after the merge, or while the run is already writing its tables; the run
    merges again and publishes the override, its quarantine counted once."""
    from scorers.engine import CompiledStandard
    from touchstone.steps.aggregate import aggregate
    from touchstone.steps.ingest import ingest
    from touchstone.steps.plan import plan_run
    from touchstone.steps.publish import publish
    from touchstone.steps.score import score
    from warehouse import store

    results = _tables(settings)["criterion_results"]
    greeted, crashing = _pick(results, "greeting", "fail"), _pick(results, "greeting", "pass")
    machine_score = CompiledStandard.score

    def crash_once(self: CompiledStandard, interaction: object, analysed: object = None) -> object:
        if getattr(interaction, "interaction_id", None) == crashing:
            raise RuntimeError("scorer bug")
        return machine_score(self, interaction, analysed)  # type: ignore[arg-type]

    monkeypatch.setattr(CompiledStandard, "score", crash_once)
    plan = plan_run(settings, DAY, "nightly")
    ingest(settings, plan)
    score(settings, plan)
    assert aggregate(settings, plan)["overrides_applied"] == 0
    override = [request(str(DAY), greeted, "greeting", "pass", "heard it", "maria", "command line")]
    if when == "after its merge":
        record(settings, override)
    else:
        real_publish, started = store.publish, []

        def reviewer_first(*args: object, **kwargs: object) -> None:
            if not started:  # the reviewer's import runs between the run's checks and its writes
                started.append(True)
                record(settings, override)
            real_publish(*args, **kwargs)

        monkeypatch.setattr(store, "publish", reviewer_first)
    published = publish(settings, plan)
    assert (published["overrides_applied"], published["read"], published["scored"], published["quarantined"]) == (1, 120, 119, 1)
    results = _tables(settings)["criterion_results"].set_index(["interaction_id", "criterion_id"])
    assert set(results.run_id) == {"nightly"} and results.loc[(greeted, "greeting"), ["outcome", "override_reviewer"]].tolist() == ["pass", "maria"]
    assert len(read_table(settings.warehouse, "quarantine", DAY)) == 1
    assert list(statuses(settings, DAY).status) == ["applied"]


def test_a_date_published_meanwhile_is_staged_again_and_published_with_the_overrides(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The overrides are recorded; a nightly run publishes the date between the staging and the
    publication of the overrides' re-publication: the date is staged again from that run and
    published with them; `reapply` publishes it again alike."""
    import touchstone.overrides as overrides

    greeted = _pick(_tables(settings)["criterion_results"], "greeting", "fail")
    publish_staged, meanwhile = overrides._publish, []

    def a_run_first(settings: Settings, done: object) -> object:
        if not meanwhile:
            meanwhile.append(run_day(settings, DAY, run_id="nightly-meanwhile")["run_id"])
        return publish_staged(settings, done)  # type: ignore[arg-type]

    monkeypatch.setattr(overrides, "_publish", a_run_first)
    recorded = record(settings, [request(str(DAY), greeted, "greeting", "pass", "heard it", "maria", "command line")])
    assert meanwhile == ["nightly-meanwhile"]
    assert recorded.dates[str(DAY)].startswith("overrides-") and runs_in_force(settings.warehouse)[str(DAY)] == recorded.dates[str(DAY)]
    assert len(in_force(read_overrides(settings.warehouse, DAY))) == 1 and list(statuses(settings, DAY).status) == ["applied"]
    monkeypatch.undo()
    result = CliRunner().invoke(cli, ["override", "reapply", "--date", str(DAY), "--data-dir", str(settings.data_dir)])
    assert result.exit_code == 0 and "1 override(s) applied" in result.output


def test_an_override_recorded_while_a_run_holds_the_date_is_never_lost(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run has merged and written its tables and holds the date's lock; a reviewer records an
    override then: the recording waits for the lock, so the run's last check cannot miss it by a
    hair: the run switches without it, then the reviewer's command publishes the date from the run's
    tables with it."""
    import threading

    import touchstone.overrides as overrides
    import touchstone.steps.publish as publishing
    from touchstone.steps.aggregate import aggregate
    from touchstone.steps.ingest import ingest
    from touchstone.steps.plan import plan_run
    from touchstone.steps.score import score

    greeted = _pick(_tables(settings)["criterion_results"], "greeting", "fail")
    plan = plan_run(settings, DAY, "nightly")
    ingest(settings, plan)
    score(settings, plan)
    aggregate(settings, plan)
    events: list[str] = []
    waiting = threading.Event()
    add, check = overrides.table.add, publishing._before_switch

    def reviewer_waits(*args: object, **kwargs: object) -> None:
        events.append("reviewer records")
        waiting.set()
        add(*args, **kwargs)  # type: ignore[arg-type]
        events.append("recorded")

    def run_checks(*args: object) -> None:
        if not events or events[-1] != "run checks":
            assert waiting.wait(120)
            time.sleep(0.5)  # the reviewer is at the lock now
        events.append("run checks")
        check(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(overrides.table, "add", reviewer_waits)
    monkeypatch.setattr(publishing, "_before_switch", run_checks)
    reviewer: list[object] = []
    thread = threading.Thread(target=lambda: reviewer.append(record(settings, [request(str(DAY), greeted, "greeting", "pass", "heard it", "maria", "command line")])))
    thread.start()
    published = publishing.publish(settings, plan)
    thread.join(timeout=300)
    assert published["run_id"] == "nightly" and published["overrides_applied"] == 0  # its check came first
    assert events[:3] == ["reviewer records", "run checks", "recorded"]  # recorded only once the run had switched
    (done,) = reviewer
    assert runs_in_force(settings.warehouse)[str(DAY)] == done.dates[str(DAY)] != "nightly"  # type: ignore[attr-defined]
    results = _tables(settings)["criterion_results"].set_index(["interaction_id", "criterion_id"])
    assert results.loc[(greeted, "greeting"), ["outcome", "override_reviewer"]].tolist() == ["pass", "maria"]
    assert list(statuses(settings, DAY).status) == ["applied"]


def test_an_override_of_an_interaction_no_longer_scored_can_be_withdrawn(settings: Settings) -> None:
    results = _tables(settings)["criterion_results"]
    greeted = _pick(results, "greeting", "fail")
    record(settings, [request(str(DAY), greeted, "greeting", "pass", "heard it", "maria", "command line")])
    for path in (settings.landing_dir / str(DAY)).glob("*.jsonl"):  # the delivery is corrected: that call is gone
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(line for line in lines if greeted not in line), encoding="utf-8")
    run_day(settings, DAY, run_id="without-it")
    assert list(statuses(settings, DAY).status) == ["interaction_not_scored"]
    with pytest.raises(TouchstoneError, match="is not among the"):
        record(settings, [request(str(DAY), greeted, "greeting", "fail", "again", "maria", "command line")])
    record(settings, [request(str(DAY), greeted, "greeting", "", "the call was withdrawn", "lead", "command line", withdraw=True)])
    assert list(statuses(settings, DAY).status) == ["withdrawn"]


def test_statuses_hold_when_the_scoring_version_is_gone(settings: Settings, tmp_path: Path) -> None:
    greeted = _pick(_tables(settings)["criterion_results"], "greeting", "fail")
    record(settings, [request(str(DAY), greeted, "greeting", "pass", "heard it", "maria", "command line")])
    only_v1 = tmp_path / "standards"
    only_v1.mkdir()
    shutil.copy(ROOT / "standards" / "eu_core.v1.yaml", only_v1)
    without = Settings.from_env(data_dir=settings.data_dir, landing_dir=settings.landing_dir, standards_dir=only_v1)
    assert list(statuses(without, DAY).status) == ["applied"]
