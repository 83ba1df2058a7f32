"""Step one, plan: what a run scores, decided before anything is read. The date (the day before a
nightly run, or one named), the standard versions in force on it or the routing that gives each
interaction its standards (every standard validated here, so a broken one stops the run at once),
the run's id and the shard size. The later steps score with what the plan names (`plan_standards`,
`plan_router`), handed between Airflow's tasks as a dict (`RunPlan.to_dict`), so a version added
while a run is on its way does not change it.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from foundation.errors import TouchstoneError
from scorers.loader import load_standard, load_standards, select_standard
from scorers.routing import ROUTING_FOLDER, Router, load_routings, resolve, select_routing
from scorers.standard import Standard
from touchstone.settings import Settings
from warehouse.frames import as_list

DEFAULT_SHARD_SIZE = 2000


@dataclass(frozen=True)
class RunPlan:
    """What one run scores: the date, with which standard versions, under which run id, in what shards.

    A run scores every interaction with one standard, or, planned with a routing (`routing_ref`),
    each interaction with the standards the routing in force gives it (`scorers.routing`). A run
    planned with a `draft` (a standard file outside the standards folder, for `standards impact`)
    scores with that file and is never published."""

    day: date
    run_id: str
    standard_refs: tuple[str, ...]  # always `id@version`, resolved when the run is planned; company-wide first
    shard_size: int = DEFAULT_SHARD_SIZE
    draft: str | None = None
    draft_sha256: str | None = None  # every step checks that the draft file is still the one planned
    routing_ref: str | None = None  # `id@version` of the routing applied, resolved when planned

    @property
    def standard_ref(self) -> str:
        """The standards, as people read them: `eu_core@2`, or `eu_core@2 + sales@1 + support@1`."""
        return " + ".join(self.standard_refs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(), "run_id": self.run_id, "standard_ref": self.standard_ref, "standard_refs": list(self.standard_refs),
            "routing_ref": self.routing_ref, "shard_size": self.shard_size, "draft": self.draft, "draft_sha256": self.draft_sha256,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunPlan:
        shard_size = int(data.get("shard_size") or DEFAULT_SHARD_SIZE)
        refs = tuple(data.get("standard_refs") or [data["standard_ref"]])
        return cls(date.fromisoformat(data["day"]), data["run_id"], refs, shard_size, data.get("draft"), data.get("draft_sha256"), data.get("routing_ref"))


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise TouchstoneError(f"{text!r} is not a date", "write dates as YYYY-MM-DD, e.g. 2026-11-22") from None


def scored_date(run_after: datetime, override: str | None = None) -> date:
    """The date a nightly run scores: the day before it runs, unless a date is named.

    With a cron schedule Airflow's data interval is empty (start == end == run time), so the
    scored date is derived from the run time, or given explicitly as the `date` param.
    """
    return parse_day(override) if override else (run_after - timedelta(days=1)).date()


def new_run_id(prefix: str = "cli") -> str:
    return f"{prefix}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"


def safe_run_id(run_id: str) -> str:
    """A run id usable as one file name (Airflow's contain ':' and '+'; none may be `..` or hidden)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id).lstrip(".") or "run"


def load_standard_for(settings: Settings, day: date, ref: str | None = None) -> Standard:
    return select_standard(load_standards(settings.standards_dir), day, ref or settings.standard)


def published_refs(run: Any) -> tuple[tuple[str, ...], str | None]:
    """The standards (`id@version`) and routing (or None) of a `runs` row: what re-staging a
    published date scores with. Runs recorded before routing have one standard and no `standards`."""
    refs = tuple(f"{s['standard_id']}@{s['standard_version']}" for s in as_list(run.get("standards")))
    routing = run.get("routing_id")
    routed = f"{routing}@{run['routing_version']}" if isinstance(routing, str) else None
    return refs or (f"{run['standard_id']}@{run['standard_version']}",), routed


def router_for(settings: Settings, day: date, routing: str, standards: list[Standard] | None = None, bind_to: list[Standard] | None = None) -> Router:
    """The routing `routing` (`id` or `id@version`) in force on `day`, its files checked against the
    folder's standards (`standards`, when already loaded), bound to that day's versions among
    `bind_to` (default: all of them); refused with file and line when it cannot route the day whole."""
    standards = standards if standards is not None else load_standards(settings.standards_dir)
    chosen = select_routing(load_routings(settings.standards_dir, {s.id for s in standards}), day, routing)
    if chosen is None:
        raise TouchstoneError(f"no version of routing {routing!r} is in force on {day.isoformat()}", f"routing files live in {settings.standards_dir / ROUTING_FOLDER}")
    return resolve(chosen, standards if bind_to is None else bind_to, day)


def plan_run(
    settings: Settings, day: date, run_id: str, standard: str | None = None, shard_size: int | None = None, draft: Path | None = None, routing: str | None = None
) -> RunPlan:
    """Resolve the standard versions for `day` (validating every standard) and name the run.

    A standard named here scores every interaction; otherwise a routing (named here, or by the
    settings) gives each interaction its standards; otherwise the settings' standard scores all.
    With a `draft` file, the run scores with that file instead."""
    if shard_size is not None and shard_size < 1:
        raise TouchstoneError(f"shard size must be at least 1, not {shard_size}")
    size = shard_size or DEFAULT_SHARD_SIZE
    if draft is not None:
        chosen = load_standard(draft)
        return RunPlan(day, safe_run_id(run_id), (chosen.ref,), size, str(draft.resolve()), chosen.sha256)
    routing = None if standard is not None else routing or settings.routing
    if routing is not None:
        router = router_for(settings, day, routing)
        return RunPlan(day, safe_run_id(run_id), tuple(s.ref for s in router.scored_with), size, routing_ref=router.routing.ref)
    return RunPlan(day, safe_run_id(run_id), (load_standard_for(settings, day, standard).ref,), size)


def plan_router(settings: Settings, plan: RunPlan, standards: list[Standard] | None = None) -> Router | None:
    """The routing a planned run applies (None: one standard scores every interaction), bound to the
    standard versions the run was planned with: a version added since, or back-dated, does not change
    what a run (or a re-publication of a published date) scores with, as `--standard id@version` would not."""
    if not plan.routing_ref:
        return None
    folder = standards if standards is not None else load_standards(settings.standards_dir)
    if plan.draft:  # the draft stands in for its standard; the routing is bound to the folder's
        return router_for(settings, plan.day, plan.routing_ref, folder)
    return router_for(settings, plan.day, plan.routing_ref, folder, bind_to=list(plan_standards(settings, plan, folder).values()))


def plan_standards(settings: Settings, plan: RunPlan, standards: list[Standard] | None = None) -> dict[str, Standard]:
    """The standards a planned run scores with, by `id@version` (a draft file must not have changed
    since); `standards`, the folder's, when already loaded."""
    if plan.draft:
        draft = load_standard(Path(plan.draft))
        if plan.draft_sha256 and draft.sha256 != plan.draft_sha256:
            raise TouchstoneError(f"the draft {plan.draft} changed since run {plan.run_id} was planned", "plan the comparison again, and leave the draft alone while it runs")
        return {draft.ref: draft}
    standards = standards if standards is not None else load_standards(settings.standards_dir)
    return {ref: select_standard(standards, plan.day, ref) for ref in plan.standard_refs}


def plan_scoring(settings: Settings, plan: RunPlan) -> tuple[dict[str, Standard], Router | None]:
    """The standards and the routing a planned run scores with, the folder read once for both."""
    folder = load_standards(settings.standards_dir)
    return plan_standards(settings, plan, folder), plan_router(settings, plan, folder)
