"""Small builders for hand-written test interactions and single-criterion scoring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest.interaction import Interaction
from scorers.listening import Listener
from scorers.nlp import analyse
from scorers.outcome import Verdict
from scorers.registry import Resources, resolve
from scorers.sentiment import SentimentAnalyser
from scorers.standard import Lexicon

ROOT = Path(__file__).resolve().parents[1]


def interaction(
    turns: list[tuple[str, str]] | list[tuple[str, str, int]],
    language: str = "en",
    channel: str = "chat",
    agent_type: str = "human",
    **extra: Any,
) -> Interaction:
    """Turns as (speaker, text), (speaker, text, start_ms) or (speaker, text, start_ms, end_ms)."""
    built = []
    for turn in turns:
        item: dict[str, Any] = {"speaker": turn[0], "text": turn[1]}
        if len(turn) >= 3:
            item["start_ms"] = turn[2]
        if len(turn) == 4:
            item["end_ms"] = turn[3]
        built.append(item)
    return Interaction.model_validate(
        {
            "interaction_id": extra.pop("interaction_id", "t-1"),
            "channel": channel,
            "language": language,
            "agent": {"id": "a-1", "type": agent_type, "name": extra.pop("agent_name", None)},
            "turns": built,
            **extra,
        }
    )


def criterion(kind: str, **fields: Any) -> Any:
    """A validated criterion config of `kind`, with the common fields filled in."""
    spec = resolve(kind)
    assert spec is not None
    return spec.config.model_validate({"id": "c", "kind": spec.name, "title": "t", "section": "s", **fields})


def verdict(config: Any, ix: Interaction, sentiment: dict[str, Any] | None = None, listener: Listener | None = None) -> Verdict:
    """Score one criterion; `sentiment` is the standard's lexicon ({lang: {negative: [...], ...}});
    `listener` how turns are heard (default: as every standard hears them unless it says otherwise)."""
    spec = resolve(config.kind)
    assert spec is not None
    lexicons = {lang: Lexicon.model_validate(words) for lang, words in (sentiment or {}).items()}
    return spec.factory(config, Resources(SentimentAnalyser(lexicons)))(analyse(ix, listener))


def write_draft(folder: Path, version: str = "2.1") -> Path:
    """A draft of eu_core 2.0 that changes a phrase (English "call may be recorded" no longer
    discloses), a window (recording disclosed within 120 s, not 30 s) and a weight (opening 4, not 2):
    on generated days some calls become non-compliant and some compliant."""
    text = (ROOT / "standards" / "eu_core.v2.yaml").read_text(encoding="utf-8")
    edits = [
        ('version: "2.0"', f'version: "{version}"'),
        ("effective_from: 2026-10-01", "effective_from: 2026-12-01"),
        ("en: [call is recorded, call may be recorded, call is being recorded", "en: [call is recorded, call is being recorded"),
        ("within: {first_seconds: 30}\n    applies_to: {channels: [voice]}", "within: {first_seconds: 120}\n    applies_to: {channels: [voice]}"),
        ("{id: opening, title: Opening, weight: 2}", "{id: opening, title: Opening, weight: 4}"),
    ]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"eu_core.v{version}.yaml"
    path.write_text(text, encoding="utf-8")
    return path
