"""How well the sensitive-data detectors agree with a reviewer on real utterances.

The DSTC11 banking, finance and insurance utterances (../shared/data/dialogues/dstc11: real callers,
numbers spoken as speech-to-text writes them) were labelled by a reviewer who read them without
running the detectors (`tests/fixtures/dstc11/sensitive_labels.jsonl`: every value said, its kind,
and whether a card or phone number is complete). A detection is a true positive when it overlaps a
labelled value of its kind; recall counts complete values only (a card's last four digits are no
card number to detect). `scripts/sensitive_agreement.py` prints the table; the tests hold it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from scorers.sensitive import find_sensitive, likely_countries

KINDS = ("payment_card", "iban", "vat", "national_id", "phone", "email")


@dataclass
class Agreement:
    found: int = 0  # detections overlapping a labelled value of their kind
    extra: int = 0  # detections with no such value: false positives
    missed: list[str] = field(default_factory=list)  # labelled complete values not detected: "id: said"
    wrong: list[str] = field(default_factory=list)  # the false positives: "id: text"

    @property
    def precision(self) -> float | None:
        return self.found / (self.found + self.extra) if self.found + self.extra else None

    @property
    def recall(self) -> float | None:
        return self.found / (self.found + len(self.missed)) if self.found + len(self.missed) else None


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def agreement(utterances: Iterable[dict[str, Any]], labels: Iterable[dict[str, Any]], language: str = "en", countries: Literal["likely", "all"] = "likely") -> dict[str, Agreement]:
    """Per kind, the detectors against the labels; `countries` as a criterion's (`likely`, `all`)."""
    labelled = {row["utterance_id"]: row["values"] for row in labels}
    scope = None if countries == "all" else likely_countries(language)
    result = {kind: Agreement() for kind in KINDS}
    for row in utterances:
        text, uid = row["utterance"], row["utterance_id"]
        values = [(v["kind"], text.find(v["said"]), text.find(v["said"]) + len(v["said"]), v.get("complete", True), v["said"]) for v in labelled.get(uid, [])]
        hits = find_sensitive(text, language, countries=scope, elsewhere=scope is not None)
        for kind in KINDS:
            for k, start, end, complete, said in values:
                if k == kind and complete:
                    if any(h.kind == kind and h.start < end and h.end > start for h in hits):
                        result[kind].found += 1
                    else:
                        result[kind].missed.append(f"{uid}: {said}")
            for h in hits:
                if h.kind == kind and not any(k == kind and h.start < end and h.end > start for k, start, end, *_ in values):
                    result[kind].extra += 1
                    result[kind].wrong.append(f"{uid}: {text[h.start : h.end]}")
    return result


def table(result: dict[str, Agreement]) -> str:
    def pct(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    lines = [f"{'kind':<14}{'found':>6}{'missed':>7}{'extra':>6}{'precision':>10}{'recall':>8}"]
    lines += [f"{kind:<14}{a.found:>6}{len(a.missed):>7}{a.extra:>6}{pct(a.precision):>10}{pct(a.recall):>8}" for kind, a in result.items()]
    return "\n".join(lines)
