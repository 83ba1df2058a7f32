"""A seeded generator of realistic sample days, with the ground truth of every verdict.

A day has many agents (people and bots, each working in one of en/de/sv/fr), calls with turn
timestamps and chats without, customers on six everyday topics, and deliberate violations of the
default standard in force (`standards/eu_core.v2.yaml`), each recorded:

| violation                            | criterion it must fail            |
|--------------------------------------|-----------------------------------|
| missing_greeting                     | greeting                          |
| missing_recording_disclosure         | recording_disclosure              |  (left out, or said after 30 s)
| account_details_before_verification  | identify_before_account_details   |
| prohibited_phrase                    | no_prohibited_language            |
| no_empathy                           | empathy_when_upset                |  (customer upset, not acknowledged)
| unhappy_ending                       | sentiment_not_worse               |
| no_human_offer                       | offer_human_when_asked            |  (customer asks a bot for a person)
| card_number_read_out                 | no_card_number_read_out           |  (in digits or in digit words)
| personal_data_read_back              | no_personal_data_read_back        |  (IBAN, e-mail or phone, written or spoken)
| price_without_vat                    | price_with_vat                    |
| long_hold                            | no_long_silence                   |  (calls: over a minute on hold)
| no_personal_address                  | personal_address                  |

The ground truth (`<landing>/<date>.ground_truth.jsonl`) gives, for every interaction, the expected
outcome of every criterion of that standard, so tests can check each verdict, not only the failures.
The same seed and date always give the same files.

With `lines_of_business=True` each interaction also carries what its line of business says, as
`standards/routing/lines_of_business.v1.yaml` routes it: the contract queue to sales
(`standards/sales.v1.yaml`), every other queue to support (`standards/support.v1.yaml`), with their
own violations, at the rates of `LOB_RATES`:

| violation                            | standard | criterion it must fail        |
|--------------------------------------|----------|-------------------------------|
| no_offer_summary                     | sales    | sales_offer_summary           |  (left out, or without the price)
| no_withdrawal_right                  | sales    | sales_right_of_withdrawal     |  (left out, or only after concluding)
| no_explicit_consent                  | sales    | sales_explicit_consent        |  ("I will put it through now")
| pressure_selling                     | sales    | sales_no_pressure             |  ("last chance", "only today")
| no_written_confirmation              | sales    | sales_written_confirmation    |
| no_problem_restated                  | support  | support_restates_problem      |
| no_reference_number                  | support  | support_reference_number      |
| no_next_steps                        | support  | support_next_steps            |
| no_resolution_check                  | support  | support_checks_resolution     |
| blaming_the_customer                 | support  | support_no_blame              |

A customer who wants to think an offer over concludes nothing: the four sales criteria that hang on
a conclusion are then not_applicable. Ground-truth rows then add `by_standard`: {"eu_core": ...,
"sales" or "support": ...}, the expected outcome of every criterion of each routed standard.
`expected` and eu_core's violations stay exactly what they are without lines of business (the new
lines say nothing eu_core listens for, and draw from a generator of their own), and so does the
day without them, byte for byte.

What agents, bots and customers say is data, one file a language: `phrases/<lang>.yaml` (`TEXT`,
`FILLER`, `LOB_TEXT` and `IBAN_COUNTRY`, loaded and checked once at import by `phrases`). To add a
language, copy `phrases/en.yaml` to `phrases/<lang>.yaml` and translate it, keeping every key (the
loader names the file and the key a language lacks); `roster(languages=...)` then staffs it. A day
has the languages of `DAY_LANGUAGES` (a day's bytes depend on them: add one there to have it in
every day). The scorers must know the language too (its spaCy pipeline, and its digit words in
`scorers.sensitive`, with which `spoken` reads numbers out).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from touchstone.sample_data.lines_of_business import LOB_CRITERIA, LOB_RATES, LOB_VIOLATED_CRITERION, SALES_ON_CONCLUSION, line_of_business, sales_lines, support_lines
from touchstone.sample_data.personal_data import HANDLES, card_number, contact_value, iban, personnummer, spoken
from touchstone.sample_data.phrases import DAY_LANGUAGES, FILLER, IBAN_COUNTRY, LOB_TEXT, TEXT

__all__ = [
    "ASK_HUMAN", "CHAT_WORDS", "CRITERIA", "DAY_LANGUAGES", "FILLER", "HANDLES", "IBAN_COUNTRY", "LOB_CRITERIA", "LOB_RATES", "LOB_TEXT",
    "LOB_VIOLATED_CRITERION", "RATES", "RECURRING_CUSTOMERS", "REPEAT", "SALES_ON_CONCLUSION", "TEAMS", "TEXT", "TOPIC_WEIGHTS", "TRANSFER",
    "VIOLATED_CRITERION", "VOICE_WORDS", "AgentProfile", "GeneratedDay", "card_number", "contact_value", "generate_day", "iban",
    "line_of_business", "personnummer", "read_ground_truth", "roster", "spoken",
]  # fmt: skip

VIOLATED_CRITERION = {
    "missing_greeting": "greeting",
    "missing_recording_disclosure": "recording_disclosure",
    "account_details_before_verification": "identify_before_account_details",
    "prohibited_phrase": "no_prohibited_language",
    "no_empathy": "empathy_when_upset",
    "unhappy_ending": "sentiment_not_worse",
    "no_human_offer": "offer_human_when_asked",
    "card_number_read_out": "no_card_number_read_out",
    "personal_data_read_back": "no_personal_data_read_back",
    "price_without_vat": "price_with_vat",
    "long_hold": "no_long_silence",
    "no_personal_address": "personal_address",
}
CRITERIA = (
    "greeting",
    "agent_introduction",
    "recording_disclosure",
    "identify_before_account_details",
    "no_prohibited_language",
    "empathy_when_upset",
    "sentiment_not_worse",
    "offer_human_when_asked",
    "no_card_number_read_out",
    "no_personal_data_read_back",
    "price_with_vat",
    "no_long_silence",
    "personal_address",
    "closing_anything_else",
    "closing_thanks",
)

# Realistic lengths (`generate_day(..., realistic_lengths=True)`): words per conversation.
VOICE_WORDS = (1000, 1500)
CHAT_WORDS = (150, 400)
TEAMS = ("billing", "support", "sales")
# How often things happen; a violation that needs its situation (a card, an upset customer) is
# drawn only in that situation, at the second rate.
# (Asking for a person depends on the topic: ASK_HUMAN below.)
RATES = {"violation": 0.07, "upset": 0.25, "no_empathy": 0.35, "no_human_offer": 0.3, "read_back": 0.3, "no_vat": 0.3,
         "swap": 0.3, "no_name": 0.1, "anonymous": 0.1}  # fmt: skip
# How often customers come about each topic (a real contact centre is skewed, not uniform).
TOPIC_WEIGHTS = {"billing": 28, "delivery": 22, "payment": 16, "details": 14, "moving": 11, "contract": 9}
# Contacts differ by reason: disputes come back and get passed on, card payments rarely do. Customers
# ask a bot for a person more often about bills and contracts than about a parcel.
ASK_HUMAN = {"billing": 0.6, "contract": 0.55, "delivery": 0.35, "moving": 0.3, "payment": 0.2, "details": 0.15}
REPEAT = {"billing": 0.35, "delivery": 0.3, "contract": 0.15, "moving": 0.1, "payment": 0.05, "details": 0.05}
TRANSFER = {"billing": 0.25, "contract": 0.2, "delivery": 0.1, "moving": 0.05, "payment": 0.05, "details": 0.05}
RECURRING_CUSTOMERS = 120


@dataclass(frozen=True)
class AgentProfile:
    id: str
    type: str  # human | bot
    team: str
    name: str
    language: str


@dataclass
class GeneratedDay:
    day: date
    files: list[Path]
    ground_truth: Path
    interactions: int
    violations: dict[str, int] = field(default_factory=dict)


def roster(languages: tuple[str, ...] = DAY_LANGUAGES) -> list[AgentProfile]:
    """Four people and one bot per language."""
    agents = []
    for lang in languages:
        for i, name in enumerate(TEXT[lang]["names"]):
            agents.append(AgentProfile(f"a-{lang}-{i + 1:02d}", "human", TEAMS[i % len(TEAMS)], name, lang))
        agents.append(AgentProfile(f"bot-{lang}", "bot", "digital", "Nova", lang))
    return agents


class _Conversation:
    def __init__(self) -> None:
        self.turns: list[dict[str, Any]] = []

    def say(self, speaker: str, *parts: str) -> int:
        self.turns.append({"speaker": speaker, "text": " ".join(p for p in parts if p)})
        return len(self.turns) - 1


def _timestamps(turns: list[dict[str, Any]], rng: random.Random, holds: dict[int, int], timed_apart: dict[int, random.Random] | None = None) -> None:
    """Speech timing: ~150 words a minute, short gaps, and holds (ms) before some turns.

    Turns in `timed_apart` draw their timing from their own generator, so that turns added by a
    line of business leave the day's generator where it would be without them."""
    clock = 0
    for index, turn in enumerate(turns):
        clock += holds.get(index, 0)
        draw = (timed_apart or {}).get(index, rng)
        duration = int(len(turn["text"].split()) * draw.uniform(330, 420))
        turn["start_ms"], turn["end_ms"] = clock, clock + duration
        clock += duration + draw.randint(200, 1200)


