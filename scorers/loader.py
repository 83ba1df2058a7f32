"""Load standards from YAML, validate them at the edge, and pick the version in force on a date.

YAML is read with ruamel's round-trip loader, which builds plain data only (no code execution) and
keeps the line of every key, so each validation problem is reported as `file:line: field: message`.
All problems of a file are reported at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from foundation.errors import TouchstoneError
from scorers import yaml_cache
from scorers.registry import kinds, resolve
from scorers.standard import CriterionConfig, Standard

Loc = tuple[str | int, ...]
MAX_STANDARD_BYTES = 1_000_000
MAX_STANDARD_DEPTH = 32  # eu_core 2.0 nests 9 levels
MAX_STANDARD_VALUES = 200_000  # after aliases are expanded; eu_core 2.0 has 1,186


class StandardError(TouchstoneError):
    """A standard (or routing) that cannot be used; `problems` are `file:line: field: message` lines."""

    def __init__(self, path: str, problems: Sequence[str], what: str = "standard") -> None:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(
            f"{path} is not a valid {what} ({count}):\n" + "\n".join(f"  {p}" for p in problems),
            f"fix the lines named above; `touchstone standards validate` checks every {what}",
        )
        self.problems = list(problems)


def line_of(root: Any, loc: Loc) -> int:
    """The 1-based line of the deepest node of `loc` that exists in the YAML tree."""
    node, line = root, 1
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0] + 1
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lc.item(part)[0] + 1
        else:
            break
        node = node[part]
    return line


def field_path(loc: Loc) -> str:
    """`criteria[3].within.first_turns` from `('criteria', 3, 'within', 'first_turns')`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def problems_of(error: ValidationError, prefix: Loc = ()) -> list[tuple[Loc, str]]:
    """Each problem pydantic found, as (location, message) in the words the loaders use."""
    found = []
    for problem in error.errors(include_url=False):
        loc = prefix + tuple(p for p in problem["loc"] if p != "[key]")
        message = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            message = "unknown key (check the spelling; unknown keys are not ignored)"
        elif problem["type"] == "missing":
            message = "required field is missing"
        found.append((loc, message))
    return found


def _criterion(raw: Any, index: int) -> tuple[CriterionConfig | None, list[tuple[Loc, str]]]:
    """Validate one criterion against the config model of its kind."""
    loc: Loc = ("criteria", index)
    if not isinstance(raw, dict):
        return None, [(loc, "each criterion must be a mapping of keys to values")]
    name = raw.get("kind")
    kind = resolve(name) if isinstance(name, str) else None
    if kind is None:
        known = ", ".join(sorted({k.base_name for k in kinds().values()}))
        return None, [(loc + ("kind",), f"unknown criterion kind {name!r}; known kinds: {known}")]
    try:
        return kind.config.model_validate({**raw, "kind": kind.name}), []
    except ValidationError as exc:
        return None, problems_of(exc, loc)


def _cross_checks(standard: Standard) -> list[tuple[Loc, str]]:
    """Rules between fields: unique ids, known sections, phrases (of criteria and topics) only in the standard's languages."""
    found: list[tuple[Loc, str]] = []
    sections = {s.id for s in standard.sections}
    seen_sections: set[str] = set()
    for i, section in enumerate(standard.sections):
        if section.id in seen_sections:
            found.append((("sections", i, "id"), f"section id {section.id!r} is used twice"))
        seen_sections.add(section.id)
    seen: set[str] = set()
    for i, criterion in enumerate(standard.criteria):
        if criterion.id in seen:
            found.append((("criteria", i, "id"), f"criterion id {criterion.id!r} is used twice"))
        seen.add(criterion.id)
        if criterion.section not in sections:
            found.append((("criteria", i, "section"), f"unknown section {criterion.section!r}; sections: {', '.join(sorted(sections))}"))
        for path, languages in _phrase_languages(criterion):
            for lang in sorted(set(languages) - set(standard.languages)):
                found.append((("criteria", i, *path, lang), f"language {lang!r} is not in the standard's languages"))
    if standard.handover_criterion is not None and standard.handover_criterion not in seen:
        found.append((("handover_criterion",), f"no criterion has the id {standard.handover_criterion!r}"))
    for i, topic in enumerate(standard.contact_reasons.topics):
        for path, languages in _phrase_languages(topic):
            for lang in sorted(set(languages) - set(standard.languages)):
                found.append((("contact_reasons", "topics", i, *path, lang), f"language {lang!r} is not in the standard's languages"))
    return found


