"""Turns built to make regular expressions backtrack never hang the scoring, in any language.

Each case is text a naive pattern spends quadratic or exponential time on (long runs of characters an
e-mail, phone or number pattern accepts, with the one character that would complete it missing or at
the very end). Before the e-mail patterns were bounded, one 200,000-character turn of "+1+1..." took
16 s, growing with the square of its length; now every case takes at most ~2.4 s at 200,000
characters, and redacting one 60,000-character case for every language and country at most ~1.5 s
per language ("vat starts", "iban starts": a check at the end of every group). The bound here only
catches a hang, it is not a speed goal.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from scorers.engine import CompiledStandard
from scorers.loader import load_standard
from scorers.sensitive import redact_any_language
from tests.builders import interaction

ROOT = Path(__file__).resolve().parents[2]
N = 60_000
HOSTILE = {
    "word run": "a" * N,
    "digit run": "1" * N,
    "spaced digits": "1 " * (N // 2),
    "signed digits": "+1" * (N // 2),
    "dashed digits": "1-" * (N // 2),
    "dotted letters": "a." * (N // 2),
    "dotted words": "a.b" * (N // 3),
    "at signs": "a@" * (N // 2),
    "addresses without end": "a@a." * (N // 4),
    "spoken dots then at": "x dot " * (N // 6) + "at y",
    "spoken ats": "x at " * (N // 5),
    "iban starts": "DE89 " * (N // 5),
    "parenthesised": "(123) " * (N // 6),
    "comma numbers": "12, " * (N // 4),
    "one then spaces": "1" + " " * N + "x",
    "emoji": "👩\u200d👩\u200d👧" * (N // 8),
    "combining": "e\u0301" * (N // 2),
    "number words": "double " * (N // 7),
    "homophones after a digit": "five " + "to " * (N // 3),
    "number groups": "soixante-dix " * (N // 13),
    "fillers between digits": "four uh " * (N // 8),
    "vat starts": "DE136695976 " * (N // 12),
    "plus words": "plus " * (N // 5),
    "spelled letters": "D E " * (N // 4),
    "an address at the end": "a" * (N - 20) + " ann@example.com",
}


def _failed_criteria(languages: list[str]) -> dict[str, list[str]]:
    standard = CompiledStandard(load_standard(ROOT / "standards" / "eu_core.v2.yaml"))
    *said, last = HOSTILE.values()  # the customer says the hostile text; the agent reads an address back
    turns = [("agent", "Hello, my name is Sam."), *(("customer", text) for text in said), ("agent", last)]
    for text in said:  # and every detector of every country, as quarantine excerpts are redacted
        redact_any_language(text)
    failed = {}
    for language in languages:
        scored = standard.score(interaction(turns, language=language))
        failed[language] = [r.criterion.id for r in scored.results if r.verdict.outcome.value == "fail"]
    return failed


def test_hostile_turns_score_without_hanging() -> None:
    languages = ["en", "de", "sv", "fr"]
    with multiprocessing.get_context("fork").Pool(1) as pool:
        failed = pool.apply_async(_failed_criteria, (languages,)).get(timeout=300)  # TimeoutError on a hang
    for language in languages:
        assert "no_personal_data_read_back" in failed[language], language  # the address at the end is still found
