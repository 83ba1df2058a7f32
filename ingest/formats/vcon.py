"""vCon (IETF conversation container): the transcript from its analysis section.

A Deepgram transcript analysis is read as Deepgram (speakers "0", "1"); a transcript given as a list
of `{parties, start, duration, text}` entries (as redacted transcripts are) is read per party, and a
party with a `role` needs no mapping. A vCon with only a recording has no text to score: it is
quarantined with that reason, to be transcribed first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ingest.formats import register_document, turn_offsets_ms
from ingest.formats.deepgram import deepgram_turns
from ingest.records import SourceRecord

ROLE_WORDS = {"agent": "agent", "customer": "customer", "bot": "bot", "system": "system"}


def _is_vcon(document: Any) -> bool:
    return isinstance(document, dict) and "parties" in document and "dialog" in document


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@register_document("vcon.v1", detect=_is_vcon)
def parse_vcon(document: dict[str, Any], source: str) -> Iterator[SourceRecord]:
    """vCon container with a transcript analysis (Deepgram, or per-party entries)."""
    raw = json.dumps(document)[:300]
    transcripts = [a for a in document.get("analysis", []) if str(a.get("type", "")).startswith("transcript")]
    if not transcripts:
        yield SourceRecord(source, "document", raw, error="vCon has no transcript analysis (only a recording): transcribe it before scoring")
        return
    analysis = transcripts[0]
    body = analysis.get("body")
    if isinstance(body, str) and analysis.get("encoding") == "json":
        body = json.loads(body)
    dialog_start = next((_time(d["start"]) for d in document["dialog"] if d.get("start")), None)
    if isinstance(body, dict) and "results" in body:
        turns = deepgram_turns(body)
    elif isinstance(body, list):
        parties = document["parties"]
        turns = []
        for entry in body:
            party = entry["parties"] if isinstance(entry["parties"], int) else entry["parties"][0]
            role = ROLE_WORDS.get(str(parties[party].get("role", "")).lower()) if party < len(parties) else None
            start = turn_offsets_ms((_time(entry["start"]) - dialog_start).total_seconds()) if dialog_start and entry.get("start") else None
            turn: dict[str, Any] = {"speaker": role or str(party), "text": entry["text"]}
            if start is not None:
                turn |= {"start_ms": start, "end_ms": start + (turn_offsets_ms(entry.get("duration")) or 0)}
            turns.append(turn)
    else:
        yield SourceRecord(source, "analysis[0]", raw, error=f"vCon transcript analysis of vendor {analysis.get('vendor')!r} is in a shape not supported")
        return
    payload: dict[str, Any] = {
        "interaction_id": document.get("uuid") or source.rsplit("/", 1)[-1].split(".")[0],
        "channel": "voice" if any(d.get("type") == "recording" for d in document["dialog"]) else "chat",
        "turns": turns,
        "metadata": {"format": "vcon", "vendor": analysis.get("vendor"), "redacted": "redacted" in document},
    }
    if dialog_start is not None:
        payload["started_at"] = dialog_start.isoformat()
    yield SourceRecord(source, "document", raw, payload=payload)
