"""The nightly steps for one date: plan -> ingest -> score -> aggregate -> publish -> report.

The Airflow DAG runs each step as a task (`dags/touchstone_nightly.py`, through `touchstone.tasks`);
`touchstone run` runs them in a row (`touchstone.pipeline.run_day`). Steps hand over through the
run's staging place (`<staging>/<date>/<run_id>/`: beside the warehouse, on its object store when it
is on one), never through memory or a shared disk, so a task can run on any worker, and only
`publish` touches the warehouse. Every step is a transaction on one date:
re-running it replaces what it wrote. Ingest splits the day into shards of `shard_size`
interactions; each shard is scored on its own (one mapped task per shard in Airflow, or processes in
`touchstone run`), and aggregate merges them in shard order, so a day scores to the same rows
however it was split.

Counts reconcile: read = scored + quarantined, checked before anything is published.

One module a step, named as the DAG's tasks and as the run's step times:

- `plan`: the date, the standard versions or routing, the run id and shard size (`RunPlan`).
- `ingest`: the landing files read into shards, and what cannot be scored quarantined.
- `score`: each shard scored with its standards (`score_shard`: one DAG task; `score`: all).
- `aggregate`: the shards merged, the reviewers' overrides applied, the agents scored.
- `publish`: counts reconciled, the output suite, the date switched in the warehouse.
- `report`: the date's HTML report from the published tables.

And what they share: `staging` (the run's staging layout: shards, counts, checks, the
quarantine's rows) and `processes` (the fork context and the garbage collector around workers).
Import from the module that owns a name: this package re-exports nothing (a function re-exported
here under its module's name would hide the module).
"""
