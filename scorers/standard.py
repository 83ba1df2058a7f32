"""The standard as data: pydantic models for the YAML that compliance officers write.

Every model forbids unknown keys, so a misspelt key is an error rather than a silently ignored rule.
Criterion kinds extend `CriterionConfig` with their own fields (see `scorers.kinds`). The loader
(`scorers.loader`) turns validation errors into messages naming file, line and field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ingest.interaction import Interaction, Language, Turn

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
# Phrases per language: a criterion without phrases for an interaction's language is not applicable.
Phrases = dict[Language, Annotated[list[Phrase], Field(min_length=1)]]
# Who says it. `agent` is the service side (a person or a bot); `bot` only its automated turns.
SpeakerRole = Literal["agent", "bot", "customer", "any"]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def said_by(role: SpeakerRole, turn: Turn, interaction: Interaction) -> bool:
    """Whether `turn` was spoken by the participant that `role` names."""
    if turn.speaker == "system":
        return False
    if role == "any":
        return True
    if role == "customer":
        return turn.speaker == "customer"
    if role == "agent":
        return turn.speaker in ("agent", "bot")
    return turn.speaker == "bot" or (turn.speaker == "agent" and interaction.agent.type == "bot")


class Window(StrictModel):
    """Where in the conversation a phrase counts. Exactly one bound; none means anywhere.

    Turns are counted over the whole conversation (every speaker). Percentages are of the
    conversation's duration when it has timestamps, else of its turns.
    """

    first_turns: int | None = Field(default=None, gt=0)
    last_turns: int | None = Field(default=None, gt=0)
    first_seconds: float | None = Field(default=None, gt=0)
    last_seconds: float | None = Field(default=None, gt=0)
    first_percent: float | None = Field(default=None, gt=0, le=100)
    last_percent: float | None = Field(default=None, gt=0, le=100)

    @model_validator(mode="after")
    def _exactly_one(self) -> Window:
        given = [name for name, value in self if value is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(type(self).model_fields)}; got {given or 'none'}")
        return self

    @property
    def needs_timestamps(self) -> bool:
        return self.first_seconds is not None or self.last_seconds is not None

    def describe(self) -> str:
        name, value = next((n, v) for n, v in self if v is not None)
        edge, unit = name.split("_")
        unit = {"percent": "%", "seconds": " seconds", "turns": " turns"}[unit]
        return f"within the {edge} {value:g}{unit}"

    def contains(self, index: int, interaction: Interaction) -> bool:
        """Whether turn `index` of `interaction` lies inside the window."""
        turns = interaction.turns
        if self.first_turns is not None:
            return index < self.first_turns
        if self.last_turns is not None:
            return index >= len(turns) - self.last_turns
        start = turns[index].start_ms
        if self.first_seconds is not None:
            return start is not None and start < self.first_seconds * 1000
        duration = interaction.duration_ms
        if self.last_seconds is not None:
            return start is not None and duration is not None and start >= duration - self.last_seconds * 1000
        share = self.first_percent if self.first_percent is not None else self.last_percent
        assert share is not None
        if start is not None and duration:
            position, total = start, duration
        else:
            position, total = index, len(turns)
        cut = total * share / 100
        return position < cut if self.first_percent is not None else position >= total - cut


class AppliesTo(StrictModel):
    """Restricts a criterion to some interactions; others get not_applicable with the reason."""

    channels: list[Literal["voice", "chat"]] | None = None
    agent_types: list[Literal["human", "bot"]] | None = None


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


class Standard(StrictModel):
    """One version of a standard: the unit that is loaded, versioned, and recorded with every score."""

    id: Slug
    version: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z.\-]*$", max_length=32)]
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
    # Set by the loader: where the standard came from, the sha256 of its bytes, and the line of each
    # criterion and example ("greeting", "greeting.examples[1]") for messages.
    source: str = ""
    sha256: str = ""
    lines: dict[str, int] = Field(default_factory=dict)

    @property
    def ref(self) -> str:
        """`id@version`, the name a run records and a user passes to pick this version."""
        return f"{self.id}@{self.version}"
