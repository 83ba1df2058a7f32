"""E-mail addresses, written ("anna.berg@example.com") or spoken with the language's words for "@"
and "." ("anna dot berg at example dot com"), ending in a real top-level domain."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from scorers.sensitive.registry import Found, Scope, register_detector

WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # the words for "@" and "."
    "en": (("at",), ("dot",)),
    "de": (("at", "ät"), ("punkt",)),
    "sv": (("snabel-a", "at"), ("punkt",)),
    "fr": (("arobase", "at"), ("point",)),
}
JOINERS: dict[str, tuple[str, ...]] = {  # said inside a name: "anna underscore berg"
    "en": ("underscore", "dash", "hyphen"),
    "de": ("unterstrich", "bindestrich", "strich"),
    "sv": ("understreck", "bindestreck"),
    "fr": ("tiret bas", "underscore", "tiret"),
}
# A spoken address must end in a real top-level domain: "look at this dot later" is no address.
TLDS = ("com", "org", "net", "edu", "gov", "io", "info", "biz", "eu", "de", "at", "ch", "se", "fr", "be", "uk", "co", "nl", "dk", "no", "fi", "es", "it")
# Parts are bounded (local part 64, labels 63, as RFC 5321 allows): unbounded `[\w.+-]+@` backtracks
# over every start in a long run of word characters: one 200,000-character turn took 16 s, growing
# with the square of its length.
_WRITTEN = re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b")


@cache
def _spoken(language: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    at_words, dot_words = WORDS.get(language, WORDS["en"])
    at, dot = "|".join(map(re.escape, at_words)), "|".join(map(re.escape, dot_words + JOINERS.get(language, ())))
    # A name may be half written ("anna.berg at gmail dot com"); parts are bounded, as in _WRITTEN.
    word, dotted = r"[\w.+-]{1,64}", rf"(?:\s+(?:{dot})\s+[\w.+-]{{1,64}}){{0,8}}"
    spoken = re.compile(rf"\b{word}{dotted}\s+(?:{at})\s+{word}{dotted}\s+(?:{dot})\s+(?:{'|'.join(TLDS)})\b", re.IGNORECASE)
    return re.compile(rf"\s(?:{at})\s", re.IGNORECASE), spoken


@register_detector("email", precedence=60)
def emails(text: str, scope: Scope) -> Iterator[Found]:
    """E-mail addresses, written or spoken."""
    if "@" in text:
        for m in _WRITTEN.finditer(text):
            yield Found("email", m.start(), m.end(), "[e-mail address]")
    at_word, spoken = _spoken(scope.language)
    if at_word.search(text):  # the full pattern only where an "at" word is said
        for m in spoken.finditer(text):
            yield Found("email", m.start(), m.end(), "[e-mail address]")
