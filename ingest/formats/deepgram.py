"""Deepgram pre-recorded responses with diarization (paragraphs or words carry a speaker number).

Speaker numbers are labels ("0", "1"); which is the agent is configuration (`speakers.deepgram`).
Without diarization, each channel is a speaker (`ch_0`, `ch_1`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ingest.formats import register_document, turn_offsets_ms, words_to_turns
from ingest.records import SourceRecord


def _is_deepgram(document: Any) -> bool:
    return isinstance(document, dict) and isinstance(document.get("results"), dict) and "channels" in document["results"] and "request_id" in document.get("metadata", {})


def deepgram_turns(response: dict[str, Any]) -> list[dict[str, Any]]:
    """Turns of a Deepgram response: paragraphs when present, else words, grouped by speaker."""
    turns: list[dict[str, Any]] = []
    for index, channel in enumerate(response["results"]["channels"]):
        best = channel["alternatives"][0]
        paragraphs = (best.get("paragraphs") or {}).get("paragraphs")
        if paragraphs and all("speaker" in p for p in paragraphs):
            turns += [
                {"speaker": str(p["speaker"]), "text": " ".join(s["text"] for s in p["sentences"]), "start_ms": turn_offsets_ms(p["start"]), "end_ms": turn_offsets_ms(p["end"])}
                for p in paragraphs
            ]
        else:
            words = [
                (str(w["speaker"]) if "speaker" in w else f"ch_{index}", turn_offsets_ms(w["start"]), turn_offsets_ms(w["end"]), w.get("punctuated_word", w["word"]), False)
                for w in best.get("words", [])
            ]
            turns += words_to_turns(words)
    return sorted(turns, key=lambda t: t["start_ms"])


@register_document("deepgram.v1", detect=_is_deepgram)
def parse_deepgram(document: dict[str, Any], source: str) -> Iterator[SourceRecord]:
    """Deepgram pre-recorded transcription response (diarized or multichannel)."""
    payload = {
        "interaction_id": document["metadata"]["request_id"],
        "channel": "voice",
        "turns": deepgram_turns(document),
        "metadata": {"format": "deepgram"},
    }
    yield SourceRecord(source, "document", str(document)[:300], payload=payload)
