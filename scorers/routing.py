"""Which standards score an interaction: routing rules owned by compliance, versioned like standards.

A routing file names the standards every interaction gets (`always`: a company-wide standard), rules
that give the line-of-business standard from what is known about an interaction before it is scored
(queue, team, channel, language, agent type, other metadata), and a `default` for what no rule
covers. Rules may not overlap: an interaction matches at most one, so their order never decides, and
a rule another rule covers can never be mistaken for one that applies. Standards are named by id
(the version in force on the scored date) or `id@version`.

```yaml
id: routing
version: "1"
effective_from: 2026-01-01
always: [eu_core]
rules:
  - name: sales
    when: {queue: [sales, upgrades]}
    standards: [sales]
  - name: support
    when: {queue: [support], channel: [chat]}
    standards: [support]
default: [support]
```

Checked at load with file and line (`parse_routing`): unknown keys, unknown standards, two rules an
interaction could both match, and rules that leave some interactions to no standard (no `default`
and no `always`). Pure: `route(interaction, routing)` is what a run applies to each interaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, ValidationError

from ingest.interaction import Interaction
from scorers.interaction_fields import FIELDS, field_value
from scorers.loader import Loc, StandardError, field_path, in_force, line_of, problems_of, read_mapping
from scorers.standard import Slug, StrictModel, Version

StandardRef = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(@[0-9A-Za-z][0-9A-Za-z.\-]*)?$", max_length=80)]
Values = Annotated[list[Annotated[str, StringConstraints(min_length=1, max_length=200)]], Field(min_length=1)]


class When(StrictModel):
    """Conditions of a rule: every named field must have one of its values (an empty `when` would
    match everything: that is what `default` is for)."""

    queue: Values | None = None  # metadata "queue"
    team: Values | None = None
    channel: list[Literal["voice", "chat"]] | None = Field(default=None, min_length=1)
    language: list[Literal["en", "de", "sv", "fr"]] | None = Field(default=None, min_length=1)
    agent_type: list[Literal["human", "bot"]] | None = Field(default=None, min_length=1)
    metadata: dict[Annotated[str, StringConstraints(min_length=1, max_length=100)], Values] | None = None

    def conditions(self) -> dict[str, frozenset[str]]:
        """Each constrained field (metadata keys as `metadata.KEY`) -> the values it accepts."""
        found = {name: frozenset(getattr(self, name)) for name in FIELDS if getattr(self, name) is not None}
        return found | {f"metadata.{key}": frozenset(values) for key, values in (self.metadata or {}).items()}


class Rule(StrictModel):
    name: Slug
    when: When
    standards: list[StandardRef] = Field(min_length=1)


class Routing(StrictModel):
    """One version of the routing: loaded, versioned and recorded with every run like a standard."""

    id: Slug
    version: Version
    effective_from: date
    title: str | None = None
    always: list[StandardRef] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    default: list[StandardRef] = Field(default_factory=list)
    source: str = ""
    sha256: str = ""

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"


@dataclass(frozen=True)
class Routed:
    """Where an interaction goes: the standards (company-wide first), the rule that sent it there
    (`default`, or None when nothing did), and why, for the runs table and the unrouted count."""

    standards: tuple[str, ...]
    rule: str | None
    reason: str


def matches(rule: Rule, interaction: Interaction) -> bool:
    return all(field_value(interaction, field) in values for field, values in rule.when.conditions().items())


def route(interaction: Interaction, routing: Routing) -> Routed:
    """The standards that score `interaction` (rules never overlap, so at most one matches)."""
    for rule in routing.rules:
        if matches(rule, interaction):
            return Routed(tuple(routing.always + rule.standards), rule.name, f"rule {rule.name}")
    if routing.default:
        return Routed(tuple(routing.always + routing.default), "default", "no rule matched: default")
    if routing.always:
        return Routed(tuple(routing.always), None, "no rule matched: company-wide standards only")
    return Routed((), None, "no rule matched and the routing has no default")


def overlap(a: When, b: When) -> bool:
    """Whether some interaction could match both: every field both constrain shares a value (a
    field only one of them names constrains nothing in the other)."""
    ca, cb = a.conditions(), b.conditions()
    return all(ca[field] & cb[field] for field in ca.keys() & cb.keys())


def _cross_checks(routing: Routing, known: Collection[str]) -> list[tuple[Loc, str]]:
    found: list[tuple[Loc, str]] = []
    for where in ("always", "default"):
        for i, ref in enumerate(getattr(routing, where)):
            if ref.partition("@")[0] not in known:
                found.append(((where, i), f"unknown standard {ref!r}; known: {', '.join(sorted(known))}"))
    seen: dict[str, int] = {}
    for i, rule in enumerate(routing.rules):
        if not rule.when.conditions():
            found.append((("rules", i, "when"), "a rule without conditions matches every interaction: use default"))
        if rule.name in seen:
            found.append((("rules", i, "name"), f"rule {rule.name!r} is also rules[{seen[rule.name]}]"))
        seen.setdefault(rule.name, i)
        for j, ref in enumerate(rule.standards):
            if ref.partition("@")[0] not in known:
                found.append((("rules", i, "standards", j), f"unknown standard {ref!r}; known: {', '.join(sorted(known))}"))
    for (i, a), (j, b) in combinations(enumerate(routing.rules), 2):
        if a.when.conditions() and b.when.conditions() and overlap(a.when, b.when):
            found.append((("rules", j, "when"), f"overlaps rule {a.name!r} (rules[{i}]): an interaction could match both"))
    if routing.rules and not routing.default and not routing.always:
        found.append((("rules",), "some interactions match no rule, and there is neither a default nor an always"))
    if not routing.rules and not routing.default and not routing.always:
        found.append(((), "routes nothing: give always, rules or default"))
    return found


def parse_routing(text: str, source: str, known_standards: Collection[str]) -> Routing:
    """Validate a routing given as YAML text against the ids of the known standards; every problem
    is reported at once as `file:line: field: message`."""
    root = read_mapping(text, source, "routing", "id, version, effective_from, always, rules, default")
    problems: list[tuple[Loc, str]] = []
    routing = None
    try:
        routing = Routing.model_validate({**root, "source": source, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()})
    except ValidationError as exc:
        problems = problems_of(exc)
    if routing is not None:
        problems = _cross_checks(routing, known_standards)
    if problems:
        raise StandardError(source, [f"{source}:{line_of(root, loc)}: {field_path(loc)}: {message}" for loc, message in problems], "routing")
    assert routing is not None
    return routing


ROUTING_FOLDER = "routing"  # beside the standards: standards/routing/*.yaml


def load_routing(path: Path, known_standards: Collection[str]) -> Routing:
    """Load and validate one routing file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StandardError(str(path), [f"{path}:1: cannot read the file: {exc}"], "routing") from None
    return parse_routing(text, str(path), known_standards)


def routing_files(standards_dir: Path) -> list[Path]:
    """The routing versions kept beside the standards (none: every interaction gets the one standard)."""
    return sorted((standards_dir / ROUTING_FOLDER).glob("*.yaml"))


def select_routing(routings: Sequence[Routing], day: date) -> Routing | None:
    """The routing in force on `day`: the latest `effective_from` on or before it."""
    return in_force(routings, day)
