from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

from scorers.sensitive import find_sensitive
from touchstone.sample_data import CRITERIA, VIOLATED_CRITERION, card_number, generate_day, read_ground_truth, spoken

DAY = date(2026, 11, 22)


def test_same_seed_and_date_give_the_same_bytes(tmp_path: Path) -> None:
    a = generate_day(tmp_path / "a", DAY, interactions=50, seed=3)
    b = generate_day(tmp_path / "b", DAY, interactions=50, seed=3)
    c = generate_day(tmp_path / "c", DAY, interactions=50, seed=4)
    for x, y in zip(a.files + [a.ground_truth], b.files + [b.ground_truth]):
        assert x.read_bytes() == y.read_bytes()
    assert a.ground_truth.read_bytes() != c.ground_truth.read_bytes()


def test_a_day_covers_languages_channels_agents_and_every_violation(tmp_path: Path) -> None:
    day = generate_day(tmp_path, DAY, interactions=300, seed=11)
    records = [json.loads(line) for path in day.files for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 300
    assert {r["language"] for r in records} == {"en", "de", "sv", "fr"}
    assert Counter(r["channel"] for r in records).keys() == {"voice", "chat"}
    assert {r["agent"]["type"] for r in records} == {"human", "bot"}
    assert len({r["agent"]["id"] for r in records}) == 20
    for r in records:  # calls are timed, chats are not
        assert all(("start_ms" in t) == (r["channel"] == "voice") for t in r["turns"])
    truth = read_ground_truth(day.ground_truth)
    assert set(day.violations) == set(VIOLATED_CRITERION) and min(day.violations.values()) >= 4
    for row in truth.values():
        assert set(row["expected"]) == set(CRITERIA)
        assert {row["expected"][VIOLATED_CRITERION[v]] for v in row["violations"]} <= {"fail"}
    violated_languages = Counter((v, r["language"]) for r in records for v in truth[r["interaction_id"]]["violations"])
    assert len({lang for (_, lang) in violated_languages}) == 4
    # Every criterion is seen passing; every violated one failing (so every kind is exercised).
    outcomes = {(c, o) for row in truth.values() for c, o in row["expected"].items()}
    assert {(c, "pass") for c in CRITERIA} <= outcomes
    assert {(c, "fail") for c in VIOLATED_CRITERION.values()} <= outcomes


def test_card_numbers_are_valid_and_detectable_when_spoken() -> None:
    import random

    number = card_number(random.Random(1))
    for lang in ("en", "de", "sv", "fr"):
        assert [f.kind for f in find_sensitive(spoken(number, lang), lang)] == ["payment_card"]
