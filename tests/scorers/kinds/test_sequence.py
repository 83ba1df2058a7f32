from __future__ import annotations

import pytest

from scorers.outcome import Outcome
from tests.builders import criterion, interaction, verdict

VERIFY_FIRST = criterion(
    "sequence",
    first={"phrases": {"en": ["date of birth"], "de": ["geburtsdatum"], "sv": ["personnummer"], "fr": ["date de naissance"]}},
    then={"phrases": {"en": ["your balance is"], "de": ["ihr kontostand"], "sv": ["ditt saldo"], "fr": ["votre solde"]}},
)


@pytest.mark.parametrize(
    ("language", "ask", "detail"),
    [
        ("en", "Can you confirm your date of birth?", "Your balance is 40 euros."),
        ("de", "Wie ist Ihr Geburtsdatum?", "Ihr Kontostand beträgt 40 Euro."),
        ("sv", "Kan du bekräfta ditt personnummer?", "Ditt saldo är 400 kronor."),
        ("fr", "Quelle est votre date de naissance ?", "Votre solde est de 40 euros."),
    ],
)
def test_order_decides(language: str, ask: str, detail: str) -> None:
    right = interaction([("agent", ask), ("customer", "..."), ("agent", detail)], language=language)
    wrong = interaction([("agent", detail), ("customer", "..."), ("agent", ask)], language=language)
    assert verdict(VERIFY_FIRST, right).outcome is Outcome.PASS
    failed = verdict(VERIFY_FIRST, wrong)
    assert failed.outcome is Outcome.FAIL and failed.evidence.turn_index == 0


def test_second_step_never_happens() -> None:
    result = verdict(VERIFY_FIRST, interaction([("agent", "Your date of birth?")]))
    assert result.outcome is Outcome.NOT_APPLICABLE and result.reason.startswith("trigger_not_observed")
