"""The standard as data: pydantic models for the YAML that compliance officers write.

Every model forbids unknown keys, so a misspelt key is an error rather than a silently ignored rule.
Criterion kinds extend `CriterionConfig` with their own fields (see `scorers.kinds`). The loader
(`scorers.loader`) turns validation errors into messages naming file, line and field.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from ingest.interaction import Interaction, Language, Speaker
from scorers.interaction_fields import FieldValue
from scorers.listening import Listening
from scorers.passed_checks import passed_before, remember_passed

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Version = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z.\-]*$", max_length=32)]
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
# Phrases per language: a criterion without phrases for an interaction's language is not applicable.
Phrases = dict[Language, Annotated[list[Phrase], Field(min_length=1)]]
# Who says it. `agent` is the service side (a person or a bot); `bot` only its automated turns.
SpeakerRole = Literal["agent", "bot", "customer", "any"]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def said_by(role: SpeakerRole, speaker: Speaker, interaction: Interaction) -> bool:
    """Whether a turn of `speaker` was spoken by the participant that `role` names."""
    if speaker == "system":
        return False
    if role == "any":
        return True
    if role == "customer":
        return speaker == "customer"
    if role == "agent":
        return speaker in ("agent", "bot")
    return speaker == "bot" or (speaker == "agent" and interaction.agent.type == "bot")


class Window(StrictModel):
    """Where in the conversation a phrase counts. Exactly one bound; none means anywhere.

    Turns are turns as heard (`scorers.listening`: markup out, one speaker's segments merged,
    backchannels not counted), counted over the whole conversation, or over one speaker's turns with
    `of: agent` ("in the agent's first 2 turns": everything up to the end of the agent's second
    turn). Percentages are of the conversation's duration when it has timestamps, else of its turns.
    """

    first_turns: int | None = Field(default=None, gt=0)
    last_turns: int | None = Field(default=None, gt=0)
    first_seconds: float | None = Field(default=None, gt=0)
    last_seconds: float | None = Field(default=None, gt=0)
    first_percent: float | None = Field(default=None, gt=0, le=100)
    last_percent: float | None = Field(default=None, gt=0, le=100)
    # Whose turns `first_turns` / `last_turns` count: the whole conversation's, or one speaker's.
    of: Literal["conversation", "agent", "bot", "customer"] = "conversation"

    @model_validator(mode="after")
    def _exactly_one(self) -> Window:
        bounds = [name for name in type(self).model_fields if name != "of"]
        given = [name for name in bounds if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(bounds)}; got {given or 'none'}")
        if self.of != "conversation" and given[0] not in ("first_turns", "last_turns"):
            raise ValueError(f"`of: {self.of}` goes with first_turns or last_turns, not {given[0]}")
        return self

    @property
    def needs_timestamps(self) -> bool:
        return self.first_seconds is not None or self.last_seconds is not None

    @property
    def bound(self) -> tuple[str, float]:
        """The one bound given: (`first_turns`, 4.0)."""
        return next((n, v) for n, v in self if n != "of" and v is not None)

    def describe(self) -> str:
        name, value = self.bound
        edge, unit = name.split("_")
        if self.of != "conversation":
            return f"within the {self.of}'s {edge} {value:g} turns"
        unit = {"percent": "%", "seconds": " seconds", "turns": " turns"}[unit]
        return f"within the {edge} {value:g}{unit}"


TokenPattern = list[dict[str, Any]]
Patterns = dict[Language, list[TokenPattern]]
MAX_REPEAT = 10  # the largest `{n,m}` a token pattern may use
_BOUNDED_OP = re.compile(r"^(?:[?!]|\{(\d*),?(\d+)\}|\{(\d+)\})$")


def unsafe_token(token: dict[str, Any]) -> str | None:
    """Why a token of a Matcher pattern could make matching take unbounded time, or None.

    Regular expressions can backtrack exponentially on one long token, and `*`, `+` and `{n,}`
    let one pattern match quadratically many spans of a long turn; both are refused, with what to
    write instead. Every other Matcher attribute compares a token in bounded time."""
    values = [token, *(v for v in token.values() if isinstance(v, dict))]
    if any("REGEX" in value for value in values):
        return "REGEX is not allowed: a regular expression can take exponential time on one long token; use IN, NOT_IN, LENGTH, SHAPE, LIKE_NUM, IS_DIGIT or FUZZY"
    op = token.get("OP")
    if op is None:
        return None
    match = _BOUNDED_OP.match(str(op))
    if match is None:
        return f"OP {op!r} repeats without a bound: a long turn would have quadratically many matches; use a bounded repeat such as \"{{0,{MAX_REPEAT}}}\""
    if int(match.group(2) or match.group(3) or 0) > MAX_REPEAT:
        return f"OP {op!r} repeats more than {MAX_REPEAT} times"
    return None


class Words(StrictModel):
    """What is said: `phrases` and/or token `patterns` per language."""

    phrases: Phrases | None = None
    patterns: Patterns | None = Field(default=None, description="spaCy Matcher token patterns per language; NORM is the lower-cased lemma")
    # Whether a negated match ("I'm not sorry", "je ne peux pas vous transférer") is ignored.
    skip_negated: bool = True
    # Speech-to-text near-misses (`scorers.sounds_like`): `true` for every phrase, or per language
    # the phrases (a brand, a key phrase) that may also match by how they sound.
    sounds_like: bool | Phrases = False

    @field_validator("patterns")
    @classmethod
    def _valid_patterns(cls, patterns: Patterns | None) -> Patterns | None:
        for lang, rules in (patterns or {}).items():
            for i, rule in enumerate(rules):
                for j, token in enumerate(rule):
                    if isinstance(token, dict) and (problem := unsafe_token(token)) is not None:
                        raise ValueError(f"token pattern {lang}[{i}][{j}]: {problem}")
            if passed_before("spacy.Matcher", [lang, rules], "spacy"):
                continue  # spaCy (~1 s to import) only for patterns it has not accepted before
            from spacy.errors import MatchPatternError
            from spacy.matcher import Matcher
            from spacy.vocab import Vocab

            try:
                Matcher(Vocab(), validate=True).add(lang, rules)
            except (MatchPatternError, ValueError) as exc:
                detail = " ".join(str(exc).split("\n")[2:]).strip() or str(exc)
                raise ValueError(f"invalid token pattern for {lang!r}: {detail}") from None
            remember_passed("spacy.Matcher", [lang, rules], "spacy")
        return patterns

    @model_validator(mode="after")
    def _something_to_match(self) -> Words:
        if not self.phrases and not self.patterns:
            raise ValueError("give phrases, patterns, or both")
        if self.sounds_like is True and not self.phrases:
            raise ValueError("sounds_like needs phrases: token patterns are not matched by sound")
        return self

    def sounds_like_phrases(self, language: str) -> list[str]:
        """The phrases of `language` that may also match by sound."""
        if self.sounds_like is True:
            return list((self.phrases or {}).get(language, []))  # type: ignore[call-overload]
        return list(self.sounds_like.get(language, [])) if isinstance(self.sounds_like, dict) else []  # type: ignore[call-overload]

    def languages(self) -> set[str]:
        return set(self.phrases or {}) | set(self.patterns or {}) | (set(self.sounds_like) if isinstance(self.sounds_like, dict) else set())


class Said(Words):
    """Who says what: a `speaker`, and the words."""

    speaker: SpeakerRole = "agent"


class AppliesTo(StrictModel):
    """Restricts a criterion to some interactions; others get not_applicable with the reason. Teams,
    queues (metadata `queue`) and other metadata values name interactions as routing rules do."""

    channels: list[Literal["voice", "chat"]] | None = None
    agent_types: list[Literal["human", "bot"]] | None = None
    teams: list[FieldValue] | None = Field(default=None, min_length=1)
    queues: list[FieldValue] | None = Field(default=None, min_length=1)
    metadata: dict[Annotated[str, StringConstraints(min_length=1, max_length=100)], list[FieldValue]] | None = None


class ExampleTurn(StrictModel):
    """One turn of an example: `{agent: "Hello"}`, optionally with `at` (and `until`) in seconds."""

    agent: str | None = None
    bot: str | None = None
    customer: str | None = None
    system: str | None = None
    at: float | None = Field(default=None, ge=0)
    until: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one_speaker(self) -> ExampleTurn:
        said = [name for name in ("agent", "bot", "customer", "system") if getattr(self, name) is not None]
        if len(said) != 1:
            raise ValueError(f"each turn names exactly one speaker (agent, bot, customer or system); got {said or 'none'}")
        return self

    def turn(self) -> dict[str, object]:
        speaker = next(n for n in ("agent", "bot", "customer", "system") if getattr(self, n) is not None)
        turn: dict[str, object] = {"speaker": speaker, "text": getattr(self, speaker)}
        if self.at is not None:
            turn["start_ms"] = int(self.at * 1000)
            turn["end_ms"] = int((self.until if self.until is not None else self.at + 2) * 1000)
        return turn


class Example(StrictModel):
    """A short conversation and the outcome the criterion must give it: a test inside the standard."""

    expect: Literal["pass", "fail", "not_applicable"]
    language: Language = "en"
    channel: Literal["voice", "chat"] | None = None  # default: voice when the turns are timed
    agent_type: Literal["human", "bot"] = "human"
    customer_name: str | None = None
    conversation: list[ExampleTurn] = Field(min_length=1)

    def interaction(self, name: str) -> Interaction:
        timed = any(t.at is not None for t in self.conversation)
        return Interaction.model_validate(
            {
                "interaction_id": name,
                "channel": self.channel or ("voice" if timed else "chat"),
                "language": self.language,
                "agent": {"id": "example", "type": self.agent_type},
                "customer": {"name": self.customer_name},
                "turns": [t.turn() for t in self.conversation],
            }
        )


class CriterionConfig(StrictModel):
    """Fields every criterion has, whatever its kind."""

    id: Slug
    kind: str
    title: str = Field(min_length=1)
    section: Slug
    points: float = Field(default=1, gt=0)
    critical: bool = False
    description: str | None = None
    applies_to: AppliesTo = AppliesTo()
    examples: list[Example] = Field(default_factory=list)


class Lexicon(StrictModel):
    """Sentiment words of one language. Entries match on lemmas like phrases ("fed up" works)."""

    negative: list[Phrase] = Field(default_factory=list)
    positive: list[Phrase] = Field(default_factory=list)
    # Words that strengthen the next sentiment word: "really angry" counts 1.5 times "angry".
    intensifiers: list[Phrase] = Field(default_factory=list)


class Section(StrictModel):
    id: Slug
    title: str = Field(min_length=1)
    weight: float = Field(default=1, gt=0)


class Topic(Said):
    """A contact reason recognised by what the customer says early on ("my bill", "moving house")."""

    id: Slug
    title: str = Field(min_length=1)
    speaker: SpeakerRole = "customer"
    within: Window = Window(first_turns=4)
    # "My order has not arrived" is still about an order.
    skip_negated: bool = False


class ContactReasons(StrictModel):
    """Why customers get in touch: from the interaction's metadata, else from topic rules.

    The first `from_metadata` key an interaction carries names its reason (a queue, an IVR choice);
    without one, the first topic whose words are said wins, in the order written; else `other`.
    """

    from_metadata: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] = Field(default_factory=lambda: ["contact_reason"])
    topics: list[Topic] = Field(default_factory=list)
    # A customer turn whose sentiment (see `sentiment`) is at most this counts as distress.
    distress_at_most: float = -1

    @model_validator(mode="after")
    def _unique_topics(self) -> ContactReasons:
        ids = [t.id for t in self.topics]
        if len(ids) != len(set(ids)):
            raise ValueError(f"topic ids must be unique; repeated: {sorted({i for i in ids if ids.count(i) > 1})}")
        return self


class Standard(StrictModel):
    """One version of a standard: the unit that is loaded, versioned, and recorded with every score."""

    id: Slug
    version: Version
    effective_from: date
    title: str = Field(min_length=1)
    description: str | None = None
    languages: list[Language] = Field(min_length=1)
    # Whether a failed critical criterion sets the quality score to 0 (it always fails compliance).
    auto_fail: bool = True
    sections: list[Section] = Field(min_length=1)
    criteria: list[CriterionConfig] = Field(min_length=1)
    # The customer-sentiment lexicon per language, used by sentiment triggers and measures.
    sentiment: dict[Language, Lexicon] = Field(default_factory=dict)
    # How turns are heard: segments merged, backchannels counted or not (see `scorers.listening`).
    listening: Listening = Listening()
    # How contact reasons are named, for the report's automation view (frequency x complexity).
    contact_reasons: ContactReasons = ContactReasons()
    # The criterion triggered by a customer asking for a person: the report lists who asked and got one.
    handover_criterion: Slug | None = None
    # Set by the loader: where the standard came from, the sha256 of its bytes, and the line of each
    # criterion and example ("greeting", "greeting.examples[1]") for messages.
    source: str = ""
    sha256: str = ""
    lines: dict[str, int] = Field(default_factory=dict)

    @property
    def ref(self) -> str:
        """`id@version`, the name a run records and a user passes to pick this version."""
        return f"{self.id}@{self.version}"
