"""Compiled regular expressions kept between runs, so a process starts without compiling large ones.

Python compiles a regular expression in Python code, about 2.5 µs per character of pattern. Most
patterns are small; two are not: spaCy compiles its French tokenizer exceptions (one 1.45 MB
pattern) whenever `spacy.lang.fr` is imported, 3.5-4 s of every process that scores French (each
mapped scoring task of the DAG is one), and the spoken-number patterns of
`scorers.sensitive.spoken` (20-60 KB a language) take 0.1-0.5 s each. What the compiler makes, the
program that `_sre` runs, depends only on the pattern's text, its flags and the interpreter, so it
is kept in a file named by all three and read back into a pattern in milliseconds.

- `compile(pattern, flags)` for our own patterns: from the file when there is one, else compiled
  and kept.
- `seed(name)` / `record(name, patterns)` for patterns a library compiles itself (spaCy's, at
  import): `record` keeps them under a name; `seed` puts them back into `re`'s own cache, where
  the library's `re.compile` of the same text finds them instead of compiling again.

Safe by construction: a file is used only for the exact pattern text and flags it was made from,
by the same interpreter build (`sys.version`, `_sre.MAGIC`, `_sre.CODESIZE` name the folder).
Anything unexpected (an interpreter whose `re` internals differ, a damaged or unwritable file) falls
back to `re.compile`: slower, never different. The folder is `TOUCHSTONE_CACHE_DIR`, by default
`$XDG_CACHE_HOME/touchstone` (`~/.cache/touchstone`); deleting it is always safe.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import _sre

_INTERPRETER = hashlib.sha256(f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}".encode()).hexdigest()[:16]


def cache_root() -> Path:
    """`TOUCHSTONE_CACHE_DIR`, by default `$XDG_CACHE_HOME/touchstone`: what is kept between runs."""
    return Path(os.environ.get("TOUCHSTONE_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "touchstone")


def cache_dir() -> Path:
    """Where compiled patterns are kept, one folder per interpreter build."""
    return cache_root() / "regex" / _INTERPRETER


def _file(pattern: str, flags: int) -> Path:
    return cache_dir() / f"{hashlib.sha256(f'{flags}|{pattern}'.encode()).hexdigest()}.marshal"


def _program(pattern: str, flags: int) -> tuple[Any, ...]:
    """What `re.compile` hands to `_sre.compile`, made as `re._compiler.compile` makes it."""
    parsed = re._parser.parse(pattern, flags)  # type: ignore[attr-defined]
    code = re._compiler._code(parsed, flags)  # type: ignore[attr-defined]
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for group, index in groupindex.items():
        indexgroup[index] = group
    return (pattern, int(flags | parsed.state.flags), [int(c) for c in code], parsed.state.groups - 1, groupindex, tuple(indexgroup))


def _write(path: Path, program: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        partial.write_bytes(marshal.dumps(program))
        partial.replace(path)  # whole or not at all, whatever other processes do
    except OSError:
        pass  # a read-only home: compiled again next time


def _read(pattern: str, flags: int) -> re.Pattern[str] | None:
    """The pattern rebuilt from its file, or None (no file, or one that is not this pattern's)."""
    try:
        program = marshal.loads(_file(pattern, flags).read_bytes())
        if program[0] != pattern:
            return None
        compiled: re.Pattern[str] = _sre.compile(*program)
        return compiled
    except (OSError, EOFError, ValueError, TypeError, IndexError, RuntimeError):
        return None


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:  # noqa: A001 - re.compile's name, on purpose
    """`re.compile(pattern, flags)`, from the file when this pattern was compiled before."""
    flags = int(flags)
    found = _read(pattern, flags)
    if found is not None:
        return found
    try:
        program = _program(pattern, flags)
        compiled: re.Pattern[str] = _sre.compile(*program)
    except Exception:  # noqa: BLE001 - re's internals differ here: compile as usual, keep nothing
        return re.compile(pattern, flags)
    _write(_file(pattern, flags), program)
    return compiled


def texts(name: str, make: Callable[[], list[str]]) -> list[str]:
    """The pattern texts `make` returns, kept under `name` after a first call: for patterns whose
    text takes long to build (`scorers.sensitive.spoken`'s tries). `name` must name everything the
    texts are made from (the code's hash); the patterns themselves then come from `compile`."""
    try:
        kept = marshal.loads(_index(name).read_bytes())
        if isinstance(kept, list) and all(isinstance(text, str) for text in kept):
            return kept
    except (OSError, EOFError, ValueError, TypeError):
        pass
    made = make()
    _write(_index(name), made)
    return made


def _index(name: str) -> Path:
    return cache_dir() / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.index"


def seed(name: str) -> int:
    """Put the patterns recorded under `name` into `re`'s cache (how many were found), so that a
    library compiling the same text with no flags gets them without compiling."""
    cache = getattr(re, "_cache", None)
    if not isinstance(cache, dict):
        return 0
    try:
        texts = marshal.loads(_index(name).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return 0
    seeded = 0
    for text in texts if isinstance(texts, list) else ():
        found = _read(text, 0) if isinstance(text, str) else None
        if found is not None:
            cache[type(text), text, 0] = found
            seeded += 1
    return seeded


def record(name: str, patterns: Iterable[re.Pattern[str]], smallest: int = 10_000) -> None:
    """Keep the patterns of at least `smallest` characters that a library compiled without flags
    (those `seed` can put back), under `name`. Making each file compiles the pattern once more:
    the first process pays twice, the later ones not at all."""
    texts = []
    for pattern in patterns:
        text = pattern.pattern
        if not isinstance(text, str) or len(text) < smallest:
            continue
        kept = _read(text, 0)
        if kept is None:
            try:
                program = _program(text, 0)
            except Exception:  # noqa: BLE001 - re's internals differ here: nothing to keep
                return
            if program[1] != pattern.flags:
                continue  # compiled with flags of its own: `seed` would not be asked for it
            _write(_file(text, 0), program)
        elif kept.flags != pattern.flags:
            continue
        texts.append(text)
    if texts:
        _write(_index(name), texts)
