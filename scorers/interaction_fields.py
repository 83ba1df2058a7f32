"""What routing rules and criteria's `applies_to` read of an interaction before it is scored: the
same fields for both, so a routing rule and a criterion name interactions alike."""

from __future__ import annotations

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
    return None if value is None or isinstance(value, dict | list) else str(value)
