"""A day full of sensitive values, and a search for any of them in clear in what a run wrote.

Shared by the command-line run (tests/touchstone/test_sensitive_outputs.py) and the Airflow run
(tests/dags), so both are held to the same values."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

from scorers.sensitive import find_sensitive
from touchstone.sample_data import generate_day

CARD, SPOKEN_CARD = "4539 1488 0343 6467", "four five three nine one four eight eight zero three four three six four six seven"
GERMAN_CARD = "vier fünf drei neun eins vier acht acht null drei vier drei sechs vier sechs sieben"
QUARANTINED = 3  # the broken line, the interaction the input suite rejects, the card in the wrong field
# Read back by an agent of each language, so they reach evidence, excerpts and the report: ids, VAT
# numbers, IBANs and phone numbers of several countries, written and said ("double", groups, fillers).
READ_BACK = {
    "en": "So that is VAT number DE136695976, NHS number 943 476 5870, PPS number 6433435F, phone plus four four "
          "two oh, seven nine four six, oh nine five eight, and card four five three nine, one four double eight, "
          "oh three four three, six four uh six seven?",
    "de": "Also Steuer-ID 36 574 261 809, IBAN D E acht neun drei sieben null vier null null vier vier null fünf drei "
          "zwei null eins drei null null null, und Ihre Handynummer null eins sieben eins, zwei drei vier, fünf sechs sieben acht?",
    "sv": "Så ditt personnummer är åtta åtta noll tre två noll, noll noll ett sex, och ring dig på noll sju noll, "
          "ett två tre, fyrtiofem, sextiosju?",
    "fr": "Donc votre numéro de sécu est le 2 95 10 99 126 111 93, votre portable zéro six, douze, trente-quatre, "
          "cinquante-six, soixante-dix-huit, et la TVA FR 40 303 265 045 ?",
}  # fmt: skip
# Each value in READ_BACK, as said: looked for in every output whether or not a detector finds it
# (a value the detectors miss must still be caught here).
PLANTED = (
    "DE136695976", "943 476 5870", "6433435F", "plus four four two oh, seven nine four six, oh nine five eight",
    "four five three nine, one four double eight, oh three four three, six four uh six seven",
    "36 574 261 809", "acht neun drei sieben null vier null null vier vier null fünf drei zwei null eins drei null null null",
    "null eins sieben eins, zwei drei vier, fünf sechs sieben acht", "åtta åtta noll tre två noll, noll noll ett sex",
    "noll sju noll, ett två tre, fyrtiofem, sextiosju", "2 95 10 99 126 111 93",
    "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit", "FR 40 303 265 045",
)  # fmt: skip


def _flat(text: str) -> str:
    """Letters and digits only, lower-cased: "4539-1488 ..." and "4539 1488 ..." read the same."""
    return re.sub(r"[\W_]", "", text).lower()


def _found_in(landing: Path) -> set[str]:
    values = set()
    for path in landing.rglob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
                texts = [(t["text"], record["language"]) for t in record.get("turns", [])]
            except (json.JSONDecodeError, KeyError, TypeError):
                texts = [(line, "en")]
            for said, language in texts:
                values |= {said[f.start : f.end] for f in find_sensitive(said, language)}
    return values


def write_sensitive_day(landing: Path, day: date, interactions: int = 150) -> set[str]:
    """A generated day plus three records that are quarantined while carrying card numbers; returns
    every sensitive value (of 8 or more letters and digits) the landing files hold."""
    generate_day(landing, day, interactions=interactions, seed=31)
    folder = landing / day.isoformat()
    generated = [json.loads(line) for line in (folder / "chat.jsonl").read_text(encoding="utf-8").splitlines()]
    read_back = []
    for language, said in READ_BACK.items():
        template = next(r for r in generated if r["language"] == language)
        turns = [{"speaker": "customer", "text": "Can you read my details back?"}, {"speaker": "agent", "text": said}]
        read_back.append({**template, "interaction_id": f"x-read-back-{language}", "turns": turns})
    (folder / "read_back.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in read_back), encoding="utf-8")
    (folder / "broken.jsonl").write_text(f'{{"interaction_id": "x-1", "turns": [{{"speaker": "customer", "text": "my card is {CARD}, {GERMAN_CARD}"\n')
    unserved = {"interaction_id": "x-2", "channel": "chat", "language": "en", "agent": {"id": "a-1", "type": "human"},
                "turns": [{"speaker": "customer", "text": f"It is {SPOKEN_CARD}, mail anna.berg@example.com"}]}  # fmt: skip
    wrong_field = {**unserved, "interaction_id": "x-3", "language": CARD, "channel": int(CARD.replace(" ", ""))}
    (folder / "rejected.jsonl").write_text(json.dumps(unserved) + "\n" + json.dumps(wrong_field) + "\n")
    values = {v for v in _found_in(landing) if len(_flat(v)) >= 8}
    values |= {GERMAN_CARD, *PLANTED}  # GERMAN_CARD is in a broken record: its language is not known
    assert all(v in " ".join(READ_BACK.values()) for v in PLANTED)
    assert len(values) > interactions // 10 and {CARD, SPOKEN_CARD} <= values
    kinds = {f.kind for language, said in READ_BACK.items() for f in find_sensitive(said, language)}
    assert kinds == {"vat", "national_id", "phone", "payment_card", "iban"}, kinds
    return values


def leaks(data: Path, values: set[str], **texts: str) -> list[tuple[str, str]]:
    """Each (where, value) found in clear: in every file under `data` except the landing files, and
    in the named texts (command output, logs)."""
    outputs = [p for p in data.rglob("*") if p.is_file() and "landing" not in p.relative_to(data).parts]
    assert any(p.suffix == ".html" for p in outputs) and any(p.suffix == ".parquet" for p in outputs)
    for path in outputs:
        texts[str(path.relative_to(data))] = pq.read_table(path).to_pandas().to_csv() if path.suffix == ".parquet" else path.read_text(errors="replace")
    flat = {name: _flat(text) for name, text in texts.items()}
    return [(name, value) for name, text in flat.items() for value in values if _flat(value) in text]
