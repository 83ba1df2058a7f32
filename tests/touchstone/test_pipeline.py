from __future__ import annotations

import gc
import json
import pickle
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from foundation.errors import TouchstoneError
from scorers.loader import StandardError
from warehouse.store import FIX, PublishError
from tests.conftest import SAMPLE_DAY
from scorers import engine
from scorers.engine import compiled
from touchstone.pipeline import run_day
from touchstone.sample_data import generate_day, read_ground_truth
from touchstone.settings import Settings
from touchstone.steps.ingest import ingest
from touchstone.steps.plan import plan_run, plan_standards, scored_date
from touchstone.steps.processes import fewer_collections, heap_set_aside
from touchstone.steps.score import day_languages
from touchstone.steps.staging import staging
from warehouse.store import read_table

ROOT = Path(__file__).resolve().parents[2]


def _settings(data: Path, **overrides: object) -> Settings:
    return Settings.from_env(data_dir=data, landing_dir=data / "landing", **overrides)


def test_every_verdict_matches_the_ground_truth(scored_sample_day) -> None:
    settings, generated = scored_sample_day
    truth = read_ground_truth(generated.ground_truth)
    results = read_table(settings.warehouse_dir, "criterion_results", SAMPLE_DAY)
    assert len(results) == 300 * 15
    got = {(r.interaction_id, r.criterion_id): r.outcome for r in results.itertuples()}
    expected = {(i, c): outcome for i, row in truth.items() for c, outcome in row["expected"].items()}
    assert got == expected
    # Said in the words: every injected violation is found ...
    found = {(r.interaction_id, r.criterion_id) for r in results.itertuples() if r.outcome == "fail"}
    from touchstone.sample_data import VIOLATED_CRITERION

    injected = {(i, VIOLATED_CRITERION[v]) for i, row in truth.items() for v in row["violations"]}
    assert injected and injected <= found
    # ... and no clean interaction is failed.
    scores = read_table(settings.warehouse_dir, "interaction_scores", SAMPLE_DAY).set_index("interaction_id")
    clean = [i for i, row in truth.items() if not row["violations"]]
    assert len(clean) > 100
    assert scores.loc[clean, "criteria_failed"].eq(0).all()
    assert scores.loc[clean, "quality_score"].eq(100.0).all()


def test_failures_carry_evidence_and_cards_are_redacted(scored_sample_day) -> None:
    settings, _ = scored_sample_day
    results = read_table(settings.warehouse_dir, "criterion_results", SAMPLE_DAY)
    cards = results[(results.criterion_id == "no_card_number_read_out") & (results.outcome == "fail")]
    assert len(cards) > 0
    assert cards.evidence.str.contains(r"\[card number ending \d{4}\]").all()
    assert not cards.evidence.str.contains(r"\d{4} \d{4} \d{4}").any()
    rude = results[(results.criterion_id == "no_prohibited_language") & (results.outcome == "fail")]
    assert rude.turn_index.notna().all() and rude.evidence.str.len().gt(0).all()
    late = results[(results.criterion_id == "recording_disclosure") & (results.outcome == "fail")]
    assert late.reason.str.contains("within the first 30 seconds").all()


def test_scores_follow_the_rules(scored_sample_day) -> None:
    settings, _ = scored_sample_day
    scores = read_table(settings.warehouse_dir, "interaction_scores", SAMPLE_DAY)
    assert scores.quality_score.between(0, 100).all()
    critical = scores[scores.critical_failures > 0]
    assert len(critical) > 0 and (critical.quality_score == 0).all() and (~critical.compliance_passed).all()
    agents = read_table(settings.warehouse_dir, "agent_daily_scores", SAMPLE_DAY)
    assert agents.interactions.sum() == len(scores) == 300
    for agent in agents.itertuples():
        mine = scores[scores.agent_id == agent.agent_id]
        assert agent.mean_quality_score == pytest.approx(mine.quality_score.mean())
        assert agent.compliance_rate == pytest.approx(mine.compliance_passed.mean())
        assert agent.quality_ci_low <= agent.mean_quality_score <= agent.quality_ci_high
    run = read_table(settings.warehouse_dir, "runs", SAMPLE_DAY).iloc[0]
    assert (run.read, run.scored, run.quarantined, run.status) == (300, 300, 0, "published")
    assert run.standard_id == "eu_core" and run.standard_version == "2.0" and len(run.standard_sha256) == 64


