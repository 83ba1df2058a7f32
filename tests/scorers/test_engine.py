"""A criterion's `applies_to`: interactions outside it get not_applicable with the reason."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from scorers.engine import applies
from scorers.outcome import Outcome
from tests.builders import criterion, interaction


def _greeting(**applies_to: object) -> object:
    return criterion("required_phrase", phrases={"en": ["hello"]}, applies_to=applies_to)


@pytest.mark.parametrize(
    ("applies_to", "kwargs", "reason"),
    [
        ({"channels": ["voice"]}, {"channel": "chat"}, "channel_not_covered: applies to voice only"),
        ({"agent_types": ["bot"]}, {}, "agent_type_not_covered: applies to bot agents only"),
        ({"teams": ["sales"]}, {"agent_team": "billing"}, "team_not_covered: applies to the sales team(s) only"),
        ({"teams": ["sales"]}, {}, "team_not_covered: applies to the sales team(s) only"),  # no team known
        ({"queues": ["collections"]}, {"metadata": {"queue": "support"}}, "queue_not_covered: applies to the collections queue(s) only"),
        ({"metadata": {"product": ["mortgage", "loan"]}}, {"metadata": {"product": "card"}}, "metadata_not_covered: applies where product is mortgage or loan only"),
        ({"metadata": {"product": ["loan"]}}, {"metadata": {"product": ["loan"]}}, "metadata_not_covered: applies where product is loan only"),  # a list is no value
    ],
)
def test_outside_the_scope_is_not_applicable(applies_to: dict, kwargs: dict, reason: str) -> None:
    verdict = applies(_greeting(**applies_to), _interaction(**kwargs))
    assert verdict is not None and (verdict.outcome, verdict.reason) == (Outcome.NOT_APPLICABLE, reason)


@pytest.mark.parametrize(
    ("applies_to", "kwargs"),
    [
        ({"teams": ["sales", "billing"]}, {"agent_team": "billing"}),
        ({"queues": ["collections"]}, {"metadata": {"queue": "collections"}}),
        ({"metadata": {"product": ["loan"], "queue": ["collections"]}}, {"metadata": {"product": "loan", "queue": "collections"}}),
        ({"metadata": {"tier": ["2"]}}, {"metadata": {"tier": 2}}),  # numbers are compared as text
        ({}, {}),
    ],
)
def test_inside_the_scope_is_scored(applies_to: dict, kwargs: dict) -> None:
    assert applies(_greeting(**applies_to), _interaction(**kwargs)) is None


@pytest.mark.parametrize("applies_to", [{"teams": []}, {"queues": []}, {"teams": ["sales"], "tams": ["x"]}])
def test_a_bad_scope_is_refused(applies_to: dict) -> None:
    with pytest.raises(ValidationError):
        _greeting(**applies_to)


def _interaction(agent_team: str | None = None, **kwargs: object):
    ix = interaction([("agent", "Hello")], **kwargs)
    return ix.model_copy(update={"agent": ix.agent.model_copy(update={"team": agent_team})}) if agent_team else ix
