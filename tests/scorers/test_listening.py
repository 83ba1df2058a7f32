"""Turns as a listener hears them, on excerpts of real recorded calls (Harper Valley, see
tests/fixtures/real_calls/README.md): markup out of matching and counts, one speaker's segments
merged, backchannels not counted. Each window test also runs with a listener that hears the raw
segments, and must then fail: the mechanism, not the phrase, makes the verdict."""

from __future__ import annotations

import random
import re

import pytest

from ingest.markup import NonSpeech
from scorers.listening import Listener, Listening, _backchannel_starts, _is_backchannel
from scorers.nlp import analyse
from scorers.outcome import Outcome
from tests.builders import criterion, interaction, verdict

RAW = Listener(Listening(merge_gap_seconds=0, backchannels_are_turns=True, fillers={"en": ["-"]}), NonSpeech(defaults=False))
HEARD = Listener()

# 0002f70f7386445b: one spoken opening arrives as three segments of the agent.
OPENING = [
    ("agent", "hello this is harper valley national bank", 1669, 4339),
    ("agent", "my name is elizabeth", 4839, 5979),
    ("agent", "how can i help you today", 6469, 7699),
    ("customer", "hi", 12890, 13220),
    ("customer", "my name is patricia brown", 13720, 15160),
]
# 0b41e7d162844d45: noise entries of the caller's line before and inside the agent's greeting.
NOISY_OPENING = [
    ("customer", "[noise]", 1390, 1870),
    ("agent", "hello this is harper valley national bank my name is linda how can i help you today", 2030, 7430),
    ("customer", "[noise]", 2690, 2810),
    ("customer", "[noise]", 3390, 3570),
    ("customer", "[noise]", 5330, 5480),
    ("customer", "hi my name is patricia patricia davis um i would like to reset my password", 10800, 15990),
]
# 0e68932d3f014bbf: "anything else" followed by the close and a tail of [noise] entries.
CLOSING = [
    ("agent", "we will send your payment of a hundred and thirty five dollars to fossil gas is there anything else i can help you with", 77539, 84319),
    ("agent", "[noise]", 87239, 87329),
    ("agent", "[noise]", 87939, 89529),
    ("customer", "[noise]", 87990, 88200),
    ("customer", "no that was going to be it", 89050, 90850),
    ("agent", "okay thank you for calling have a great day", 90469, 92629),
    ("agent", "[noise]", 93329, 93899),
    ("agent", "[noise]", 94979, 95219),
    ("customer", "you too", 95720, 96080),
    ("agent", "[noise]", 96139, 96229),
    ("agent", "[noise]", 98609, 99029),
    ("agent", "[noise]", 99769, 99919),
]
# 0c7b8cd8a7374ffc (speech-to-text): the agent's backchannels between the caller's segments.
BACKCHANNELS = [
    ("agent", "how long does harper valley nation my name is patricia how can i help you today", 1839, 4659),
    ("customer", "hi my name is jennifer rodriguez", 8710, 11170),
    ("customer", "i need to check my account balance", 11890, 14020),
    ("agent", "mm hmm", 13389, 13569),
    ("agent", "sure debit or i mean savings or checking", 14549, 17369),
    ("agent", "mm hmm", 18989, 19169),
    ("customer", "my savings account", 22220, 23630),
    ("agent", "you have one hundred and eleven dollars", 24909, 26649),
]


def call(turns: list) -> object:
    return interaction(turns, channel="voice", customer={"name": "Patricia Brown"})


@pytest.mark.parametrize(
    ("turns", "phrase", "within"),
    [
        (OPENING, "how can i help", {"first_turns": 2}),  # the agent's third segment, first heard turn
        (NOISY_OPENING, "harper valley", {"first_turns": 1}),  # after a [noise] of the caller
        (CLOSING, "anything else", {"last_turns": 4}),  # before five [noise] entries and the close
        (BACKCHANNELS, "savings or checking", {"first_turns": 3}),  # "mm hmm" is no turn
    ],
)
def test_windows_count_turns_as_heard(turns: list, phrase: str, within: dict) -> None:
    config = criterion("required_phrase", phrases={"en": [phrase]}, within=within)
    assert verdict(config, call(turns), listener=HEARD).outcome is Outcome.PASS
    assert verdict(config, call(turns), listener=RAW).outcome is Outcome.FAIL


def test_windows_of_the_agent() -> None:
    first = criterion("required_phrase", phrases={"en": ["how can i help"]}, within={"first_turns": 1, "of": "agent"})
    last = criterion("required_phrase", phrases={"en": ["anything else"]}, within={"last_turns": 2, "of": "agent"})
    assert verdict(first, call(OPENING)).outcome is Outcome.PASS
    assert verdict(last, call(CLOSING)).outcome is Outcome.PASS
    assert verdict(last, call(CLOSING), listener=RAW).outcome is Outcome.FAIL  # raw: the last two agent turns are [noise]
    # The agent's first turn only: the caller's reply comes after it, and so does the balance.
    balance = criterion("required_phrase", phrases={"en": ["one hundred"]}, within={"first_turns": 2, "of": "agent"})
    assert verdict(balance, call(BACKCHANNELS)).outcome is Outcome.FAIL