def _interaction(
    rng: random.Random,
    day: date,
    number: int,
    agent: AgentProfile,
    seed: int = 7,
    realistic_lengths: bool = False,
    lines_of_business: bool = False,
) -> tuple[dict[str, Any], list[str], dict[str, str], dict[str, dict[str, str]] | None]:
    """One interaction, the violations injected into it, the expected verdict per criterion of
    eu_core, and with `lines_of_business` the expected verdicts per routed standard (else None)."""
    contact = random.Random(f"{seed}-{day.isoformat()}-{number}-contact")  # repeats and transfers, drawn apart
    # A line of business draws from its own generator: `rng` makes the same draws with or without it.
    lob = random.Random(f"{seed}-{day.isoformat()}-{number}-lob") if lines_of_business else None
    t, lang = TEXT[agent.language], agent.language
    voice = rng.random() < (0.6 if agent.type == "human" else 0.3)
    speaker = "bot" if agent.type == "bot" else "agent"
    topic = rng.choices(list(TOPIC_WEIGHTS), weights=list(TOPIC_WEIGHTS.values()))[0]
    request, reply, detail, resolution = t["details"] if topic == "details" else t["topics"][topic]
    hit = rng.random  # a fresh draw for each decision, so the day is reproducible from the seed

    def violated(name: str, situation: bool = True, rate: float = RATES["violation"]) -> bool:
        if situation and hit() < rate:
            violations.append(name)
            return True
        return False

    violations: list[str] = []
    upset = hit() < RATES["upset"]
    asks_human = agent.type == "bot" and hit() < ASK_HUMAN[topic]
    account = topic in ("billing", "contract")
    card = card_number(rng) if topic == "payment" else None
    contact_kind = rng.choice(["email", "phone", "iban"]) if topic == "details" else None
    customer_name = None if agent.type == "bot" and hit() < RATES["anonymous"] else rng.choice(t["customers"])

    violated("missing_greeting")
    late_disclosure = violated("missing_recording_disclosure", voice) and hit() < 0.5
    swapped = violated("account_details_before_verification", account, RATES["swap"])
    violated("prohibited_phrase")
    violated("no_empathy", upset, RATES["no_empathy"])
    unhappy = violated("unhappy_ending")
    violated("no_human_offer", asks_human, RATES["no_human_offer"])
    violated("card_number_read_out", card is not None, RATES["read_back"])
    violated("personal_data_read_back", contact_kind is not None, RATES["read_back"])
    violated("price_without_vat", topic == "contract", RATES["no_vat"])
    long_hold = violated("long_hold", voice)
    violated("no_personal_address", customer_name is not None, RATES["no_name"])

    def number_text(value: str) -> str:  # customers and agents read numbers either way
        return spoken(value, lang) if hit() < 0.4 else value

    amount = str(rng.randint(20, 400))
    fill = {
        "custno": number_text(f"{rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"),
        "orderno": number_text(str(rng.randint(10**9, 10**10 - 1))),
        "street": t["street"].format(n=rng.randint(1, 99)),
        "card": number_text(card) if card else "",
        "amount": amount,
    }
    if contact_kind:
        fill["label"] = t["labels"][contact_kind][0]
        fill["value"] = contact_value(rng, lang, contact_kind, spoken_form=contact_kind != "iban" and hit() < 0.4)

    intro = t["bot_intro"] if agent.type == "bot" else rng.choice(t["intro"]).format(name=agent.name)
    opening = f"{intro[0].upper()}{intro[1:]}." if "missing_greeting" in violations else f"{rng.choice(t['greet'])}, {intro}."
    disclosure = rng.choice(t["disclosure"]) if voice else ""
    verify = t["verify"]
    verified = t["verified"].format(dob=t["dob"].format(d=rng.randint(2, 28), y=rng.randint(1940, 2004)), pnr=personnummer(rng))
    account_detail = (t["balance"] if topic == "billing" else t["last_payment"]).format(amount=amount)

    # Support says the problem back in its first reply; sales adds its turns once the price is known.
    plan = support_lines(lob, lang, topic) if lob is not None and line_of_business(topic) == "support" else None
    restate = plan.restate if plan is not None else ""

    c = _Conversation()
    c.say(speaker, opening, "" if "missing_recording_disclosure" in violations else disclosure, rng.choice(t["how_help"]))
    c.say("customer", request, rng.choice(t["upset"]) if upset else "")
    empathy = rng.choice(t["empathy"]) if upset and "no_empathy" not in violations else ""
    rude = rng.choice(t["prohibited"]) if "prohibited_phrase" in violations else ""
    if account and not swapped:  # identify first, then talk about the account
        hold_before = c.say(speaker, empathy, restate, rude, reply, verify)
        c.say("customer", verified)
        answer = f"{account_detail} {resolution.format(**fill)}"
    elif account:
        hold_before = c.say(speaker, empathy, restate, rude, reply, account_detail)
        c.say("customer", detail.format(**fill))
        answer = f"{verify} {resolution.format(**fill)}"
    else:
        hold_before = c.say(speaker, empathy, restate, rude, reply)
        c.say("customer", detail.format(**fill))
        answer = resolution.format(**fill)
    if "card_number_read_out" in violations:
        answer = t["read_back"].format(card=number_text(card or ""))
    if "personal_data_read_back" in violations and contact_kind:
        answer = t["details_read_back"].format(label=t["labels"][contact_kind][1], value=fill["value"])
    if topic == "contract":
        price = rng.randint(19, 79)
        answer += " " + t["price"].format(price=price, vat="" if "price_without_vat" in violations else t["vat"])
        if lob is not None:
            plan = sales_lines(lob, lang, price)
    if plan is not None and plan.answer_tail:
        answer += " " + plan.answer_tail
    c.say(speaker, answer)
    if realistic_lengths:  # explanations and questions until the conversation has its length
        low, high = VOICE_WORDS if voice else CHAT_WORDS
        target, filler = contact.randint(low, high), FILLER[lang]
        # The line of business's words are extra: the filler, and `contact`'s draws, stay the same.
        words = sum(len(turn["text"].split()) for turn in c.turns) - (plan.words if plan is not None else 0)
        while words < target:
            for turn in (c.say(speaker, *contact.sample(filler["agent"], 3)), c.say("customer", contact.choice(filler["customer"]))):
                words += len(c.turns[turn]["text"].split())
    added = [c.say(speaker if who == "agent" else "customer", text) for who, text in plan.turns] if plan is not None else []
    if asks_human:
        c.say("customer", rng.choice(t["ask_human"]))
        c.say(speaker, t["refuse"] if "no_human_offer" in violations else t["transfer"])
    by_name = "" if customer_name is None or "no_personal_address" in violations else customer_name.split()[0]
    anything_else = rng.choice(t["anything_else"])
    closing = c.say(speaker, f"{anything_else[:-1].rstrip()}, {by_name}{anything_else[-1]}" if by_name else anything_else)
    c.say("customer", t["unhappy"] if unhappy else rng.choice(t["done"]))
    c.say(speaker, t["apology"] if unhappy else "", rng.choice(t["thanks"]))

    if voice:
        # The agent looks things up with the customer on hold; a late disclosure comes after it.
        hold = rng.randint(61_000, 90_000) if long_hold else rng.randint(31_000, 45_000) if late_disclosure else rng.randint(5_000, 40_000)
        if late_disclosure:
            c.turns[closing]["text"] = f"{disclosure} {c.turns[closing]['text']}"
        _timestamps(c.turns, rng, {hold_before + 1: hold}, dict.fromkeys(added, lob) if lob is not None else None)
        assert not late_disclosure or c.turns[closing]["start_ms"] >= 30_000

    started = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(seconds=rng.randint(7 * 3600, 20 * 3600))
    customer_id = f"k-{rng.randint(1000, 99999)}"
    if contact.random() < REPEAT[topic]:  # one of the customers who keep coming back
        customer_id = f"k-r{contact.randint(1, RECURRING_CUSTOMERS):04d}"
    if agent.type == "bot":
        transfers = int(asks_human and "no_human_offer" not in violations)
    else:
        transfers = contact.randint(1, 2) if contact.random() < TRANSFER[topic] else 0
    interaction = {
        "interaction_id": f"c-{day.isoformat()}-{number:06d}",
        "channel": "voice" if voice else "chat",
        "language": lang,
        "started_at": started.isoformat().replace("+00:00", "Z"),
        "agent": {"id": agent.id, "type": agent.type, "team": agent.team, "name": agent.name},
        "customer": {"id": customer_id, "name": customer_name},
        "turns": c.turns,
        "metadata": {"queue": topic, "transfers": transfers},
    }
    expected = {criterion: "pass" for criterion in CRITERIA}
    not_applicable = {
        "recording_disclosure": not voice,
        "no_long_silence": not voice,
        "identify_before_account_details": not account,
        "empathy_when_upset": not (upset or unhappy),
        "offer_human_when_asked": not asks_human,
        "price_with_vat": topic != "contract",
        "personal_address": customer_name is None,
    }
    expected.update({criterion: "not_applicable" for criterion, na in not_applicable.items() if na})
    for violation in violations:
        expected[VIOLATED_CRITERION[violation]] = "fail"
    if plan is None:
        return interaction, violations, expected, None
    return interaction, violations + plan.violations, expected, {"eu_core": expected, plan.standard: plan.expected}