def test_rerunning_a_date_leaves_the_same_rows_once(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    generate_day(settings.landing_dir, SAMPLE_DAY, interactions=40, seed=5)
    tables = ("criterion_results", "interaction_scores", "agent_daily_scores", "quarantine")
    run_day(settings, SAMPLE_DAY, run_id="first")
    first = {t: read_table(settings.warehouse_dir, t, SAMPLE_DAY) for t in tables}
    run_day(settings, SAMPLE_DAY, run_id="second")
    for table in tables:
        again = read_table(settings.warehouse_dir, table, SAMPLE_DAY)
        assert len(again) == len(first[table])
        assert set(again.run_id) <= {"second"}
        assert again.drop(columns="run_id").equals(first[table].drop(columns="run_id")), table
    assert sorted(read_table(settings.warehouse_dir, "runs", SAMPLE_DAY).run_id) == ["first", "second"]
    assert not any((settings.staging_dir / SAMPLE_DAY.isoformat()).iterdir())  # staging cleaned up


def _landing_with_bad_records(settings: Settings, good: int, bad: int) -> None:
    folder = settings.landing_dir / SAMPLE_DAY.isoformat()
    generate_day(settings.landing_dir, SAMPLE_DAY, interactions=good, seed=9)
    with (folder / "broken.jsonl").open("w") as out:
        for i in range(bad):
            out.write('{"interaction_id": "x-%d", "turns": [' % i + "\n")


def test_bad_records_are_quarantined_and_counts_reconcile(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    _landing_with_bad_records(settings, good=20, bad=3)
    summary = run_day(settings, SAMPLE_DAY)
    assert (summary["read"], summary["scored"], summary["quarantined"]) == (23, 20, 3)
    quarantine = read_table(settings.warehouse_dir, "quarantine", SAMPLE_DAY)
    assert list(quarantine.locator) == ["line 1", "line 2", "line 3"]
    assert quarantine.source.eq("2026-11-22/broken.jsonl").all() and quarantine.reason.str.startswith("malformed JSON").all()


def test_a_day_of_mostly_bad_records_fails_and_publishes_nothing(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    _landing_with_bad_records(settings, good=2, bad=5)
    with pytest.raises(TouchstoneError, match="5 of 7 records for 2026-11-22 were quarantined"):
        run_day(settings, SAMPLE_DAY)
    assert read_table(settings.warehouse_dir, "interaction_scores", SAMPLE_DAY).empty


def test_a_broken_standard_stops_the_run_before_anything_is_read(tmp_path: Path) -> None:
    standards = tmp_path / "standards"
    standards.mkdir()
    text = (ROOT / "standards" / "eu_core.v1.yaml").read_text(encoding="utf-8")
    (standards / "eu_core.v1.yaml").write_text(text.replace("within: {first_seconds: 30}", "within: {first_seconds: -30}"))
    settings = _settings(tmp_path / "data", standards_dir=standards)
    with pytest.raises(StandardError, match=r"eu_core.v1.yaml:\d+: criteria\[2\].within.first_seconds: Input should be greater than 0"):
        run_day(settings, SAMPLE_DAY)
    assert not settings.warehouse_dir.exists()


@pytest.mark.parametrize(
    ("run_after", "override", "expected"),
    [
        (datetime(2026, 11, 23, 2, 0, tzinfo=UTC), None, date(2026, 11, 22)),  # the nightly cron run
        (datetime(2026, 1, 1, 0, 0, tzinfo=UTC), None, date(2025, 12, 31)),
        (datetime(2026, 11, 23, 2, 0, tzinfo=UTC), "2026-10-01", date(2026, 10, 1)),
    ],
)
def test_scored_date(run_after: datetime, override: str | None, expected: date) -> None:
    assert scored_date(run_after, override) == expected


def test_run_summary_is_json_serialisable(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    generate_day(settings.landing_dir, SAMPLE_DAY, interactions=5)
    start = time.perf_counter()
    summary = run_day(settings, SAMPLE_DAY)
    wall = time.perf_counter() - start
    json.dumps(summary)  # what the DAG pushes to XCom
    # Where the time went, each step once, in the order they ran, within the call's own time.
    assert list(summary["seconds"]) == ["plan", "ingest", "score", "aggregate", "publish", "report"]
    assert all(seconds > 0 for seconds in summary["seconds"].values()) and sum(summary["seconds"].values()) <= wall


def test_a_day_from_a_file_url_with_a_source_configuration_and_metadata(tmp_path: Path) -> None:
    """Vendor files without agent or language, completed by the day's metadata CSV, read through a
    file:// URL (the path API of s3://), gzipped or not."""
    import gzip

    formats = ROOT.parent / "shared" / "data" / "formats"
    if not formats.is_dir():
        pytest.skip("../shared/data is not beside the checkout")
    landing = tmp_path / "bucket" / "landing"
    folder = landing / SAMPLE_DAY.isoformat()
    folder.mkdir(parents=True)
    (folder / "call.json.gz").write_bytes(gzip.compress((formats / "contact_lens" / "voice_doc_example_raw.json").read_bytes()))
    (folder / "deepgram.json").write_bytes((formats / "deepgram" / "diarized_call.json").read_bytes())
    (folder / "_metadata.csv").write_text(
        "interaction_id,agent_id,agent_type,team,queue\n"
        "call,a-017,human,billing,cancellations\n"  # no ContactId in this sample: the id is the file name

        "019f15a6-c5e6-7d72-a534-e0243ea2c868,a-022,human,support,\n"
    )
    config = tmp_path / "source.yaml"
    config.write_text('speakers:\n  deepgram: {"0": agent}\ndefaults: {language: en}\n')
    settings = Settings.from_env(data_dir=tmp_path / "data", landing_url=landing.as_uri(), source_config=config)
    summary = run_day(settings, SAMPLE_DAY)
    assert (summary["read"], summary["scored"], summary["quarantined"]) == (2, 2, 0)
    scores = read_table(settings.warehouse_dir, "interaction_scores", SAMPLE_DAY).set_index("interaction_id")
    assert scores.loc["call", ["agent_id", "team", "channel", "source"]].tolist() == ["a-017", "billing", "voice", "2026-11-22/call.json.gz document"]
    assert scores.loc["019f15a6-c5e6-7d72-a534-e0243ea2c868", "agent_id"] == "a-022"


def test_shards_scored_in_processes_give_the_rows_of_one_process(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    generate_day(landing, SAMPLE_DAY, interactions=30, seed=8)
    frames = []
    collections = gc.get_threshold()
    for name, shard_size, processes in (("one", None, 1), ("many", 7, 2)):  # 5 shards, the largest first
        settings = Settings.from_env(data_dir=tmp_path / name, landing_dir=landing)
        engine._COMPILED.clear()
        run_day(settings, SAMPLE_DAY, run_id=name, shard_size=shard_size, processes=processes)
        assert gc.get_threshold() == collections and not gc.get_freeze_count()  # as before the run
        # With workers, the standards are compiled (and spaCy loaded) in the process that forks
        # them, never in this one, which goes on to aggregate, publish and report.
        assert bool(engine._COMPILED) == (processes == 1)
        frames.append({t: read_table(settings.warehouse_dir, t, SAMPLE_DAY).drop(columns="run_id") for t in ("criterion_results", "interaction_scores", "agent_daily_scores")})
    for table, frame in frames[0].items():
        assert len(frame) and frame.equals(frames[1][table]), table


def _messy_day(landing: Path) -> None:
    """A generated day and what real deliveries add: duplicates within and across files, broken
    lines, Windows line ends, a compressed file, metadata rows that cannot be used, interactions
    the input suite rejects (nobody served) among the first and the last."""
    import gzip

    generate_day(landing, SAMPLE_DAY, interactions=60, seed=8)
    folder = landing / SAMPLE_DAY.isoformat()
    voice = (folder / "voice.jsonl").read_text(encoding="utf-8").splitlines()
    chat = (folder / "chat.jsonl").read_text(encoding="utf-8").splitlines()
    served = json.loads(chat[0])

    def nobody_served(name: str) -> str:
        return json.dumps({**served, "interaction_id": name, "turns": [{**t, "speaker": "customer"} for t in served["turns"]]})

    (folder / "chat.jsonl").write_text("\n".join([nobody_served("first"), *chat, voice[2], "{broken", chat[3]]) + "\n", encoding="utf-8")
    (folder / "crlf.jsonl").write_bytes("\r\n".join([voice[0], "", "[1]", nobody_served("middle"), chat[5]]).encode())
    (folder / "late.jsonl.gz").write_bytes(gzip.compress("\n".join([voice[4], nobody_served("last"), "{"]).encode()))
    (folder / "_metadata.csv").write_text(f"interaction_id,team,queue\n{json.loads(voice[1])['interaction_id']},billing,cancellations\n,lost,row\nshort\n")


@pytest.mark.parametrize(("shard_size", "part_bytes"), [(7, 3_000), (7, 1), (30, 50_000), (2000, 10**9)])
def test_a_day_read_in_parts_by_workers_is_staged_as_one_process_stages_it(tmp_path: Path, shard_size: int, part_bytes: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every staged file (shards, quarantine, checks, sources, languages, counts) equal, byte for
    byte or row for row, with parts of every size against shards of every size."""
    import filecmp

    import pyarrow.parquet as pq

    from touchstone.steps import ingest as ingest_step

    _messy_day(tmp_path / "landing")
    monkeypatch.setattr(ingest_step, "PART_BYTES", part_bytes)
    in_workers, stage_in_workers = tmp_path / "in_workers", ingest_step._stage_in_workers  # called in a child: noted in a file
    monkeypatch.setattr(ingest_step, "_stage_in_workers", lambda *args: (in_workers.write_text(str(args[3])), stage_in_workers(*args))[1])
    folders, summaries = [], []
    for processes in (1, 2):
        settings = Settings.from_env(data_dir=tmp_path / str(processes), landing_dir=tmp_path / "landing")
        plan = plan_run(settings, SAMPLE_DAY, "same", None, shard_size)
        summaries.append(ingest(settings, plan, processes))
        folders.append(staging(settings, plan).local)
    assert in_workers.read_text() == "2" and summaries[0] == summaries[1]
    assert (summaries[0]["read"], summaries[0]["valid"], summaries[0]["duplicates_dropped"], summaries[0]["input_checks_failed"]) == (73, 60, 5, 3)
    names = sorted(str(p.relative_to(folders[0])) for p in folders[0].rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(folders[1])) for p in folders[1].rglob("*") if p.is_file()) and "shards/interactions-00000.parquet" in names
    for name in names:
        if name.endswith(".parquet"):
            assert pq.read_table(folders[0] / name).equals(pq.read_table(folders[1] / name)), name
        else:
            assert filecmp.cmp(folders[0] / name, folders[1] / name, shallow=False), name


def test_a_run_on_several_processes_leaves_great_expectations_to_its_children(tmp_path: Path) -> None:
    """Ingest runs in a child process and the output suite in another, so the run's own process
    never carries Great Expectations (~250 MB) into publish's writes and the report; both suites
    still ran and were kept with the run."""
    import subprocess
    import sys

    generate_day(tmp_path / "landing", SAMPLE_DAY, interactions=40, seed=3)
    code = (
        "import sys, datetime, pathlib; from touchstone.pipeline import run_day; from touchstone.settings import Settings; "
        f"settings = Settings.from_env(data_dir=pathlib.Path({str(tmp_path)!r}), landing_dir=pathlib.Path({str(tmp_path / 'landing')!r})); "
        f"done = run_day(settings, datetime.date.fromisoformat({SAMPLE_DAY.isoformat()!r}), run_id='apart', shard_size=15, processes=2); "
        "print(done['scored'], 'great_expectations' in sys.modules)"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert ran.stdout.split()[-2:] == ["40", "False"]
    checks = json.loads((tmp_path / "warehouse" / "checks" / f"date={SAMPLE_DAY.isoformat()}" / "apart.json").read_text())
    assert checks["input"]["success"] and checks["output"]["success"] and len(checks["output"]["details"]) == 4


@pytest.mark.parametrize("error", [TouchstoneError("no standard", "add one"), StandardError("s.yaml", ["s.yaml:3: criteria: empty"]), PublishError("disk full", FIX)])
def test_errors_cross_processes_whole(error: TouchstoneError) -> None:
    """A step run in a worker raises in the caller what it raised there: message, hint and all."""
    again = pickle.loads(pickle.dumps(error))
    assert (type(again), str(again), again.hint, again.args, again.__dict__) == (type(error), str(error), error.hint, error.args, error.__dict__)


def test_fewer_collections_while_a_step_runs() -> None:
    before = gc.get_threshold()
    with fewer_collections(12_345):
        assert gc.get_threshold() == (12_345, *before[1:])
    assert gc.get_threshold() == before


def _walked(held: object) -> bool:
    """Whether the garbage collector's walks reach `held` (a frozen object is in no generation)."""
    return any(o is held for o in gc.get_objects())


def test_the_heap_is_set_aside_while_a_step_runs_and_given_back() -> None:
    """What a process holds before the block is out of the collector's walks inside it (the input
    suite's full collection after each shard skips it), and back after. A process that inherited
    a freeze (an Airflow task's) sets aside what it holds too, and keeps it so: giving it back
    would give back its parent's."""
    held, frozen_before = [[1], [2]], gc.get_freeze_count()
    with heap_set_aside():
        assert not _walked(held) and gc.get_freeze_count() > frozen_before
        made_inside = [[3]]
        assert _walked(made_inside)
    assert _walked(held) and gc.get_freeze_count() == frozen_before
    gc.freeze()  # the executor's, before forking
    try:
        task_made = [[4]]
        assert _walked(task_made) and not _walked(held)
        with heap_set_aside():
            assert not _walked(task_made)
        assert not _walked(task_made) and not _walked(held)
    finally:
        gc.unfreeze()


def test_ingest_in_one_process_checks_with_the_heap_set_aside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each shard's input suite runs with what the process held set aside, Great Expectations
    included (imported first), and the heap is given back when ingest ends."""
    import sys

    from touchstone.steps import ingest as ingest_step

    seen: list[tuple[bool, bool]] = []
    check_input = ingest_step.check_input
    monkeypatch.setattr(ingest_step, "check_input", lambda batch: (seen.append((gc.get_freeze_count() > 0, _walked(sys.modules["great_expectations"]))), check_input(batch))[1])
    settings = _settings(tmp_path)
    generate_day(settings.landing_dir, SAMPLE_DAY, interactions=12)
    ingest(settings, plan_run(settings, SAMPLE_DAY, "aside", shard_size=5))
    assert seen == [(True, False)] * 3
    assert gc.get_freeze_count() == 0 and _walked(sys.modules["great_expectations"])


def test_workers_are_warmed_with_the_languages_of_the_day_only(tmp_path: Path) -> None:
    """Ingest records the day's languages; scoring loads (before forking) only those the standard covers."""
    settings = _settings(tmp_path)
    day = settings.landing_dir / SAMPLE_DAY.isoformat()
    day.mkdir(parents=True)
    turns = [{"speaker": "agent", "text": "Hello, how can I help?"}, {"speaker": "customer", "text": "Hallo"}]
    lines = [{"interaction_id": f"x{i}", "channel": "chat", "language": lang, "agent": {"id": "a1", "type": "human"}, "turns": turns} for i, lang in enumerate(["en", "de", "en"])]
    (day / "chat.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    plan = plan_run(settings, SAMPLE_DAY, "langs")
    ingest(settings, plan)
    standards = plan_standards(settings, plan).values()
    assert day_languages(settings, plan, standards) == ["de", "en"]
    (staging(settings, plan).local / "languages.json").unlink()  # a day staged before ingest recorded them
    assert day_languages(settings, plan, standards) == ["de", "en", "fr", "sv"]


def test_a_standard_is_compiled_once_per_process() -> None:
    standard = plan_standards(_settings(ROOT / "data"), plan_run(_settings(ROOT / "data"), SAMPLE_DAY, "x")).popitem()[1]
    assert compiled(standard) is compiled(standard)
    assert compiled(standard) is not compiled(standard.model_copy(update={"title": "another"}))


def test_quarantine_excerpts_are_redacted(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    folder = settings.landing_dir / SAMPLE_DAY.isoformat()
    generate_day(settings.landing_dir, SAMPLE_DAY, interactions=5, seed=9)
    (folder / "broken.jsonl").write_text('{"interaction_id": "x", "note": "card 4539 1488 0343 6467, mail anna.berg@example.com", "turns": [\n')
    run_day(settings, SAMPLE_DAY)
    excerpt = read_table(settings.warehouse_dir, "quarantine", SAMPLE_DAY).iloc[0].raw_excerpt
    assert "4539" not in excerpt and "anna.berg" not in excerpt
    assert "[card number ending 6467]" in excerpt and "[e-mail address]" in excerpt
