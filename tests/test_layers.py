"""The house's one rule: imports go only downwards, and never in a circle.

    foundation <- ingest <- scorers <- warehouse <- touchstone <- dags / scripts

A lower layer imports nothing from a higher one (the error base every layer needs lives in
`foundation`, below them all), and no module imports, even lazily inside a function, a module that
imports it back. Read from the source with `ast`, so a violation fails here whether or not a test
happens to import the module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("foundation", "ingest", "scorers", "warehouse", "touchstone")
TOP = ("dags", "scripts")  # wiring and tools: may import every layer, and no layer imports them
FORBIDDEN_EVERYWHERE = ("tests", *TOP)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the layers, by dotted name."""
    return {module_name(p): p for layer in LAYERS for p in sorted((ROOT / layer).rglob("*.py"))}


def imported(path: Path, name: str, known: set[str]) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of each import in `path`: `from a import b` names `a.b` where that is a
    module (a submodule imported through its package) and `a` otherwise."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known]
            yield from ((node.lineno, s) for s in submodules)
            if len(submodules) < len(node.names):
                yield node.lineno, base


def owner(target: str, known: set[str]) -> str | None:
    """The project module that an imported dotted name lives in (None: a third-party import)."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target or None


@cache
def graph() -> dict[str, dict[str, int]]:
    """Module -> the project modules it imports, with the line of the first import of each."""
    found = modules()
    known = set(found)
    edges: dict[str, dict[str, int]] = {}
    for name, path in found.items():
        edges[name] = {}
        for line, target in imported(path, name, known):
            mod = owner(target, known)
            if mod is not None and mod != name:
                edges[name].setdefault(mod, line)
    return edges


def layer(name: str) -> int:
    return LAYERS.index(name.split(".")[0])


def test_the_layers_are_all_there() -> None:
    """The check reads something: each layer has modules, and the graph has edges between layers."""
    found = modules()
    assert {n.split(".")[0] for n in found} == set(LAYERS)
    assert any(layer(t) < layer(m) for m, targets in graph().items() for t in targets)


@pytest.mark.parametrize("name", sorted(modules()))
def test_imports_go_only_downwards(name: str) -> None:
    path = modules()[name]
    upwards = [f"{path.relative_to(ROOT)}:{line} imports {target}" for target, line in graph()[name].items() if layer(target) > layer(name)]
    assert not upwards, "a lower layer imports a higher one:\n" + "\n".join(upwards)


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_layer_imports_tests_or_wiring(name: str) -> None:
    path = modules()[name]
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for line, target in imported(path, name, set(modules()))
        if target.split(".")[0] in FORBIDDEN_EVERYWHERE
    ]
    assert not wrong, "\n".join(wrong)


def circles(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(edges.get(target, {})))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_import_circles() -> None:
    edges = graph()
    described = [" <-> ".join(f"{m} ({modules()[m].relative_to(ROOT)})" for m in group) for group in circles(edges)]
    assert not described, "modules that import each other:\n" + "\n".join(described)


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ({"a": {"b": 1}, "b": {"a": 1}}, [["a", "b"]]),
        ({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}, [["a", "b", "c"]]),
        ({"a": {"b": 1}, "b": {}, "c": {"b": 1}}, []),
    ],
)
def test_circles_are_found(edges: dict[str, dict[str, int]], expected: list[list[str]]) -> None:
    """The circle finder itself can fail: a two-module and a three-module circle are found, a
    diamond is not one."""
    assert sorted(circles(edges)) == expected


def test_a_submodule_imported_through_its_package_is_no_import_of_the_package(tmp_path: Path) -> None:
    """`from warehouse.report import svg` depends on the module `svg`, not on the package's
    `__init__`; `from warehouse.report import write_report` depends on the `__init__`."""
    source = tmp_path / "x.py"
    source.write_text("from warehouse.report import svg\nfrom warehouse.report import write_report\nfrom . import sibling\n", encoding="utf-8")
    known = {"warehouse.report", "warehouse.report.svg", "pkg.sibling"}
    assert list(imported(source, "pkg.x", known)) == [(1, "warehouse.report.svg"), (2, "warehouse.report"), (3, "pkg.sibling")]
