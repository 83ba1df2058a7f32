"""What routing rules and criteria's `applies_to` read of an interaction before it is scored: the
same fields for both, so a routing rule and a criterion name interactions alike."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, StringConstraints, WithJsonSchema

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


def _rule_text(value: object) -> object:
    """An unquoted YAML `true` or plain whole number read as an interaction's value would be
    (`as_text`); a number written otherwise (007, 0x1F, 1_000, 1.5, 1e3) has no one text: quote it."""
    if isinstance(value, bool) or type(value) is int:
        return as_text(value)
    if isinstance(value, int | float):
        raise ValueError("a number written this way (leading zeros, a base, underscores, a decimal point or exponent) is not read as text: write it in quotes")
    return value


# A value a routing rule or `applies_to` names: text; `{tier: [1]}` and `{vip: [true]}` mean what they say.
FieldValue = Annotated[
    str,
    BeforeValidator(_rule_text),
    StringConstraints(min_length=1, max_length=200),
    WithJsonSchema({"anyOf": [{"type": "string", "minLength": 1, "maxLength": 200}, {"type": "integer"}, {"type": "boolean"}]}),
]
