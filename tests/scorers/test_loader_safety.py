"""Standards are data written by people, and loading one is safe whatever it holds: no code runs, no
input makes the loader hang or blow up, and every refusal names the file and the line.

Hand-made hostile standards (alias bombs, self-reference, deep nesting, Python tags, control
characters, oversize files, unbounded matching) and hypothesis-made ones (arbitrary text, and the
shipped standard with lines cut, repeated, or salted with odd characters).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorers.loader import (
    MAX_STANDARD_BYTES,
    MAX_STANDARD_VALUES,
    StandardError,
    parse_standard,
)
from scorers.standard import Standard

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = (ROOT / "standards" / "eu_core.v2.yaml").read_text(encoding="utf-8")
EXAMPLES = int(os.environ.get("TOUCHSTONE_FUZZ_EXAMPLES", "60"))
BOMB = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}' if i else 'x'] * 9)}]\n" for i in range(8)) + "criteria: *l7\n"


def _refusal(text: str) -> list[str]:
    with pytest.raises(StandardError) as caught:
        parse_standard(text, "s.yaml")
    return caught.value.problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BOMB, f"s.yaml:6: expands to more than {MAX_STANDARD_VALUES:,} values"),
        ("&a {id: x, criteria: *a}\n", "s.yaml:1: an alias refers to a node that contains it"),
        ("id: x\ncriteria: " + "[" * 40 + "]" * 40 + "\n", "s.yaml:2: nested more than 32 levels deep"),
        ("id: " + "[" * 20_000 + "]" * 20_000 + "\n", "s.yaml:1: not valid YAML: nested too deeply to read"),
        ("id: x\nversion: '1'\x00\n", "s.yaml:2: not valid YAML: unacceptable character #x0000"),
        ("id: !!python/object/apply:os.system ['touch /tmp/touchstone-pwned']\n", "s.yaml:1: id: Input should be a valid string"),
        ("!!python/object/new:os.system [echo]\n", "s.yaml:1: a standard is a YAML mapping"),
        ("id: x\n" + "#" * MAX_STANDARD_BYTES, f"s.yaml:1: the file is larger than {MAX_STANDARD_BYTES:,} bytes"),
    ],
    ids=["alias-bomb", "self-reference", "deep", "deeper-than-the-parser", "nul", "python-tag", "python-tag-top", "oversize"],
)
def test_hostile_standards_are_refused_with_file_and_line(text: str, expected: str) -> None:
    problems = _refusal(text)
    assert any(p.startswith(expected) for p in problems), problems
    assert not Path("/tmp/touchstone-pwned").exists()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("{IS_PUNCT: false, OP: \"{0,4}\"}", "{OP: \"*\"}", "token pattern de[0][1]: OP '*' repeats without a bound"),
        ("{IS_PUNCT: false, OP: \"{0,4}\"}", "{IS_PUNCT: false, OP: \"+\"}", "token pattern de[0][1]: OP '+' repeats without a bound"),
        ("{IS_PUNCT: false, OP: \"{0,4}\"}", "{IS_PUNCT: false, OP: \"{2,}\"}", "token pattern de[0][1]: OP '{2,}' repeats without a bound"),
        ("{IS_PUNCT: false, OP: \"{0,4}\"}", "{IS_PUNCT: false, OP: \"{0,50}\"}", "token pattern de[0][1]: OP '{0,50}' repeats more than 10 times"),
        ("[{NORM: coûter}, {LIKE_NUM: true}]", "[{NORM: coûter}, {TEXT: {REGEX: \"^(a+)+$\"}}]", "token pattern fr[0][1]: REGEX is not allowed"),
        ("[{NORM: coûter}, {LIKE_NUM: true}]", "[{NORM: coûter}, {REGEX: \".*\"}]", "token pattern fr[0][1]: REGEX is not allowed"),
    ],
)
def test_patterns_that_could_match_without_bound_are_refused(old: str, new: str, expected: str) -> None:
    assert old in SHIPPED
    problems = _refusal(SHIPPED.replace(old, new, 1))
    before = SHIPPED[: SHIPPED.index(old)]
    line = before[: before.rindex("patterns:")].count("\n") + 1  # the line of the `patterns:` key
    assert any(re.match(rf"s\.yaml:{line}: \S+\.patterns: {re.escape(expected)}", p) for p in problems), problems


def test_bounded_repeats_and_fuzzy_matching_stay_allowed() -> None:
    text = SHIPPED.replace("{IS_PUNCT: false, OP: \"{0,4}\"}", "{IS_PUNCT: false, OP: \"{0,10}\"}").replace("{NORM: coûter}", "{LOWER: {FUZZY: coûte}}")
    assert isinstance(parse_standard(text, "s.yaml"), Standard)


def _loads_or_is_refused_with_a_line(text: str) -> None:
    try:
        parse_standard(text, "s.yaml")
    except StandardError as refused:
        assert refused.problems and all(re.match(r"s\.yaml:\d+: \S", p) for p in refused.problems), refused.problems


FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
ODD = st.sampled_from(["\u200b", "\u202e", "e\u0301", "👩\u200d👧", "\t", "\x00", "\x1b", "&a", "*a", "<<: *a", "!!python/name:os.system", "{", "[", ": ", "- ", "'", '"', "\\", "%", "@", "`", "|", ">"])


@FUZZ
@given(st.text(max_size=300))
def test_any_text_loads_or_is_refused_with_a_line(text: str) -> None:
    _loads_or_is_refused_with_a_line(text)


@FUZZ
@given(st.data())
def test_an_edited_shipped_standard_loads_or_is_refused_with_a_line(data: st.DataObject) -> None:
    lines = SHIPPED.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["cut", "repeat", "salt", "swap"]))
        if action == "cut":
            del lines[at]
        elif action == "repeat":
            lines.insert(at, lines[at] * data.draw(st.integers(1, 3)))
        elif action == "salt":
            column = data.draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:column] + data.draw(st.one_of(ODD, st.text(max_size=6))) + lines[at][column:]
        else:
            other = data.draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
    _loads_or_is_refused_with_a_line("".join(lines))
