"""The scan (`scorers.scan`) is a filter, never a verdict: a turn it passes over could not have
matched, so scoring with it gives exactly what scoring every turn gives, on generated and real text."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from ingest.interaction import Interaction
from scorers.engine import CompiledStandard
from scorers.loader import load_standards
from scorers.nlp import Analysed, analyse, lemma_norm, pipeline
from scorers.scan import Scanner
from tests.scorers.test_speed_paths import DIALOGUES, EVERY_KEY, _texts
from touchstone import public_dialogues
from touchstone.sample_data import generate_day
from touchstone.settings import PROJECT_ROOT


def test_every_token_is_a_surface_form_of_its_norm() -> None:
    """What makes the scan sound: a token's lower-cased text is among its norm's surface forms,
    and a substring of its lower-cased turn."""
    docs = [(lang, text, pipeline(lang)(text)) for lang, text in _texts()]
    assert len(docs) > 100
    forms = {lang: lemma_norm(lang).surfaces({t.norm_ for lg, _, doc in docs if lg == lang for t in doc}) for lang in {lang for lang, _, _ in docs}}
    for lang, text, doc in docs:
        for token in doc:
            assert token.text.lower() in forms[lang][token.norm_], (lang, token.text, token.norm_)
            assert token.text.lower() in text.lower()


@pytest.mark.parametrize(
    ("lang", "norm", "forms"),
    [
        ("en", "record", {"record", "records", "recorded"}),
        ("de", "anruf", {"anruf", "anrufe", "anrufs"}),
        ("sv", "pris", {"pris", "priset", "priser", "priserna"}),  # "pris" is its own norm though the table sends it to "prisa"
        ("fr", "être", {"est", "sont", "été", "être"}),  # LEMMA_FIXES count too
        ("en", "zyxwv", {"zyxwv"}),  # a word outside the tables is its own norm
    ],
)
def test_surface_forms_of_a_norm(lang: str, norm: str, forms: set[str]) -> None:
    assert forms <= lemma_norm(lang).surfaces({norm})[norm]


def _scanner() -> Scanner:
    return Scanner(lambda lang, norms: lemma_norm(lang).surfaces(norms))


def test_a_key_is_found_by_any_form_of_its_sharpest_word() -> None:
    scanner = _scanner()
    recorded = scanner.register("en", "recorded", lambda: [[{"this"}, {"call"}, {"be"}, {"record"}]])
    always = scanner.register("en", "always", lambda: [[]])  # a pattern that requires no word
    either = scanner.register("en", "either", lambda: [[{"refund"}], [{"cancel"}, {"order"}]])
    assert scanner.register("en", "either", lambda: [[{"other"}]]) == either  # the same phrases compiled again
    assert scanner.scan("en", "Calls are RECORDED here") == {recorded, always}
    assert scanner.scan("en", "this call is") == {always}  # "record", the sharpest word, is not there
    assert scanner.scan("en", "Nothing to see") == {always}
    assert scanner.scan("en", "please CANCEL it") == {either, always}
    assert scanner.scan("en", "my refunds") == {either, always}
    # A capital sigma lower-cases by context: such a turn is not filtered.
    assert scanner.scan("en", "ΟΔΟΣ") == {recorded, always, either}
    # A later registration rebuilds the automaton and keeps the earlier keys.
    later = scanner.register("en", "later", lambda: [[{"transfer"}]])
    assert scanner.scan("en", "transferred and recorded") == {later, recorded, always}
    assert scanner.scan("de", "nichts") == frozenset()  # a language without keys


def _interactions(tmp_path: Path) -> list[Interaction]:
    generated = generate_day(tmp_path / "landing", date(2026, 11, 23), interactions=60, seed=3, lines_of_business=True)
    lines = [line for path in generated.files for line in path.read_text(encoding="utf-8").splitlines()]
    found = [Interaction.model_validate_json(line) for line in lines]
    if DIALOGUES.is_dir():
        found += [Interaction.model_validate(r) for r in public_dialogues.abcd(DIALOGUES / "abcd" / "abcd_sample.json")[:40]]
    return found


def _verdicts(standards: list[CompiledStandard], interactions: list[Interaction]) -> list[str]:
    return [json.dumps([ix.interaction_id, s.standard.id, [str(r.verdict) for r in scored.results], str(scored.contact)]) for ix in interactions for s in standards if (scored := s.score(ix))]


def test_verdicts_with_the_scan_equal_verdicts_of_every_turn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    standards = [CompiledStandard(s) for s in {s.id: s for s in load_standards(PROJECT_ROOT / "standards")}.values()]
    interactions = _interactions(tmp_path)
    scanned = _verdicts(standards, interactions)
    made = [analyse(ix).docs for ix in interactions[:20]]
    monkeypatch.setattr(Analysed, "hits", lambda self, turn: EVERY_KEY)  # every phrase set runs on every turn
    assert scanned == _verdicts(standards, interactions)
    assert len(scanned) == len(interactions) * len(standards) >= 4 * 60
    # And the filter does its work: nothing is tokenised before a criterion asks.
    assert sum(docs.made for docs in made) == 0