def _phrase_languages(model: Any, path: Loc = ()) -> Iterable[tuple[Loc, list[str]]]:
    """Every `phrases` and `patterns` mapping in a criterion config, with its path, to check its languages."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if name in ("phrases", "patterns") and isinstance(value, dict):
            yield path + (name,), list(value)
        elif hasattr(type(value), "model_fields"):
            yield from _phrase_languages(value, path + (name,))


def _too_big(root: Any) -> tuple[int, str] | None:
    """`(line, problem)` when the YAML tree nests too deeply, refers to itself, or expands (through
    aliases, `*name`, which repeat what `&name` marks) to more values than a standard could need:
    an alias bomb is a few lines of text that would take hours to validate."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: Any, depth: int) -> int:
        if not isinstance(node, dict | list):
            return 1
        if depth > MAX_STANDARD_DEPTH:
            raise _Refused(node, f"nested more than {MAX_STANDARD_DEPTH} levels deep")
        if id(node) in open_nodes:
            raise _Refused(node, "an alias refers to a node that contains it")
        if id(node) not in sizes:
            open_nodes.add(id(node))
            children = node.values() if isinstance(node, dict) else node
            sizes[id(node)] = 1 + sum(size(child, depth + 1) for child in children)
            open_nodes.discard(id(node))
            if sizes[id(node)] > MAX_STANDARD_VALUES:
                raise _Refused(node, f"expands to more than {MAX_STANDARD_VALUES:,} values (aliases repeat what they point at)")
        return sizes[id(node)]

    try:
        size(root, 1)
    except _Refused as refused:
        lc = getattr(refused.node, "lc", None)
        return (lc.line + 1 if lc is not None and lc.line is not None else 1), refused.problem
    return None


class _Refused(Exception):
    def __init__(self, node: Any, problem: str) -> None:
        self.node, self.problem = node, problem


def read_mapping(text: str, source: str, what: str = "standard", keys: str = "id, version, sections, criteria") -> Any:
    """The YAML mapping in `text` (round-trip, so every key keeps its line), within the size limits;
    a `StandardError` naming file and line otherwise. Shared by standards and routing files. A
    text read before in any process is not parsed again (`scorers.yaml_cache`)."""
    if len(text.encode("utf-8")) > MAX_STANDARD_BYTES:
        raise StandardError(source, [f"{source}:1: the file is larger than {MAX_STANDARD_BYTES:,} bytes"], what)
    if isinstance(root := yaml_cache.kept(text), dict):
        return root  # kept only after it passed the checks below
    try:
        root = YAML(typ="rt", pure=True).load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise StandardError(source, [f"{source}:{line}: not valid YAML: {exc.problem or exc.context}"], what) from None
    except YAMLError as exc:  # characters YAML does not allow (NUL, control characters)
        position = getattr(exc, "position", 0) or 0
        raise StandardError(source, [f"{source}:{text.count(chr(10), 0, position) + 1}: not valid YAML: {str(exc).splitlines()[0]}"], what) from None
    except RecursionError:
        raise StandardError(source, [f"{source}:1: not valid YAML: nested too deeply to read"], what) from None
    if not isinstance(root, dict):
        raise StandardError(source, [f"{source}:1: a {what} is a YAML mapping with keys {keys}, ..."], what)
    if (problem := _too_big(root)) is not None:
        raise StandardError(source, [f"{source}:{problem[0]}: {problem[1]}"], what)
    yaml_cache.keep(text, root)
    return root


def parse_standard(text: str, source: str) -> Standard:
    """Validate a standard given as YAML text; `source` names it in messages. Standards are frozen,
    so a text read before (a run reads the folder at planning and again in every shard) is not
    parsed again."""
    return _parsed(text, source)


