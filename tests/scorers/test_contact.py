"""Contact profiles: the reason (metadata, else topic rules), and the signs of a hard contact."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from scorers.contact import ContactProfiler, transfer_count
from scorers.loader import load_standards, select_standard
from scorers.nlp import analyse
from scorers.sentiment import SentimentAnalyser
from tests.builders import interaction
from touchstone.settings import Settings


@pytest.fixture(scope="module")
def profiler() -> ContactProfiler:
    standard = select_standard(load_standards(Settings.from_env().standards_dir), date(2026, 11, 22), "eu_core@2.0")
    return ContactProfiler(standard.contact_reasons, SentimentAnalyser(standard.sentiment))


@pytest.mark.parametrize(
    ("language", "said", "reason"),
    [
        ("en", "Hi, I'd like to pay my invoice by card.", "payment"),  # payment is listed before billing
        ("en", "Why is my bill so high this month?", "billing"),
        ("de", "Ich ziehe nächsten Monat um.", "moving"),
        ("sv", "Min beställning har inte kommit än.", "delivery"),  # negated, still about an order
        ("fr", "Je voudrais résilier mon contrat.", "contract"),
        ("en", "What are your opening hours?", "other"),
    ],
)
def test_topic_rules_name_the_reason(profiler: ContactProfiler, language: str, said: str, reason: str) -> None:
    profile = profiler.profile(analyse(interaction([("agent", "Hello."), ("customer", said)], language=language)))
    assert (profile.reason, profile.reason_source) == (reason, "topic" if reason != "other" else "none")


def test_metadata_comes_before_topics(profiler: ContactProfiler) -> None:
    ix = interaction([("agent", "Hello."), ("customer", "My bill is wrong.")], metadata={"queue": "Collections "})
    assert (profiler.profile(analyse(ix)).reason, profiler.profile(analyse(ix)).reason_source) == ("collections", "metadata")


def test_topics_only_count_early_customer_turns(profiler: ContactProfiler) -> None:
    turns = [("agent", "Hello."), ("customer", "Hi."), ("agent", "Yes?"), ("customer", "Well."), ("agent", "Go on."), ("customer", "It is about my bill.")]
    assert profiler.profile(analyse(interaction(turns))).reason == "other"  # turn 6 is outside the first four


@pytest.mark.parametrize(("value", "count"), [(2, 2), ("1", 1), (0, 0), (-1, None), (True, None), ("two", None), (None, None)])
def test_transfer_count_takes_whole_numbers_only(value: Any, count: int | None) -> None:
    assert transfer_count({"transfers": value}) == count


def test_signs_of_a_hard_contact(profiler: ContactProfiler) -> None:
    bot_then_person = interaction(
        [("bot", "Hi, I am the assistant."), ("customer", "This is ridiculous, I am really angry."), ("agent", "Hello, this is Sam, I can help.")],
        agent_type="bot",
    )
    profile = profiler.profile(analyse(bot_then_person))
    assert (profile.transfers, profile.handed_over, profile.customer_distress, profile.words) == (1, True, True, 19)
    calm = profiler.profile(analyse(interaction([("agent", "Hello."), ("customer", "Thanks, that is great.")], metadata={"transfers": 2})))
    assert (calm.transfers, calm.handed_over, calm.customer_distress) == (2, False, False)  # people are not "handed over"


def test_distress_is_unknown_without_a_lexicon_for_the_language() -> None:
    from scorers.standard import ContactReasons

    profile = ContactProfiler(ContactReasons(), SentimentAnalyser({})).profile(analyse(interaction([("agent", "Hej."), ("customer", "Hemskt!")], language="sv")))
    assert profile.customer_distress is None and profile.reason == "other"
