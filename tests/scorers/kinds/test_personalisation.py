from __future__ import annotations

import pytest

from scorers.outcome import Outcome
from tests.builders import criterion, interaction, verdict

BY_NAME = criterion("personalisation")


@pytest.mark.parametrize(
    ("language", "said", "outcome"),
    [
        ("en", "Thank you, Mrs Brown.", Outcome.PASS),
        ("de", "Danke, Frau Brown!", Outcome.PASS),
        ("sv", "Tack Patricia.", Outcome.PASS),
        ("fr", "Merci madame.", Outcome.FAIL),
        ("en", "Brownies are great.", Outcome.FAIL),  # whole words only
    ],
)
def test_name_said(language: str, said: str, outcome: Outcome) -> None:
    ix = interaction([("agent", said), ("customer", "Brown")], language=language, customer={"name": "Patricia Brown"})
    assert verdict(BY_NAME, ix).outcome is outcome


def test_unknown_name_is_not_applicable() -> None:
    result = verdict(BY_NAME, interaction([("agent", "Hello")]))
    assert result.outcome is Outcome.NOT_APPLICABLE and result.reason.startswith("data_missing")


# Real calls (Harper Valley, 03a17cc36d474151): the agent David introduces himself to David Wilson.
@pytest.mark.parametrize(
    ("language", "said", "agent_name", "outcome"),
    [
        ("en", "hello this is harper value national bank my name is david how can i help you today", "David", Outcome.FAIL),
        ("en", "hello this is harper value national bank my name is david how can i help you today", None, Outcome.FAIL),
        ("en", "this is david speaking", None, Outcome.FAIL),
        ("en", "hi this is miss david from the bank", None, Outcome.FAIL),
        ("en", "david here", "David", Outcome.FAIL),  # the source names the agent: never the customer
        ("en", "i'm sorry david could you repeat that", None, Outcome.PASS),
        ("en", "thank you mister wilson", "David", Outcome.PASS),
        ("de", "Guten Tag, mein Name ist David.", None, Outcome.FAIL),
        ("de", "Danke, Herr Wilson.", None, Outcome.PASS),
        ("sv", "Hej, jag heter David.", None, Outcome.FAIL),
        ("fr", "Bonjour, je m'appelle David.", None, Outcome.FAIL),
        ("fr", "Merci David, bonne journée.", None, Outcome.PASS),
    ],
)
def test_the_agents_own_name_is_not_the_customers(language: str, said: str, agent_name: str | None, outcome: Outcome) -> None:
    ix = interaction([("agent", said), ("customer", "hi my name is david wilson")], language=language, customer={"name": "David Wilson"}, agent_name=agent_name)
    assert verdict(BY_NAME, ix).outcome is outcome


def test_a_failure_shows_what_the_agent_said() -> None:
    ix = interaction([("agent", "my name is david"), ("customer", "hi"), ("agent", "anything else?")], customer={"name": "David Wilson"})
    result = verdict(BY_NAME, ix)
    assert result.outcome is Outcome.FAIL and "(searched turns 0-2)" in result.reason
    assert result.evidence is not None and result.evidence.text == "agent: my name is david | agent: anything else?"
