"""Payment card numbers: digits in an issuer's range and of its lengths (Visa, Mastercard, Amex,
Discover, JCB, Diners, UnionPay, Maestro) that pass Luhn (python-stdnum), unless a word of another
number names them ("account 6968933450605"); or 13-19 digits read after a card word whatever their
check digit, because a card number read back with a digit wrong is still a card number (the DSTC11
callers invent such numbers) — read as cards are, written or said digit by digit or in pairs, not as
amounts ("one hundred twenty"). The redaction keeps the last four digits."""

from __future__ import annotations

from collections.abc import Iterator

from stdnum import luhn

from scorers.sensitive.context import nearest_before
from scorers.sensitive.registry import Found, Scope, register_detector
from scorers.sensitive.spoken import NumberToken, best, digits_of, number_runs

# Issuer ranges (first digits, inclusive) and the lengths their cards have: a number outside them
# that passes Luhn (one in ten does) is no card.
RANGES: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("4", "4", (13, 16, 19)),  # Visa
    ("51", "55", (16,)), ("2221", "2720", (16,)),  # Mastercard
    ("34", "34", (15,)), ("37", "37", (15,)),  # American Express
    ("6011", "6011", (16, 17, 18, 19)), ("644", "649", (16, 17, 18, 19)), ("65", "65", (16, 17, 18, 19)),  # Discover
    ("3528", "3589", (16, 17, 18, 19)),  # JCB
    ("300", "305", (14, 15, 16, 17, 18, 19)), ("36", "36", (14, 15, 16, 17, 18, 19)), ("38", "39", (16, 17, 18, 19)),  # Diners
    ("62", "62", (16, 17, 18, 19)),  # UnionPay
    ("50", "50", (13, 14, 15, 16, 17, 18, 19)), ("56", "69", (13, 14, 15, 16, 17, 18, 19)),  # Maestro
)  # fmt: skip
SHORTEST = min(min(lengths) for _, _, lengths in RANGES)  # 13: a card-word number has as many too


def valid_card(digits: str) -> bool:
    """A number an issuer gives out (range and length) that passes Luhn."""
    return any(low <= digits[: len(low)] <= high and len(digits) in lengths for low, high, lengths in RANGES) and luhn.is_valid(digits)


def _read_as_a_card(run: tuple[NumberToken, ...]) -> bool:
    """Written, or said one by one or in groups of two, not amounts said with "hundred"."""
    return all(not t.spoken or len(t.digits) <= 2 or t.repeated for t in run)


@register_detector("payment_card", precedence=30)
def payment_cards(text: str, scope: Scope) -> Iterator[Found]:
    """Payment card numbers (Luhn, or after a card word)."""
    for run in number_runs(text, scope.language):
        if len(digits_of(run)) < SHORTEST:
            continue  # no card, valid or after a card word (most runs: "two", "une")
        said = nearest_before(text, run[0].start, scope.language)
        if said == "other":
            continue  # "your account 6968933450605": Swedish OCR and bankgiro numbers pass Luhn by design
        digits = best(run, valid_card)
        if digits is None and said == "card" and _read_as_a_card(run):
            digits = best(run, lambda d: 13 <= len(d) <= 19)
        if digits is not None:
            yield Found("payment_card", run[0].start, run[-1].end, f"[card number ending {digits[-4:]}]")
