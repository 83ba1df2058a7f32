"""What changed between two versions of a standard: criteria added, removed and changed, field by field.

Compliance officers review this before a new version goes live; auditors read it afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scorers.standard import Standard

_NOT_COMPARED = {"source", "sha256", "lines", "criteria", "version", "effective_from"}


@dataclass(frozen=True)
class Change:
    change: str  # added | removed | changed
    what: str  # "criterion greeting", "section opening", "standard"
    field: str = ""
    old: Any = None
    new: Any = None

    def __str__(self) -> str:
        if self.change != "changed":
            return f"{self.change} {self.what}"
        return f"changed {self.what}: {self.field}: {self.old!r} -> {self.new!r}"


def _fields(old: Any, new: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """Leaf differences between two JSON-like values, as (dotted path, old, new)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted(set(old) | set(new), key=str):
            out += _fields(old.get(key), new.get(key), f"{path}.{key}" if path else str(key))
        return out
    return [] if old == new else [(path, old, new)]


def diff_standards(old: Standard, new: Standard) -> list[Change]:
    changes = [Change("changed", "standard", f, a, b) for f, a, b in _fields(old.model_dump(mode="json", exclude=_NOT_COMPARED), new.model_dump(mode="json", exclude=_NOT_COMPARED))]
    for kind, before, after in (("criterion", old.criteria, new.criteria),):
        a = {c.id: c.model_dump(mode="json", exclude_defaults=False) for c in before}
        b = {c.id: c.model_dump(mode="json", exclude_defaults=False) for c in after}
        changes += [Change("added", f"{kind} {i}") for i in b if i not in a]
        changes += [Change("removed", f"{kind} {i}") for i in a if i not in b]
        for i in (i for i in a if i in b):
            changes += [Change("changed", f"{kind} {i}", f, x, y) for f, x, y in _fields(a[i], b[i])]
    return changes
