"""Lemma tables kept between runs (`scorers.nlp.lemma_table`): read back, a table is the one made
from spacy-lookups-data; a damaged file is made again."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.util import registry

from scorers import nlp


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TOUCHSTONE_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_a_table_read_back_is_the_one_made(cache: Path) -> None:
    made = nlp.lemma_table("fr")  # the French table's lists of lemmas made into their first
    assert len(made) > 100_000 and all(isinstance(v, str) for v in made.values())
    (kept,) = (cache / "lemmas").glob("*.marshal")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("spacy.util.load_language_data", lambda *_: pytest.fail("read from the package again"))
        assert nlp.lemma_table("fr") == made
    for damage in (b"", b"not marshal", kept.read_bytes()[:100], b"\xe9\x00\x00\x00\x00"):
        kept.write_bytes(damage)
        assert nlp.lemma_table("fr") == made  # made again, and kept whole again
        kept_again = nlp._kept(registry.lookups.get("fr")["lemma_lookup"], "lemmas")
        assert kept_again is not None and kept_again.read() == made


def test_surface_forms_read_back_are_the_ones_found(cache: Path) -> None:
    norms = {"pris", "fråga", "ha", "ringa", "inte_ett_ord"}
    found = nlp.LemmaNorm("sv")._find_surfaces(set(norms))
    assert nlp.LemmaNorm("sv").surfaces(norms) == found and "priset" in found["pris"]
    again = nlp.LemmaNorm("sv")  # a fresh process's normaliser: the forms come from the file
    again._find_surfaces = lambda _: pytest.fail("looked for in the table again")  # type: ignore[method-assign]
    assert again.surfaces(norms) == found and again.surfaces({"pris"}) == {"pris": found["pris"]}
    (kept,) = (cache / "surfaces").glob("*.marshal")
    kept.write_bytes(b"damaged")
    assert nlp.LemmaNorm("sv").surfaces(norms) == found  # looked for again


@pytest.mark.parametrize(("lang", "words"), [("sv", ["priset", "priserna", "pris", "har", "Frågor"]), ("de", ["Fragen", "fragen", "Mein", "Anrufe"])])
def test_norms_of_words_seen_come_back_without_the_table(lang: str, words: list[str]) -> None:
    made = nlp.LemmaNorm(lang)
    made.load()  # every word from the table, as a run looks them up
    expected = [made.norm(word) for word in words]
    learning = nlp.LemmaNorm(lang)  # an interactive command's: reads the table for new words, keeps their norms
    assert [learning.norm(word) for word in words] == expected and learning._table is not None
    learning.keep_seen()
    fresh = nlp.LemmaNorm(lang)  # the next process's
    assert [fresh.norm(word) for word in words] == expected and fresh._table is None  # the table never read
    assert fresh.norm("ordetsomintefinns") == "ordetsomintefinns" and fresh._table is not None  # a new word reads it
