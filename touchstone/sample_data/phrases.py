"""The generator's phrases: one file a language, `phrases/<lang>.yaml` beside this module, loaded once.

A file holds four tables: `iban` (the IBAN of the language's country), `conversation` (what agents
and customers say: `TEXT`), `filler` (what fills a long call: `FILLER`) and `lines_of_business`
(what sales and support add: `LOB_TEXT`). Adding a language is one new file with every key the
others have. The loader refuses a file that lacks a key, has a key another language lacks, or holds
another kind of value there (a phrase where the others have a list, `no` unquoted, which YAML reads
as false), naming the file and the key: a mistake shows at import, not as a KeyError deep in a day.

Lists load as tuples (the tables are shared and read-only), except the conversation's own lists of
phrases to draw from, which stay lists as the generator has always held them (`details` and
`email_words`, parts in a fixed order, are tuples like every nested list).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from foundation.errors import TouchstoneError

FOLDER = Path(__file__).resolve().parent / "phrases"
# The languages of a sample day, in the order the roster lists their agents (a day's bytes depend on
# it). The tables hold them first, in this order, then any other language by its file's name.
DAY_LANGUAGES = ("en", "de", "sv", "fr")
SECTIONS = ("iban", "conversation", "filler", "lines_of_business")
IBAN_PARTS = ("country", "bank", "digits")
_IN_ORDER = ("details", "email_words")  # the conversation's lists of parts in a fixed order
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser, where PyYAML has it
_HINT = "Every language's file has the keys of the others (copy en.yaml and translate it); quote every phrase."


class Tables(NamedTuple):
    """Every language's tables, by language code, as the generator reads them."""

    text: dict[str, dict[str, Any]]
    filler: dict[str, dict[str, tuple[str, ...]]]
    lines_of_business: dict[str, dict[str, Any]]
    iban: dict[str, tuple[str, str, int]]


def load(folder: Path = FOLDER) -> Tables:
    """The tables of every `<lang>.yaml` in `folder`, checked to have the same keys and kinds of value."""
    order = {lang: index for index, lang in enumerate(DAY_LANGUAGES)}
    paths = sorted(folder.glob("*.yaml"), key=lambda path: (order.get(path.stem, len(order)), path.stem))
    if not paths:
        raise TouchstoneError(f"{folder}: no phrase files (<lang>.yaml)", _HINT)
    files = {path.stem: _read(path) for path in paths}
    _same_keys(files, {path.stem: path for path in paths})
    return Tables(
        text={lang: {key: value if isinstance(value, list) and key not in _IN_ORDER else _tuples(value) for key, value in data["conversation"].items()} for lang, data in files.items()},
        filler={lang: _tuples(data["filler"]) for lang, data in files.items()},
        lines_of_business={lang: _tuples(data["lines_of_business"]) for lang, data in files.items()},
        iban={lang: (data["iban"]["country"], data["iban"]["bank"], data["iban"]["digits"]) for lang, data in files.items()},
    )


def _read(path: Path) -> dict[str, Any]:
    """One language's file: its four sections, and the IBAN's parts, there."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise TouchstoneError(f"{path}: not valid YAML: {exc}", _HINT) from exc
    if not isinstance(data, dict):
        raise TouchstoneError(f"{path}: expected the keys {', '.join(SECTIONS)}", _HINT)
    for key in data:
        if key not in SECTIONS:
            raise TouchstoneError(f"{path}: unknown key {key!r}; the keys are {', '.join(SECTIONS)}", _HINT)
    iban = data.get("iban") if isinstance(data.get("iban"), dict) else {}
    missing = [key for key in SECTIONS if key not in data] + [f"iban.{part}" for part in IBAN_PARTS if part not in iban]
    if missing:
        raise TouchstoneError(f"{path}: {missing[0]} is missing", _HINT)
    for key in SECTIONS:
        if not isinstance(data[key], dict):
            raise TouchstoneError(f"{path}: {key} is {data[key]!r}, where a table of keys belongs", _HINT)
    return data


def _same_keys(files: dict[str, dict[str, Any]], paths: dict[str, Path]) -> None:
    """Every file has the keys most files have, with the kind of value most have there: the file that
    differs is the one named, whichever language it is (a key misspelt in one file is missing there)."""
    shapes = {lang: _shape(data, paths[lang]) for lang, data in files.items()}
    kinds: dict[str, Counter[str]] = {}
    for shape in shapes.values():
        for key, kind in shape.items():
            kinds.setdefault(key, Counter())[kind] += 1
    usual = {key: counted.most_common(1)[0][0] for key, counted in kinds.items()}
    half = len(shapes) / 2
    for lang, shape in shapes.items():
        missing = [key for key, counted in kinds.items() if key not in shape and counted.total() > half]
        if missing:  # a table comes before its keys: the first missing is the outermost
            raise TouchstoneError(f"{paths[lang]}: {missing[0]} is missing ({_having(shapes, missing[0], usual[missing[0]])}.yaml has it)", _HINT)
        extra = [key for key in shape if kinds[key].total() <= half]
        if extra:
            lacking = next(other for other, theirs in shapes.items() if extra[0] not in theirs)
            raise TouchstoneError(f"{paths[lang]}: {extra[0]} is not a key of {lacking}.yaml (misspelt here, or missing there?)", _HINT)
        odd = [key for key, kind in shape.items() if kind != usual[key]]
        if odd:
            raise TouchstoneError(f"{paths[lang]}: {odd[0]} is {shape[odd[0]]}, where {_having(shapes, odd[0], usual[odd[0]])}.yaml has {usual[odd[0]]}", _HINT)


def _having(shapes: dict[str, dict[str, str]], key: str, kind: str) -> str:
    """The first language whose file has `key` with a value of `kind`."""
    return next(lang for lang, shape in shapes.items() if shape.get(key) == kind)


def _shape(value: Any, path: Path, key: str = "") -> dict[str, str]:
    """Dotted key -> the kind of its value (a table, a phrase, a number or a list of phrases), tables first."""
    if isinstance(value, dict):
        shape = {key: "a table"} if key else {}
        for name, item in value.items():
            shape.update(_shape(item, path, f"{key}.{name}" if key else str(name)))
        return shape
    if isinstance(value, str):
        return {key: "a phrase"}
    if isinstance(value, int) and not isinstance(value, bool):
        return {key: "a number"}
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return {key: "a list of phrases"}
    raise TouchstoneError(f"{path}: {key} is {value!r}: neither a phrase, a number, a table nor a list of phrases to draw from", _HINT)


def _tuples(value: Any) -> Any:
    """The value with every list a tuple, at any depth."""
    if isinstance(value, dict):
        return {key: _tuples(item) for key, item in value.items()}
    return tuple(_tuples(item) for item in value) if isinstance(value, list) else value


TEXT, FILLER, LOB_TEXT, IBAN_COUNTRY = load()
