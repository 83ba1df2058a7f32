"""Detectors of sensitive data in a turn's text, and their redaction.

Numbers count whether written as digits ("4539 1488 0343 6467") or spoken as digit words
("four five three nine ..."), as speech-to-text often writes them; e-mail addresses count written
or spoken ("anna dot berg at example dot com"). Check digits keep ordinary numbers (amounts, order
ids) from being taken for sensitive ones:

| detector      | what                                                   | check                          |
|---------------|--------------------------------------------------------|--------------------------------|
| payment_card  | 13-19 digits                                           | Luhn                           |
| iban          | country code, 2 check digits, account (any country)    | ISO 13616 mod 97, length       |
| national_id   | SE personnummer, DE Steuer-ID, FR NIR, UK NINO         | Luhn+date, ISO 7064, key 97, format |
| phone         | +CC..., 0..., (NNN) NNN-NNNN                            | length                         |
| email         | name@domain.tld, spoken with at/dot words              | format                         |

Redacted text keeps only what a reviewer needs: the kind, and for cards the last four digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

DIGIT_WORDS: dict[str, dict[str, str]] = {
    "en": dict(zip("zero oh one two three four five six seven eight nine".split(), "00123456789")),
    "de": dict(zip("null eins zwei zwo drei vier fünf sechs sieben acht neun".split(), "01223456789")),
    "sv": dict(zip("noll ett en två tre fyra fem sex sju åtta nio".split(), "01123456789")),
    "fr": dict(zip("zéro zero un une deux trois quatre cinq six sept huit neuf".split(), "001123456789")),
}
# Spoken e-mail: the words for "@" and "." per language.
EMAIL_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (("at",), ("dot",)),
    "de": (("at", "ät"), ("punkt",)),
    "sv": (("snabel-a", "at"), ("punkt",)),
    "fr": (("arobase", "at"), ("point",)),
}
IBAN_LENGTHS = {
    "AT": 20, "BE": 16, "CH": 21, "DE": 22, "DK": 18, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "IE": 22,
    "IT": 27, "LU": 20, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "SE": 24,
}  # fmt: skip
_IBAN_START = re.compile(r"\b([A-Z]{2})\s?(\d{2})", re.IGNORECASE)
_NINO = re.compile(r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")
# A spoken address must end in a real top-level domain: "look at this dot later" is no address.
TLDS = ("com", "org", "net", "edu", "gov", "io", "info", "biz", "eu", "de", "at", "ch", "se", "fr", "be", "uk", "co", "nl", "dk", "no", "fi", "es", "it")
# Parts are bounded (local part 64, labels 63, as RFC 5321 allows): unbounded `[\w.+-]+@` backtracks
# over every start in a long run of word characters: one 200,000-character turn took 16 s, growing
# with the square of its length.
_EMAIL = re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b")
# Phone formats that need no context: international (+CC ...) and North American ((NNN) NNN-NNNN,
# NNN-NNN-NNNN, but not inside a longer dashed number such as a card).
_PHONE_WRITTEN = re.compile(r"(?:\+\d[\d ()./-]{6,18}\d|\(\d{3}\)\s?\d{3}[-.\s]\d{4}|(?<![-\d])\d{3}-\d{3}-\d{4}(?![-\d]))")
# A national number starting with 0, written in groups or spoken, is a phone number only after one of
# these words: account and social-security numbers also start with 0 (seen in the DSTC11 calls), and
# so do the digit groups of an IBAN.
PHONE_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("phone", "telephone", "mobile", "cell", "call me", "reach me", "text me"),
    "de": ("telefon", "handy", "mobil", "rufnummer", "erreichen", "anrufen", "zurückrufen"),
    "sv": ("telefon", "mobil", "ring", "nå mig", "sms"),
    "fr": ("téléphone", "portable", "mobile", "joindre", "appeler", "rappeler"),
}


@dataclass(frozen=True)
class Found:
    kind: str
    start: int  # character offsets in the text
    end: int
    redacted: str


@dataclass(frozen=True)
class NumberToken:
    start: int
    end: int
    digits: str
    spoken: bool  # a digit word ("four"), not written digits


Run = list[NumberToken]


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


@cache
def _number_patterns(language: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a run of number tokens, one number token) for `language`.

    A number token is a run of digits or a whole digit word (letters on neither side); a run is
    number tokens with only whitespace, "-" or "," between them. The regex engine finds the runs,
    so ordinary words cost nothing in Python.
    """
    words = sorted(DIGIT_WORDS.get(language, {}), key=len, reverse=True)
    word = rf"(?<![^\W\d_])(?:{'|'.join(map(re.escape, words))})(?![^\W\d_])" if words else r"(?!x)x"
    number = rf"(?:\d+|{word})"
    return re.compile(rf"{number}(?:[\s,-]*{number})*", re.IGNORECASE), re.compile(number, re.IGNORECASE)


