"""Examples inside standards, diffs between versions, and the JSON Schema for editors."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from scorers.diff import diff_standards
from scorers.examples import run_examples
from scorers.loader import load_standard, load_standards, parse_standard
from scorers.schema import standard_schema

ROOT = Path(__file__).resolve().parents[2]
STANDARDS = ROOT / "standards"


@pytest.mark.parametrize("path", sorted(STANDARDS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_in_the_shipped_standards_holds(path: Path) -> None:
    results = run_examples(load_standard(path))
    assert [r for r in results if not r.passed] == []


def test_v2_has_examples_for_every_criterion_and_outcome_kinds() -> None:
    standard = load_standard(STANDARDS / "eu_core.v2.yaml")
    assert all(len(c.examples) >= 2 for c in standard.criteria)
    assert {e.language for c in standard.criteria for e in c.examples} == {"en", "de", "sv", "fr"}


@pytest.mark.parametrize("name", ["sales.v1.yaml", "support.v1.yaml"])
def test_the_line_of_business_standards_have_examples_in_every_language(name: str) -> None:
    """Each criterion's examples are its tests: one in each of the four languages, and both a pass
    and a fail, so that a phrase list broken in any language is caught by `standards test`."""
    standard = load_standard(STANDARDS / name)
    assert standard.languages == ["en", "de", "sv", "fr"]
    for criterion in standard.criteria:
        assert {e.language for e in criterion.examples} == {"en", "de", "sv", "fr"}, criterion.id
        assert {"pass", "fail"} <= {e.expect for e in criterion.examples}, criterion.id
        assert criterion.id.startswith(f"{standard.id}_"), criterion.id
    assert any(c.critical for c in standard.criteria)


def test_a_broken_example_names_criterion_and_line() -> None:
    text = (STANDARDS / "eu_core.v2.yaml").read_text(encoding="utf-8")
    text = text.replace('{expect: fail, conversation: [{agent: "My name is Sarah."}', '{expect: pass, conversation: [{agent: "My name is Sarah."}')
    standard = parse_standard(text, "edited.yaml")
    broken = [r for r in run_examples(standard) if not r.passed]
    assert [(r.criterion_id, r.index, r.expected, r.got) for r in broken] == [("greeting", 3, "pass", "fail")]
    assert text.splitlines()[broken[0].line - 1].strip().startswith("- {expect: pass, conversation: [{agent: \"My name is Sarah.\"}")


def test_an_example_that_is_not_a_valid_conversation_is_reported() -> None:
    text = (STANDARDS / "eu_core.v2.yaml").read_text(encoding="utf-8")
    text = text.replace('{agent: "Hello. Calls are recorded for training.", at: 0}', '{agent: "Hello. Calls are recorded for training.", at: 0}, {agent: "untimed"}')
    result = next(r for r in run_examples(parse_standard(text, "x.yaml")) if r.criterion_id == "recording_disclosure" and r.index == 0)
    assert result.got == "invalid" and "either every turn has start_ms or none" in result.reason


def test_diff_between_the_shipped_versions() -> None:
    v1, v2 = sorted((s for s in load_standards(STANDARDS) if s.id == "eu_core"), key=lambda s: s.version)
    changes = {str(c) for c in diff_standards(v1, v2)}
    assert "added criterion identify_before_account_details" in changes
    assert "added section identification" in changes
    assert "changed criterion empathy_when_upset: trigger.sentiment_at_most: None -> -1.0" in changes
    assert "changed criterion greeting: examples: '0 example(s)' -> '4 example(s)'" in changes
    assert "changed criterion greeting: within.first_turns: 2 -> 4" in changes
    assert diff_standards(v2, v2) == []


def test_diff_of_phrases_and_weights() -> None:
    v2 = load_standard(STANDARDS / "eu_core.v2.yaml")
    text = (STANDARDS / "eu_core.v2.yaml").read_text(encoding="utf-8")
    edited = parse_standard(text.replace("{id: closing, title: Closing, weight: 1}", "{id: closing, title: Closing, weight: 2}").replace("en: [anything else, something else]", "en: [anything else, any other questions]"), "x.yaml")
    assert {str(c) for c in diff_standards(v2, edited)} == {
        "changed section closing: weight: 1.0 -> 2.0",
        "changed criterion closing_anything_else: phrases.en: +['any other questions'] -['something else']",
    }


def test_committed_schema_is_current() -> None:
    committed = json.loads((STANDARDS / "standard.schema.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(standard_schema())), "run: touchstone standards schema -o standards/standard.schema.json"


@pytest.mark.parametrize("path", sorted(STANDARDS.glob("*.yaml")), ids=lambda p: p.name)
def test_schema_accepts_the_shipped_standards_and_rejects_unknown_keys(path: Path) -> None:
    validator = jsonschema.Draft202012Validator(standard_schema())
    document = json.loads(json.dumps(YAML(typ="safe").load(path.read_text(encoding="utf-8")), default=str))
    assert list(validator.iter_errors(document)) == []
    document["criteria"][0]["withn"] = 1
    assert list(validator.iter_errors(document))
