"""A draft standard's impact on past days, before it takes effect: nothing is published.

    plan (every date from D1 to D2 with landing files and a published run)
    -> ingest -> score (sharded) -> aggregate, with the draft, into each date's staging folder
    -> compare with what is published (`warehouse.impact`) -> tables, a summary and an HTML page

The same steps as the nightly run (`touchstone.steps`), so what the draft does here is what it
would do if it were published: the same readers, listening, quarantine and overrides. `touchstone
standards impact` runs them in a row; the `touchstone_impact` DAG runs them as tasks, one mapped
scoring task per shard of every date.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from foundation.errors import TouchstoneError
from ingest.landing import day_files, landing_root
from ingest.source_config import load_source_config
from scorers.diff import Change, diff_standards
from scorers.loader import load_standard
from scorers.standard import Standard
from touchstone.settings import Settings
from touchstone.steps.aggregate import aggregate
from touchstone.steps.ingest import ingest
from touchstone.steps.plan import RunPlan, load_standard_for, new_run_id, plan_run, published_refs
from touchstone.steps.score import score
from touchstone.steps.staging import staging
from warehouse.impact import Impact
from warehouse.report.impact import write_page
from warehouse.store import in_force, read_table


@dataclass(frozen=True)
class ImpactResult:
    folder: Path  # the tables (Parquet), summary.json and impact.html
    page: Path
    headline: dict[str, Any]
    skipped: dict[str, str]  # date -> why it was not compared


def output_folder(settings: Settings, draft: Standard, first: date, last: date) -> Path:
    return settings.data_dir / "impact" / f"{draft.id}@{draft.version}_{first}_{last}"


def plan_days(settings: Settings, draft: Path, first: date, last: date, shard_size: int | None = None, run_id: str | None = None) -> tuple[list[RunPlan], dict[str, str]]:
    """One draft run per date that can be compared; the others, with why not. A broken draft, or a
    published version whose file is gone, is refused before anything is scored."""
    if last < first:
        raise TouchstoneError(f"--to {last} is before --from {first}")
    load_standard(draft)
    published = in_force(settings.warehouse)
    root = landing_root(settings.landing, settings.landing_conn_id)
    layouts = load_source_config(settings.source_config).layouts
    run_id = run_id or new_run_id("impact")
    plans, skipped = [], {}
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        if day.isoformat() not in published:
            skipped[day.isoformat()] = "nothing published to compare with"
            continue
        try:
            day_files(root, day, layouts)
        except TouchstoneError as exc:
            skipped[day.isoformat()] = exc.message
            continue
        plan = plan_run(settings, day, run_id, shard_size=shard_size, draft=draft)
        refs, routing = published_refs(_published_run(settings, day, published))
        draft_id = plan.standard_refs[0].partition("@")[0]
        if draft_id not in {ref.partition("@")[0] for ref in refs}:  # a draft is set against its own standard's past
            skipped[day.isoformat()] = f"nothing was scored with {draft_id} (the date was scored with {', '.join(refs)}{f', routed by {routing}' if routing else ''})"
            continue
        # A routed date: the draft scores what the routing gave its standard.
        plans.append(replace(plan, routing_ref=routing) if routing else plan)
    if not plans:
        reasons = "; ".join(f"{d}: {why}" for d, why in skipped.items())
        unscored = all(why.startswith("nothing was scored with") for why in skipped.values())
        hint = "a draft is compared with the published rows of the standard it changes: give it that standard's id" if unscored else "run the dates first, with their landing files in place"
        raise TouchstoneError(f"no date from {first} to {last} can be compared: {reasons}", hint)
    published_standards(settings, plans)
    return plans, skipped


def rescore(settings: Settings, plan: RunPlan, processes: int = 1) -> None:
    """Score one date with the draft into its staging folder (never published)."""
    ingest(settings, plan, processes)
    score(settings, plan, processes)
    aggregate(settings, plan)


def _published_run(settings: Settings, day: date, forced: dict[str, str]) -> pd.Series:
    runs = read_table(settings.warehouse, "runs", day)
    return runs[runs["run_id"] == forced[day.isoformat()]].iloc[-1]


def published_standards(settings: Settings, plans: list[RunPlan]) -> list[Standard]:
    """The standard versions of the runs in force on the planned dates, in date order: on a routed
    date, the version of the draft's own standard."""
    forced = in_force(settings.warehouse)
    found: dict[str, Standard] = {}
    for plan in plans:
        refs, _routing = published_refs(_published_run(settings, plan.day, forced))
        for ref in (r for r in refs if r.partition("@")[0] == plan.standard_refs[0].partition("@")[0]):
            if ref not in found:
                found[ref] = load_standard_for(settings, plan.day, ref)
    return list(found.values())


