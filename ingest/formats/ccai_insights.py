"""Google Contact Center AI Insights conversation JSON: entries with a role and a timestamp.

Roles map to speakers (HUMAN_AGENT and AGENT to agent, AUTOMATED_AGENT to bot, END_USER and
CUSTOMER to customer); timestamps in microseconds become offsets from the first entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ingest.formats import register_document
from ingest.records import SourceRecord

ROLES = {"HUMAN_AGENT": "agent", "AGENT": "agent", "AUTOMATED_AGENT": "bot", "END_USER": "customer", "CUSTOMER": "customer"}


def _is_ccai(document: Any) -> bool:
    entries = document.get("entries") if isinstance(document, dict) else None
    return isinstance(entries, list) and bool(entries) and all(isinstance(e, dict) and "role" in e for e in entries)


@register_document("ccai_insights.v1", detect=_is_ccai, speakers_are_roles=True)
def parse_ccai(document: dict[str, Any], source: str) -> Iterator[SourceRecord]:
    """Google CCAI Insights conversation (entries with role, text, start_timestamp_usec)."""
    entries = document["entries"]
    first = min((e["start_timestamp_usec"] for e in entries if "start_timestamp_usec" in e), default=None)
    turns = []
    for entry in entries:
        turn: dict[str, Any] = {"speaker": ROLES.get(str(entry["role"]).upper(), str(entry["role"])), "text": entry.get("text", "")}
        if first is not None and "start_timestamp_usec" in entry:
            at = (entry["start_timestamp_usec"] - first) // 1000
            turn |= {"start_ms": at, "end_ms": at}
        turns.append(turn)
    payload: dict[str, Any] = {
        "interaction_id": document.get("name", "").rsplit("/", 1)[-1] or source.rsplit("/", 1)[-1].split(".")[0],
        "turns": turns,
        "metadata": {"format": "ccai_insights"},
    }
    if document.get("languageCode"):
        payload["language"] = str(document["languageCode"]).split("-")[0].lower()
    yield SourceRecord(source, "document", str(document)[:300], payload=payload)
