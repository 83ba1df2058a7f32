from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from foundation.errors import TouchstoneError
from ingest.interaction import Interaction
from ingest.source_config import SourceConfig
from scorers.engine import CompiledStandard
from scorers.loader import load_standards, select_standard
from scorers.routing import load_routing, route
from scorers.sensitive import find_sensitive
from touchstone.sample_data import (
    CRITERIA,
    FILLER,
    IBAN_COUNTRY,
    LOB_CRITERIA,
    LOB_TEXT,
    LOB_VIOLATED_CRITERION,
    SALES_ON_CONCLUSION,
    TEXT,
    VIOLATED_CRITERION,
    card_number,
    generate_day,
    phrases,
    read_ground_truth,
    spoken,
)

DAY = date(2026, 11, 22)


def test_same_seed_and_date_give_the_same_bytes(tmp_path: Path) -> None:
    a = generate_day(tmp_path / "a", DAY, interactions=50, seed=3)
    b = generate_day(tmp_path / "b", DAY, interactions=50, seed=3)
    c = generate_day(tmp_path / "c", DAY, interactions=50, seed=4)
    for x, y in zip(a.files + [a.ground_truth], b.files + [b.ground_truth]):
        assert x.read_bytes() == y.read_bytes()
    assert a.ground_truth.read_bytes() != c.ground_truth.read_bytes()


