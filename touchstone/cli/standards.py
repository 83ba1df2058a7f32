"""The `standards` group, for the compliance officers who write standards: validate, test, diff,
try a draft on transcripts, measure a draft's impact on published dates, and the JSON Schema."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape
from rich.table import Table as RichTable

from foundation.errors import TouchstoneError
from touchstone.cli.options import cell_text, console, data_option, date_callback, err_console, print_frame, processes_option, source_options, source_settings, user_errors, verbose_option

if TYPE_CHECKING:
    from scorers.standard import Standard


@click.group()
def standards() -> None:
    """Check the standards that compliance officers write."""


def _standards_folder(standards_dir: Path | None) -> Path:
    """The folder given, or the deployment's standards folder."""
    # Imported here, not above: the settings import pyarrow, which `touchstone --help` need not wait for.
    from touchstone.settings import Settings

    return (standards_dir or Settings.from_env().standards_dir).resolve()


def _standard_files(paths: tuple[Path, ...], standards_dir: Path | None) -> list[Path]:
    folder = _standards_folder(standards_dir)
    files = list(paths) or sorted(folder.glob("*.yaml"))
    if not files:
        raise TouchstoneError(f"no standards (*.yaml) in {folder}", "pass a file, or --standards-dir")
    return files


standards_dir_option = click.option(
    "--standards-dir", type=click.Path(path_type=Path, file_okay=False), default=None, help="Folder of standards (default: ./standards)."
)


@standards.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True, dir_okay=False))
@standards_dir_option
@user_errors
def validate(paths: tuple[Path, ...], standards_dir: Path | None) -> None:
    """Validate standards; every problem is printed as file:line: field: message.

    With no paths, validates every *.yaml in the standards folder, and the routing versions in its
    routing/ folder against those standards. Exits 1 if any is invalid.

    \b
    Example:
        touchstone standards validate
        touchstone standards validate standards/eu_core.v1.yaml
    """
    from scorers.loader import StandardError, load_standard
    from scorers.routing import load_routing, routing_files

    def refused(path: Path, exc: StandardError) -> None:
        err_console.print(f"[red]✗[/] {escape(str(path))}", highlight=False)
        for problem in exc.problems:
            err_console.print(f"  {problem}", highlight=False, markup=False)

    failed, known = 0, set()
    for path in _standard_files(paths, standards_dir):
        try:
            standard = load_standard(path)
        except StandardError as exc:
            failed += 1
            refused(path, exc)
            continue
        known.add(standard.id)
        console.print(f"[green]✓[/] {escape(str(path))}: {standard.ref}, effective from {standard.effective_from}, {len(standard.criteria)} criteria", highlight=False)
    for path in [] if paths else routing_files(_standards_folder(standards_dir)):
        try:
            routing = load_routing(path, known)
        except StandardError as exc:
            failed += 1
            refused(path, exc)
            continue
        console.print(f"[green]✓[/] {escape(str(path))}: routing {routing.ref}, effective from {routing.effective_from}, {len(routing.rules)} rules", highlight=False)
    sys.exit(1 if failed else 0)


@standards.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True, dir_okay=False))
@standards_dir_option
@user_errors
def test_examples(paths: tuple[Path, ...], standards_dir: Path | None) -> None:
    """Run the examples inside standards and report which example broke which criterion.

    Exits 1 if any example gets another outcome than it expects.

    \b
    Example:
        touchstone standards test
        touchstone standards test standards/eu_core.v1.yaml
    """
    from scorers.examples import run_examples
    from scorers.loader import load_standard

    broken = total = 0
    for path in _standard_files(paths, standards_dir):
        standard = load_standard(path)
        results = run_examples(standard)
        total += len(results)
        for r in results:
            if not r.passed:
                broken += 1
                err_console.print(
                    f"[red]✗[/] {escape(str(path))}:{r.line}: {r.criterion_id} example {r.index + 1}: expected {r.expected}, got {r.got} ({escape(r.reason)})",
                    highlight=False,
                )
        console.print(f"{standard.ref}: {len(results)} examples, {sum(not r.passed for r in results)} broken", highlight=False)
    console.print(f"[{'red' if broken else 'green'}]{total - broken} passed, {broken} failed[/]", highlight=False)
    sys.exit(1 if broken else 0)