def criterion_changes(published: list[Standard], draft: Standard) -> pd.DataFrame:
    """Per criterion of either side: added, removed, changed (with the fields) or unchanged, against
    each published version."""
    rows = []
    for old in published:
        changes: list[Change] = diff_standards(old, draft)
        by_criterion: dict[str, list[Change]] = {}
        for change in changes:
            if change.what.startswith("criterion "):
                by_criterion.setdefault(change.what.removeprefix("criterion "), []).append(change)
        for criterion in dict.fromkeys([c.id for c in old.criteria] + [c.id for c in draft.criteria]):
            found = by_criterion.get(criterion, [])
            kind = found[0].change if found else "unchanged"
            detail = "; ".join(f"{c.field}: {c.detail}" for c in found if c.change == "changed")
            rows.append({"published": old.ref, "criterion_id": criterion, "change": kind, "detail": detail})
        rows += [{"published": old.ref, "criterion_id": "", "change": "changed", "detail": str(c)} for c in changes if not c.what.startswith("criterion ")]
    return pd.DataFrame(rows, columns=["published", "criterion_id", "change", "detail"])


def compare(settings: Settings, plans: list[RunPlan], skipped: dict[str, str] | None = None, keep_staging: bool = False) -> ImpactResult:
    """Set every draft-scored date against what is published; write the tables and the page."""
    draft = load_standard(Path(plans[0].draft or ""))
    impact = Impact()
    for plan in plans:
        impact.add(plan.day, settings.warehouse, staging(settings, plan), draft.id)
    asked = sorted([p.day for p in plans] + [date.fromisoformat(d) for d in skipped or {}])  # the range asked for
    folder = output_folder(settings, draft, asked[0], asked[-1])
    folder.mkdir(parents=True, exist_ok=True)
    changes = criterion_changes(published_standards(settings, plans), draft)
    tables = {
        "criteria": impact.criterion_table(),
        "agents": impact.agent_table(),
        "teams": impact.team_table(),
        "flips": impact.flip_table(),
        "changes": changes,
    }
    for name, frame in tables.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    headline = {**impact.headline(), "draft": draft.ref, "draft_file": plans[0].draft, "from": asked[0].isoformat(), "to": asked[-1].isoformat()}
    (folder / "summary.json").write_text(json.dumps({**headline, "skipped": skipped or {}}, indent=1, default=str))
    page = write_page(folder / "impact.html", headline, tables, draft, skipped or {})
    if not keep_staging:
        for plan in plans:
            staging(settings, plan).discard()
    return ImpactResult(folder, page, headline, skipped or {})


def impact(
    settings: Settings,
    draft: Path,
    first: date,
    last: date,
    shard_size: int | None = None,
    processes: int = 1,
    on_step: Callable[[str], None] = lambda _step: None,
) -> ImpactResult:
    """Re-score the dates with the draft and compare, without a scheduler."""
    plans, skipped = plan_days(settings, draft, first, last, shard_size)
    for plan in plans:
        on_step(f"scoring {plan.day} with the draft")
        rescore(settings, plan, processes)
    on_step("comparing with what is published")
    return compare(settings, plans, skipped)
