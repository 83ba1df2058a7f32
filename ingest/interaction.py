"""The canonical interaction: what every input format is normalised to, and all a scorer sees.

Validated at the edge with pydantic (unknown keys are errors) so that a scorer can trust every field.
Timestamps are optional (chats have none); criteria that need them are not applicable without them.
Sizes are bounded (`ingest.limits`) and metadata must be plain JSON, so a record that passes here
can be staged, scored and written to Parquet without a later step failing on it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from ingest.limits import MAX_DEPTH, MAX_ID_CHARS, MAX_OFFSET_MS, MAX_TURN_CHARS, too_deep

Language = Literal["en", "de", "sv", "fr"]
SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "de", "sv", "fr")

# `agent` and `bot` turns are both the service side; `bot` marks an automated participant in a
# hybrid conversation (a bot answers first, then hands over to a person). `system` turns (hold
# music, "agent joined") are kept but are never said by anybody.
Speaker = Literal["agent", "bot", "customer", "system"]
Id = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID_CHARS)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Agent(_Strict):
    id: Id
    type: Literal["human", "bot"]
    team: str | None = None
    name: str | None = None


class Customer(_Strict):
    id: Id | None = None
    name: str | None = None


class Turn(_Strict):
    speaker: Speaker
    text: str = Field(max_length=MAX_TURN_CHARS)
    start_ms: int | None = Field(default=None, ge=0, le=MAX_OFFSET_MS)
    end_ms: int | None = Field(default=None, ge=0, le=MAX_OFFSET_MS)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("turn text is empty")
        return text

    @model_validator(mode="after")
    def _end_after_start(self) -> Turn:
        if self.start_ms is not None and self.end_ms is not None and self.end_ms < self.start_ms:
            raise ValueError(f"end_ms {self.end_ms} is before start_ms {self.start_ms}")
        return self


class Interaction(_Strict):
    interaction_id: Id
    channel: Literal["voice", "chat"]
    language: Language
    started_at: datetime | None = None
    agent: Agent
    customer: Customer = Customer()
    turns: tuple[Turn, ...] = Field(min_length=1)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("metadata")
    @classmethod
    def _plain_json(cls, metadata: dict[str, Any]) -> dict[str, Any]:
        """Metadata is carried through to the staged shards as JSON: it must be writable as such.
        (The only free-form field: everything else has a fixed shape, so only its depth is checked.)"""
        if too_deep(metadata):
            raise ValueError(f"metadata nested more than {MAX_DEPTH} levels deep")
        try:
            json.dumps(metadata, ensure_ascii=False, allow_nan=False).encode("utf-8")
        except (ValueError, TypeError) as exc:  # NaN, infinities, text that is not Unicode
            raise ValueError(f"metadata is not plain JSON text ({exc})") from None
        return metadata

    @model_validator(mode="after")
    def _timestamps_all_or_none_and_ordered(self) -> Interaction:
        starts = [t.start_ms for t in self.turns]
        if any(s is None for s in starts) and not all(s is None for s in starts):
            raise ValueError("turns: either every turn has start_ms or none has")
        if all(s is not None for s in starts):
            for i, (a, b) in enumerate(zip(starts, starts[1:]), start=1):
                if b < a:  # type: ignore[operator]
                    raise ValueError(f"turns[{i}].start_ms {b} is before the previous turn's {a}")
        return self

    @property
    def has_timestamps(self) -> bool:
        return self.turns[0].start_ms is not None

    @property
    def duration_ms(self) -> int | None:
        if not self.has_timestamps:
            return None
        return max((t.end_ms if t.end_ms is not None else t.start_ms) or 0 for t in self.turns)
