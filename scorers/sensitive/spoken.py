"""Numbers as people say them and as speech-to-text writes them, in en, de, sv and fr.

A number arrives as written digits ("4539 1488"), as digit words ("four five three nine"), in groups
("forty-five thirty-nine", "quarante-cinq trente-neuf", "fünfundvierzig", "fyrtiofem"), with
"double" / "triple" ("double five" = 55; doppel, dubbel), with fillers between the digits ("four five
uh three nine"), and with homophones of digits that speech-to-text writes for them ("for" for four,
"to" / "too" for two, "won" for one, "ate" for eight). `number_runs` turns a text into runs of
number tokens, each token knowing its characters in the text and its digits, so detectors validate
digit strings and redaction replaces the words that were said.

A homophone counts only next to a digit said one by one ("four for five" is 445) and breaks the run
otherwise ("transfer 500 to 123 456" is two numbers, not 5002123456).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from scorers import regex_cache

LANGUAGES = ("en", "de", "sv", "fr")

# Digits said one by one. The first word per digit is how the generator says it.
DIGIT_WORDS: dict[str, dict[str, str]] = {
    "en": dict(zip("zero oh one two three four five six seven eight nine nought".split(), "001234567890")),
    "de": dict(zip("null eins zwei zwo drei vier fünf sechs sieben acht neun".split(), "01223456789")),
    "sv": dict(zip("noll ett en två tre fyra fem sex sju åtta nio".split(), "01123456789")),
    "fr": dict(zip("zéro zero un une deux trois quatre cinq six sept huit neuf".split(), "001123456789")),
}
HOMOPHONES: dict[str, dict[str, str]] = {
    "en": {"for": "4", "fore": "4", "to": "2", "too": "2", "won": "1", "ate": "8"},
    "de": {"ein": "1", "eine": "1"},  # articles, said for "eins" too
    "sv": {"fira": "4", "sjö": "7", "nie": "9"},
    "fr": {"cette": "7", "cet": "7", "sète": "7"},
}
REPEATS: dict[str, dict[str, int]] = {
    "en": {"double": 2, "triple": 3},
    "de": {"doppel": 2, "doppelt": 2, "doppelte": 2, "zweimal": 2, "dreimal": 3, "dreifach": 3},
    "sv": {"dubbel": 2, "dubbla": 2, "dubbelt": 2, "trippel": 3, "tripple": 3},
    "fr": {"double": 2, "triple": 3},
}
# Said between digits and skipped: hesitations, and the words for the dash of "811218-9876".
FILLERS: dict[str, tuple[str, ...]] = {
    "en": ("uh", "um", "uhm", "umm", "er", "erm", "ah", "hmm", "mm", "eh", "dash", "hyphen"),
    "de": ("äh", "ähm", "öh", "öhm", "hm", "hmm", "em", "ehm", "äähm", "strich", "bindestrich"),
    "sv": ("eh", "öh", "äh", "ehm", "hmm", "mm", "öhm", "streck", "bindestreck"),
    "fr": ("euh", "heu", "hum", "bah", "ben", "hmm", "tiret"),
}
# Written numbers that are none of the sensitive kinds and would otherwise join a run: dates
# ("22.11.2026", "2026-11-22", "03/01/2026"), times ("10:30"), amounts ("49.90", "49,90", "1,234.56",
# "1.234,56") and a card's expiry ("12/27"). They are blanked (same length, so offsets hold) before
# runs are looked for.
_NOT_A_RUN = re.compile(
    r"(?<![\d.,:/-])(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{4}|\d{1,2}:\d{2}(?::\d{2})?"
    r"|\d{1,3}(?:,\d{3})+\.\d{2}|\d{1,3}(?:\.\d{3})+,\d{2}|\d+[.,]\d{2}|\d{1,2}/\d{2})(?![\d.,:/-]?\d)"
)


def _en() -> dict[str, int]:
    units = "zero one two three four five six seven eight nine".split()
    teens = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
    tens = "twenty thirty forty fifty sixty seventy eighty ninety".split()
    below = {w: n for n, w in enumerate(units)} | {w: 10 + n for n, w in enumerate(teens)}
    for t, word in enumerate(tens, start=2):
        below[word] = t * 10
        below |= {f"{word} {u}": t * 10 + n for n, u in enumerate(units) if n}
    forms = dict(below)
    for h, head in [*enumerate(units[1:], start=1), *enumerate(teens[1:], start=11)]:  # "nineteen hundred and five"
        forms[f"{head} hundred"] = h * 100
        for rest, n in below.items():
            if n:
                forms[f"{head} hundred {rest}"] = forms[f"{head} hundred and {rest}"] = h * 100 + n
    return forms


def _de() -> dict[str, int]:
    units = "null eins zwei drei vier fünf sechs sieben acht neun".split()
    prefixes = ["", "ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"]
    teens = "zehn elf zwölf dreizehn vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn".split()
    tens = "zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig".split()
    below = {w: n for n, w in enumerate(units)} | {w: 10 + n for n, w in enumerate(teens)}
    for t, word in enumerate(tens, start=2):
        below[word] = t * 10
        below |= {f"{prefixes[n]}und{word}": t * 10 + n for n in range(1, 10)}
    below |= {w.replace("ß", "ss"): n for w, n in below.items() if "ß" in w}
    forms = dict(below)
    for h, prefix in enumerate(prefixes):
        if h:
            forms[f"{prefix}hundert"] = h * 100
            forms |= {f"{prefix}hundert{rest}": h * 100 + n for rest, n in below.items() if n}
    forms |= {f"hundert{rest}": 100 + n for rest, n in below.items() if n} | {"hundert": 100}
    for h, teen in enumerate(teens[1:], start=11):  # "neunzehnhundertachtundachtzig"
        forms[f"{teen}hundert"] = h * 100
        forms |= {f"{teen}hundert{rest}": h * 100 + n for rest, n in below.items() if n}
    return forms


def _sv() -> dict[str, int]:
    units = "noll ett två tre fyra fem sex sju åtta nio".split()
    teens = "tio elva tolv tretton fjorton femton sexton sjutton arton nitton".split()
    tens = [("tjugo", "tjugu", "tjuge"), ("trettio", "tretti"), ("fyrtio", "förtio", "förti", "fyrti"), ("femtio", "femti"),
            ("sextio", "sexti"), ("sjuttio", "sjutti"), ("åttio", "åtti"), ("nittio", "nitti")]  # fmt: skip
    below = {w: n for n, w in enumerate(units)} | {"en": 1, "aderton": 18} | {w: 10 + n for n, w in enumerate(teens)}
    for t, words in enumerate(tens, start=2):
        for word in words:
            below[word] = t * 10
            for n, unit in enumerate(units[1:], start=1):
                below[f"{word}{unit}"] = below[f"{word} {unit}"] = t * 10 + n
            below[f"{word}en"] = below[f"{word} en"] = t * 10 + 1
    forms = dict(below)
    prefixes = ["", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio"] + teens[1:]  # "nittonhundraåttioåtta"
    for h, prefix in enumerate(prefixes, start=0):
        value = max(h, 1) * 100
        forms[f"{prefix}hundra"] = value
        forms |= {f"{prefix}hundra{rest}": value + n for rest, n in below.items() if n and " " not in rest}
    return forms


def _fr() -> dict[str, int]:
    units = "zéro un deux trois quatre cinq six sept huit neuf".split()
    teens = "dix onze douze treize quatorze quinze seize dix-sept dix-huit dix-neuf".split()
    below = {w: n for n, w in enumerate(units)} | {"zero": 0, "une": 1} | {w: 10 + n for n, w in enumerate(teens)}

    def compound(word: str, value: int, upto: int, stems: dict[str, int]) -> None:
        below[word] = value
        for rest, n in stems.items():
            if 0 < n < upto:
                joined = "et" if n in (1, 11) and not word.startswith("quatre") else ""
                below[f"{word} {joined} {rest}".replace("  ", " ")] = value + n
                if joined:
                    below[f"{word}-et-{rest}"] = value + n

    ones = {w: n for w, n in below.items() if n < 10}
    for word, value in (("vingt", 20), ("trente", 30), ("quarante", 40), ("cinquante", 50), ("septante", 70), ("huitante", 80), ("octante", 80), ("nonante", 90)):
        compound(word, value, 10, ones)
    with_teens = {w: n for w, n in below.items() if n < 20}
    compound("soixante", 60, 20, with_teens)
    compound("quatre-vingt", 80, 20, with_teens)
    below["quatre-vingts"] = 80
    forms = {w.replace("-", " "): n for w, n in below.items()}
    below = dict(forms)
    for h, unit in enumerate(units[1:], start=1):
        head = "cent" if h == 1 else f"{unit} cent"
        forms[head] = h * 100
        if h > 1:
            forms[f"{unit} cents"] = h * 100
        forms |= {f"{head} {rest}": h * 100 + n for rest, n in below.items() if n}
    return forms


_FORMS = {"en": _en, "de": _de, "sv": _sv, "fr": _fr}


@cache
def number_forms(language: str) -> dict[str, str]:
    """Every form of 0-999 in `language` (words separated by one space) -> its digits."""
    if language not in _FORMS:
        return {}
    forms = {w: str(n) for w, n in _FORMS[language]().items()}
    forms |= DIGIT_WORDS[language]  # "oh" and "zwo" are digits; "zero" is "0" even where a group is "0"
    return forms


_DIGIT = re.compile(r"\d")
Trie = dict[str, "Trie"]


def _trie_regex(words: list[str]) -> str:
    """One regex alternation for many words, as a trie, so the engine tries one branch per letter;
    a space in a word matches any run of spaces and hyphens ("soixante-dix" = "soixante dix")."""
    trie: Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: Trie) -> str:
        end = "" in node
        branches = [(r"[\s-]+" if ch == " " else re.escape(ch)) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return f"(?:{body})?" if len(branches) > 1 or len(body) > 1 else f"{body}?"
        return body

    return emit(trie)


def _words(words: list[str] | tuple[str, ...]) -> str:
    """Whole words (letters on neither side) out of `words`."""
    return rf"(?<![^\W\d_])(?:{_trie_regex(sorted(set(w.lower() for w in words)))})(?![^\W\d_])" if words else r"(?!x)x"


@dataclass(frozen=True)
class NumberToken:
    start: int  # character offsets in the text
    end: int
    digits: str
    spoken: bool  # said in words ("four", "forty-five"), not written in digits
    weak: bool = False  # a homophone ("for"): a digit only next to digits said one by one
    repeated: bool = False  # said with "double" / "triple"

    @property
    def said_alone(self) -> bool:
        """A digit said on its own ("four", "double four"), not in a group ("forty-four")."""
        return self.spoken and not self.weak and (len(self.digits) == 1 or self.repeated)


Run = list[NumberToken]


@dataclass(frozen=True)
class _Patterns:
    run: re.Pattern[str]
    token: re.Pattern[str]
    homophones_before: re.Pattern[str]


def _pattern_texts(language: str) -> list[str]:
    """The texts of `_Patterns`' three regular expressions for `language`."""
    words = _words(list(number_forms(language)))  # the big trie
    core = rf"(?:(?<!\d)\d+(?!\d)|{words})"
    repeat, weak, filler = _words(list(REPEATS.get(language, {}))), _words(list(HOMOPHONES.get(language, {}))), _words(FILLERS.get(language, ()))
    sep = r"[\s,()./-]*"  # "4539-1488", "(977) 625-2661", "22.11.2026", "06 12, 34"
    token = rf"(?:{repeat}{sep})?(?:{core}|{weak})"
    # The regex finds candidate runs (so ordinary words cost nothing in Python); tokens and the
    # homophone rule are applied to the few spans it finds.
    # A run starts at a number or a repeat word; homophones before it are looked for behind it (a
    # leading optional group would be tried at every character of every turn: 3 times slower).
    run = rf"(?:{repeat}|{core})(?:{sep}(?:(?:{filler}|{weak}){sep})*{token})*(?:{sep}{weak}){{0,2}}"
    one = rf"(?P<digits>(?<!\d)\d+(?!\d))|(?P<repeat>{repeat})|(?P<word>{words})|(?P<weak>{weak})|(?P<filler>{filler})"
    before = rf"(?:{weak}{sep}){{1,2}}$"
    return [run, one, before]