def test_a_day_covers_languages_channels_agents_and_every_violation(tmp_path: Path) -> None:
    day = generate_day(tmp_path, DAY, interactions=300, seed=11)
    records = [json.loads(line) for path in day.files for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 300
    assert {r["language"] for r in records} == {"en", "de", "sv", "fr"}
    assert Counter(r["channel"] for r in records).keys() == {"voice", "chat"}
    assert {r["agent"]["type"] for r in records} == {"human", "bot"}
    assert len({r["agent"]["id"] for r in records}) == 20
    for r in records:  # calls are timed, chats are not
        assert all(("start_ms" in t) == (r["channel"] == "voice") for t in r["turns"])
    truth = read_ground_truth(day.ground_truth)
    assert set(day.violations) == set(VIOLATED_CRITERION) and min(day.violations.values()) >= 4
    for row in truth.values():
        assert set(row["expected"]) == set(CRITERIA)
        assert {row["expected"][VIOLATED_CRITERION[v]] for v in row["violations"]} <= {"fail"}
    violated_languages = Counter((v, r["language"]) for r in records for v in truth[r["interaction_id"]]["violations"])
    assert len({lang for (_, lang) in violated_languages}) == 4
    # Every criterion is seen passing; every violated one failing (so every kind is exercised).
    outcomes = {(c, o) for row in truth.values() for c, o in row["expected"].items()}
    assert {(c, "pass") for c in CRITERIA} <= outcomes
    assert {(c, "fail") for c in VIOLATED_CRITERION.values()} <= outcomes


def test_card_numbers_are_valid_and_detectable_when_spoken() -> None:
    import random

    number = card_number(random.Random(1))
    for lang in ("en", "de", "sv", "fr"):
        assert [f.kind for f in find_sensitive(spoken(number, lang), lang)] == ["payment_card"]


# Lines of business: the sales and support lines, scored in-process with every standard the shipped
# routing sends each interaction to, against the ground truth's `by_standard`.

ROOT = Path(__file__).resolve().parents[2]
ROUTING_FILE = ROOT / "standards" / "routing" / "lines_of_business.v1.yaml"


@dataclass(frozen=True)
class ScoredDay:
    records: list[dict[str, Any]]
    truth: dict[str, dict[str, Any]]
    violations: dict[str, int]
    routed: dict[str, tuple[str, ...]]  # interaction id -> the standards the routing gives it
    got: dict[tuple[str, str], dict[str, str]]  # (interaction id, standard id) -> {criterion: outcome}


def _records(files: list[Path]) -> list[dict[str, Any]]:
    return [json.loads(line) for path in files for line in path.read_text(encoding="utf-8").splitlines()]


def _within(text: str, longer: str) -> bool:
    """Whether the words of `text` are all in `longer`, in the same order (more may come between)."""
    words = iter(longer.split())
    return all(word in words for word in text.split())


@pytest.fixture(scope="module", params=[7, 11], ids=lambda seed: f"seed-{seed}")
def lines_of_business_day(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> ScoredDay:
    """A day of 400 interactions with lines of business, each scored by every standard it is routed to."""
    generated = generate_day(tmp_path_factory.mktemp("lob"), DAY, interactions=400, seed=request.param, lines_of_business=True)
    standards = load_standards(ROOT / "standards")
    routing = load_routing(ROUTING_FILE, {s.id for s in standards})
    non_speech = SourceConfig().non_speech  # what a run uses without a source configuration
    compiled: dict[str, CompiledStandard] = {}
    routed: dict[str, tuple[str, ...]] = {}
    got: dict[tuple[str, str], dict[str, str]] = {}
    records = _records(generated.files)
    for record in records:
        interaction = Interaction.model_validate(record)
        routed[interaction.interaction_id] = route(interaction, routing).standards
        for ref in routed[interaction.interaction_id]:
            standard = select_standard(standards, DAY, ref)
            scorer = compiled.setdefault(standard.ref, CompiledStandard(standard, non_speech))
            got[(interaction.interaction_id, standard.id)] = {r.criterion.id: r.verdict.outcome.value for r in scorer.score(interaction).results}
    return ScoredDay(records, read_ground_truth(generated.ground_truth), generated.violations, routed, got)


def test_every_verdict_of_every_routed_standard_is_the_ground_truth(lines_of_business_day: ScoredDay) -> None:
    day = lines_of_business_day
    expected = {(i, standard, c): o for i, row in day.truth.items() for standard, verdicts in row["by_standard"].items() for c, o in verdicts.items()}
    got = {(i, standard, c): o for (i, standard), verdicts in day.got.items() for c, o in verdicts.items()}
    wrong = {key: (expected.get(key), got.get(key)) for key in expected.keys() | got.keys() if expected.get(key) != got.get(key)}
    assert not wrong, sorted(wrong.items())[:10]
    assert len(got) == 400 * (15 + 5)  # eu_core 2.0's criteria and five of sales or support, for each


def test_the_routing_gives_eu_core_and_the_queue_s_line_exactly_as_the_ground_truth(lines_of_business_day: ScoredDay) -> None:
    day = lines_of_business_day
    for record in day.records:
        row = day.truth[record["interaction_id"]]
        assert set(day.routed[record["interaction_id"]]) == set(row["by_standard"])
        assert day.routed[record["interaction_id"]] == ("eu_core", "sales" if record["metadata"]["queue"] == "contract" else "support")
        assert row["by_standard"]["eu_core"] == row["expected"]  # `expected` stays eu_core's
    assert {lines for lines in day.routed.values()} == {("eu_core", "sales"), ("eu_core", "support")}


def test_a_lines_of_business_day_has_every_violation_language_and_outcome(lines_of_business_day: ScoredDay) -> None:
    day = lines_of_business_day
    assert set(day.violations) == set(VIOLATED_CRITERION) | set(LOB_VIOLATED_CRITERION)
    assert {r["language"] for r in day.records} == {"en", "de", "sv", "fr"}
    by_language = Counter((r["language"], day.routed[r["interaction_id"]][1]) for r in day.records)
    assert set(by_language) == {(lang, line) for lang in ("en", "de", "sv", "fr") for line in ("sales", "support")}
    for row in day.truth.values():  # each violation fails its criterion of its standard
        for violation in row["violations"]:
            standard, criterion = LOB_VIOLATED_CRITERION.get(violation, ("eu_core", VIOLATED_CRITERION.get(violation)))
            assert row["by_standard"][standard][criterion] == "fail", (row["interaction_id"], violation)
    outcomes = {(c, o) for row in day.truth.values() for standard, verdicts in row["by_standard"].items() if standard != "eu_core" for c, o in verdicts.items()}
    lob_criteria = [c for criteria in LOB_CRITERIA.values() for c in criteria]
    assert {(c, o) for c in lob_criteria for o in ("pass", "fail")} <= outcomes
    assert {(c, "not_applicable") for c in SALES_ON_CONCLUSION} <= outcomes  # customers who think it over


@pytest.mark.parametrize("realistic_lengths", [False, True], ids=["scripted", "realistic-lengths"])
def test_lines_of_business_add_lines_and_leave_eu_core_as_it_was(tmp_path: Path, realistic_lengths: bool) -> None:
    """The same day with and without lines of business: the same interactions, agents, customers,
    times and eu_core ground truth; the new lines only add words (their draws come from their own
    generator), and the turns of the day without them are all still there, in order."""
    size = 40 if realistic_lengths else 200
    plain = generate_day(tmp_path / "plain", DAY, interactions=size, seed=7, realistic_lengths=realistic_lengths)
    lob = generate_day(tmp_path / "lob", DAY, interactions=size, seed=7, realistic_lengths=realistic_lengths, lines_of_business=True)
    before, after = read_ground_truth(plain.ground_truth), read_ground_truth(lob.ground_truth)
    assert before.keys() == after.keys()
    for interaction_id, row in before.items():
        assert "by_standard" not in row and after[interaction_id]["expected"] == row["expected"]
        assert [v for v in after[interaction_id]["violations"] if v not in LOB_VIOLATED_CRITERION] == row["violations"]
    records = {r["interaction_id"]: r for r in _records(lob.files)}
    for record in _records(plain.files):
        other = records[record["interaction_id"]]
        assert {k: v for k, v in other.items() if k != "turns"} == {k: v for k, v in record.items() if k != "turns"}
        turns = iter(other["turns"])  # every turn is still there, in order, its words in order with more said between
        assert all(any(turn["speaker"] == said["speaker"] and _within(turn["text"], said["text"]) for said in turns) for turn in record["turns"])
    assert sum(len(r["turns"]) for r in records.values()) > sum(len(r["turns"]) for r in _records(plain.files))


@pytest.mark.parametrize(
    ("seed", "interactions", "realistic_lengths", "digest"),
    [
        # Computed at commit e391889, before lines of business existed: the day without them must
        # never change (the golden verdicts and every fixed-seed test depend on it).
        (7, 120, False, "9b006c7979a3daa3f02f370e05e862adf6e362fc4bf054ab860a4534120dc55c"),
        (11, 300, False, "86d65ca00f91aceb6668ad5174078ba9a937a93a908e21c56964d0eddfc8f8a9"),
        (5, 30, True, "bf854eae06fad326e22ac0d319e74cd5abccaaa31b696ce120ac8649f640ec53"),
    ],
)
def test_without_lines_of_business_the_day_is_byte_for_byte_as_before(tmp_path: Path, seed: int, interactions: int, realistic_lengths: bool, digest: str) -> None:
    generated = generate_day(tmp_path, DAY, interactions=interactions, seed=seed, realistic_lengths=realistic_lengths)
    files = hashlib.sha256()
    for path in generated.files + [generated.ground_truth]:
        files.update(path.name.encode())
        files.update(path.read_bytes())
    assert files.hexdigest() == digest


def test_reference_numbers_are_no_sensitive_data() -> None:
    """Support reads out a six-digit reference: never a card, id or phone number, in any country."""
    import random

    rng = random.Random(5)
    for lang, t in LOB_TEXT.items():
        for _ in range(200):
            number = str(rng.randint(100_000, 999_999))
            for ref in (number, spoken(number, lang)):
                for line in t["reference"]:
                    assert find_sensitive(line.format(ref=ref), lang) == [], (lang, line, ref)


# The phrases are data, one file a language (`touchstone/sample_data/phrases/<lang>.yaml`): every
# file has every key, and a broken one is refused at load with the file and the key named.


def _keys(table: object, prefix: str = "") -> set[str]:
    if not isinstance(table, dict):
        return set()
    return {f"{prefix}{key}" for key in table} | {k for key, value in table.items() for k in _keys(value, f"{prefix}{key}.")}


@pytest.mark.parametrize("lang", sorted(path.stem for path in phrases.FOLDER.glob("*.yaml")))
def test_every_language_s_phrases_have_the_same_keys(lang: str) -> None:
    tables = phrases.load()
    assert tables.text.keys() == tables.filler.keys() == tables.lines_of_business.keys() == tables.iban.keys()
    for table in (tables.text, tables.filler, tables.lines_of_business):
        assert _keys(table[lang]) == _keys(table["en"]), lang
        assert {k: type(v) for k, v in table[lang].items()} == {k: type(v) for k, v in table["en"].items()}  # lists and tuples as the generator holds them
    assert [type(part) for part in tables.iban[lang]] == [str, str, int]


def test_the_loaded_phrases_are_the_module_s_tables() -> None:
    tables = phrases.load()
    assert (tables.text, tables.filler, tables.lines_of_business, tables.iban) == (TEXT, FILLER, LOB_TEXT, IBAN_COUNTRY)
    assert list(TEXT) == ["en", "de", "sv", "fr"]  # the day's languages first, in the roster's order
    assert isinstance(TEXT["en"]["greet"], list) and isinstance(TEXT["en"]["details"], tuple) and isinstance(TEXT["en"]["topics"]["billing"], tuple)
    assert TEXT["sv"]["dob"] == "" and TEXT["en"]["vat"] == " including VAT"  # empty and leading-space phrases kept


def _broken(tmp_path: Path, lang: str, old: str, new: str) -> Path:
    folder = tmp_path / "phrases"
    shutil.copytree(phrases.FOLDER, folder)
    path = folder / f"{lang}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


_DE = (phrases.FOLDER / "de.yaml").read_text(encoding="utf-8")
_DE_LINES_OF_BUSINESS = _DE[_DE.index("lines_of_business:\n") :]  # the section, to the end of the file


@pytest.mark.parametrize(
    ("lang", "old", "new", "message"),
    [
        ("sv", '  verify: "Innan jag tittar på ditt konto, kan du uppge ditt personnummer?"\n', "", "conversation.verify is missing (en.yaml has it)"),
        ("de", "    delivery:\n", "    lieferung:\n", "conversation.topics.delivery is missing (en.yaml has it)"),
        ("sv", "  done:\n", '  done:\n    - "Nej."\n  klart:\n', "conversation.klart is not a key of en.yaml"),
        ("en", "    billing:\n", "    bill:\n", "conversation.topics.billing is missing (de.yaml has it)"),
        ("fr", '  bot_intro: "je suis', '  bot_intro:\n    - "je suis', "conversation.bot_intro is a list of phrases, where en.yaml has a phrase"),
        ("en", '  country: "GB"', "  country: NO", "iban.country is False: neither a phrase"),  # YAML reads an unquoted NO as false
        ("de", "  digits: 18\n", "", "iban.digits is missing"),
        ("fr", "\nfiller:\n", "\nfilling:\n", "unknown key 'filling'"),
        ("de", _DE_LINES_OF_BUSINESS, "", "lines_of_business is missing"),
        ("de", _DE_LINES_OF_BUSINESS, 'lines_of_business: "none"\n', "lines_of_business is 'none', where a table of keys belongs"),
    ],
    ids=["key", "misspelt-key", "extra-key", "misspelt-in-the-first-language", "kind", "unquoted-no", "iban-part", "unknown-section", "missing-section", "section-not-a-table"],
)
def test_a_broken_phrase_file_names_the_file_and_the_key(tmp_path: Path, lang: str, old: str, new: str, message: str) -> None:
    path = _broken(tmp_path, lang, old, new)
    with pytest.raises(TouchstoneError, match="^" + re.escape(f"{path}: {message}")):
        phrases.load(path.parent)