def digit_runs(text: str, language: str) -> Iterator[Run]:
    """Runs of consecutive number tokens (digits or digit words), separators skipped."""
    words = DIGIT_WORDS.get(language, {})
    runs, tokens = _number_patterns(language)
    for span in runs.finditer(text):
        run = []
        for m in tokens.finditer(text, span.start(), span.end()):
            token = m.group()
            spoken = not token[0].isdigit()
            run.append(NumberToken(m.start(), m.end(), words[token.lower()] if spoken else token, spoken))
        yield run


def _best(run: Run, valid: Callable[[str], bool], slack: int = 2) -> tuple[int, int, str] | None:
    """The longest valid part of a run. Up to `slack` stray number words ("one", "oh") may be left
    off either end; written digit groups never are, so chance hits inside long digit strings are
    not taken."""

    def strays(tokens: Run) -> int:
        return next((i for i, t in enumerate(tokens[:slack]) if not t.spoken), min(slack, len(tokens)))

    best = None
    for lead in range(min(strays(run), len(run) - 1) + 1):
        for trail in range(min(strays(run[::-1]), len(run) - lead - 1) + 1):
            part = run[lead : len(run) - trail]
            digits = "".join(t.digits for t in part)
            if valid(digits) and (best is None or len(digits) > len(best[2])):
                best = (part[0].start, part[-1].end, digits)
    return best


def payment_cards(text: str, language: str) -> Iterator[Found]:
    for run in digit_runs(text, language):
        if (hit := _best(run, lambda d: 13 <= len(d) <= 19 and luhn_valid(d))) is not None:
            yield Found("payment_card", hit[0], hit[1], f"[card number ending {hit[2][-4:]}]")


def iban_valid(compact: str) -> bool:
    """ISO 13616: a known country's length, a mostly numeric account part, and mod 97 == 1."""
    compact = compact.upper()
    bban = compact[4:]
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or sum(ch.isdigit() for ch in bban) * 2 < len(bban):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def ibans(text: str, language: str) -> Iterator[Found]:
    for m in _IBAN_START.finditer(text):
        compact, end = m.group(1) + m.group(2), m.end()
        # Read on, one character at a time (single spaces allowed), and take the longest valid IBAN.
        best, i = None, m.end()
        while i < len(text) and len(compact) < 34:
            if text[i] == " " and i + 1 < len(text) and text[i + 1].isalnum():
                i += 1
            if not text[i].isalnum():
                break
            compact += text[i]
            i += 1
            if iban_valid(compact):
                best, end = compact, i
        if best:
            yield Found("iban", m.start(), end, f"[IBAN {best[:2].upper()}]")


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day % 60 if day > 60 else day)  # day + 60: Swedish coordination number
        return True
    except ValueError:
        return False


def personnummer_valid(digits: str) -> bool:
    """Swedish personal identity number: (YY)YYMMDD + 3 digits + Luhn check digit."""
    if len(digits) == 12:
        digits = digits[2:]
    return len(digits) == 10 and luhn_valid(digits) and _valid_date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))


def steuer_id_valid(digits: str) -> bool:
    """German tax identification number: 11 digits, ISO 7064 MOD 11,10, one digit repeated in the first 10."""
    if len(digits) != 11 or digits[0] == "0":
        return False
    counts = sorted((digits[:10].count(d) for d in set(digits[:10])), reverse=True)
    if counts[0] not in (2, 3) or (len(counts) > 1 and counts[1] > 1):
        return False
    product = 10
    for d in digits[:10]:
        total = (int(d) + product) % 10 or 10
        product = (total * 2) % 11
    return (11 - product) % 10 == int(digits[10])


def nir_valid(digits: str) -> bool:
    """French social security number: 13 digits (sex, year, month, place, order) + key 97 - n mod 97."""
    return len(digits) == 15 and digits[0] in "12378" and 97 - int(digits[:13]) % 97 == int(digits[13:])


