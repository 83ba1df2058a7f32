"""The speed work changed no verdict: the sample day scores exactly as it did before it.

`golden/sample_day_verdicts.jsonl.gz` holds every criterion result (outcome, points, reason,
evidence, turn, time) and interaction score of the sample day (300 interactions, seed 11), written
by commit a323500, before the scorers were made faster, and rewritten once since, by the change that
made turns heard as a listener hears them: no outcome, points or score changed, but failed searches
now give the span searched in the reason and an excerpt as evidence, and sensitive-data evidence is
the heard turn (a speaker's segments less than 1.5 s apart together). Regenerate it only for a
change that is meant to change verdicts, and say so in the commit.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.conftest import SAMPLE_DAY
from warehouse.store import read_table

GOLDEN = Path(__file__).parent / "golden" / "sample_day_verdicts.jsonl.gz"
COLUMNS = ["interaction_id", "criterion_id", "outcome", "points", "reason", "evidence", "turn_index", "start_ms"]


def test_every_verdict_is_as_before_the_speed_work(scored_sample_day) -> None:
    settings, _ = scored_sample_day
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as lines:
        golden = {(row["interaction_id"], row["criterion_id"]): row for row in map(json.loads, lines)}
    results = read_table(settings.warehouse_dir, "criterion_results", SAMPLE_DAY)
    scores = read_table(settings.warehouse_dir, "interaction_scores", SAMPLE_DAY).set_index("interaction_id")
    assert len(results) == len(golden) == 300 * 15
    different = []
    for row in results[COLUMNS].astype(object).where(results[COLUMNS].notna(), None).to_dict("records"):
        before = golden[(row["interaction_id"], row["criterion_id"])]
        now = {**row, "quality_score": scores.at[row["interaction_id"], "quality_score"], "compliance_passed": bool(scores.at[row["interaction_id"], "compliance_passed"])}
        if any(now[key] != before[key] for key in before):
            different.append((before, now))
    assert not different, different[:3]
