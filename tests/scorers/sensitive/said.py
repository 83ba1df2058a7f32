"""Numbers as a test says them: digit by digit in words, and Luhn-valid card numbers (here rather
than from `touchstone.sample_data`, so the scorers' tests do not reach into the layer above)."""

from __future__ import annotations

import random

from stdnum import luhn

from scorers.sensitive.spoken import DIGIT_WORDS


def spoken(number: str, language: str) -> str:
    """`number`'s digits as words, one by one: "four five three nine ..."."""
    words: dict[str, str] = {}
    for word, digit in DIGIT_WORDS[language].items():
        words.setdefault(digit, word)
    return " ".join(words[d] for d in number if d.isdigit())


def card_number(rng: random.Random) -> str:
    """A Luhn-valid 16-digit Visa or Mastercard number, in four groups."""
    digits = rng.choice(["4", "51", "52", "53", "54", "55"])
    digits += "".join(rng.choice("0123456789") for _ in range(15 - len(digits)))
    digits += next(d for d in "0123456789" if luhn.is_valid(digits + d))
    return " ".join(digits[i : i + 4] for i in range(0, 16, 4))
