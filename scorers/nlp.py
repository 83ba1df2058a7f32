"""The NLP core: one blank spaCy pipeline per language, plus a lemma-normalising component.

Phrases are matched on `Token.norm_`, which the `touchstone_lemma_norm` component sets to the
lower-cased lemma from the spacy-lookups-data tables. The lemma depends on the lower-cased word only
(looked up lower-cased, then capitalised for German nouns), so matching is case-insensitive by
construction: "Fragen" and "fragen", "Mein" and "mein" get the same norm. A word that is itself a
lemma in the table stays as it is: standards are written in base forms, and the tables sometimes
send a base form elsewhere (Swedish "pris", price, to "prisa", to praise, while "priset" and
"priserna" go to "pris"). Standards' phrases run through the same
pipeline, so "calls are recorded" matches "this call is being recorded" in any inflection.
No trained model is needed and nothing is downloaded. spaCy itself (~1 s to import) is imported when
a first pipeline is made, not with this module: validating a standard needs none.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import marshal
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from ingest.interaction import Interaction
from scorers import regex_cache
from scorers.listening import HeardTurn, Listener
from scorers.outcome import Evidence
from scorers.scan import Scanner

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

LEMMA_NORM = "touchstone_lemma_norm"

# Frequent auxiliaries that the spacy-lookups-data tables get wrong or miss; without these,
# "l'appel est enregistré" would not match "les appels sont enregistrés".
LEMMA_FIXES: dict[str, dict[str, str]] = {
    "en": {"does": "do"},
    "sv": {"har": "ha"},
    "fr": {"est": "être", "suis": "être", "sommes": "être", "été": "être"},
}


def lemma_table(lang: str) -> dict[str, str]:
    """The spacy-lookups-data lemma table for `lang` as a plain dict of word -> lemma.

    Found through spaCy's lookups registry, but not built into a spaCy `Table`, which hashes every
    key up front: that costs ~10 s for the four languages against ~1 s for the plain dict. The dict
    is kept in `TOUCHSTONE_CACHE_DIR` (marshal, named by the table file's path, size and time) and
    read back in half the time the gzipped JSON takes (`_kept`).
    """
    from spacy.util import load_language_data

    source = _table_source(lang)
    kept = _kept(source, "lemmas")
    found = kept.read() if kept is not None else None
    if found is None:
        # The French table maps to lists of lemmas; the first is the common one.
        found = {word: lemma[0] if isinstance(lemma, list) else lemma for word, lemma in load_language_data(source).items()}
        if kept is not None:
            kept.write(found)
    return found


def _table_source(lang: str) -> Any:
    """The spacy-lookups-data file of `lang`'s lemma table, as spaCy's lookups registry names it."""
    from spacy.util import registry

    tables = registry.lookups.get(lang) if lang in registry.lookups else {}
    if "lemma_lookup" not in tables:
        raise ValueError(f"spacy-lookups-data has no lemma_lookup table for {lang!r}; is it installed?")
    return tables["lemma_lookup"]


@dataclass(frozen=True)
class _Kept:
    """A dict kept between runs in one marshal file (what is made from a lemma table)."""

    path: Path

    def read(self) -> dict[str, Any] | None:
        """The dict kept before, or None (none kept, or a file that is not a dict)."""
        try:
            found = marshal.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        return found if isinstance(found, dict) else None

    def write(self, kept: dict[str, Any]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(f".{os.getpid()}.partial")
            partial.write_bytes(marshal.dumps(kept))
            partial.replace(self.path)  # whole or not at all, whatever other processes do
        except OSError:
            pass  # a read-only cache: made again next time


def _kept(source: Any, what: str, rules: str = "") -> _Kept | None:
    """Where `what` made from the lemma table in `source` (spacy-lookups-data's file, which
    `load_language_data` reads as it is or gzipped beside it) is kept: named by the file's path,
    size and time, and by `rules`, the code that makes it from the table."""
    try:
        path = next(p for p in (Path(source), Path(f"{source}.gz")) if p.is_file())
        stat = path.stat()
    except (StopIteration, OSError, TypeError):
        return None
    name = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{rules}".encode()).hexdigest()
    return _Kept(regex_cache.cache_root() / what / f"{name}.marshal")


@cache
def _this_code() -> str:
    """The hash of this file: the rules that make norms and surface forms from a table."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


class LemmaNorm:
    """Sets `token.norm_` to the lower-cased lookup lemma; memoised per surface form.

    The lemma table is read when a word's norm is not known yet: the norms of words seen before, in
    any process, are kept in `TOUCHSTONE_CACHE_DIR` (named by the table and this file's code), so a
    command that tokenises a few known texts (`standards test`) never reads the 660,000-word Swedish
    table. A run reads the tables before forking its workers (`load`, from `scorers.engine.warm`)."""

    KEEP_SEEN = 50_000  # words whose norms are kept between runs, at most (~1 MB, read in ~10 ms)

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.fixes = LEMMA_FIXES.get(lang, {})
        self.cache: dict[str, str] = {}
        self.ids: dict[int, int] = {}  # orth id -> norm id
        source = _table_source(lang)
        self._table: dict[str, str] | None = None
        self._lemmas: set[str] = set()
        # Lower-cased word -> norm, read from and written back to the cache; None once a run loads the table.
        self._seen_file = _kept(source, "norms", f"{lang}|{_this_code()}")
        self._seen: dict[str, str] | None = None
        self._seen_new = False
        self._surfaces_file = _kept(source, "surfaces", f"{lang}|{_this_code()}")
        self._surfaces: dict[str, list[str]] | None = None  # norm -> its forms, as far as asked

    @property
    def table(self) -> dict[str, str]:
        """The lemma table (word -> lemma), read on first use."""
        if self._table is None:
            self._table = lemma_table(self.lang)
            self._lemmas = {lemma.lower() for lemma in self._table.values()}
        return self._table

    def load(self) -> None:
        """Read the lemma table now and look every word up in it: a run's parent does, before
        forking its workers (they share the table's pages, and keep no words seen)."""
        _ = self.table
        self._seen = None
        self._seen_file = None

    def _from_table(self, low: str) -> str:
        table = self.table
        if low in self._lemmas:
            return low
        return (table.get(low) or table.get(low.capitalize()) or low).lower()

    def _lemma(self, low: str) -> str:
        if low in self.fixes:
            return self.fixes[low]
        if self._seen_file is None:
            return self._from_table(low)
        if self._seen is None:
            self._seen = self._seen_file.read() or {}
        norm = self._seen.get(low)
        if norm is None:
            norm = self._from_table(low)
            if len(self._seen) < self.KEEP_SEEN:
                self._seen[low] = norm
                if not self._seen_new:
                    self._seen_new = True
                    atexit.register(self.keep_seen)
        return norm

    def keep_seen(self) -> None:
        """Write the norms of the words seen, new ones among them, to the cache (at exit)."""
        if self._seen_file is not None and self._seen is not None and self._seen_new:
            self._seen_file.write(self._seen)
            self._seen_new = False

    def norm(self, text: str) -> str:
        cached = self.cache.get(text)
        if cached is None:
            cached = self.cache[text] = self._lemma(text.lower())
        return cached

    def surfaces(self, norms: set[str]) -> dict[str, set[str]]:
        """Each norm's surface forms: every lower-cased word whose norm it is, so every lower-cased
        text a token with that norm can have (`scorers.scan` looks for them before tokenising).
        Finding them reads the whole table (0.1-0.3 s a language, once for each automaton the scan
        builds): what was found is kept in `TOUCHSTONE_CACHE_DIR`, named by the table and this
        file's code, and a norm found before in any process is not looked for again."""
        if self._surfaces is None:
            self._surfaces = (self._surfaces_file.read() if self._surfaces_file is not None else None) or {}
        known = self._surfaces
        missing = {norm for norm in norms if norm not in known}
        if missing:
            known.update((norm, sorted(forms)) for norm, forms in self._find_surfaces(missing).items())
            if self._surfaces_file is not None:
                self._surfaces_file.write(known)
        return {norm: set(known[norm]) for norm in norms}

    def _find_surfaces(self, norms: set[str]) -> dict[str, set[str]]:
        """The surface forms of `norms`, from the table. The words outside the tables are their own
        norm, so a norm has itself as a form when it is its own norm; all other forms are keys of
        the tables or lemmas."""
        found: dict[str, set[str]] = {norm: {norm} if norm == norm.lower() and self._lemma(norm) == norm else set() for norm in norms}
        # Only words the tables or fixes send to one of the norms can have it (directly, or
        # capitalised as a German noun is looked up); each is checked against the full rule.
        candidates = [word for word, lemma in self.fixes.items() if lemma in found]
        candidates += [word for word, lemma in self.table.items() if lemma.lower() in found]
        for word in candidates:
            low = word.lower()
            forms = found.get(self._lemma(low))
            if forms is not None:
                forms.add(low)
        return found

    def __call__(self, doc: Doc) -> Doc:
        # Whole-array in and out: creating a Python Token per word cost more than the tokenizer.
        import numpy
        from spacy.attrs import NORM, ORTH

        ids = self.ids
        orths = doc.to_array(ORTH).tolist()
        norms = [ids.get(orth) for orth in orths]  # nearly every word seen before
        if None in norms:
            strings = doc.vocab.strings
            for i, orth in enumerate(orths):
                if norms[i] is None:
                    norm = ids.get(orth)  # a new word twice in one doc
                    if norm is None:
                        norm = ids[orth] = strings.add(self.norm(strings[orth]))
                    norms[i] = norm
        if norms:
            doc.from_array([NORM], numpy.array(norms, dtype="uint64").reshape(-1, 1))
        return doc


@cache
def lemma_norm(lang: str) -> LemmaNorm:
    """The one lemma normaliser of a language: its pipeline's and the scanner's."""
    return LemmaNorm(lang)


def make_lemma_norm(nlp: Language, name: str) -> LemmaNorm:
    return lemma_norm(nlp.lang)


@cache
def _lemma_norm_factory() -> None:
    """`LEMMA_NORM` registered as a spaCy component, once, when a first pipeline needs it."""
    from spacy.language import Language

    Language.factory(LEMMA_NORM)(make_lemma_norm)


@cache
def pipeline(lang: str) -> Language:
    """The shared pipeline for `lang`: blank tokenizer + lemma norms. The tokenizer's large
    patterns (French: 1.45 MB, 3.5 s to compile) come from `scorers.regex_cache` after the first run."""
    import spacy

    patterns = f"spacy-{spacy.about.__version__}-{lang}"
    seeded = regex_cache.seed(patterns)
    nlp = spacy.blank(lang)
    if not seeded:
        tokenizer = nlp.tokenizer
        found = (tokenizer.token_match, tokenizer.url_match, tokenizer.prefix_search, tokenizer.suffix_search, tokenizer.infix_finditer)
        regex_cache.record(patterns, [f.__self__ for f in found if isinstance(getattr(f, "__self__", None), re.Pattern)])
    _lemma_norm_factory()
    nlp.add_pipe(LEMMA_NORM)
    return nlp


def tokenised(lang: str, text: str) -> Doc:
    """`pipeline(lang)(text)`, its two steps called directly: spaCy's `Language.__call__` lists its
    components, error handlers and settings anew for every text (~3 % of scoring a shard)."""
    return lemma_norm(lang)(pipeline(lang).make_doc(text))  # make_doc keeps spaCy's length limit


class Docs(Sequence["Doc"]):
    """The spaCy docs of an interaction's heard turns, each made when first asked for: most turns
    are never tokenised, as the scan (`Analysed.hits`) shows nothing in them could match."""

    def __init__(self, language: str, turns: tuple[HeardTurn, ...]) -> None:
        self.language, self.turns = language, turns
        self._docs: dict[int, Doc] = {}

    def __len__(self) -> int:
        return len(self.turns)

    @overload
    def __getitem__(self, index: int) -> Doc: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Doc]: ...
    def __getitem__(self, index: int | slice) -> Doc | Sequence[Doc]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        doc = self._docs.get(index)
        if doc is None:
            doc = self._docs[index] = tokenised(self.language, self.turns[index].text)
        return doc

    @property
    def made(self) -> int:
        """How many turns were tokenised (the rest needed no tokens)."""
        return len(self._docs)


