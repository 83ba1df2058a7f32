"""Detectors of sensitive data, registered by name as criterion kinds are (`scorers.registry`).

A detector is `detect(text, scope) -> Iterator[Found]`; every module in `scorers.sensitive.detectors`
is imported on first use, so a new type of sensitive data is one new file there. Detectors run in
order of precedence: where two claim the same characters, the first wins (an IBAN's digits are not a
card; a card's digits are not a national id or a phone number).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from scorers.sensitive.spoken import NumberToken


@dataclass(frozen=True)
class Found:
    kind: str
    start: int  # character offsets in the text
    end: int
    redacted: str
    country: str | None = None  # ISO 3166 alpha-2, where the value belongs to one


@dataclass(frozen=True)
class Scope:
    """What a detector looks for: the language the text is in (its number words and context words)
    and the countries whose ids and numbers count (see `scorers.sensitive.countries`)."""

    language: str
    countries: frozenset[str]


Detect = Callable[[str, Scope], Iterator[Found]]


@dataclass(frozen=True)
class Detector:
    name: str
    precedence: int  # lower first
    detect: Detect
    description: str


_DETECTORS: dict[str, Detector] = {}


def register_detector(name: str, *, precedence: int) -> Callable[[Detect], Detect]:
    def register(detect: Detect) -> Detect:
        if name in _DETECTORS and _DETECTORS[name].detect is not detect:
            raise ValueError(f"detector {name!r} is registered twice")
        _DETECTORS[name] = Detector(name, precedence, detect, (detect.__doc__ or "").strip().splitlines()[0])
        return detect

    return register


def registered_detectors() -> dict[str, Detector]:
    """Every registered detector, in order of precedence."""
    if not _DETECTORS:
        import scorers.sensitive.detectors as package

        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")
    return dict(sorted(_DETECTORS.items(), key=lambda item: item[1].precedence))


def best(run: tuple[NumberToken, ...], valid: Callable[[str], bool], slack: int = 2) -> tuple[int, int, str] | None:
    """The longest valid part of a run: (start, end, digits). Up to `slack` stray number words ("one",
    "oh", "for") may be left off either end; written digit groups never are, so chance hits inside
    long digit strings are not taken."""

    def strays(tokens: tuple[NumberToken, ...]) -> int:
        return next((i for i, t in enumerate(tokens[:slack]) if not t.spoken), min(slack, len(tokens)))

    found = None
    for lead in range(min(strays(run), len(run) - 1) + 1):
        for trail in range(min(strays(run[::-1]), len(run) - lead - 1) + 1):
            part = run[lead : len(run) - trail]
            digits = "".join(t.digits for t in part)
            if (found is None or len(digits) > len(found[2])) and valid(digits):
                found = (part[0].start, part[-1].end, digits)
    return found
