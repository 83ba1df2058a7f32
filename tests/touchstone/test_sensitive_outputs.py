"""Sensitive values in the transcripts never reach an output in clear: Parquet tables, checks,
reports, the command's own output. Grepped over a run of a day full of them, quarantined records
included (a broken line and an interaction the input suite rejects, each carrying a card number,
written and spoken)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
from click.testing import CliRunner

from scorers.sensitive import find_sensitive
from touchstone.cli import cli
from touchstone.sample_data import generate_day

DAY = date(2026, 11, 22)
CARD, SPOKEN_CARD = "4539 1488 0343 6467", "four five three nine one four eight eight zero three four three six four six seven"
GERMAN_CARD = "vier fünf drei neun eins vier acht acht null drei vier drei sechs vier sechs sieben"


def _flat(text: str) -> str:
    """Letters and digits only, lower-cased: "4539-1488 ..." and "4539 1488 ..." read the same."""
    return re.sub(r"[\W_]", "", text).lower()


def _sensitive_values(landing: Path) -> set[str]:
    values = set()
    for path in landing.rglob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line
            try:
                record = json.loads(line)
                texts = [(t["text"], record["language"]) for t in record.get("turns", [])]
            except (json.JSONDecodeError, KeyError, TypeError):
                texts = [(text, "en")]
            for said, language in texts:
                values |= {said[f.start : f.end] for f in find_sensitive(said, language)}
    return values


def test_no_output_holds_a_sensitive_value_in_clear(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate_day(data / "landing", DAY, interactions=150, seed=31)
    folder = data / "landing" / DAY.isoformat()
    (folder / "broken.jsonl").write_text(f'{{"interaction_id": "x-1", "turns": [{{"speaker": "customer", "text": "my card is {CARD}, {GERMAN_CARD}"\n')
    unserved = {"interaction_id": "x-2", "channel": "chat", "language": "en", "agent": {"id": "a-1", "type": "human"},
                "turns": [{"speaker": "customer", "text": f"It is {SPOKEN_CARD}, mail anna.berg@example.com"}]}  # fmt: skip
    (folder / "rejected.jsonl").write_text(json.dumps(unserved) + "\n")
    values = {v for v in _sensitive_values(data / "landing") if len(_flat(v)) >= 8}
    values.add(GERMAN_CARD)  # in a broken record: its language is not known
    assert len(values) > 30 and {CARD, SPOKEN_CARD} <= values

    result = CliRunner().invoke(cli, ["run", "--date", DAY.isoformat(), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "quarantined 2" in result.output

    outputs = [p for p in data.rglob("*") if p.is_file() and "landing" not in p.relative_to(data).parts]
    assert any(p.suffix == ".html" for p in outputs) and any(p.suffix == ".parquet" for p in outputs)
    texts = {"command output": result.output}
    for path in outputs:
        texts[str(path.relative_to(data))] = pq.read_table(path).to_pandas().to_csv() if path.suffix == ".parquet" else path.read_text(errors="replace")
    leaks = [(name, value) for name, text in texts.items() for value in values if _flat(value) in _flat(text)]
    assert not leaks, leaks[:5]
