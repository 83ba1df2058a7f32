"""Amazon Connect Contact Lens post-call output, voice and chat, raw and redacted.

Participants carry their role (AGENT, CUSTOMER, SYSTEM), so no speaker mapping is needed. Voice
turns have offsets in milliseconds; chat messages have absolute times, kept as offsets from the
first message. Chat events without content (joined, left) are not turns.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ingest.formats import language_code, register_document
from ingest.records import SourceRecord

ROLES = {"AGENT": "agent", "CUSTOMER": "customer", "SYSTEM": "system", "SUPERVISOR": "agent"}


def _is_contact_lens(document: Any) -> bool:
    return isinstance(document, dict) and "Transcript" in document and "Participants" in document


@register_document("contact_lens.v1", detect=_is_contact_lens, speakers_are_roles=True)
def parse_contact_lens(document: dict[str, Any], source: str) -> Iterator[SourceRecord]:
    """Amazon Connect Contact Lens analysis output (voice or chat)."""
    entries = [e for e in document.get("Transcript", []) if e.get("Content")]
    # Redacted chats keep the role on each entry but not on the participant.
    roles = {p["ParticipantId"]: p.get("ParticipantRole", p["ParticipantId"]) for p in document.get("Participants", [])}
    roles |= {e["ParticipantId"]: e["ParticipantRole"] for e in document.get("Transcript", []) if e.get("ParticipantRole")}
    names = {p["ParticipantId"]: p.get("DisplayName") for p in document.get("Participants", []) if p.get("DisplayName") not in (None, "[PII]")}
    voice = document.get("Channel", "VOICE").upper() == "VOICE"
    first = min((datetime.fromisoformat(e["AbsoluteTime"].replace("Z", "+00:00")) for e in entries if "AbsoluteTime" in e), default=None)
    turns = []
    for entry in sorted(entries, key=lambda e: e.get("BeginOffsetMillis", 0)) if voice else entries:
        turn: dict[str, Any] = {"speaker": ROLES.get(roles.get(entry["ParticipantId"], "").upper(), entry["ParticipantId"]), "text": entry["Content"]}
        if voice and "BeginOffsetMillis" in entry:
            turn |= {"start_ms": entry["BeginOffsetMillis"], "end_ms": entry.get("EndOffsetMillis")}
        elif first is not None and "AbsoluteTime" in entry:
            at = int((datetime.fromisoformat(entry["AbsoluteTime"].replace("Z", "+00:00")) - first).total_seconds() * 1000)
            turn |= {"start_ms": at, "end_ms": at}
        turns.append(turn)
    meta = document.get("CustomerMetadata") or {}
    customer = next((names[p] for p, r in roles.items() if r == "CUSTOMER" and names.get(p)), None)
    agent_name = next((names[p] for p, r in roles.items() if r == "AGENT" and names.get(p)), None)
    payload: dict[str, Any] = {
        "interaction_id": meta.get("ContactId") or source.rsplit("/", 1)[-1].split(".")[0],
        "channel": "voice" if voice else "chat",
        "language": language_code(document.get("LanguageCode")),
        "turns": turns,
        "metadata": {"format": "contact_lens", "redacted": any("Redaction" in e for e in entries)},
    }
    if first is not None:
        payload["started_at"] = first.isoformat()
    if customer:
        payload["customer"] = {"name": customer}
    if agent_name:
        payload["agent"] = {"name": agent_name}
    yield SourceRecord(source, "document", str(document)[:300], payload=payload)
