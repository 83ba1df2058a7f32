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
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.change} {self.what}" + (f": {self.field}: {self.detail}" if self.change == "changed" else "")


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _comparable(value: Any) -> Any:
    """Lists of things with ids become maps by id, so a moved section is no change; examples count."""
    if isinstance(value, dict):
        return {k: (f"{len(v)} example(s)" if k == "examples" else _comparable(v)) for k, v in value.items()}
    if isinstance(value, list) and value and all(isinstance(v, dict) and "id" in v for v in value):
        return {v["id"]: _comparable(v) for v in value}
    return value


def _fields(old: Any, new: Any, path: str = "") -> list[tuple[str, str]]:
    """Leaf differences between two JSON-like values, as (dotted path, what changed)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted(set(old) | set(new), key=str):
            out += _fields(old.get(key), new.get(key), f"{path}.{key}" if path else str(key))
        return out
    if old == new:
        return []
    if isinstance(old, list) and isinstance(new, list) and all(isinstance(v, str) for v in old + new):
        added, removed = [v for v in new if v not in old], [v for v in old if v not in new]
        return [(path, " ".join(filter(None, (f"+{_short(added)}" if added else "", f"-{_short(removed)}" if removed else ""))) or "reordered")]
    return [(path, f"{_short(old)} -> {_short(new)}")]


def _dump(model: Any) -> dict[str, Any]:
    return _comparable(model.model_dump(mode="json", exclude_none=True, exclude=_NOT_COMPARED))


def diff_standards(old: Standard, new: Standard) -> list[Change]:
    """Top-level fields and sections first, then criteria added, removed and changed."""
    a_top, b_top = _dump(old), _dump(new)
    a_sections, b_sections = a_top.pop("sections", {}), b_top.pop("sections", {})
    changes = [Change("changed", "standard", f, d) for f, d in _fields(a_top, b_top)]
    changes += [Change("added", f"section {s}") for s in b_sections if s not in a_sections]
    changes += [Change("removed", f"section {s}") for s in a_sections if s not in b_sections]
    changes += [Change("changed", f"section {s}", f, d) for s in a_sections if s in b_sections for f, d in _fields(a_sections[s], b_sections[s])]
    a = {c.id: _dump(c) for c in old.criteria}
    b = {c.id: _dump(c) for c in new.criteria}
    changes += [Change("added", f"criterion {i}") for i in b if i not in a]
    changes += [Change("removed", f"criterion {i}") for i in a if i not in b]
    changes += [Change("changed", f"criterion {i}", f, d) for i in a if i in b for f, d in _fields(a[i], b[i])]
    return changes
