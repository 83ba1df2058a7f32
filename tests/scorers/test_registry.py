"""A new criterion kind is one registered factory: no edits elsewhere. And a kind that crashes on one
interaction costs that interaction (quarantined with the reason), not the night."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scorers import registry
from scorers.outcome import Verdict
from scorers.standard import CriterionConfig
from touchstone.pipeline import run_day
from touchstone.settings import Settings
from warehouse.store import read_table

DAY = date(2026, 11, 22)


class Turns(CriterionConfig):
    at_least: int


def at_least_turns(config: Turns, resources):
    """Passes when the conversation has at least N turns; crashes on 'boom'."""

    def score(analysed) -> Verdict:
        if any(t.text == "boom" for t in analysed.interaction.turns):
            raise RuntimeError("scorer bug")
        ok = len(analysed.interaction.turns) >= config.at_least
        return Verdict.passed("long enough") if ok else Verdict.failed("too short")

    return score


@pytest.fixture
def plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    registry.kinds()  # discover the built-in kinds first
    monkeypatch.setitem(registry._KINDS, "turn_count.v1", registry.Kind("turn_count.v1", Turns, at_least_turns, "test kind"))


def test_versioned_names_are_required() -> None:
    with pytest.raises(ValueError, match="must be versioned"):
        registry.register_kind("unversioned", config=Turns)


def test_bare_name_resolves_to_the_newest_version(plugin, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry._KINDS, "turn_count.v2", registry.Kind("turn_count.v2", Turns, at_least_turns, "newer"))
    assert registry.resolve("turn_count").name == "turn_count.v2"
    assert registry.resolve("turn_count.v1").name == "turn_count.v1"
    assert registry.resolve("nope") is None


def test_a_plugin_kind_scores_and_a_crash_quarantines_one_interaction(plugin, tmp_path: Path) -> None:
    standards = tmp_path / "standards"
    standards.mkdir()
    (standards / "mini.yaml").write_text(
        "id: mini\nversion: '1'\neffective_from: 2026-01-01\ntitle: Mini\nlanguages: [en]\n"
        "sections: [{id: s, title: S}]\n"
        "criteria:\n  - {id: long_enough, kind: turn_count, title: Long enough, section: s, at_least: 3}\n"
    )
    landing = tmp_path / "landing" / DAY.isoformat()
    landing.mkdir(parents=True)
    line = '{{"interaction_id": "{id}", "channel": "chat", "language": "en", "agent": {{"id": "a", "type": "human"}}, "turns": [{turns}]}}\n'
    turn = '{{"speaker": "agent", "text": "{}"}}'
    (landing / "day.jsonl").write_text(
        line.format(id="ok", turns=",".join([turn.format("hi")] * 3))
        + line.format(id="short", turns=turn.format("hi"))
        + line.format(id="crash", turns=turn.format("boom"))
    )
    settings = Settings.from_env(data_dir=tmp_path / "data", landing_dir=tmp_path / "landing", standards_dir=standards, standard="mini")
    summary = run_day(settings, DAY)
    assert (summary["read"], summary["scored"], summary["quarantined"]) == (3, 2, 1)
    results = read_table(settings.warehouse_dir, "criterion_results", DAY)
    assert dict(zip(results.interaction_id, results.outcome)) == {"ok": "pass", "short": "fail"}
    assert set(results.criterion_kind) == {"turn_count.v1"}
    quarantine = read_table(settings.warehouse_dir, "quarantine", DAY).iloc[0]
    assert (quarantine.source, quarantine.locator) == ("2026-11-22/day.jsonl", "line 3")
    assert quarantine.reason == "scoring failed: RuntimeError: scorer bug"