@standards.command("diff")
@click.argument("old")
@click.argument("new")
@standards_dir_option
@user_errors
def diff(old: str, new: str, standards_dir: Path | None) -> None:
    """List what changed between two standards: criteria added, removed and changed, field by field.

    OLD and NEW are files, or `id@version` of standards in the standards folder.

    \b
    Example:
        touchstone standards diff eu_core@1.0 eu_core@1.1
        touchstone standards diff standards/eu_core.v1.yaml draft.yaml
    """
    from scorers.diff import diff_standards

    a, b = _standard_by_name(old, standards_dir), _standard_by_name(new, standards_dir)
    changes = diff_standards(a, b)
    console.print(f"{a.ref} -> {b.ref}: {len(changes)} change(s)", highlight=False)
    for change in changes:
        colour = {"added": "green", "removed": "red"}.get(change.change, "yellow")
        console.print(f"  [{colour}]{escape(str(change))}[/]", highlight=False)


def _standard_by_name(name: str, standards_dir: Path | None) -> Standard:
    from scorers.loader import load_standard, load_standards

    if Path(name).is_file():
        return load_standard(Path(name))
    if "@" not in name:
        raise TouchstoneError(f"{name!r} is neither a file nor an id@version", "e.g. eu_core@1.0")
    folder = _standards_folder(standards_dir)
    for standard in load_standards(folder):
        if standard.ref == name:
            return standard
    raise TouchstoneError(f"no standard {name} in {folder}")


@standards.command("try")
@click.argument("standard_file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--on", "paths", multiple=True, required=True, type=click.Path(path_type=Path, exists=True), help="Transcript file or folder (repeatable).")
@click.option("--failures-only", is_flag=True, help="Show only failed criteria.")
@click.option("--routing", default=None, metavar="ID[@VERSION]", help="Score only the interactions this routing (in force today) gives the draft's standard.")
@standards_dir_option
@user_errors
def try_(standard_file: Path, paths: tuple[Path, ...], failures_only: bool, routing: str | None, standards_dir: Path | None) -> None:
    """Score a draft standard on transcripts and print verdicts with evidence; writes nothing.

    \b
    Example:
        touchstone standards try draft.yaml --on data/landing/2026-11-22/
        touchstone standards try draft.yaml --on calls.jsonl --failures-only
        touchstone standards try sales.v2.yaml --on data/landing/2026-11-22/ --routing lines_of_business
    """
    from touchstone.trial import try_standard

    routed = _routing_today(routing, standard_file, standards_dir) if routing else None
    trial = try_standard(standard_file, list(paths), routing=routed)
    if routed is not None:
        console.print(f"Routing {routed.ref}: {len(trial.scored)} interaction(s) go to {standard_file.name}'s standard, {trial.routed_elsewhere} elsewhere", highlight=False)
    summary = RichTable(title=f"{standard_file} on {len(trial.scored)} interaction(s): summary per criterion")
    for label in ("criterion", "pass", "fail", "not applicable"):
        summary.add_column(label, justify="left" if label == "criterion" else "right")
    for criterion_id, passed, failed, not_applicable in trial.summary():
        summary.add_row(escape(criterion_id), str(passed), str(failed), str(not_applicable))
    console.print(summary)
    table = RichTable(title=f"{standard_file} on {len(trial.scored)} interaction(s)")
    for label in ("interaction", "quality", "criterion", "outcome", "reason", "evidence", "turn"):
        table.add_column(label, overflow="fold")
    for scored in trial.scored:
        quality = cell_text(scored.score.quality_score)
        for r in scored.results:
            if failures_only and r.verdict.outcome.value != "fail":
                continue
            evidence = r.verdict.evidence
            table.add_row(
                *(escape(cell_text(v)) for v in (scored.interaction.interaction_id, quality, r.criterion.id, r.verdict.outcome.value, r.verdict.reason, evidence.text if evidence else None, evidence.turn_index if evidence else None))
            )
    console.print(table)
    for q in trial.quarantined:
        err_console.print(f"[yellow]quarantined[/] {escape(q.source)} {q.locator}: {escape(q.reason)}", highlight=False)


