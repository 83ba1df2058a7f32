from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from scorers.loader import load_standard
from touchstone.cli import cli
from touchstone.trial import try_standard

ROOT = Path(__file__).resolve().parents[2]


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix}{name} ")
    return found


@pytest.mark.parametrize(("name", "command"), _commands(cli), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_has_help_with_an_example(name: str, command: click.Command) -> None:
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0
    assert command.help and (isinstance(command, click.Group) or "Example:" in result.output), name


def test_generate_run_and_show(tmp_path: Path) -> None:
    runner = CliRunner()
    data = ["--data-dir", str(tmp_path)]
    assert runner.invoke(cli, ["generate", "--date", "2026-11-22", "-n", "30", "--seed", "2", *data]).exit_code == 0
    result = runner.invoke(cli, ["run", "--date", "2026-11-22", *data])
    assert result.exit_code == 0, result.output
    assert "read 30 interactions, scored 30 across" in result.output and "quarantined 0." in result.output
    agents = runner.invoke(cli, ["show", "agents", "--date", "2026-11-22", *data])
    assert agents.exit_code == 0 and "agents · 2026-11-22" in agents.output and "a-" in agents.output
    failures = runner.invoke(cli, ["show", "failures", "--date", "2026-11-22", *data])
    assert failures.exit_code == 0 and "failures · 2026-11-22" in failures.output
    # Redacted evidence is shown as text, not swallowed as console markup.
    assert failures.output.count("[card") == failures.output.count("no_card_number_read_out") > 0


def test_run_prints_its_summary_and_no_library_logging_unless_verbose(tmp_path: Path) -> None:
    """A real process: Airflow's log handler writes to the real stdout, which CliRunner would not see."""
    touchstone = [sys.executable, "-m", "touchstone.cli"]
    data = ["--data-dir", str(tmp_path)]
    subprocess.run([*touchstone, "generate", "--date", "2026-11-22", "-n", "20", *data], check=True, capture_output=True)
    quiet = subprocess.run([*touchstone, "run", "--date", "2026-11-22", *data], capture_output=True, text=True)
    assert quiet.returncode == 0, quiet.stderr
    lines = (quiet.stdout + quiet.stderr).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Published 2026-11-22 with eu_core@2.0"), lines
    assert "read 20 interactions, scored 20 across" in lines[0] and "Report: " in lines[0]
    assert re.search(r"Took [\d.]+ s: plan [\d.]+ s, ingest [\d.]+ s, score [\d.]+ s, aggregate [\d.]+ s, publish [\d.]+ s, report [\d.]+ s\.$", lines[0]), lines[0]
    verbose = subprocess.run([*touchstone, "run", "--date", "2026-11-22", "--verbose", *data], capture_output=True, text=True)
    assert verbose.returncode == 0 and "great_expectations" in verbose.stdout + verbose.stderr


def test_show_as_of_reads_what_the_tables_said_then(tmp_path: Path) -> None:
    runner = CliRunner()
    data = ["--data-dir", str(tmp_path)]
    assert runner.invoke(cli, ["generate", "--date", "2026-11-22", "-n", "20", *data]).exit_code == 0
    before = datetime.now(UTC).isoformat()
    time.sleep(0.05)
    assert runner.invoke(cli, ["run", "--date", "2026-11-22", "--standard", "eu_core@1.0", *data]).exit_code == 0
    time.sleep(0.05)
    between = datetime.now(UTC).isoformat()
    time.sleep(0.05)
    assert runner.invoke(cli, ["run", "--date", "2026-11-22", *data]).exit_code == 0
    then = runner.invoke(cli, ["show", "runs", "--date", "2026-11-22", "--as-of", between, *data])
    now = runner.invoke(cli, ["show", "runs", "--date", "2026-11-22", *data])
    assert then.exit_code == now.exit_code == 0 and f"as of {between}" in then.output
    assert then.output.count("cli-") == 1 and "1.0" in then.output and "2.0" not in then.output
    assert now.output.count("cli-") == 2 and "2.0" in now.output
    assert runner.invoke(cli, ["show", "agents", "--date", "2026-11-22", "--as-of", between, *data]).exit_code == 0
    earlier = runner.invoke(cli, ["show", "agents", "--date", "2026-11-22", "--as-of", before, *data])
    assert earlier.exit_code == 1 and f"nothing published for 2026-11-22 in {tmp_path / 'warehouse'} as of" in earlier.output
    assert runner.invoke(cli, ["show", "agents", "--date", "2026-11-22", "--as-of", "yesterday", *data]).exit_code == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--date", "2026-11-21"], "no landing data for 2026-11-21"),
        (["show", "agents", "--date", "2026-11-21"], "nothing published for 2026-11-21"),
        (["run", "--date", "2026-11-22", "--standard", "eu_core@9"], "standard 'eu_core' has no version '9'"),
    ],
)
def test_user_errors_are_short_messages_not_tracebacks(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "landing" / "2026-11-22").mkdir(parents=True)
    result = CliRunner().invoke(cli, [*args, "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_bad_date_is_rejected_by_the_option() -> None:
    result = CliRunner().invoke(cli, ["run", "--date", "22/11/2026"])
    assert result.exit_code == 2 and "write dates as YYYY-MM-DD" in result.output


def test_standards_validate(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["standards", "validate"])
    assert ok.exit_code == 0 and "eu_core@1.0" in ok.output
    assert "sales@1" in ok.output and "support@1" in ok.output and "routing lines_of_business@1, effective from 2026-01-01, 2 rules" in ok.output
    broken = tmp_path / "broken.yaml"
    text = (ROOT / "standards" / "eu_core.v1.yaml").read_text(encoding="utf-8").replace("points: 2\n", "points: two\n", 1)
    broken.write_text(text)
    line = text.splitlines().index("    points: two") + 1
    bad = runner.invoke(cli, ["standards", "validate", str(broken)])
    assert bad.exit_code == 1
    assert f"{broken}:{line}: criteria[0].points: Input should be a valid number" in bad.output


def test_standards_test_diff_try_and_schema(tmp_path: Path) -> None:
    runner = CliRunner()
    tested = runner.invoke(cli, ["standards", "test"])
    assert tested.exit_code == 0 and "eu_core@2.0: 48 examples, 0 broken" in tested.output
    assert "sales@1: 33 examples, 0 broken" in tested.output and "support@1: 30 examples, 0 broken" in tested.output
    diffed = runner.invoke(cli, ["standards", "diff", "eu_core@1.0", str(ROOT / "standards" / "eu_core.v2.yaml")])
    assert diffed.exit_code == 0 and "added criterion price_with_vat" in diffed.output
    assert runner.invoke(cli, ["generate", "--date", "2026-11-22", "-n", "12", "--data-dir", str(tmp_path)]).exit_code == 0
    tried = runner.invoke(cli, ["standards", "try", str(ROOT / "standards" / "eu_core.v2.yaml"), "--on", str(tmp_path / "landing" / "2026-11-22")])
    assert tried.exit_code == 0 and "on 12 interaction(s)" in tried.output and "greeting" in tried.output
    assert tried.output.index("summary per criterion") < tried.output.index("on 12 interaction(s)\n")
    trial = try_standard(ROOT / "standards" / "eu_core.v2.yaml", [tmp_path / "landing" / "2026-11-22"])
    summary = trial.summary()
    assert [row[0] for row in summary] == [c.id for c in load_standard(ROOT / "standards" / "eu_core.v2.yaml").criteria]
    assert all(passed + failed + na == 12 for _, passed, failed, na in summary)
    for criterion_id, passed, failed, na in summary:  # the printed summary row has the same counts
        assert re.search(rf"{criterion_id}\s*│\s*{passed}\s*│\s*{failed}\s*│\s*{na}\s*│", tried.output)
    assert not (tmp_path / "warehouse").exists()  # trying writes nothing
    schema = runner.invoke(cli, ["standards", "schema"])
    assert schema.exit_code == 0 and '"title": "Touchstone standard"' in schema.output


def test_standards_test_reports_a_broken_example(tmp_path: Path) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text((ROOT / "standards" / "eu_core.v2.yaml").read_text(encoding="utf-8").replace("{expect: fail, language: de, conversation: [{agent: \"Das ist Ihre Schuld.\"}]}", "{expect: pass, language: de, conversation: [{agent: \"Das ist Ihre Schuld.\"}]}"))
    result = CliRunner().invoke(cli, ["standards", "test", str(draft)])
    assert result.exit_code == 1
    assert "no_prohibited_language example 2: expected pass, got fail" in result.output and f"{draft}:" in result.output


def test_error_text_in_brackets_is_shown_as_text(tmp_path: Path) -> None:
    standards = tmp_path / "standards"
    standards.mkdir()
    (standards / "x.yaml").write_text("id: x\nversion: '1'\neffective_from: 2026-01-01\ntitle: '[draft]'\nlanguages: [en]\nsections: []\ncriteria: []\n")
    result = CliRunner().invoke(cli, ["standards", "validate", str(standards / "x.yaml")])
    assert result.exit_code == 1 and "sections: List should have at least 1 item" in result.output
    run = CliRunner().invoke(cli, ["run", "--date", "2026-11-22", "--standard", "[nope]", "--data-dir", str(tmp_path)])
    assert run.exit_code == 1 and "no standard with id '[nope]'" in run.output


def test_backfill_uses_the_version_in_force_each_day_or_a_named_one(tmp_path: Path) -> None:
    """eu_core 1.0 is in force until 2026-09-30, 2.0 from 2026-10-01."""
    from datetime import date

    from warehouse.store import read_table

    runner = CliRunner()
    days = ["2026-09-29", "2026-09-30", "2026-10-01", "2026-10-02"]
    for day in days:
        assert runner.invoke(cli, ["generate", "--date", day, "-n", "8", "--data-dir", str(tmp_path)]).exit_code == 0
    result = runner.invoke(cli, ["backfill", "--from", days[0], "--to", days[-1], "--data-dir", str(tmp_path)])
    assert result.exit_code == 0 and "4 of 4 dates published" in result.output
    versions = {d: set(read_table(tmp_path / "warehouse", "criterion_results", date.fromisoformat(d)).standard_version) for d in days}
    assert versions == {"2026-09-29": {"1.0"}, "2026-09-30": {"1.0"}, "2026-10-01": {"2.0"}, "2026-10-02": {"2.0"}}
    rescored = runner.invoke(cli, ["backfill", "--from", days[0], "--to", days[-1], "--standard", "eu_core@2.0", "--data-dir", str(tmp_path)])
    assert rescored.exit_code == 0
    for day in days:
        frame = read_table(tmp_path / "warehouse", "interaction_scores", date.fromisoformat(day))
        assert set(frame.standard_version) == {"2.0"} and len(frame) == 8  # replaced, not added
        assert len(read_table(tmp_path / "warehouse", "runs", date.fromisoformat(day))) == 2  # both runs on record


def test_backfill_in_processes_publishes_the_same_rows_as_in_one(tmp_path: Path) -> None:
    """`--processes` as `run` has it: each date's shards scored by forked workers, the same verdicts."""
    from datetime import date

    from warehouse.store import read_table

    runner = CliRunner()
    days = ["2026-11-20", "2026-11-21"]
    for day in days:
        assert runner.invoke(cli, ["generate", "--date", day, "-n", "12", "--seed", "5", "--data-dir", str(tmp_path)]).exit_code == 0
    published = {}
    for processes in ("1", "2"):
        args = ["backfill", "--from", days[0], "--to", days[-1], "--shard-size", "4", "--processes", processes, "--data-dir", str(tmp_path)]
        result = runner.invoke(cli, args)
        assert result.exit_code == 0 and "2 of 2 dates published" in result.output, result.output
        columns = ["interaction_id", "criterion_id", "outcome", "reason", "evidence"]
        published[processes] = [
            read_table(tmp_path / "warehouse", "criterion_results", date.fromisoformat(day))[columns].sort_values(columns[:2]).to_dict("records") for day in days
        ]
    assert published["1"] == published["2"] and all(len({r["interaction_id"] for r in rows}) == 12 for rows in published["1"])


def test_backfill_reports_a_missing_day_and_goes_on(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["generate", "--date", "2026-11-20", "-n", "5", "--data-dir", str(tmp_path)]).exit_code == 0
    result = runner.invoke(cli, ["backfill", "--from", "2026-11-20", "--to", "2026-11-21", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1 and "1 of 2 dates published; failed: 2026-11-21" in result.output


def test_query_and_calibrate_on_a_published_day(tmp_path: Path) -> None:
    from datetime import date

    from warehouse.store import read_table

    runner = CliRunner()
    data = ["--data-dir", str(tmp_path)]
    runner.invoke(cli, ["generate", "--date", "2026-11-22", "-n", "40", "--seed", "5", *data])
    assert runner.invoke(cli, ["run", "--date", "2026-11-22", *data]).exit_code == 0
    counted = runner.invoke(cli, ["query", "select count(*) as n from interaction_scores where date = '2026-11-22'", *data])
    assert counted.exit_code == 0 and " 40 " in counted.output
    worst = runner.invoke(cli, ["query", "--ready", "worst_criteria", *data])
    assert worst.exit_code == 0 and "failure_rate" in worst.output
    bad = runner.invoke(cli, ["query", "select * from nowhere", *data])
    assert bad.exit_code == 1 and "the query failed" in bad.output
    # Reviewers agree with every greeting verdict but one.
    results = read_table(tmp_path / "warehouse", "criterion_results", date(2026, 11, 22))
    greetings = results[results.criterion_id == "greeting"].head(10)
    flipped = {"pass": "fail", "fail": "pass"}
    reviews = tmp_path / "reviews.csv"
    lines = ["interaction_id,criterion_id,human_outcome"] + [
        f"{r.interaction_id},greeting,{flipped[r.outcome] if i == 0 else r.outcome}" for i, r in enumerate(greetings.itertuples())
    ]
    reviews.write_text("\n".join(lines) + "\n")
    calibrated = runner.invoke(cli, ["calibrate", "--date", "2026-11-22", "--human", str(reviews), *data])
    assert calibrated.exit_code == 0 and "disagreements (1)" in calibrated.output and "0.90" in calibrated.output
