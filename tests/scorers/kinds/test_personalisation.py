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