@lru_cache(maxsize=256)
def _parsed(text: str, source: str) -> Standard:
    root = read_mapping(text, source)
    problems: list[tuple[Loc, str]] = []
    raw_criteria = root.get("criteria")
    document = {**root, "source": source, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
    if isinstance(raw_criteria, list):
        # Each criterion is checked against its own kind's model, for precise messages.
        document["criteria"] = []
        for i, raw in enumerate(raw_criteria):
            criterion, found = _criterion(raw, i)
            problems += found
            if criterion is not None:
                document["criteria"].append(criterion)
    standard = None
    try:
        standard = Standard.model_validate(document)
    except ValidationError as exc:
        found = problems_of(exc)
        if problems:  # the criteria were already reported one by one
            found = [p for p in found if p[0][:1] != ("criteria",)]
        problems += found
    if standard is not None and not problems:
        problems += _cross_checks(standard)
    if problems:
        raise StandardError(source, [f"{source}:{line_of(root, loc)}: {field_path(loc)}: {msg}" for loc, msg in problems])
    assert standard is not None
    lines = {}
    for i, criterion in enumerate(standard.criteria):
        lines[criterion.id] = line_of(root, ("criteria", i))
        for j in range(len(criterion.examples)):
            lines[f"{criterion.id}.examples[{j}]"] = line_of(root, ("criteria", i, "examples", j))
    return standard.model_copy(update={"lines": lines})


def load_standard(path: Path) -> Standard:
    """Load and validate one standard file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StandardError(str(path), [f"{path}:1: cannot read the file: {exc}"]) from None
    return parse_standard(text, str(path))


def load_standards(folder: Path) -> list[Standard]:
    """Every standard in `folder` (`*.yaml`), validated; any broken file stops the load."""
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        raise TouchstoneError(f"no standards (*.yaml) in {folder}", "set TOUCHSTONE_STANDARDS_DIR or pass --standards")
    return once_each([load_standard(p) for p in paths])


class Sourced(Protocol):
    @property
    def ref(self) -> str: ...

    source: str


S = TypeVar("S", bound=Sourced)


def once_each(versions: list[S], what: str = "") -> list[S]:
    """`versions` (standards or routings), refused where two files define the same `id@version`."""
    seen: dict[str, str] = {}
    for v in versions:
        if v.ref in seen:
            raise TouchstoneError(f"{v.source}: {what}{v.ref} is also defined in {seen[v.ref]}", "give each version its own number")
        seen[v.ref] = v.source
    return versions


def select_standard(standards: Sequence[Standard], day: date, ref: str) -> Standard:
    """The standard to score `day` with.

    `ref` is `id` (the version in force on `day`: the latest `effective_from` on or before it) or
    `id@version` (exactly that version, whatever its date, for re-scoring history).
    """
    chosen = find_version(standards, day, ref, "standard")
    if chosen is None:
        same_id = [s for s in standards if s.id == ref.partition("@")[0]]
        first = min(s.effective_from for s in same_id)
        raise TouchstoneError(
            f"no version of standard {same_id[0].id!r} is in force on {day.isoformat()} (the first is effective from {first})",
            f"name a version explicitly, e.g. {same_id[0].ref}",
        )
    return chosen


class Versioned(Protocol):
    id: str
    effective_from: date
    version: str


V = TypeVar("V", bound=Versioned)


def find_version(versions: Sequence[V], day: date, ref: str, what: str) -> V | None:
    """The version `ref` names (a standard's or a routing's): `id@version` exactly, whatever its
    date, or for `id` the one in force on `day` (None if none is yet). An unknown id or version is
    refused, naming those there are."""
    wanted, _, version = ref.partition("@")
    same_id = [v for v in versions if v.id == wanted]
    if not same_id:
        raise TouchstoneError(f"no {what} with id {wanted!r}", f"{what}s found: {', '.join(sorted({v.id for v in versions})) or 'none'}")
    if not version:
        return in_force(same_id, day)
    for v in same_id:
        if v.version == version:
            return v
    raise TouchstoneError(f"{what} {wanted!r} has no version {version!r}", f"versions: {', '.join(v.version for v in same_id)}")


def in_force(versions: Sequence[V], day: date) -> V | None:
    """The version in force on `day`: the latest `effective_from` on or before it."""
    candidates = [v for v in versions if v.effective_from <= day]
    return max(candidates, key=lambda v: (v.effective_from, v.version)) if candidates else None
