"""Compiled patterns kept between runs: read back, they are the patterns `re.compile` makes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import spacy

from scorers import regex_cache

ROOT = Path(__file__).resolve().parents[2]
PATTERN = r"(?P<card>\d{4}(?:[ -]?\d{4}){3})|(?<![^\W\d_])(?:four|for|fore)(?![^\W\d_])|[àéü]+"
TEXTS = ["4539 1488 0343 6467 and FOUR for fore", "café über", "", "x" * 50 + "4539-1488-0343-6467"]


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TOUCHSTONE_CACHE_DIR", str(tmp_path))
    return tmp_path


def _same(found: re.Pattern[str], expected: re.Pattern[str]) -> None:
    assert (found.pattern, found.flags, found.groups, found.groupindex) == (expected.pattern, expected.flags, expected.groups, expected.groupindex)
    for text in TEXTS:
        assert [m.span() for m in found.finditer(text)] == [m.span() for m in expected.finditer(text)]
        assert [m.groupdict() for m in found.finditer(text)] == [m.groupdict() for m in expected.finditer(text)]


@pytest.mark.parametrize("flags", [0, re.IGNORECASE, re.IGNORECASE | re.MULTILINE])
def test_a_pattern_is_kept_and_read_back(flags: int, monkeypatch: pytest.MonkeyPatch) -> None:
    first = regex_cache.compile(PATTERN, flags)
    assert len(list(regex_cache.cache_dir().glob("*.marshal"))) == 1
    monkeypatch.setattr(regex_cache, "_program", lambda *_: pytest.fail("compiled again"))
    again = regex_cache.compile(PATTERN, flags)
    assert again is not first
    for found in (first, again):
        _same(found, re.compile(PATTERN, flags))


def test_a_damaged_file_is_compiled_again() -> None:
    regex_cache.compile(PATTERN)
    (kept,) = regex_cache.cache_dir().glob("*.marshal")
    for damage in (b"", b"not marshal", kept.read_bytes()[:100]):
        kept.write_bytes(damage)
        _same(regex_cache.compile(PATTERN), re.compile(PATTERN))
        assert regex_cache._read(PATTERN, 0) is not None  # written again, whole


def test_another_interpreter_build_keeps_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    regex_cache.compile(PATTERN)
    monkeypatch.setattr(regex_cache, "_INTERPRETER", "another-python")
    assert regex_cache._read(PATTERN, 0) is None
    regex_cache.compile(PATTERN)
    assert len(list(regex_cache.cache_dir().parent.glob("*/*.marshal"))) == 2


def test_patterns_a_library_compiles_are_put_back_into_re() -> None:
    library = re.compile(PATTERN)  # as spaCy does at import: no flags
    flagged = re.compile(PATTERN + "|x", re.IGNORECASE)  # flags of its own: re would not look it up under none
    regex_cache.record("a library", [library, flagged], smallest=10)
    assert regex_cache.seed("nothing recorded") == 0
    re.purge()
    assert regex_cache.seed("a library") == 1
    seeded = re.compile(PATTERN)
    assert seeded is re.compile(PATTERN) and seeded is not library
    _same(seeded, library)
    re.purge()


def test_small_patterns_are_not_kept() -> None:
    regex_cache.record("small", [re.compile("a|b")])
    assert not list(regex_cache.cache_dir().glob("*"))


def test_spacy_french_tokenizer_from_the_cache(cache: Path) -> None:
    """A fresh process twice: the second gets spaCy's French patterns from the cache (not
    compiled: 3.5 s) and tokenises as the first did, and as spaCy does without the cache."""
    text = "Aujourd'hui, l'arc-en-ciel est apparu près de Saint-Étienne : c'est-à-dire vers 16h30 (le yo-yo, lui, était à www.exemple.fr)."
    script = (
        "import json, sys, spacy; from scorers import regex_cache; from scorers.nlp import pipeline;"
        f"seeded = regex_cache.seed('spacy-' + spacy.about.__version__ + '-fr');"
        f"print(json.dumps([seeded, [t.text for t in pipeline('fr')({text!r})]]))"
    )
    runs = [json.loads(subprocess.run([sys.executable, "-c", script], cwd=ROOT, env={**os.environ, "TOUCHSTONE_CACHE_DIR": str(cache)}, capture_output=True, text=True, check=True).stdout) for _ in range(2)]
    assert runs[0][0] == 0 and runs[1][0] >= 1  # the French exceptions pattern at least
    assert runs[0][1] == runs[1][1] == [t.text for t in spacy.blank("fr").tokenizer(text)]
    assert "arc-en-ciel" in runs[1][1]  # kept whole by the exceptions pattern
