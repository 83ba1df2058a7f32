"""Numbers as they are said and as speech-to-text writes them, in the four languages."""

from __future__ import annotations

import pytest

from scorers.sensitive.spoken import digits_of, number_runs


@pytest.mark.parametrize(
    ("language", "text", "runs"),
    [
        # digit by digit, written and in words
        ("en", "That is 4539-1488-0343-6467.", ["4539148803436467"]),
        ("en", "four five three nine one four eight eight", ["45391488"]),
        ("de", "vier fünf drei neun, eins vier acht acht", ["45391488"]),
        ("sv", "fyra fem tre nio, ett fyra åtta åtta", ["45391488"]),
        ("fr", "quatre cinq trois neuf, un quatre huit huit", ["45391488"]),
        # read in groups
        ("en", "forty-five thirty-nine, fourteen eighty-eight, oh three four three", ["453914880343"]),
        ("en", "five hundred and fifty five, nineteen eighty one", ["5551981"]),
        ("de", "null eins sieben eins, dreiundzwanzig, fünfundvierzig", ["017123" + "45"]),
        ("de", "zweihundertfünfundvierzig, hundert, einhundertzwölf", ["245100112"]),
        ("sv", "noll sju noll, tjugotre, fyrtiofem, sextio sju", ["070234567"]),
        ("fr", "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit", ["0612345678"]),
        ("fr", "quatre-vingt-dix-neuf, vingt et un, soixante et onze, quatre vingt un", ["99217181"]),
        # double / triple
        ("en", "double five triple seven", ["55777"]),
        ("de", "doppel acht, dreimal null", ["88000"]),
        ("sv", "dubbel fem trippel noll", ["55000"]),
        ("fr", "double cinq triple zéro", ["55000"]),
        # fillers between the digits
        ("en", "four five uh three nine um one", ["45391"]),
        ("de", "vier fünf äh drei neun", ["4539"]),
        ("sv", "fyra fem eh tre nio", ["4539"]),
        ("fr", "quatre cinq euh trois neuf", ["4539"]),
        # homophones: digits next to digits said alone, words elsewhere
        ("en", "four for five to six", ["44526"]),
        ("en", "for five five five, one two three four", ["45551234"]),
        ("en", "transfer 500 to 123 456", ["500", "123456"]),
        ("en", "I want to go for it, thanks to you", []),
        ("de", "eins ein zwei", ["112"]),
        ("fr", "huit cette neuf", ["879"]),
        # no numbers
        ("en", "Someone wants to know about the phone bill.", []),
    ],
)
def test_runs(language: str, text: str, runs: list[str]) -> None:
    assert [digits_of(run) for run in number_runs(text, language)] == runs


def test_tokens_point_at_what_was_said() -> None:
    text = "my card is double five, forty-five"
    (run,) = number_runs(text, "en")
    assert [text[t.start : t.end] for t in run] == ["double five", "forty-five"]
    assert [(t.digits, t.spoken) for t in run] == [("55", True), ("45", True)]


def test_a_homophone_at_the_edge_is_a_stray_word() -> None:
    (run,) = number_runs("it comes to four five six", "en")
    assert run[0].weak and digits_of(run) == "2456"
