"""YAML trees kept between runs, so a fresh process reads an unchanged standard without parsing it.

ruamel's round-trip loader, which keeps the line of every key for `file:line` messages, is pure
Python: the standards folder (60 KB) took 0.8 s of the ~2 s `touchstone standards validate` took,
in every process that loads standards (each command, each DAG task). A tree read once is kept as a
pickle named by the hash of the text and the ruamel version that read it, under `yaml/` in
`TOUCHSTONE_CACHE_DIR` (`scorers.regex_cache.cache_root`), and read back in milliseconds: the same
mappings, lines, comments and aliases.

Only trees that parsed and passed the size limits (`scorers.loader.read_mapping`) are kept: a
broken file is parsed every time, so its message is the parser's own. Unpickling is restricted to
the classes a YAML tree is made of (ruamel's nodes, dates): a file that names anything else is not
used. Anything unexpected (a damaged, foreign or unwritable file) falls back to parsing: slower,
never different. Deleting the folder is always safe.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from scorers.regex_cache import cache_root

# What a round-trip tree is made of; `find_class` refuses every other name.
_ALLOWED_MODULES = ("ruamel.yaml.",)
_ALLOWED_NAMES = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "timedelta"), ("datetime", "timezone")}


class _TreeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module.startswith(_ALLOWED_MODULES) or (module, name) in _ALLOWED_NAMES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a YAML tree")


def _file(text: str) -> Path | None:
    try:
        parser = version("ruamel.yaml")
    except PackageNotFoundError:
        return None
    return cache_root() / "yaml" / f"{hashlib.sha256(f'{parser}|{text}'.encode()).hexdigest()}.pickle"


def kept(text: str) -> Any | None:
    """The tree kept for `text`, or None (never read, or a file that cannot be used)."""
    path = _file(text)
    try:
        return _TreeUnpickler(io.BytesIO(path.read_bytes())).load() if path is not None else None
    except Exception:  # noqa: BLE001 - anything wrong with the file: parse the text instead
        return None


def keep(text: str, tree: Any) -> None:
    """Keep the tree read from `text` for the next process."""
    path = _file(text)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        partial.write_bytes(pickle.dumps(tree, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(path)  # whole or not at all, whatever other processes do
    except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
        pass  # not kept: parsed again next time
