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
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError

from foundation.errors import TouchstoneError
from ingest.interaction import Interaction
from scorers.interaction_fields import FIELDS, FieldValue, field_value
from scorers.loader import Loc, StandardError, field_path, find_version, line_of, once_each, problems_of, read_mapping, select_standard
from scorers.standard import Slug, Standard, StrictModel, Version

StandardRef = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(@[0-9A-Za-z][0-9A-Za-z.\-]*)?$", max_length=80)]
Values = Annotated[list[FieldValue], Field(min_length=1)]


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
    # Field path (`rules[1].standards[0]`) -> its line in the file, for problems found only when a
    # date is routed (a standard version not in force then).
    lines: dict[str, int] = Field(default_factory=dict, exclude=True)

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    def routes(self) -> list[tuple[str, Loc, list[str]]]:
        """Every distinct destination: (the rule's name, `default` or `always`; where it is; the
        standards an interaction sent there gets, company-wide first)."""
        found: list[tuple[str, Loc, list[str]]] = [(rule.name, ("rules", i, "standards"), self.always + rule.standards) for i, rule in enumerate(self.rules)]
        if self.default:
            found.append(("default", ("default",), self.always + self.default))
        elif self.always:
            found.append(("always", ("always",), list(self.always)))
        return found

    def line(self, loc: Loc) -> int:
        return self.lines.get(field_path(loc), 1)

    def defined_at(self, rule: str) -> str:
        """`file:line` of a rule (or of `default` / `always`), for reports of what it routed."""
        index = next((i for i, r in enumerate(self.rules) if r.name == rule), None)
        return f"{self.source}:{self.line(('rules', index) if index is not None else (rule,))}"


@dataclass(frozen=True)
class Routed:
    """Where an interaction goes: the standards (company-wide first), the rule that sent it there
    (a rule's name, `default`, `always` for the company-wide standards alone, or None when
    nothing did), and why, for the runs table and the unrouted count."""

    standards: tuple[str, ...]
    rule: str | None
    reason: str


# The routes that catch what no rule names: matching nothing on a day is their healthy case.
CATCH_ALLS = ("default", "always")


def idle_rules(routes: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The named rules of a run's `routes` that matched no interaction (a queue renamed upstream?)."""
    return [r for r in routes if not r["interactions"] and r["rule"] not in CATCH_ALLS]


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
        return Routed(tuple(routing.always), "always", "no rule matched: company-wide standards only")
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
        routing = routing.model_copy(update={"lines": {field_path(loc): line_of(root, loc) for loc in _standard_locations(routing)}})
    if problems:
        raise StandardError(source, [f"{source}:{line_of(root, loc)}: {field_path(loc)}: {message}" for loc, message in problems], "routing")
    assert routing is not None
    return routing


def _standard_locations(routing: Routing) -> list[Loc]:
    """Where the routing says what a rule (or `always`, `default`) gives, and each standard it names."""
    rules = [loc for i in range(len(routing.rules)) for loc in (("rules", i), ("rules", i, "standards"))]
    return [("always",), ("default",), *rules, *(loc for loc, _ref in _standard_refs(routing))]


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


def load_routings(standards_dir: Path, known_standards: Collection[str]) -> list[Routing]:
    """Every routing version kept beside the standards, validated; two files of one version refused."""
    return once_each([load_routing(path, known_standards) for path in routing_files(standards_dir)], "routing ")


def select_routing(routings: Sequence[Routing], day: date, ref: str | None = None) -> Routing | None:
    """The routing for `day`: with `ref` (`id` or `id@version`) that routing, else the only id
    there is; the version in force on `day` (the latest `effective_from` on or before it), or
    exactly `id@version`. None when no version is in force."""
    if not routings:
        raise TouchstoneError(f"no routing {ref!r} to apply" if ref else "no routing to apply", f"routing files live in <standards>/{ROUTING_FOLDER}/, and there are none")
    if ref is None:
        ids = sorted({r.id for r in routings})
        if len(ids) > 1:
            raise TouchstoneError(f"there are several routings ({', '.join(ids)}): name the one to apply")
        ref = ids[0]
    return find_version(routings, day, ref, "routing")


@dataclass(frozen=True)
class Router:
    """A routing bound to one date: each standard it names resolved to the version it scores with
    then. What a run applies to each interaction (`route`)."""

    routing: Routing
    standards: dict[str, Standard]  # every standard reference the routing writes -> its version

    @property
    def scored_with(self) -> tuple[Standard, ...]:
        """Every standard the routing can give on the date, each once, company-wide first."""
        ordered = {s.ref: s for _rule, _loc, refs in self.routing.routes() for s in (self.standards[r] for r in refs)}
        return tuple(ordered.values())

    def route(self, interaction: Interaction) -> tuple[Routed, tuple[Standard, ...]]:
        routed = route(interaction, self.routing)
        return routed, tuple(self.standards[ref] for ref in routed.standards)


def _standard_refs(routing: Routing) -> list[tuple[Loc, str]]:
    """Every standard the routing names, with where: always[i], rules[i].standards[j], default[i]."""
    found: list[tuple[Loc, str]] = [(("always", i), ref) for i, ref in enumerate(routing.always)]
    for i, rule in enumerate(routing.rules):
        found += [(("rules", i, "standards", j), ref) for j, ref in enumerate(rule.standards)]
    return found + [(("default", i), ref) for i, ref in enumerate(routing.default)]


def resolve(routing: Routing, standards: Sequence[Standard], day: date) -> Router:
    """Bind `routing` to the standard versions of `day`; refused, with every problem's file and
    line, where a standard has no version then, where one standard would score with two versions
    (pinned here, in force there: its scores could not be told apart), or where one interaction
    would get the same standard twice or two standards that share a criterion id (its verdicts are
    named by criterion)."""
    problems: list[str] = []
    bound: dict[str, Standard] = {}
    versions: dict[str, Standard] = {}  # standard id -> the version it scores with
    for loc, ref in _standard_refs(routing):
        where = f"{routing.source}:{routing.line(loc)}: {field_path(loc)}"
        try:
            chosen = bound.setdefault(ref, select_standard(standards, day, ref))
        except TouchstoneError as exc:
            problems.append(f"{where}: {exc.message} ({ref} on {day.isoformat()})")
            continue
        other = versions.setdefault(chosen.id, chosen)
        if other.version != chosen.version:
            problems.append(f"{where}: {ref} is {chosen.ref} on {day.isoformat()}, but another place gives {other.ref}: one standard scores with one version a day")
    if not problems:
        for name, loc, refs in routing.routes():
            chosen = [bound[ref] for ref in refs]
            ids = [s.id for s in chosen]
            twice = sorted({i for i in ids if ids.count(i) > 1})
            if twice:
                problems.append(f"{routing.source}:{routing.line(loc)}: {field_path(loc)}: {name} gives {', '.join(twice)} twice (with always, an interaction gets each standard once)")
                continue
            owners: dict[str, str] = {}
            for standard in chosen:
                for criterion in standard.criteria:
                    other = owners.setdefault(criterion.id, standard.ref)
                    if other != standard.ref:
                        problems.append(
                            f"{routing.source}:{routing.line(loc)}: {field_path(loc)}: {name} gives {other} and {standard.ref}, "
                            f"which both have a criterion {criterion.id!r}: rename one (an interaction's verdicts are named by criterion)"
                        )
    if problems:
        raise StandardError(routing.source, problems, "routing")
    return Router(routing, bound)
