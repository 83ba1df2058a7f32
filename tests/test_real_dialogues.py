"""The default standard on real third-party dialogues (../shared/data/dialogues), not only on data
we generate. Expected verdicts were checked by reading each conversation."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from ingest.interaction import Interaction
from scorers.engine import CompiledStandard
from scorers.loader import load_standard
from tests.builders import interaction
from touchstone import public_dialogues
from touchstone.sensitive_agreement import agreement, read_jsonl

ROOT = Path(__file__).resolve().parents[1]
DIALOGUES = ROOT.parent / "shared" / "data" / "dialogues"
pytestmark = pytest.mark.skipif(not DIALOGUES.is_dir(), reason="../shared/data is not beside the checkout")


@pytest.fixture(scope="module")
def standard() -> CompiledStandard:
    return CompiledStandard(load_standard(ROOT / "standards" / "eu_core.v1.yaml"))


def abcd() -> list[Interaction]:
    """ABCD chats: agent and customer turns, plus 'action' turns (the agent's tool use) as system turns."""
    return [Interaction.model_validate(d) for d in public_dialogues.abcd(DIALOGUES / "abcd" / "abcd_sample.json")]


def taskmaster() -> list[Interaction]:
    """Taskmaster-4 coffee orders: the assistant is a bot."""
    return [Interaction.model_validate(d) for d in public_dialogues.taskmaster(DIALOGUES / "taskmaster" / "tm4_data_00.json")]


ABCD_EXPECTED = {
    # 3592: "Hi!" opens; "anything else" is asked mid-call, not at the close; ends "Have a great night!"
    "abcd-3592": {"greeting": "pass", "agent_introduction": "fail", "closing_anything_else": "fail", "closing_thanks": "pass"},
    # 9489: "good afternoon, how can I help you?" ... "have a nice day"
    "abcd-9489": {"greeting": "pass", "agent_introduction": "fail", "closing_anything_else": "fail", "closing_thanks": "pass"},
    # 3695: the customer speaks first ("HEY HO!"), the agent greets in turn 1; "not problem!" is not prohibited
    "abcd-3695": {"greeting": "pass", "agent_introduction": "fail", "closing_anything_else": "fail", "closing_thanks": "pass", "no_prohibited_language": "pass"},
}


def test_abcd_chats(standard: CompiledStandard) -> None:
    for ix in abcd():
        results = {r.criterion.id: r for r in standard.score(ix).results}
        got = {c: results[c].verdict.outcome.value for c in ABCD_EXPECTED[ix.interaction_id]}
        assert got == ABCD_EXPECTED[ix.interaction_id], ix.interaction_id
        # A chat has no recording to disclose; nobody was upset or asked for a person.
        assert results["recording_disclosure"].verdict.reason.startswith("channel_not_covered")
        assert results["empathy_when_upset"].verdict.reason.startswith("trigger_not_observed")
        assert results["no_card_number_read_out"].verdict.outcome.value == "pass"


def test_taskmaster_bot_conversations_all_score(standard: CompiledStandard) -> None:
    outcomes: Counter[tuple[str, str]] = Counter()
    conversations = taskmaster()
    for ix in conversations:
        scored = standard.score(ix)
        assert len(scored.results) == 9
        outcomes.update((r.criterion.id, r.verdict.outcome.value) for r in scored.results)
    assert len(conversations) == 500
    # The coffee bot never introduces itself, and greets only when greeted first (8 times, in its
    # first reply: "Hi, What can I do for you?"); the customer opens with the order.
    assert outcomes[("agent_introduction", "fail")] == 500
    assert (outcomes[("greeting", "pass")], outcomes[("greeting", "fail")]) == (8, 492)
    assert outcomes[("no_prohibited_language", "pass")] == outcomes[("no_card_number_read_out", "pass")] == 500


DSTC11_CARDS = {"insurance_0274", "banking_137", "banking_346", "banking_334", "banking_331", "banking_329", "banking_138", "banking_327"}


def _dstc11() -> list[dict]:
    return [json.loads(line) for path in sorted((DIALOGUES / "dstc11").glob("*.jsonl")) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(
    ("countries", "figures"),
    [
        # kind: (found, missed, false positives). Before python-stdnum and phonenumbers (commit 1d9b281):
        # cards 8/10/0 (Luhn only), national ids 0/5/0, phones 12/2/0, e-mail 17/0/0.
        ("likely", {"payment_card": (18, 0, 0), "national_id": (4, 1, 0), "phone": (14, 0, 0), "email": (17, 0, 0), "iban": (0, 0, 0), "vat": (0, 0, 0)}),
        # Every country's ids, as redaction looks for them.
        ("all", {"payment_card": (18, 0, 0), "national_id": (4, 1, 0), "phone": (14, 0, 0), "email": (17, 0, 0), "iban": (0, 0, 0), "vat": (0, 0, 0)}),
    ],
)
def test_sensitive_data_in_real_banking_and_insurance_calls(countries: str, figures: dict[str, tuple[int, int, int]]) -> None:
    """Against a reviewer's labels of every value said (tests/fixtures/dstc11): 18 complete card
    numbers (10 invented by the callers, failing Luhn, all said after "card"), 14 phone numbers (2
    with US exchanges that do not exist), 5 social-security or tax ids (one of 7 digits, which no
    check can tell), 17 e-mail addresses; account, policy and check numbers are not sensitive data
    of these kinds and must not be taken for it."""
    result = agreement(_dstc11(), read_jsonl(ROOT / "tests" / "fixtures" / "dstc11" / "sensitive_labels.jsonl"), countries=countries)
    assert {kind: (a.found, len(a.missed), a.extra) for kind, a in result.items()} == figures
    assert result["national_id"].missed == ["finance_00180: 2345113"]


def test_an_agent_repeating_a_real_card_number_fails(standard: CompiledStandard) -> None:
    for row in (r for r in _dstc11() if r["utterance_id"] in DSTC11_CARDS):
        repeated = interaction([("customer", row["utterance"]), ("agent", row["utterance"])])
        result = {r.criterion.id: r for r in standard.score(repeated).results}["no_card_number_read_out"]
        assert result.verdict.outcome.value == "fail" and result.verdict.evidence.turn_index == 1
        assert "[card number ending" in result.verdict.evidence.text


@pytest.fixture(scope="module")
def standard_v2() -> CompiledStandard:
    return CompiledStandard(load_standard(ROOT / "standards" / "eu_core.v2.yaml"))


def test_abcd_with_the_v2_criteria(standard_v2: CompiledStandard) -> None:
    """3592's agent asks "What is your membership level Crystal?"; 9489 and 3695 never use the name.
    The customers leave happier than they came ("Thanks for trying to help", "Perfect. Thanks").
    ABCD agents verify with username, e-mail and order id and never state a balance, so the
    identification sequence does not apply."""
    expected = {"abcd-3592": "pass", "abcd-9489": "fail", "abcd-3695": "fail"}
    for ix in abcd():
        results = {r.criterion.id: r.verdict for r in standard_v2.score(ix).results}
        assert results["personal_address"].outcome.value == expected[ix.interaction_id]
        assert results["sentiment_not_worse"].outcome.value == "pass"
        assert results["identify_before_account_details"].reason.startswith("trigger_not_observed")
        assert results["no_personal_data_read_back"].outcome.value == "pass"  # the phone was the customer's
    first = {r.criterion.id: r.verdict for r in standard_v2.score(abcd()[0]).results}
    assert first["personal_address"].evidence.text == "Crystal"


def test_taskmaster_with_the_v2_criteria(standard_v2: CompiledStandard) -> None:
    """Most coffee orders are four turns ending with the bot, so the customer says nothing in the
    last third and sentiment cannot be compared; no customer name is known."""
    outcomes: Counter[tuple[str, str]] = Counter()
    for ix in taskmaster():
        outcomes.update((r.criterion.id, r.verdict.outcome.value) for r in standard_v2.score(ix).results)
    assert (outcomes[("sentiment_not_worse", "pass")], outcomes[("sentiment_not_worse", "not_applicable")]) == (34, 466)
    assert outcomes[("personal_address", "not_applicable")] == 500


def test_contact_reasons_of_real_chats() -> None:
    """ABCD customers say why they came in their first turn; the topic rules of eu_core 2.0 name it."""
    compiled = CompiledStandard(load_standard(ROOT / "standards" / "eu_core.v2.yaml"))
    reasons = {ix.interaction_id: compiled.score(ix).contact.reason for ix in abcd()}
    # "I need to return an item", "check on the status of a refund", "I've got a promo code ..."
    assert sorted(reasons.values()) == ["billing", "other", "returns"]