def _routing_today(routing: str, draft: Path, standards_dir: Path | None) -> Any:
    """The routing `routing` in force today, read beside the standards (the draft's id counts as known)."""
    from datetime import UTC, datetime

    from scorers.loader import load_standard, load_standards
    from scorers.routing import load_routings, select_routing

    folder = _standards_folder(standards_dir)
    known = {s.id for s in load_standards(folder)} | {load_standard(draft).id}
    today = datetime.now(UTC).date()
    chosen = select_routing(load_routings(folder, known), today, routing)
    if chosen is None:
        raise TouchstoneError(f"no version of routing {routing!r} is in force on {today}")
    return chosen


@standards.command("impact")
@click.argument("draft", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--from", "first", required=True, callback=date_callback, metavar="YYYY-MM-DD", help="First date to re-score.")
@click.option("--to", "last", required=True, callback=date_callback, metavar="YYYY-MM-DD", help="Last date to re-score (included).")
@processes_option()
@click.option("--top", default=10, show_default=True, help="How many agents and flips to print.")
@source_options
@data_option
@verbose_option
@user_errors
def impact(
    draft: Path, first: date, last: date, processes: int, top: int, shard_size: int | None, landing: str | None, conn_id: str | None, source_config: Path | None, data_dir: Path | None
) -> None:
    """Re-score published dates with a draft standard and compare, publishing nothing.

    Pass rate per criterion, mean quality per team and agent, and the interactions whose
    compliance flips (both ways) with their evidence, side by side with what is published; the
    criteria the draft adds, removes or changes. Writes the tables (Parquet), summary.json and an
    HTML page to <data>/impact/<draft>_<from>_<to>/.

    \b
    Example:
        touchstone standards impact draft.yaml --from 2026-11-01 --to 2026-11-28
    """
    from touchstone.impact import impact as measure

    settings = source_settings(data_dir, landing, conn_id, source_config)
    with console.status("planning ...") as status:
        result = measure(settings, draft, first, last, shard_size, processes, on_step=lambda step: status.update(f"{step} ..."))
    h = result.headline
    pct = lambda v: "-" if v is None else f"{100 * v:.1f}%"  # noqa: E731
    num = lambda v: "-" if v is None else f"{v:.1f}"  # noqa: E731
    console.print(
        f"[bold]{escape(h['draft'])}[/] on {h['days']} day(s), {h['interactions']:,} interactions: mean quality {num(h['mean_quality_published'])} -> {num(h['mean_quality_draft'])}, "
        f"compliant {pct(h['compliance_published'])} -> {pct(h['compliance_draft'])}; {h['now_non_compliant']:,} become non-compliant, {h['now_compliant']:,} become compliant, "
        f"{h['quality_changed']:,} quality scores change.",
        highlight=False,
    )
    for day, why in result.skipped.items():
        console.print(f"[yellow]{day} not compared: {escape(why)}[/]", highlight=False)
    import pandas as pd

    criteria = pd.read_parquet(result.folder / "criteria.parquet")
    changed = criteria[criteria["pass_rate_change"].fillna(0) != 0].sort_values("pass_rate_change", key=abs, ascending=False)
    columns = ["criterion_id", "published_pass_rate", "draft_pass_rate", "pass_rate_change", "published_fail", "draft_fail"]
    print_frame(changed[columns], f"criteria whose pass rate changes ({len(changed)})")
    agents = pd.read_parquet(result.folder / "agents.parquet")
    agents = agents[agents["quality_change"].fillna(0) != 0]
    print_frame(agents[["agent_id", "team", "interactions", "mean_quality_published", "mean_quality_draft", "quality_change"]].head(top), f"agents who move most ({len(agents)} move)")
    flips = pd.read_parquet(result.folder / "flips.parquet")
    print_frame(flips[["date", "interaction_id", "agent_id", "direction", "criteria"]].head(top), f"compliance flips ({len(flips)})")
    console.print(f"Page: {result.page}", highlight=False)


@standards.command("schema")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Write to this file instead of printing.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of the standard language, for editors that complete and check YAML.

    \b
    Example:
        touchstone standards schema -o standards/standard.schema.json
    """
    import json

    from scorers.schema import standard_schema

    text = json.dumps(standard_schema(), indent=2, ensure_ascii=False) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"Wrote {output}")
    else:
        click.echo(text, nl=False)