SCANNER = Scanner(lambda language, norms: lemma_norm(language).surfaces(norms))


def register_phrases(language: str, phrases: list[str]) -> int:
    """The scan key of `phrases` (a match needs a token with each word's norm, in order), their
    norms made by the language's pipeline when its automaton is built."""
    return SCANNER.register(language, json.dumps(["phrases", phrases]), lambda: [[{t.norm_} for t in doc] for doc in pipeline(language).pipe(phrases)])


@dataclass(frozen=True)
class Analysed:
    """An interaction as heard (`scorers.listening`): its heard turns, each scanned once for what
    any criterion looks for (`hits`) and tokenised by spaCy only when a criterion needs its tokens
    (`docs`), both shared by all criteria that score it. `turns[i]` and `docs[i]` are the same heard
    turn; evidence names the interaction's own turn (segment) through `segment_of`."""

    interaction: Interaction
    turns: tuple[HeardTurn, ...]
    docs: Docs
    # Heard turns inside each window asked for (`scorers.windows`), filled on first use.
    windows: dict[Any, frozenset[int]] = field(default_factory=dict, compare=False, repr=False)
    # What criteria derive from a turn and ask again (a turn's sentiment), filled on first use.
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    _hits: dict[int, frozenset[int]] = field(default_factory=dict, compare=False, repr=False)
    _breaks: dict[int, frozenset[int]] = field(default_factory=dict, compare=False, repr=False)

    def hits(self, turn: int) -> frozenset[int]:
        """The scan keys (`scorers.scan`) found in heard turn `turn`: what may match there."""
        found = self._hits.get(turn)
        if found is None:
            found = self._hits[turn] = SCANNER.scan(self.interaction.language, self.turns[turn].text)
        return found

    def segment_breaks(self, turn: int) -> frozenset[int]:
        """The token indexes of heard turn `turn` where a later segment begins (a clause boundary
        for negation)."""
        breaks = self._breaks.get(turn)
        if breaks is None:
            starts = set(self.turns[turn].offsets[1:])
            breaks = self._breaks[turn] = frozenset(t.i for t in self.docs[turn] if t.idx in starts) if starts else frozenset()
        return breaks

    def segment_of(self, turn: int, token: int = 0) -> int:
        """The interaction turn (segment) in which token `token` of heard turn `turn` was said."""
        if token == 0:  # a heard turn starts with its first segment: no need to tokenise it
            return self.turns[turn].segments[0]
        doc = self.docs[turn]
        return self.turns[turn].segment_at(doc[token].idx if token < len(doc) else 0)

    def evidence(self, turn: int, text: str, token: int = 0) -> Evidence:
        """Evidence at token `token` of heard turn `turn`: its segment, that segment's start, `text`."""
        segment = self.segment_of(turn, token)
        return Evidence(segment, self.interaction.turns[segment].start_ms, text)


def analyse(interaction: Interaction, listener: Listener | None = None) -> Analysed:
    turns = (listener or DEFAULT_LISTENER).hear(interaction)
    return Analysed(interaction, turns, Docs(interaction.language, turns))


DEFAULT_LISTENER = Listener()