def national_ids(text: str, language: str) -> Iterator[Found]:
    for run in digit_runs(text, language):
        if (hit := _best(run, lambda d: personnummer_valid(d) or steuer_id_valid(d) or nir_valid(d))) is not None:
            yield Found("national_id", hit[0], hit[1], "[national id]")
    for m in _NINO.finditer(text):
        yield Found("national_id", m.start(), m.end(), "[national id]")


def phones(text: str, language: str) -> Iterator[Found]:
    for m in _PHONE_WRITTEN.finditer(text):
        if 8 <= sum(ch.isdigit() for ch in m.group()) <= 15:
            yield Found("phone", m.start(), m.end(), "[phone number]")
    words = PHONE_WORDS.get(language, PHONE_WORDS["en"])
    for run in digit_runs(text, language):
        digits = "".join(t.digits for t in run)
        before = text[max(0, run[0].start - 60) : run[0].start].lower()
        if digits.startswith("0") and 9 <= len(digits) <= 12 and any(w in before for w in words):
            yield Found("phone", run[0].start, run[-1].end, "[phone number]")


def emails(text: str, language: str) -> Iterator[Found]:
    if "@" in text:
        for m in _EMAIL.finditer(text):
            yield Found("email", m.start(), m.end(), "[e-mail address]")
    at_word, spoken = _spoken_email(language)
    if at_word.search(text):  # the full pattern only where an "at" word is said
        for m in spoken.finditer(text):
            yield Found("email", m.start(), m.end(), "[e-mail address]")


@cache
def _spoken_email(language: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    at_words, dot_words = EMAIL_WORDS.get(language, EMAIL_WORDS["en"])
    at, dot = "|".join(map(re.escape, at_words)), "|".join(map(re.escape, dot_words))
    tld = "|".join(TLDS)
    word, dotted = r"[\w-]{1,64}", rf"(?:\s+(?:{dot})\s+[\w-]{{1,64}}){{0,8}}"  # bounded, as _EMAIL
    spoken = re.compile(rf"\b{word}{dotted}\s+(?:{at})\s+{word}{dotted}\s+(?:{dot})\s+(?:{tld})\b", re.IGNORECASE)
    return re.compile(rf"\s(?:{at})\s", re.IGNORECASE), spoken


# In order of precedence: where two detectors claim the same characters, the first wins (an IBAN's
# digits are not a card; a card's digits are not a national id or a phone number).
DETECTORS: dict[str, Callable[[str, str], Iterator[Found]]] = {
    "iban": ibans,
    "payment_card": payment_cards,
    "national_id": national_ids,
    "phone": phones,
    "email": emails,
}


def find_sensitive(text: str, language: str, kinds: list[str] | None = None) -> list[Found]:
    """Everything sensitive in `text` of the named kinds (default all), in order and without overlaps.

    Every detector runs, in precedence order, whatever `kinds` asks for: the digits of an IBAN
    ("GB52 NWBK 3878 6554 4136 82") can pass Luhn and a card number can hold a valid personnummer,
    and a value is only ever what the first detector that claims it says it is.
    """
    return [f for f in _all_sensitive(text, language) if kinds is None or f.kind in kinds]


@lru_cache(maxsize=4096)  # several criteria, and the redaction of their evidence, ask about the same turn
def _all_sensitive(text: str, language: str) -> tuple[Found, ...]:
    found: list[Found] = []
    for detect in DETECTORS.values():  # precedence order
        for f in detect(text, language):
            if all(f.end <= g.start or f.start >= g.end for g in found):
                found.append(f)
    return tuple(sorted(found, key=lambda f: f.start))


def redact(text: str, language: str) -> str:
    """`text` with every sensitive value replaced by its redacted form."""
    out, last = [], 0
    for f in find_sensitive(text, language):
        out += [text[last : f.start], f.redacted]
        last = f.end
    return "".join(out) + text[last:]


def redact_any_language(text: str) -> str:
    """`text` redacted for digit and e-mail words of every language: for text whose language is not
    known, such as a quarantined record that could not be read."""
    for language in DIGIT_WORDS:
        text = redact(text, language)
    return text


def mask_long_numbers(text: str, digits: int = 6) -> str:
    """Every run of `digits` or more digits (written or spoken, any language) replaced by
    "[number]": for excerpts cut at a fixed length, where half a card number passes no check."""
    for language in DIGIT_WORDS:
        spans = [(run[0].start, run[-1].end) for run in digit_runs(text, language) if sum(len(t.digits) for t in run) >= digits]
        for start, end in reversed(spans):
            text = text[:start] + "[number]" + text[end:]
    return text
