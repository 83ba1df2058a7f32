from __future__ import annotations

import pytest

from scorers.outcome import Outcome
from tests.builders import criterion, interaction, verdict

PRICE_WITH_VAT = criterion(
    "proximity",
    phrases={"en": ["price"], "de": ["preis"], "sv": ["pris"], "fr": ["prix"]},
    near={"phrases": {"en": ["including vat"], "de": ["inklusive mehrwertsteuer"], "sv": ["inklusive moms"], "fr": ["toutes taxes comprises"]}},
    max_distance=4,
)


@pytest.mark.parametrize(
    ("language", "said", "outcome"),
    [
        ("en", "The price is 40 euros including VAT.", Outcome.PASS),
        ("en", "The prices are 40 euros, including VAT.", Outcome.PASS),  # inflected
        ("en", "The price is 40 euros. Shipping is free, and everything is always including VAT.", Outcome.FAIL),  # too far
        ("de", "Der Preis beträgt 40 Euro inklusive Mehrwertsteuer.", Outcome.PASS),
        ("de", "Die Preise sind hoch.", Outcome.FAIL),
        ("de", "Das kostet nichts.", Outcome.NOT_APPLICABLE),  # no price quoted
        ("sv", "Priserna är 400 kronor inklusive moms.", Outcome.PASS),  # plural, definite
        ("sv", "Priset är 400 kronor.", Outcome.FAIL),
        ("fr", "Les prix sont de 40 euros toutes taxes comprises.", Outcome.PASS),
        ("fr", "Le prix est de 40 euros.", Outcome.FAIL),
    ],
)
def test_near_or_far(language: str, said: str, outcome: Outcome) -> None:
    assert verdict(PRICE_WITH_VAT, interaction([("agent", said)], language=language)).outcome is outcome


def test_absent_mode_fails_on_the_pair() -> None:
    config = criterion("proximity", phrases={"en": ["guarantee"]}, near={"phrases": {"en": ["profit"]}}, max_distance=3, expect="absent")
    result = verdict(config, interaction([("agent", "We guarantee a profit.")]))
    assert result.outcome is Outcome.FAIL and result.evidence.text == "guarantee a profit"
    assert verdict(config, interaction([("agent", "We guarantee nothing about future returns or profit.")])).outcome is Outcome.PASS


def test_the_span_in_evidence_is_redacted() -> None:
    # Found by review: the words between the two phrases are quoted, and may hold a card number.
    config = criterion("proximity", phrases={"en": ["costs"]}, near={"phrases": {"en": ["including vat"]}}, max_distance=12)
    result = verdict(config, interaction([("agent", "It costs 4539 1488 0343 6467 including VAT.")]))
    assert result.evidence.text == "costs [card number ending 6467] including VAT"
