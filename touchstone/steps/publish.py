"""Step five, publish: the only step that writes the warehouse. The counts must reconcile (read =
scored + quarantined, and within the source's quarantine limit) and the output suite pass before
anything is written; then the date's partitions of every table are swapped in and the run's row
recorded, the one commit at which the whole day switches (`warehouse.store`). An override recorded
while the run was on its way is merged in before the switch (`MERGE_ATTEMPTS`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pyarrow.compute as pc

from foundation.errors import TouchstoneError
from ingest.source_config import load_source_config
from touchstone.settings import Settings
from touchstone.steps.aggregate import aggregate
from touchstone.steps.plan import RunPlan, plan_scoring
from touchstone.steps.processes import FORK, import_great_expectations
from touchstone.steps.staging import CHECKS, COUNTS, OVERRIDES_SEEN, staging, write_checks
from warehouse import staging as staged
from warehouse import store
from warehouse.checks import SuiteResult, check_output, output_suite, suite_columns
from warehouse.overrides import override_ids, overrides_of
from warehouse.staging import Staging
from warehouse.tables import AGENT_DAILY_SCORES, CRITERION_RESULTS, INTERACTION_SCORES, PUBLISHED, QUARANTINE, RUNS


def _overrides_moved(settings: Settings, plan: RunPlan) -> bool:
    """Whether the overrides in force on the date are not those the run's merge applied (a reviewer
    recorded or withdrew one while the run was on its way)."""
    return override_ids(overrides_of(settings.warehouse, plan.day)) != staging(settings, plan).read_json(OVERRIDES_SEEN)


class _OverridesMoved(Exception):
    """A reviewer recorded or withdrew an override of the date after the run's merge."""


class Superseded(TouchstoneError):
    """A run of the date was switched in after a re-publication was staged from the day before it."""


MERGE_ATTEMPTS = 5


def check_staged_output(folder: Staging, score_rows: int) -> SuiteResult:
    """The output suite on a run's staged tables: the columns it looks at of the scores and the
    agents' rows, the criterion results streamed from their file."""
    needed = suite_columns(output_suite(score_rows))
    frames: dict[str, Any] = {t.name: staged.read_staged(t, folder, needed[t.name], compact=True).to_pandas() for t in (INTERACTION_SCORES, AGENT_DAILY_SCORES)}
    name = staged.staged_name(CRITERION_RESULTS)
    results = folder.local / name if folder.local is not None else folder.dataset(name)  # only an object store's is copied to read
    return check_output({**frames, CRITERION_RESULTS.name: results}, score_rows)


OutputCheck = Callable[[Staging, int], SuiteResult]


@contextmanager
def output_checks(processes: int) -> Iterator[OutputCheck]:
    """Where publish runs the output suite: here, or with several processes in a child forked now.

    The child imports Great Expectations (2-3 s) while this process scores the agents (on the
    core aggregate leaves idle), checks, and ends before anything is written: this process never
    carries Great Expectations (~250 MB) into publish's writes and the report. A second check
    (overrides recorded during the publish) forks another."""
    if processes == 1:
        yield check_staged_output
        return
    checker = ProcessPoolExecutor(1, mp_context=FORK)  # a process starts at the first task
    checker.submit(import_great_expectations)

    def check(folder: Staging, score_rows: int) -> SuiteResult:
        nonlocal checker
        try:
            return checker.submit(check_staged_output, folder, score_rows).result()
        finally:
            checker.shutdown()
            checker = ProcessPoolExecutor(1, mp_context=FORK)

    try:
        yield check
    finally:
        checker.shutdown()


def publish(settings: Settings, plan: RunPlan, replaces: str | None = None, check: OutputCheck = check_staged_output) -> dict[str, Any]:
    """Check the counts reconcile, then swap the day's partitions in and record the run.

    `check` runs the output suite on the staged tables (`output_checks`: here, or in a child).
    The overrides in force are checked again at the switch, under the date's lock: if a reviewer
    recorded one since the merge, the shards are merged again and the publish repeated, so what is
    published carries every override recorded before its switch. With `replaces` (a day staged
    again from its published tables), the publish is refused if another run was switched in since.
    """
    if plan.draft:
        raise TouchstoneError(f"run {plan.run_id} scores with the draft {plan.draft}: a draft is never published")
    for attempt in range(MERGE_ATTEMPTS):
        if attempt or _overrides_moved(settings, plan):
            aggregate(settings, plan)  # the shards are still staged: merge them again with the overrides in force now
        try:
            return _publish_merged(settings, plan, replaces, check)
        except _OverridesMoved:
            continue
    raise TouchstoneError(f"the overrides of {plan.day} changed {MERGE_ATTEMPTS} times while run {plan.run_id} was published; nothing was published", "run the date again")


