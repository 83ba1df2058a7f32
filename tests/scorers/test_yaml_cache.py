"""What loading standards keeps between runs (`scorers.yaml_cache`, `scorers.passed_checks`): read
back, a standard is the one parsing and checking make, lines and all; a broken standard is refused
with the same message however often it was read; a kept file that is damaged or names anything but
a YAML tree is not used."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from scorers import loader, passed_checks, yaml_cache
from scorers.loader import StandardError, load_standard, read_mapping

ROOT = Path(__file__).resolve().parents[2]
STANDARDS = sorted((ROOT / "standards").glob("*.yaml"))


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TOUCHSTONE_CACHE_DIR", str(tmp_path / "cache"))
    loader._parsed.cache_clear()  # this process's own memo, so each load below reads the file
    return tmp_path / "cache"


def _fresh(path: Path) -> object:
    loader._parsed.cache_clear()
    return load_standard(path)


@pytest.mark.parametrize("path", STANDARDS, ids=lambda p: p.name)
def test_a_standard_read_back_is_the_one_parsed(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = _fresh(path)
    assert len(list((yaml_cache.cache_root() / "yaml").glob("*.pickle"))) == 1
    monkeypatch.setattr(loader.YAML, "load", lambda *_: pytest.fail("parsed again"))
    again = _fresh(path)
    assert again == parsed and again.lines == parsed.lines and again.model_dump_json() == parsed.model_dump_json()


def test_a_tree_read_back_keeps_lines_comments_and_aliases() -> None:
    text = "# top\nid: a  # the id\nshared: &s [1, 2]\nagain: *s\nwhen: 2026-01-01\ntext: >\n  folded\n"
    parsed = read_mapping(text, "t.yaml")
    kept = yaml_cache.kept(text)
    assert kept == parsed and kept is not parsed and type(kept) is type(parsed)
    assert [kept.lc.key(k) for k in kept] == [parsed.lc.key(k) for k in parsed]
    assert kept["again"] is kept["shared"] and type(kept["text"]) is type(parsed["text"]) and kept.ca.items == parsed.ca.items


def test_a_broken_standard_is_refused_alike_every_time(tmp_path: Path) -> None:
    text = (ROOT / "standards" / "eu_core.v2.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("criteria:", "criteria:\n  - kind: no_such_kind\n    id: x\n", 1), encoding="utf-8")
    messages = []
    for _ in range(2):
        with pytest.raises(StandardError) as refused:
            _fresh(broken)
        messages.append(refused.value.problems)
    assert messages[0] == messages[1] and "unknown criterion kind 'no_such_kind'" in messages[0][0]


def test_a_token_pattern_spacy_refuses_is_checked_every_time() -> None:
    good = [[{"NORM": "hello"}]]
    bad = [[{"NORM": {"NOT_AN_OPERATOR": ["x"]}}]]
    assert not passed_checks.passed_before("spacy.Matcher", ["en", good], "spacy")
    from scorers.standard import Words

    Words(patterns={"en": good})
    assert passed_checks.passed_before("spacy.Matcher", ["en", good], "spacy")
    for _ in range(2):
        with pytest.raises(ValueError, match="invalid token pattern for 'en'"):
            Words(patterns={"en": bad})
    assert not passed_checks.passed_before("spacy.Matcher", ["en", bad], "spacy")


def test_a_damaged_or_foreign_file_is_not_used() -> None:
    text = "id: a\nversion: '1'\n"
    parsed = read_mapping(text, "t.yaml")
    (kept,) = (yaml_cache.cache_root() / "yaml").glob("*.pickle")
    for damage in (b"", b"not a pickle", kept.read_bytes()[:50], pickle.dumps(os.system), pickle.dumps(print)):
        kept.write_bytes(damage)
        assert yaml_cache.kept(text) is None
        assert read_mapping(text, "t.yaml") == parsed  # parsed again, and kept whole again
        assert yaml_cache.kept(text) == parsed


def test_validating_the_standards_needs_neither_spacy_nor_pyarrow(cache: Path) -> None:
    """`touchstone standards validate` in a fresh process, once the cache holds what a first run kept."""
    env = {**os.environ, "TOUCHSTONE_CACHE_DIR": str(cache)}
    code = (
        "import sys; from click.testing import CliRunner; from touchstone.cli import cli; "
        "result = CliRunner().invoke(cli, ['standards', 'validate']); "
        "print(result.exit_code, sorted(m for m in ('spacy', 'pyarrow', 'pandas', 'numpy') if m in sys.modules))"
    )
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    assert first.stdout.split()[0] == "0" and "spacy" in first.stdout  # the first run checks the token patterns with spaCy
    assert again.stdout.strip() == "0 []", again.stdout + again.stderr[-2000:]
