"""What routing rules and criteria's `applies_to` read of an interaction before it is scored: the
same fields for both, so a routing rule and a criterion name interactions alike."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, StringConstraints

from ingest.interaction import Interaction

FIELDS = ("queue", "team", "channel", "language", "agent_type")  # and metadata.KEY


def field_value(interaction: Interaction, field: str) -> str | None:
    """The interaction's value of a rule field (`queue`, `team`, `channel`, `language`,
    `agent_type`, `metadata.KEY`), as text; None where it has none (or where metadata holds a list
    or mapping, which no rule can name)."""
    if field.startswith("metadata."):
        value = interaction.metadata.get(field.removeprefix("metadata."))
    elif field == "queue":
        value = interaction.metadata.get("queue")
    elif field == "team":
        value = interaction.agent.team
    elif field == "agent_type":
        value = interaction.agent.type
    else:
        value = getattr(interaction, field)
    return None if value is None or isinstance(value, dict | list) else as_text(value)


def as_text(value: object) -> str:
    """A scalar as rules name it: JSON's `true` is "true" (not Python's "True"), a whole number is
    written without ".0" whether the file said 1 or 1.0; a routing file may name them unquoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# A value a routing rule or `applies_to` names: text, with unquoted YAML numbers and booleans read
# as an interaction's would be (`as_text`), so `{tier: [1]}` and `{vip: [true]}` mean what they say.
FieldValue = Annotated[str, BeforeValidator(lambda v: as_text(v) if isinstance(v, bool | int | float) else v), StringConstraints(min_length=1, max_length=200)]