def _before_switch(settings: Settings, plan: RunPlan, replaces: str | None) -> None:
    """The last check before a run switches in, under the date's lock (which recording an override
    takes too: an override is either seen here or recorded after the switch)."""
    if replaces is not None:
        now = store.in_force(settings.warehouse).get(plan.day.isoformat())
        if now != replaces:
            raise Superseded(f"run {now} of {plan.day} was published after {plan.run_id} was staged from run {replaces}; {plan.run_id} was not published")
    if _overrides_moved(settings, plan):
        raise _OverridesMoved


def _publish_merged(settings: Settings, plan: RunPlan, replaces: str | None, check: OutputCheck) -> dict[str, Any]:
    folder = staging(settings, plan)
    counts = folder.read_json(COUNTS)
    score_rows = staged.staged_rows(INTERACTION_SCORES, folder)  # one per interaction and standard that scored it
    staged_scores = pc.count_distinct(staged.read_staged(INTERACTION_SCORES, folder, ["interaction_id"])["interaction_id"]).as_py()
    staged_quarantine = staged.staged_rows(QUARANTINE, folder)
    per_standard: dict[str, int] = counts.get("standards", {})
    if (
        (counts["scored"], counts["quarantined"]) != (staged_scores, staged_quarantine)
        or counts["read"] != staged_scores + staged_quarantine
        or ("standards" in counts and sum(per_standard.values()) != score_rows)
    ):
        raise TouchstoneError(
            f"counts do not reconcile for {plan.day}: read {counts['read']}, scored {staged_scores}, quarantined {staged_quarantine}",
            "nothing was published; this is a bug, please report it with the run's staging, " + str(folder),
        )
    limit = load_source_config(settings.source_config).max_quarantine_share
    if counts["read"] and staged_quarantine / counts["read"] > limit:
        raise TouchstoneError(
            f"{staged_quarantine} of {counts['read']} records for {plan.day} were quarantined, more than "
            f"{limit:.0%}; nothing was published",
            f"inspect the reasons in {folder}/{staged.staged_name(QUARANTINE)}",
        )
    output = check(folder, score_rows)
    write_checks(folder, "output", output)
    if not output.success:
        raise TouchstoneError(
            f"output checks failed for {plan.day}: {', '.join(output.failures)}; nothing was published",
            f"the suite results are in {folder}/{CHECKS}",
        )
    planned, router = plan_scoring(settings, plan)
    standards = list(planned.values())
    routes = counts.get("routes", {})
    run_row = {
        "run_id": plan.run_id,
        # A routed run names all its standards here ("eu_core+sales", "2+1"); each is in `standards`.
        "standard_id": "+".join(s.id for s in standards),
        "standard_version": "+".join(s.version for s in standards),
        "standard_sha256": standards[0].sha256 if len(standards) == 1 else hashlib.sha256("+".join(s.sha256 for s in standards).encode()).hexdigest(),
        "files": counts["files"],
        "read": counts["read"],
        "scored": staged_scores,
        "quarantined": staged_quarantine,
        "duplicates_dropped": counts["duplicates_dropped"],
        "input_checks_failed": counts["input_checks_failed"],
        "output_checks_passed": output.success,
        "status": "published",
        "published_at": datetime.now(UTC),
        "overrides_applied": _overrides_applied(folder),
        "routing_id": router.routing.id if router else None,
        "routing_version": router.routing.version if router else None,
        "routing_sha256": router.routing.sha256 if router else None,
        "standards": [
            {"standard_id": s.id, "standard_version": s.version, "standard_sha256": s.sha256, "interactions": per_standard.get(s.ref, 0)} for s in standards
        ],
        "routes": [
            {"rule": name, "interactions": routes.get(name, 0), "defined_at": router.routing.defined_at(name)} for name, _loc, _refs in router.routing.routes()
        ]
        if router
        else None,
    }
    staged.write_staged([run_row], RUNS, folder)
    warehouse = settings.warehouse
    try:  # the run's check results are kept whether or not the publish then succeeds
        warehouse.write_text(f"checks/date={plan.day.isoformat()}/{plan.run_id}.json", folder.read_text(CHECKS))
    except OSError as exc:
        raise store.unwritable(warehouse, plan.day, exc) from exc
    store.publish(folder, warehouse, plan.day, plan.run_id, PUBLISHED, before_switch=lambda: _before_switch(settings, plan, replaces), timing=settings.lock_timing)
    folder.remove()
    return {
        **plan.to_dict(),
        **{k: v for k, v in run_row.items() if k in ("read", "scored", "quarantined", "duplicates_dropped", "overrides_applied", "status", "standards", "routes")},
        "warehouse": str(warehouse),
    }


def _overrides_applied(folder: Staging) -> int:
    """How many of the staged verdicts are a reviewer's override."""
    column = staged.read_staged(CRITERION_RESULTS, folder, ["override_id"]).column("override_id")
    return len(column) - column.null_count
