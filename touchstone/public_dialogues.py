"""Real third-party customer-service dialogues as canonical interactions (dicts, one per dialogue).

Used by the tests, the benchmark and `scripts/real_calls.py` to work on real conversations, not
only generated ones: ABCD (chats between customers and agents; the agents' tool actions become
system turns), Taskmaster-4 (coffee orders with an assistant, which is a bot), both in
../shared/data/dialogues, and the Harper Valley bank calls (real recorded calls, each as the human
and the speech-recognition transcript of the same audio), in ../shared/data/calls; each with its
licence.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

ABCD_ROLES = {"agent": "agent", "customer": "customer", "action": "system"}
TASKMASTER_ROLES = {"user": "customer", "assistant": "bot"}


def _interaction(interaction_id: str, agent_type: str, turns: list[tuple[str, str]], customer_name: str | None = None) -> dict[str, Any]:
    return {
        "interaction_id": interaction_id,
        "channel": "chat",
        "language": "en",
        "agent": {"id": f"{agent_type}-public", "type": agent_type},
        "customer": {"name": customer_name},
        "turns": [{"speaker": speaker, "text": text} for speaker, text in turns if text.strip()],
    }


def abcd(path: Path) -> list[dict[str, Any]]:
    """`abcd_sample.json`: conversations with their scenario (the customer's name among it)."""
    return [
        _interaction(f"abcd-{c['convo_id']}", "human", [(ABCD_ROLES[s], t) for s, t in c["original"]], c["scenario"]["personal"]["customer_name"])
        for c in json.loads(path.read_text(encoding="utf-8"))
    ]


def taskmaster(path: Path) -> list[dict[str, Any]]:
    """`tm4_data_*.json`: conversations of utterances by `user` and `assistant`."""
    return [
        _interaction(d["conversation_id"], "bot", [(TASKMASTER_ROLES[u["speaker"]], u["text"]) for u in d["utterances"]])
        for d in json.loads(path.read_text(encoding="utf-8"))
    ]


# Which text of a Harper Valley segment to use: the careful human transcript or the raw ASR output.
Transcript = Literal["human", "asr"]
HARPER_VALLEY_ROLES = {"agent": "agent", "caller": "customer"}


def harper_valley_call(transcript: Path, metadata: Path, which: Transcript) -> dict[str, Any]:
    """One Harper Valley call (`transcript/<sid>.json` and `metadata/<sid>.json`) as a voice interaction.

    Segments are kept as delivered, one turn each, markup and all (`[noise]`, `<unk>`, `har~`):
    what a speech-analytics export looks like. They are sorted by start time (the corpus lists some
    out of order); the agent's first name and the caller's name come from the metadata.
    """
    meta = json.loads(metadata.read_text(encoding="utf-8"))
    field = "human_transcript" if which == "human" else "transcript"
    segments = sorted(json.loads(transcript.read_text(encoding="utf-8")), key=lambda s: s["start_ms"])
    agent = meta.get("agent", {})
    return {
        "interaction_id": meta["sid"],
        "channel": "voice",
        "language": "en",
        "started_at": datetime.fromtimestamp(meta["start_time_ms"] / 1000, tz=timezone.utc).isoformat(),
        "agent": {"id": f"hv-agent-{agent.get('speaker_id', 'unknown')}", "type": "human", "name": agent.get("metadata", {}).get("agent_name")},
        "customer": {"id": f"hv-caller-{meta.get('caller', {}).get('speaker_id', 'unknown')}", "name": meta.get("caller", {}).get("metadata", {}).get("first and last name")},
        "turns": [
            {"speaker": HARPER_VALLEY_ROLES[s["speaker_role"]], "text": s[field], "start_ms": s["start_ms"], "end_ms": s["start_ms"] + s["duration_ms"]}
            for s in segments
            if s[field].strip()
        ],
        "metadata": {"task": ", ".join(t.get("task_type", "") for t in meta.get("tasks", [])), "transcript": which},
    }


def harper_valley(folder: Path, which: Transcript) -> list[dict[str, Any]]:
    """Every call in a Harper Valley folder (`transcript/` and `metadata/` side by side), by call id."""
    return [harper_valley_call(path, folder / "metadata" / path.name, which) for path in sorted((folder / "transcript").glob("*.json"))]