@cache
def _this_code() -> str:
    """The hash of this file: what the patterns' texts are made by."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


@cache
def _patterns(language: str) -> _Patterns:
    # Kept between runs (`scorers.regex_cache`): building the texts (0.05-0.1 s a language) under
    # this file's hash, compiling them (0.1-0.5 s a language) under their text.
    run, one, before = regex_cache.texts(f"spoken-{language}-{_this_code()}", lambda: _pattern_texts(language))
    return _Patterns(regex_cache.compile(run, re.IGNORECASE), regex_cache.compile(one, re.IGNORECASE), regex_cache.compile(before, re.IGNORECASE))


def _tokens(text: str, start: int, end: int, language: str) -> list[NumberToken]:
    """The number tokens of one candidate run; a repeat word multiplies the token after it."""
    forms, homophones, repeats = number_forms(language), HOMOPHONES.get(language, {}), REPEATS.get(language, {})
    tokens: list[NumberToken] = []
    times, times_start = 1, None
    for m in _patterns(language).token.finditer(text, start, end):
        kind, said = m.lastgroup, m.group()
        if kind == "repeat":
            times, times_start = repeats[said.lower()], m.start()
            continue
        if kind == "filler":
            continue
        if kind == "digits":
            digits, spoken = said, False
        elif kind == "word":
            digits, spoken = forms[" ".join(re.split(r"[\s-]+", said.lower()))], True
        else:  # a homophone; "double for" is 44 for sure
            digits, spoken = homophones[said.lower()], True
        first = times_start if times_start is not None else m.start()
        tokens.append(NumberToken(first, m.end(), digits * times, spoken, weak=kind == "weak" and times == 1, repeated=times > 1))
        times, times_start = 1, None
    return tokens


def _split_at_commas(text: str, tokens: list[NumberToken]) -> Iterator[list[NumberToken]]:
    """Tokens split where a comma stands between two written numbers ("4539 1488 0343 6467, 124";
    "070-123 45 67, 070-765 43 21"): a list of values, where a spoken list ("zéro six, douze")
    is one number read in groups."""
    part: list[NumberToken] = []
    for token in tokens:
        if part and not part[-1].spoken and not token.spoken and "," in text[part[-1].end : token.start]:
            yield part
            part = []
        part.append(token)
    if part:
        yield part


def _split_at_homophones(tokens: list[NumberToken]) -> Iterator[Run]:
    """Runs with each homophone kept as a digit where a neighbour is a digit said alone, and
    broken there otherwise."""
    run: Run = []
    for i, token in enumerate(tokens):
        if token.weak:
            neighbours = tokens[i - 1 : i] + tokens[i + 1 : i + 2]
            if not any(n.said_alone for n in neighbours):
                if any(not t.weak for t in run):
                    yield run
                run = []
                continue
        run.append(token)
    if any(not t.weak for t in run):
        yield run


@lru_cache(maxsize=4096)  # every detector asks about the same turn
def number_runs(text: str, language: str) -> tuple[tuple[NumberToken, ...], ...]:
    """Runs of consecutive number tokens in `text`: digits or number words of `language` with only
    separators (space, "-", ",", ".", "/", parentheses), fillers or homophones between them; never
    a date, time or amount (`_NOT_A_RUN`), and split at a comma between two written numbers."""
    runs: list[tuple[NumberToken, ...]] = []
    patterns = _patterns(language)
    if _DIGIT.search(text):
        text = _NOT_A_RUN.sub(lambda m: "_" * len(m.group()), text)
    for span in patterns.run.finditer(text):
        start = span.start()
        if (lead := patterns.homophones_before.search(text, max(0, start - 16), start)) is not None:
            start = lead.start()
        for part in _split_at_commas(text, _tokens(text, start, span.end(), language)):
            runs += [tuple(run) for run in _split_at_homophones(part)]
    return tuple(runs)


def digits_of(run: Run | tuple[NumberToken, ...]) -> str:
    """The digits a run says."""
    return "".join(t.digits for t in run)


def best(run: tuple[NumberToken, ...], valid: Callable[[str], bool], slack: int = 2) -> str | None:
    """The digits of the longest valid part of a run. Up to `slack` stray number words ("one",
    "oh", "for") may be left off either end; written digit groups never are, so chance hits inside
    long digit strings are not taken. (Whatever is left off is redacted with the rest: a detector
    reports the whole run.)"""

    def strays(tokens: tuple[NumberToken, ...]) -> int:
        return next((i for i, t in enumerate(tokens[:slack]) if not t.spoken), min(slack, len(tokens)))

    found = None
    for lead in range(min(strays(run), len(run) - 1) + 1):
        for trail in range(min(strays(run[::-1]), len(run) - lead - 1) + 1):
            digits = digits_of(run[lead : len(run) - trail])
            if (found is None or len(digits) > len(found)) and valid(digits):
                found = digits
    return found
