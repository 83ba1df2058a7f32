"""Amazon Transcribe batch output: channel identification, speaker diarization, or neither.

Words come with start and end times; consecutive words of one channel (`ch_0`) or speaker (`spk_0`)
become a turn. Which label is the agent is configuration (`speakers.transcribe`). A transcript with
neither channels nor speakers is one speaker, `spk_0`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ingest.formats import language_code, register_document, turn_offsets_ms, words_to_turns
from ingest.records import SourceRecord


def _is_transcribe(document: Any) -> bool:
    return isinstance(document, dict) and isinstance(document.get("results"), dict) and "items" in document["results"] and "jobName" in document


def _words(items: list[dict[str, Any]], label_of: Any) -> list[tuple[str, int | None, int | None, str, bool]]:
    words = []
    for item in items:
        text = item["alternatives"][0]["content"]
        start, end = turn_offsets_ms(item.get("start_time")), turn_offsets_ms(item.get("end_time"))
        words.append((label_of(item), start, end, text, item.get("type") == "punctuation"))
    return words


@register_document("transcribe.v1", detect=_is_transcribe)
def parse_transcribe(document: dict[str, Any], source: str) -> Iterator[SourceRecord]:
    """Amazon Transcribe job output, with channel identification or speaker labels."""
    results = document["results"]
    if "channel_labels" in results:
        keyed = []
        for number, channel in enumerate(results["channel_labels"]["channels"]):
            label, clock = channel["channel_label"], 0
            for index, word in enumerate(_words(channel["items"], lambda _, label=label: label)):
                clock = word[1] if word[1] is not None else clock  # punctuation: right after its word
                keyed.append(((clock, number, index), word))
        ordered = [word for _, word in sorted(keyed)]
    elif "speaker_labels" in results:
        by_start = {seg_item["start_time"]: seg_item["speaker_label"] for seg in results["speaker_labels"]["segments"] for seg_item in seg["items"]}
        current = {"label": "spk_0"}

        def speaker(item: dict[str, Any]) -> str:
            current["label"] = by_start.get(item.get("start_time"), current["label"])
            return current["label"]

        ordered = _words(results["items"], speaker)
    else:
        ordered = _words(results["items"], lambda _: "spk_0")
    payload = {
        "interaction_id": document["jobName"],
        "channel": "voice",
        "language": language_code(results.get("language_code") or document.get("languageCode")),
        "turns": words_to_turns(ordered),
        "metadata": {"format": "transcribe", "redacted": bool(document.get("isRedacted"))},
    }
    yield SourceRecord(source, "document", str(document)[:300], payload=payload)
