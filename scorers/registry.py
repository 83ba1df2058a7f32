"""Criterion kinds, registered by versioned name, as spaCy registers its components.

A kind is a pydantic config model (its YAML fields, extending `CriterionConfig`) and a factory that
compiles one configured criterion into a scorer: `factory(config, resources) -> score(analysed) ->
Verdict`, where `resources` carries what the standard shares between criteria (the sentiment
lexicon).
A released kind never changes behaviour; a change is a new `.v2`. In YAML, `kind: required_phrase`
means the newest version; `kind: required_phrase.v1` pins one. Every module in `scorers.kinds` is
imported on first use, so a new kind is one new file there.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scorers.nlp import Analysed
    from scorers.outcome import Verdict
    from scorers.sentiment import SentimentAnalyser
    from scorers.standard import CriterionConfig

Scorer = Callable[["Analysed"], "Verdict"]


@dataclass(frozen=True)
class Resources:
    """What the standard shares with every criterion's factory."""

    sentiment: SentimentAnalyser


Factory = Callable[[Any, Resources], Scorer]


@dataclass(frozen=True)
class Kind:
    name: str  # versioned: "required_phrase.v1"
    config: type[CriterionConfig]
    factory: Factory
    description: str

    @property
    def base_name(self) -> str:
        return self.name.rsplit(".v", 1)[0]

    @property
    def version(self) -> int:
        return int(self.name.rsplit(".v", 1)[1])


_KINDS: dict[str, Kind] = {}


def register_kind(name: str, *, config: type[CriterionConfig]) -> Callable[[Factory], Factory]:
    """Register a criterion kind's factory under `name` (which must end in `.vN`)."""
    base, _, version = name.rpartition(".v")
    if not base or not version.isdigit():
        raise ValueError(f"criterion kind name {name!r} must be versioned, like 'required_phrase.v1'")

    def decorate(factory: Factory) -> Factory:
        _KINDS[name] = Kind(name, config, factory, (factory.__doc__ or "").strip().splitlines()[0])
        return factory

    return decorate


def import_modules(package: str) -> None:
    """Import every module of `package`, so the ones that register themselves are registered."""
    path = importlib.import_module(package).__path__
    for module in pkgutil.iter_modules(path):
        importlib.import_module(f"{package}.{module.name}")


def kinds() -> dict[str, Kind]:
    """Every registered kind, by versioned name."""
    if not _KINDS:
        import_modules("scorers.kinds")
    return dict(_KINDS)


def resolve(kind: str) -> Kind | None:
    """The kind that `kind` names: a versioned name, or a bare name for its newest version."""
    registered = kinds()
    if kind in registered:
        return registered[kind]
    versions = [k for k in registered.values() if k.base_name == kind]
    return max(versions, key=lambda k: k.version) if versions else None
