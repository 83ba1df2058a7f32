"""Real third-party customer-service dialogues as canonical interactions (dicts, one per dialogue).

Used by the tests and by the benchmark to work on real conversations, not only generated ones:
ABCD (chats between customers and agents; the agents' tool actions become system turns) and
Taskmaster-4 (coffee orders with an assistant, which is a bot). Both are in ../shared/data/dialogues
with their licences.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
