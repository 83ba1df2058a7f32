"""Routing rules: which standards score an interaction, checked at load with file and line."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest

from scorers.loader import StandardError
from scorers.routing import parse_routing, route, select_routing
from tests.builders import interaction

KNOWN = {"eu_core", "sales", "support", "collections", "bots"}
ROUTING = textwrap.dedent(
    """\
    id: routing
    version: "1"
    effective_from: 2026-01-01
    always: [eu_core]
    rules:
      - name: sales
        when: {queue: [sales, upgrades]}
        standards: [sales]
      - name: support_chat
        when: {queue: [support], channel: [chat]}
        standards: [support]
      - name: bots
        when: {agent_type: [bot], queue: [faq]}
        standards: [bots@1.0]
      - name: collections
        when: {queue: [collections], metadata: {line: [consumer]}}
        standards: [collections]
    default: [support]
    """
)


@pytest.mark.parametrize(
    ("metadata", "kwargs", "standards", "rule"),
    [
        ({"queue": "sales"}, {}, ("eu_core", "sales"), "sales"),
        ({"queue": "upgrades"}, {"channel": "voice"}, ("eu_core", "sales"), "sales"),
        ({"queue": "support"}, {"channel": "chat"}, ("eu_core", "support"), "support_chat"),
        ({"queue": "support"}, {"channel": "voice"}, ("eu_core", "support"), "default"),  # voice support: no rule, the default
        ({"queue": "faq"}, {"agent_type": "bot"}, ("eu_core", "bots@1.0"), "bots"),
        ({"queue": "faq"}, {}, ("eu_core", "support"), "default"),  # a person on the faq queue
        ({"queue": "collections", "line": "consumer"}, {}, ("eu_core", "collections"), "collections"),
        ({"queue": "collections", "line": "business"}, {}, ("eu_core", "support"), "default"),
        ({}, {}, ("eu_core", "support"), "default"),  # no queue at all
    ],
)
def test_route(metadata: dict, kwargs: dict, standards: tuple[str, ...], rule: str) -> None:
    routing = parse_routing(ROUTING, "routing.yaml", KNOWN)
    routed = route(interaction([("agent", "Hello")], metadata=metadata, **kwargs), routing)
    assert (routed.standards, routed.rule) == (standards, rule)


def test_without_a_default_the_company_wide_standard_still_applies() -> None:
    routing = parse_routing(ROUTING.replace("default: [support]\n", ""), "routing.yaml", KNOWN)
    routed = route(interaction([("agent", "Hello")], metadata={"queue": "nowhere"}), routing)
    assert routed == type(routed)(("eu_core",), "always", "no rule matched: company-wide standards only")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("standards: [sales]", "standards: [salse]", "routing.yaml:8: rules[0].standards[0]: unknown standard 'salse'"),
        ("always: [eu_core]", "always: [eu_kore]", "routing.yaml:4: always[0]: unknown standard 'eu_kore'"),
        ("default: [support]", "default: [nope]", "routing.yaml:18: default[0]: unknown standard 'nope'"),
        ("when: {queue: [sales, upgrades]}", "when: {queue: [sales, support]}", "routing.yaml:10: rules[1].when: overlaps rule 'sales' (rules[0])"),
        ("when: {agent_type: [bot], queue: [faq]}", "when: {agent_type: [bot]}", "routing.yaml:13: rules[2].when: overlaps rule 'sales' (rules[0])"),
        ("when: {queue: [sales, upgrades]}", "when: {}", "routing.yaml:7: rules[0].when: a rule without conditions matches every interaction"),
        ("when: {queue: [collections], metadata: {line: [consumer]}}", "when: {metadata: {line: [consumer]}}", "routing.yaml:16: rules[3].when: overlaps rule 'sales' (rules[0])"),
        ("when: {queue: [sales, upgrades]}", "when: {queu: [sales]}", "routing.yaml:7: rules[0].when.queu: unknown key"),
        ("when: {queue: [support], channel: [chat]}", "when: {queue: [support], channel: [fax]}", "routing.yaml:10: rules[1].when.channel[0]: Input should be 'voice' or 'chat'"),
        ("  - name: support_chat", "  - name: sales", "routing.yaml:9: rules[1].name: rule 'sales' is also rules[0]"),
        ("effective_from: 2026-01-01", "effective_from: someday", "routing.yaml:3: effective_from: Input should be a valid date"),
    ],
)
def test_broken_routing_is_refused_with_file_and_line(old: str, new: str, expected: str) -> None:
    assert old in ROUTING
    with pytest.raises(StandardError) as caught:
        parse_routing(ROUTING.replace(old, new), "routing.yaml", KNOWN)
    assert any(p.startswith(expected) for p in caught.value.problems), caught.value.problems


def test_rules_that_leave_interactions_to_nothing_are_refused() -> None:
    text = ROUTING.replace("always: [eu_core]\n", "").replace("default: [support]\n", "")
    with pytest.raises(StandardError, match="some interactions match no rule, and there is neither a default nor an always"):
        parse_routing(text, "routing.yaml", KNOWN)


def test_every_problem_is_reported_at_once() -> None:
    text = ROUTING.replace("standards: [sales]", "standards: [salse]").replace("default: [support]", "default: [nope]")
    with pytest.raises(StandardError) as caught:
        parse_routing(text, "routing.yaml", KNOWN)
    assert len(caught.value.problems) == 2


def test_the_routing_in_force_on_a_date() -> None:
    first = parse_routing(ROUTING, "routing.v1.yaml", KNOWN)
    second = parse_routing(ROUTING.replace('version: "1"', 'version: "2"').replace("2026-01-01", "2026-10-01"), "routing.v2.yaml", KNOWN)
    assert select_routing([first, second], date(2026, 9, 30)) is first
    assert select_routing([first, second], date(2026, 10, 1)) is second
    assert select_routing([first, second], date(2025, 12, 31)) is None


def test_standards_validate_checks_the_routing_beside_the_standards(tmp_path) -> None:
    """`touchstone standards validate` checks routing/*.yaml against the standards of the folder."""
    import shutil
    from pathlib import Path

    from click.testing import CliRunner

    from touchstone.cli import cli

    root = Path(__file__).resolve().parents[2]
    shutil.copy(root / "standards" / "eu_core.v2.yaml", tmp_path / "eu_core.v2.yaml")
    (tmp_path / "routing").mkdir()
    good = "id: routing\nversion: '1'\neffective_from: 2026-01-01\nalways: [eu_core]\n"
    (tmp_path / "routing" / "routing.v1.yaml").write_text(good)
    result = CliRunner().invoke(cli, ["standards", "validate", "--standards-dir", str(tmp_path)])
    assert result.exit_code == 0 and "routing routing@1, effective from 2026-01-01, 0 rules" in result.output, result.output
    (tmp_path / "routing" / "routing.v2.yaml").write_text(good.replace("'1'", "'2'").replace("[eu_core]", "[sales]"))
    result = CliRunner().invoke(cli, ["standards", "validate", "--standards-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "routing.v2.yaml:4: always[0]: unknown standard 'sales'; known: eu_core" in result.output


def test_the_guide_s_example_is_a_valid_routing() -> None:
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[2] / "docs" / "compliance" / "standards-guide.md").read_text(encoding="utf-8")
    section = guide[guide.index("## Routing") :]
    example = section[section.index("```yaml") + len("```yaml") : section.index("```", section.index("```yaml") + 7)]
    routing = parse_routing(example, "docs/compliance/standards-guide.md", KNOWN | {"bots"})
    assert [r.name for r in routing.rules] == ["sales", "support_chat", "faq_bot"]
    bot = interaction([("bot", "Hi")], agent_type="bot", metadata={"queue": "faq", "brand": "acme"})
    assert route(bot, routing).standards == ("eu_core", "bots")


def test_two_files_of_one_routing_version_are_refused(tmp_path) -> None:
    from scorers.routing import load_routings
    from foundation.errors import TouchstoneError

    (tmp_path / "routing").mkdir()
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / "routing" / name).write_text(ROUTING)
    with pytest.raises(TouchstoneError) as raised:
        load_routings(tmp_path, KNOWN)
    assert raised.value.message == f"{tmp_path / 'routing' / 'b.yaml'}: routing routing@1 is also defined in {tmp_path / 'routing' / 'a.yaml'}"


@pytest.mark.parametrize(
    ("ref", "day", "expected"),
    [("routing", date(2026, 9, 30), "1"), ("routing", date(2026, 10, 1), "2"), ("routing@1", date(2026, 12, 1), "1"), (None, date(2026, 12, 1), "2")],
)
def test_a_routing_is_chosen_by_id_or_pinned_version(ref: str | None, day: date, expected: str) -> None:
    first = parse_routing(ROUTING, "r1.yaml", KNOWN)
    second = parse_routing(ROUTING.replace('version: "1"', 'version: "2"').replace("2026-01-01", "2026-10-01"), "r2.yaml", KNOWN)
    assert select_routing([first, second], day, ref).version == expected


def test_an_unknown_routing_names_those_there_are() -> None:
    from foundation.errors import TouchstoneError

    with pytest.raises(TouchstoneError) as raised:
        select_routing([parse_routing(ROUTING, "r1.yaml", KNOWN)], date(2026, 11, 1), "lob")
    assert (raised.value.message, raised.value.hint) == ("no routing with id 'lob'", "routings found: routing")


@pytest.mark.parametrize(("said", "named", "rule"), [(True, "true", "vip"), (True, True, "vip"), (1.0, "1", "vip"), (1, 1, "vip"), ("1", 1, "vip"), (1.0, "1", "vip"), (False, "true", "always")])
def test_metadata_values_are_matched_as_text_whatever_their_json_or_yaml_type(said: object, named: object, rule: str) -> None:
    """JSON's true is "true", 1.0 is "1"; a rule may name them quoted or not."""
    import json

    text = ROUTING_VIP.replace("VALUE", json.dumps(named))
    routing = parse_routing(text, "vip.yaml", KNOWN)
    assert route(interaction([("agent", "hello")], metadata={"vip": said}), routing).rule == rule


ROUTING_VIP = """\
id: vip
version: "1"
effective_from: 2026-01-01
always: [eu_core]
rules:
  - name: vip
    when: {metadata: {vip: [VALUE]}}
    standards: [sales]
"""


@pytest.mark.parametrize("value", ["007", "0x1F", "1_000", "1.5", "1e3"])
def test_a_number_that_is_not_plainly_text_must_be_quoted(value: str) -> None:
    with pytest.raises(StandardError) as raised:
        parse_routing(ROUTING_VIP.replace("VALUE", value), "vip.yaml", KNOWN)
    assert "vip.yaml:7: rules[0].when.metadata.vip[0]: a number written this way" in str(raised.value) and "write it in quotes" in str(raised.value)