def test_heard_turns_keep_segments_and_stored_text() -> None:
    ix = call(CLOSING)
    heard = analyse(ix).turns
    assert [(t.speaker, t.segments) for t in heard] == [("agent", (0,)), ("customer", (4,)), ("agent", (5,)), ("customer", (8,))]
    assert ix.turns[1].text == "[noise]"  # the stored text keeps the markup
    match = verdict(criterion("required_phrase", phrases={"en": ["thank you for calling"]}), ix)
    assert match.evidence is not None and (match.evidence.turn_index, match.evidence.start_ms) == (5, 90469)


def test_merged_segments_point_evidence_at_their_segment() -> None:
    result = verdict(criterion("required_phrase", phrases={"en": ["how can i help"]}), call(OPENING))
    assert result.evidence is not None and (result.evidence.turn_index, result.evidence.start_ms) == (2, 6469)


@pytest.mark.parametrize(
    ("text", "heard"),
    [
        ("[noise] hello this is harper valley", "hello this is harper valley"),
        ("thank you for calling har~ hello", "thank you for calling hello"),
        ("my <unk> name is robert", "my name is robert"),
        ("what's your uh address", "what's your address"),
        ("[unintelligible] on just a second", "on just a second"),
        ("((inaudible)) yes (laughs) {breath} ok", "yes ok"),
    ],
)
def test_markup_and_fillers_are_not_heard(text: str, heard: str) -> None:
    assert analyse(call([("agent", text, 0, 1000)])).turns[0].text == heard


def test_a_source_adds_its_own_markup() -> None:
    ix = call([("agent", "**cough** how can i help", 0, 1000)])
    own = Listener(non_speech=NonSpeech(patterns=[r"\*\*[a-z]+\*\*"]))
    assert analyse(ix, own).turns[0].text == "how can i help"
    assert analyse(ix).turns[0].text == "**cough** how can i help"


def test_a_pause_longer_than_the_gap_starts_a_new_turn() -> None:
    turns = [("agent", "one moment please", 0, 1000), ("agent", "thanks for waiting", 40000, 41000)]
    assert len(analyse(call(turns)).turns) == 2
    assert len(analyse(call(turns), Listener(Listening(merge_gap_seconds=60))).turns) == 1


def test_backchannels_can_count_as_turns() -> None:
    heard = analyse(call(BACKCHANNELS)).turns
    assert [(t.segments, t.backchannel) for t in heard] == [((0,), False), ((1, 2), False), ((3,), True), ((4,), False), ((5,), True), ((6,), False), ((7,), False)]
    counting = analyse(call(BACKCHANNELS), Listener(Listening(backchannels_are_turns=True))).turns
    assert not any(t.backchannel for t in counting)
    assert [t.segments for t in counting][2:4] == [(3, 4), (5,)]  # "mm hmm" opens the agent's turn


def test_negation_does_not_reach_across_segments() -> None:
    turns = [("customer", "can you help", 0, 1000), ("agent", "no", 1200, 1500), ("agent", "i can help you with that", 1700, 3000)]
    config = criterion("required_phrase", phrases={"en": ["help you with that"]})
    assert verdict(config, call(turns)).outcome is Outcome.PASS
    joined = [("customer", "can you help", 0, 1000), ("agent", "no i can't help you with that", 1200, 3000)]
    assert verdict(config, call(joined)).outcome is Outcome.FAIL


def test_chats_keep_every_message_as_a_turn() -> None:
    ix = interaction([("agent", "Hi"), ("agent", "How can I help?"), ("customer", "ok")])
    assert [t.segments for t in analyse(ix).turns] == [(0,), (1,), (2,)]


def _backchannel_the_long_way(said: str, words: frozenset[str]) -> bool:
    """Every word of the segment lower-cased and looked up: what `_is_backchannel` must equal."""
    rest, longest = re.sub(r"[,.!?;:]", " ", said.lower()).split(), _backchannel_starts(words)[1]
    i = 0
    while rest and i < len(rest):
        n = next((n for n in range(min(longest, len(rest) - i), 0, -1) if " ".join(rest[i : i + n]) in words), 0)
        if not n:
            return False
        i += n
    return bool(rest)


@pytest.mark.parametrize("language", ["en", "de", "sv", "fr"])
def test_backchannels_found_from_the_first_word_as_from_every_word(language: str) -> None:
    """The first-word shortcut answers as the long way does, whatever the spacing, punctuation and
    case (a capital sigma lower-cases by what follows it; a dotted capital I into two characters)."""
    pieces = [*"aOkKyYeEsSjJmhMH,.!?;:", "\t", "\u00a0", "\u2003", *"ΣσςİIiÅåÖöÄä'-", "okay", "Mm", "hmm", "Yes", "OK", "Ja", "oui", "uh huh", "ALL RIGHT", "ΟΔΟΣ", " "]
    rng = random.Random(18)
    texts = ["", " ", "okay", "Okay, sure.", ",okay", "mm hmm okay", "okay so", "ΟΔΟΣ.A", "ΟΔΟΣ", "İok"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 9))) for _ in range(20_000)]
    for words in (Listening().backchannel_words(language), frozenset({"οδοσ", "a", "i̇ok", "ok", "mm hmm"})):
        assert [_is_backchannel(t, words) for t in texts] == [_backchannel_the_long_way(t, words) for t in texts]