def generate_day(
    landing_dir: Path, day: date, interactions: int = 400, seed: int = 7, realistic_lengths: bool = False, lines_of_business: bool = False
) -> GeneratedDay:
    """Write `<landing>/<date>/{voice,chat}.jsonl` and `<landing>/<date>.ground_truth.jsonl`.

    By default conversations are short (the scripted exchange, ~80 words). `realistic_lengths`
    fills calls to 1,000-1,500 words and chats to 150-400, as in a real contact centre.

    `lines_of_business` adds what the sales (contract queue) or support (every other queue) agents
    say, with their own violations, and gives each ground-truth row `by_standard`: the expected
    verdicts of every standard `standards/routing/lines_of_business.v1.yaml` routes the interaction
    to (eu_core and one line). The same day without it is byte for byte what it always was: its
    draws come from a generator of their own, and eu_core's verdicts are the same either way.
    """
    rng = random.Random(f"{seed}-{day.isoformat()}")
    agents = roster()
    folder = landing_dir / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    files = {channel: folder / f"{channel}.jsonl" for channel in ("voice", "chat")}
    truth_path = landing_dir / f"{day.isoformat()}.ground_truth.jsonl"
    counts: dict[str, int] = {}
    handles = {channel: path.open("w", encoding="utf-8") for channel, path in files.items()}
    try:
        with truth_path.open("w", encoding="utf-8") as truth:
            for number in range(1, interactions + 1):
                record, violations, expected, by_standard = _interaction(rng, day, number, rng.choice(agents), seed, realistic_lengths, lines_of_business)
                handles[record["channel"]].write(json.dumps(record, ensure_ascii=False) + "\n")
                row: dict[str, Any] = {"interaction_id": record["interaction_id"], "violations": violations, "expected": expected}
                if by_standard is not None:
                    row["by_standard"] = by_standard
                truth.write(json.dumps(row) + "\n")
                for violation in violations:
                    counts[violation] = counts.get(violation, 0) + 1
    finally:
        for handle in handles.values():
            handle.close()
    return GeneratedDay(day, list(files.values()), truth_path, interactions, dict(sorted(counts.items())))


def read_ground_truth(path: Path) -> dict[str, dict[str, Any]]:
    """interaction id -> {"violations": [...], "expected": {criterion: outcome}}, and with lines of
    business also "by_standard": {standard id: {criterion: outcome}}."""
    with path.open(encoding="utf-8") as lines:
        return {row["interaction_id"]: row for row in map(json.loads, lines)}
