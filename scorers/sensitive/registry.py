"""Detectors of sensitive data, registered by name as criterion kinds are (`scorers.registry`).

A detector is `detect(text, scope) -> Iterator[Found]`; every module in `scorers.sensitive.detectors`
is imported on first use, so a new type of sensitive data is one new file there. Detectors run in
order of precedence: where two claim the same characters, the first wins (an IBAN's digits are not a
card; a card's digits are not a national id or a phone number).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from scorers.registry import import_modules


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
    and the countries whose ids and numbers count (see `scorers.sensitive.countries`); with
    `elsewhere`, every other country's too where a word says what the number is ("my Steuer-ID is
    ..." in an English call; "my mobile is 070 ..."), as a criterion's default `likely` has it."""

    language: str
    countries: frozenset[str]
    elsewhere: bool = False


Detect = Callable[[str, Scope], Iterator[Found]]


@dataclass(frozen=True)
class Detector:
    name: str
    precedence: int  # lower first
    detect: Detect


_DETECTORS: dict[str, Detector] = {}


def register_detector(name: str, *, precedence: int) -> Callable[[Detect], Detect]:
    def register(detect: Detect) -> Detect:
        if name in _DETECTORS and _DETECTORS[name].detect is not detect:
            raise ValueError(f"detector {name!r} is registered twice")
        _DETECTORS[name] = Detector(name, precedence, detect)
        return detect

    return register


def registered_detectors() -> dict[str, Detector]:
    """Every registered detector, in order of precedence."""
    if not _DETECTORS:
        import_modules("scorers.sensitive.detectors")
    return dict(sorted(_DETECTORS.items(), key=lambda item: item[1].precedence))
