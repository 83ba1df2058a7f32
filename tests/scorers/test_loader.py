from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from foundation.errors import TouchstoneError
from scorers.loader import StandardError, load_standard, load_standards, parse_standard, select_standard

ROOT = Path(__file__).resolve().parents[2]

VALID = textwrap.dedent(
    """\
    id: demo
    version: "1"
    effective_from: 2026-01-01
    title: Demo
    languages: [en]
    sections:
      - {id: opening, title: Opening}
    criteria:
      - id: greeting
        kind: required_phrase
        title: Greets
        section: opening
        within: {first_turns: 2}
        phrases:
          en: [hello]
    """
)


def test_valid_standard_loads_with_hash_and_versioned_kind() -> None:
    standard = parse_standard(VALID, "demo.yaml")
    assert standard.ref == "demo@1"
    assert standard.criteria[0].kind == "required_phrase.v1"
    assert len(standard.sha256) == 64


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    within: {first_turns: 2}", "    withn: {first_turns: 2}", "demo.yaml:13: criteria[0].withn: unknown key"),
        ("    within: {first_turns: 2}", "    within: {first_turns: 0}", "demo.yaml:13: criteria[0].within.first_turns: Input should be greater than 0"),
        ("    within: {first_turns: 2}", "    within: {first_turns: 2, last_turns: 1}", "demo.yaml:13: criteria[0].within: give exactly one of"),
        ("    kind: required_phrase", "    kind: required_frase", "demo.yaml:10: criteria[0].kind: unknown criterion kind 'required_frase'; known kinds: conditional,"),
        ("    section: opening", "    section: closing", "demo.yaml:12: criteria[0].section: unknown section 'closing'"),
        ("      en: [hello]", "      xx: [hello]", "demo.yaml:15: criteria[0].phrases.xx: Input should be 'en', 'de', 'sv' or 'fr'"),
        ("      en: [hello]", "      de: [hallo]", "demo.yaml:15: criteria[0].phrases.de: language 'de' is not in the standard's languages"),
        ("    title: Greets\n", "", "demo.yaml:9: criteria[0].title: required field is missing"),
        ("effective_from: 2026-01-01", "effective_from: someday", "demo.yaml:3: effective_from: Input should be a valid date"),
        ("    within: {first_turns: 2}", "    within: {first_turns: 2", "demo.yaml:14: not valid YAML"),
    ],
)
def test_broken_standard_names_file_line_and_field(old: str, new: str, expected: str) -> None:
    text = VALID.replace(old, new)
    assert text != VALID
    with pytest.raises(StandardError) as caught:
        parse_standard(text, "demo.yaml")
    assert any(problem.startswith(expected) for problem in caught.value.problems), caught.value.problems


def test_all_problems_are_reported_at_once() -> None:
    text = VALID.replace("title: Demo", "titel: Demo").replace("section: opening", "section: nope").replace("kind: required_phrase", "kind: nope")
    with pytest.raises(StandardError) as caught:
        parse_standard(text, "demo.yaml")
    assert len(caught.value.problems) >= 2  # the unknown key and the unknown kind
    assert "2 problems" in str(caught.value) or "3 problems" in str(caught.value)


def test_duplicate_criterion_ids() -> None:
    text = VALID + VALID[VALID.index("  - id: greeting") :]
    with pytest.raises(StandardError, match=r"demo.yaml:16: criteria\[1\].id: criterion id 'greeting' is used twice"):
        parse_standard(text, "demo.yaml")


def test_every_shipped_standard_validates() -> None:
    standards = load_standards(ROOT / "standards")
    assert {s.id for s in standards} == {"eu_core", "retail_bank", "sales", "support"}


def test_the_shipped_routing_gives_every_queue_eu_core_and_one_line_with_no_criterion_id_twice() -> None:
    """`standards/routing/lines_of_business.v1.yaml` validates against the shipped standards; the
    standards it sends an interaction to never share a criterion id, since a run publishes their
    rows side by side."""
    from scorers.routing import load_routing, route
    from tests.builders import interaction

    standards = load_standards(ROOT / "standards")
    routing = load_routing(ROOT / "standards" / "routing" / "lines_of_business.v1.yaml", {s.id for s in standards})
    assert (routing.ref, routing.effective_from) == ("lines_of_business@1", date(2026, 1, 1))
    lines = {queue: route(interaction([("agent", "Hello")], metadata={"queue": queue}), routing).standards for queue in ("contract", "billing", "delivery", "moving", "payment", "details", "returns")}
    assert lines == {queue: ("eu_core", "sales" if queue == "contract" else "support") for queue in lines}
    assert route(interaction([("agent", "Hello")]), routing).standards == ("eu_core", "support")  # no queue: the default
    for routed in set(lines.values()):
        ids = [c.id for ref in routed for c in select_standard(standards, date(2026, 11, 22), ref).criteria]
        assert len(ids) == len(set(ids)), routed


def _versions(tmp_path: Path) -> list:
    for version, start in [("1", "2026-01-01"), ("2", "2026-06-01")]:
        (tmp_path / f"demo.v{version}.yaml").write_text(VALID.replace('version: "1"', f'version: "{version}"').replace("2026-01-01", start))
    return load_standards(tmp_path)


@pytest.mark.parametrize(
    ("day", "ref", "version"),
    [(date(2026, 3, 1), "demo", "1"), (date(2026, 6, 1), "demo", "2"), (date(2026, 12, 1), "demo", "2"), (date(2026, 12, 1), "demo@1", "1")],
)
def test_version_in_force_or_named(tmp_path: Path, day: date, ref: str, version: str) -> None:
    assert select_standard(_versions(tmp_path), day, ref).version == version


@pytest.mark.parametrize(("day", "ref", "message"), [(date(2025, 1, 1), "demo", "no version of standard 'demo' is in force on 2025-01-01"), (date(2026, 7, 1), "demo@9", "has no version '9'"), (date(2026, 7, 1), "other", "no standard with id 'other'")])
def test_no_such_standard(tmp_path: Path, day: date, ref: str, message: str) -> None:
    with pytest.raises(TouchstoneError, match=message):
        select_standard(_versions(tmp_path), day, ref)


def test_a_file_is_read_from_disk_with_its_path_in_messages(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(VALID.replace("title: Demo", "title: ''"))
    with pytest.raises(StandardError, match=rf"{path}:4: title: String should have at least 1 character"):
        load_standard(path)
