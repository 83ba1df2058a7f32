"""A seeded generator of realistic sample days, with the ground truth of every verdict.

A day has many agents (people and bots, each working in one of en/de/sv/fr), calls with turn
timestamps and chats without, customers on five everyday topics, and deliberate violations of the
default standard (`standards/eu_core.v1.yaml`), each recorded:

| violation                      | criterion it must fail     |
|--------------------------------|----------------------------|
| missing_greeting               | greeting                   |
| missing_recording_disclosure   | recording_disclosure       |  (left out, or said after 30 s)
| prohibited_phrase              | no_prohibited_language     |
| card_number_read_out           | no_card_number_read_out    |  (in digits or in digit words)
| no_empathy                     | empathy_when_upset         |  (customer upset, not acknowledged)
| no_human_offer                 | offer_human_when_asked     |  (customer asks a bot for a person)

The ground truth (`<landing>/<date>.ground_truth.jsonl`) gives, for every interaction, the expected
outcome of every criterion of that standard, so tests can check each verdict, not only the failures.
The same seed and date always give the same files.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from scorers.sensitive import DIGIT_WORDS, luhn_valid

VIOLATED_CRITERION = {
    "missing_greeting": "greeting",
    "missing_recording_disclosure": "recording_disclosure",
    "prohibited_phrase": "no_prohibited_language",
    "card_number_read_out": "no_card_number_read_out",
    "no_empathy": "empathy_when_upset",
    "no_human_offer": "offer_human_when_asked",
}
CRITERIA = (
    "greeting",
    "agent_introduction",
    "recording_disclosure",
    "no_prohibited_language",
    "no_card_number_read_out",
    "empathy_when_upset",
    "offer_human_when_asked",
    "closing_anything_else",
    "closing_thanks",
)

# What agents and customers say, per language. Lines never contain another criterion's phrases by
# accident: clean agent lines say nothing prohibited, customers are only upset when meant to be.
TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "greet": ["Hello", "Good morning", "Good afternoon", "Hi there", "Welcome to Nordlys Energy"],
        "intro": ["my name is {name}", "you are speaking with {name}"],
        "bot_intro": "I am the virtual assistant of Nordlys Energy",
        "disclosure": [
            "This call is recorded for quality and training purposes.",
            "Please note that this call may be recorded.",
            "This call is being recorded to improve our service.",
        ],
        "how_help": ["How can I help you today?", "What can I do for you?"],
        "topics": {
            "billing": ("I have a question about my last bill, the amount looks higher than usual.", "Let me look at your bill.", "My customer number is {custno}.", "The meter reading was estimated, I will correct it now."),
            "moving": ("I am moving next month and need to change my address.", "I can update that for you.", "The new address is {street}.", "The address is updated from the first of next month."),
            "payment": ("I would like to pay my open invoice by card.", "Of course, please give me the card number.", "The card number is {card}.", "Thank you, the payment of {amount} euros has gone through."),
            "contract": ("I want to know when my contract ends.", "Let me check your contract.", "My customer number is {custno}.", "Your contract runs until the end of March."),
            "delivery": ("My order has not arrived yet.", "I will check the delivery status.", "The order number is {orderno}.", "The parcel is with the courier and arrives tomorrow."),
        },
        "read_back": "So that is card number {card}, correct? The payment has gone through.",
        "upset": ["This is the third time I am calling, I am really frustrated.", "Honestly, this is unacceptable."],
        "empathy": ["I am so sorry about that, I understand how annoying this is.", "I apologise for the trouble."],
        "ask_human": ["Can I speak to a real person please?", "I want to talk to a human."],
        "transfer": "Of course, I will transfer you to a colleague now.",
        "refuse": "I can answer that myself.",
        "prohibited": ["Honestly, that is not my problem.", "Calm down.", "That is your fault."],
        "anything_else": ["Is there anything else I can help you with?", "Can I help you with something else?"],
        "done": ["No, that is all.", "No, thank you."],
        "thanks": ["Thank you for calling, have a nice day.", "Thanks for your patience, goodbye."],
        "street": "Baker Street {n}",
        "names": ["Sarah", "James", "Emily", "Daniel"],
        "customers": ["Patricia Brown", "Oliver Smith", "Grace Taylor", "Harry Wilson", "Chloe Evans"],
    },
    "de": {
        "greet": ["Guten Tag", "Guten Morgen", "Hallo", "Willkommen bei Nordlys Energie"],
        "intro": ["mein Name ist {name}", "Sie sprechen mit {name}"],
        "bot_intro": "ich bin der virtuelle Assistent von Nordlys Energie",
        "disclosure": [
            "Dieses Gespräch wird aufgezeichnet, um unsere Servicequalität zu sichern.",
            "Bitte beachten Sie, dass dieses Gespräch aufgezeichnet wird.",
            "Der Anruf wird aufgezeichnet.",
        ],
        "how_help": ["Wie kann ich Ihnen helfen?", "Was kann ich für Sie tun?"],
        "topics": {
            "billing": ("Ich habe eine Frage zu meiner letzten Rechnung, der Betrag ist höher als sonst.", "Ich schaue mir Ihre Rechnung an.", "Meine Kundennummer ist {custno}.", "Der Zählerstand wurde geschätzt, ich korrigiere das jetzt."),
            "moving": ("Ich ziehe nächsten Monat um und muss meine Adresse ändern.", "Das kann ich gerne für Sie ändern.", "Die neue Adresse ist {street}.", "Die Adresse ist ab dem Ersten des nächsten Monats geändert."),
            "payment": ("Ich möchte meine offene Rechnung mit Karte bezahlen.", "Gerne, nennen Sie mir bitte die Kartennummer.", "Die Kartennummer ist {card}.", "Die Zahlung über {amount} Euro ist eingegangen."),
            "contract": ("Ich möchte wissen, wann mein Vertrag endet.", "Ich prüfe Ihren Vertrag.", "Meine Kundennummer ist {custno}.", "Ihr Vertrag läuft bis Ende März."),
            "delivery": ("Meine Bestellung ist noch nicht angekommen.", "Ich prüfe den Lieferstatus.", "Die Bestellnummer ist {orderno}.", "Das Paket ist beim Zusteller und kommt morgen an."),
        },
        "read_back": "Also die Kartennummer {card}, richtig? Die Zahlung ist eingegangen.",
        "upset": ["Ich rufe schon zum dritten Mal an, ich bin wirklich verärgert.", "Das ist wirklich inakzeptabel."],
        "empathy": ["Das tut mir leid, ich verstehe Ihren Ärger.", "Entschuldigen Sie bitte die Unannehmlichkeiten."],
        "ask_human": ["Kann ich bitte mit einem Menschen sprechen?", "Ich möchte mit einem Mitarbeiter sprechen."],
        "transfer": "Natürlich, ich verbinde Sie mit einem Kollegen.",
        "refuse": "Das kann ich auch selbst beantworten.",
        "prohibited": ["Das ist nicht mein Problem.", "Beruhigen Sie sich.", "Das ist Ihre Schuld."],
        "anything_else": ["Kann ich sonst noch etwas für Sie tun?", "Haben Sie noch weitere Fragen?"],
        "done": ["Nein, das war alles.", "Nein, danke."],
        "thanks": ["Vielen Dank für Ihren Anruf, einen schönen Tag noch.", "Danke, auf Wiederhören."],
        "street": "Hauptstraße {n}",
        "names": ["Anna", "Lukas", "Marie", "Jonas"],
        "customers": ["Petra Schmidt", "Thomas Müller", "Sabine Weber", "Michael Wagner", "Julia Becker"],
    },
    "sv": {
        "greet": ["Hej", "God morgon", "God dag", "Välkommen till Nordlys Energi"],
        "intro": ["jag heter {name}", "du pratar med {name}"],
        "bot_intro": "jag är den virtuella assistenten på Nordlys Energi",
        "disclosure": [
            "Samtalet spelas in för att säkra kvaliteten.",
            "Observera att samtalet kan spelas in.",
            "Vi spelar in samtalet i utbildningssyfte.",
        ],
        "how_help": ["Vad kan jag hjälpa dig med?", "Hur kan jag hjälpa dig idag?"],
        "topics": {
            "billing": ("Jag har en fråga om min senaste faktura, beloppet är högre än vanligt.", "Jag tittar på din faktura.", "Mitt kundnummer är {custno}.", "Mätarställningen var uppskattad, jag rättar det nu."),
            "moving": ("Jag flyttar nästa månad och behöver ändra min adress.", "Det kan jag ändra åt dig.", "Den nya adressen är {street}.", "Adressen är ändrad från den första nästa månad."),
            "payment": ("Jag vill betala min öppna faktura med kort.", "Absolut, ange kortnumret.", "Kortnumret är {card}.", "Betalningen på {amount} kronor är genomförd."),
            "contract": ("Jag vill veta när mitt avtal löper ut.", "Jag kontrollerar ditt avtal.", "Mitt kundnummer är {custno}.", "Ditt avtal gäller till slutet av mars."),
            "delivery": ("Min beställning har inte kommit än.", "Jag kontrollerar leveransstatusen.", "Ordernumret är {orderno}.", "Paketet är hos budet och kommer i morgon."),
        },
        "read_back": "Så kortnumret är {card}, stämmer det? Betalningen är genomförd.",
        "upset": ["Det är tredje gången jag ringer, jag är verkligen frustrerad.", "Det här är helt oacceptabelt."],
        "empathy": ["Jag beklagar verkligen, jag förstår att det är jobbigt.", "Förlåt för besväret."],
        "ask_human": ["Kan jag få prata med en människa?", "Jag vill prata med en riktig person."],
        "transfer": "Självklart, jag kopplar dig till en kollega.",
        "refuse": "Det kan jag svara på själv.",
        "prohibited": ["Det är inte mitt problem.", "Lugna ner dig.", "Det är ditt fel."],
        "anything_else": ["Är det något annat jag kan hjälpa dig med?", "Har du några fler frågor?"],
        "done": ["Nej, det var allt.", "Nej tack."],
        "thanks": ["Tack för att du ringde, ha en bra dag.", "Tack så mycket, hej då."],
        "street": "Storgatan {n}",
        "names": ["Elin", "Erik", "Maja", "Oskar"],
        "customers": ["Karin Andersson", "Lars Johansson", "Eva Karlsson", "Anders Nilsson", "Sofia Eriksson"],
    },
    "fr": {
        "greet": ["Bonjour", "Bonsoir", "Bienvenue chez Nordlys Énergie"],
        "intro": ["je m'appelle {name}", "vous êtes en ligne avec {name}"],
        "bot_intro": "je suis l'assistant virtuel de Nordlys Énergie",
        "disclosure": [
            "Cet appel est enregistré pour des raisons de qualité.",
            "Cet appel peut être enregistré.",
            "Nous enregistrons cet appel pour améliorer notre service.",
        ],
        "how_help": ["Comment puis-je vous aider ?", "Que puis-je faire pour vous ?"],
        "topics": {
            "billing": ("J'ai une question sur ma dernière facture, le montant est plus élevé que d'habitude.", "Je regarde votre facture.", "Mon numéro client est {custno}.", "Le relevé du compteur était estimé, je le corrige maintenant."),
            "moving": ("Je déménage le mois prochain et je dois changer mon adresse.", "Je peux la modifier pour vous.", "La nouvelle adresse est {street}.", "L'adresse est modifiée à partir du premier du mois prochain."),
            "payment": ("Je voudrais payer ma facture ouverte par carte.", "Bien sûr, donnez-moi le numéro de carte.", "Le numéro de carte est {card}.", "Le paiement de {amount} euros est effectué."),
            "contract": ("Je voudrais savoir quand mon contrat se termine.", "Je vérifie votre contrat.", "Mon numéro client est {custno}.", "Votre contrat court jusqu'à fin mars."),
            "delivery": ("Ma commande n'est pas encore arrivée.", "Je vérifie le statut de livraison.", "Le numéro de commande est {orderno}.", "Le colis est chez le livreur et arrive demain."),
        },
        "read_back": "Donc le numéro de carte est {card}, c'est bien ça ? Le paiement est effectué.",
        "upset": ["C'est la troisième fois que j'appelle, je suis vraiment énervé.", "C'est vraiment inadmissible."],
        "empathy": ["Je suis vraiment désolé, je comprends votre frustration.", "Toutes nos excuses pour ce désagrément."],
        "ask_human": ["Je voudrais parler à un conseiller.", "Je veux parler à un humain, s'il vous plaît."],
        "transfer": "Bien sûr, je vous transfère à un collègue.",
        "refuse": "Je peux répondre moi-même à votre question.",
        "prohibited": ["Ce n'est pas mon problème.", "Calmez-vous.", "C'est votre faute."],
        "anything_else": ["Puis-je vous aider pour autre chose ?", "Avez-vous une autre question ?"],
        "done": ["Non, c'est tout.", "Non, merci."],
        "thanks": ["Merci de votre appel, bonne journée.", "Merci, au revoir."],
        "street": "{n} rue de la Paix",
        "names": ["Claire", "Louis", "Camille", "Hugo"],
        "customers": ["Marie Dubois", "Pierre Martin", "Sophie Bernard", "Julien Petit", "Léa Moreau"],
    },
}
TEAMS = ("billing", "support", "sales")
RATES = {"violation": 0.08, "upset": 0.25, "no_empathy": 0.35, "ask_human": 0.4, "no_human_offer": 0.3, "card_read_out": 0.35}


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


def roster(languages: tuple[str, ...] = ("en", "de", "sv", "fr")) -> list[AgentProfile]:
    """Four people and one bot per language."""
    agents = []
    for lang in languages:
        for i, name in enumerate(TEXT[lang]["names"]):
            agents.append(AgentProfile(f"a-{lang}-{i + 1:02d}", "human", TEAMS[i % len(TEAMS)], name, lang))
        agents.append(AgentProfile(f"bot-{lang}", "bot", "digital", "Nova", lang))
    return agents


def card_number(rng: random.Random) -> str:
    """A Luhn-valid 16-digit card number (Visa or Mastercard range), as 4 groups."""
    digits = rng.choice("45") + "".join(rng.choice("0123456789") for _ in range(14))
    check = next(d for d in "0123456789" if luhn_valid(digits + d))
    number = digits + check
    return " ".join(number[i : i + 4] for i in range(0, 16, 4))


def spoken(number: str, lang: str) -> str:
    """A number as speech-to-text writes digits read one by one: 'four five three nine ...'."""
    words = {}
    for word, digit in DIGIT_WORDS[lang].items():
        words.setdefault(digit, word)  # the first (most common) word per digit
    return " ".join(words[d] for d in number if d.isdigit())


class _Conversation:
    def __init__(self) -> None:
        self.turns: list[dict[str, Any]] = []

    def say(self, speaker: str, *parts: str) -> int:
        self.turns.append({"speaker": speaker, "text": " ".join(p for p in parts if p)})
        return len(self.turns) - 1


def _timestamps(turns: list[dict[str, Any]], rng: random.Random, holds: dict[int, int]) -> None:
    """Speech timing: ~150 words a minute, short gaps, and holds (ms) before some turns."""
    clock = 0
    for index, turn in enumerate(turns):
        clock += holds.get(index, 0)
        duration = int(len(turn["text"].split()) * rng.uniform(330, 420))
        turn["start_ms"], turn["end_ms"] = clock, clock + duration
        clock += duration + rng.randint(200, 1200)


def _interaction(
    rng: random.Random, day: date, number: int, agent: AgentProfile
) -> tuple[dict[str, Any], list[str], dict[str, str]]:
    """One interaction, the violations injected into it, and the expected verdict per criterion."""
    t = TEXT[agent.language]
    lang = agent.language
    voice = rng.random() < (0.6 if agent.type == "human" else 0.3)
    speaker = "bot" if agent.type == "bot" else "agent"
    topic = rng.choice(sorted(t["topics"]))
    request, reply, detail, resolution = t["topics"][topic]
    hit = lambda rate: rng.random() < rate  # noqa: E731

    violations: list[str] = []
    if hit(RATES["violation"]):
        violations.append("missing_greeting")
    late_disclosure = False
    if voice and hit(RATES["violation"]):
        violations.append("missing_recording_disclosure")
        late_disclosure = hit(0.5)
    if hit(RATES["violation"]):
        violations.append("prohibited_phrase")
    upset = hit(RATES["upset"])
    if upset and hit(RATES["no_empathy"]):
        violations.append("no_empathy")
    asks_human = agent.type == "bot" and hit(RATES["ask_human"])
    if asks_human and hit(RATES["no_human_offer"]):
        violations.append("no_human_offer")
    card = card_number(rng) if topic == "payment" else None
    if card and hit(RATES["card_read_out"]):
        violations.append("card_number_read_out")

    def number_text(value: str) -> str:  # customers and agents read numbers either way
        return spoken(value, lang) if hit(0.4) else value

    fill = {
        "custno": number_text(f"{rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"),
        "orderno": number_text(str(rng.randint(10**9, 10**10 - 1))),
        "street": t["street"].format(n=rng.randint(1, 99)),
        "card": number_text(card) if card else "",
        "amount": str(rng.randint(20, 400)),
    }
    intro = t["bot_intro"] if agent.type == "bot" else rng.choice(t["intro"]).format(name=agent.name)
    opening = f"{rng.choice(t['greet'])}, {intro}." if "missing_greeting" not in violations else f"{intro[0].upper()}{intro[1:]}."
    disclosure = rng.choice(t["disclosure"]) if voice else ""

    c = _Conversation()
    c.say(speaker, opening, "" if "missing_recording_disclosure" in violations else disclosure, rng.choice(t["how_help"]))
    c.say("customer", request, rng.choice(t["upset"]) if upset else "")
    empathy = rng.choice(t["empathy"]) if upset and "no_empathy" not in violations else ""
    rude = rng.choice(t["prohibited"]) if "prohibited_phrase" in violations else ""
    hold_before = c.say(speaker, empathy, rude, reply)
    c.say("customer", detail.format(**fill))
    answer = resolution.format(**fill)
    if "card_number_read_out" in violations:
        answer = t["read_back"].format(card=number_text(card or ""))
    c.say(speaker, answer)
    if asks_human:
        c.say("customer", rng.choice(t["ask_human"]))
        c.say(speaker, t["refuse"] if "no_human_offer" in violations else t["transfer"])
    closing = c.say(speaker, rng.choice(t["anything_else"]))
    c.say("customer", rng.choice(t["done"]))
    c.say(speaker, rng.choice(t["thanks"]))

    if voice:
        # The agent looks things up with the customer on hold; a late disclosure comes after it.
        holds = {hold_before + 1: rng.randint(5_000, 40_000)}
        if late_disclosure:
            holds[hold_before + 1] = rng.randint(31_000, 45_000)
            c.turns[closing]["text"] = f"{disclosure} {c.turns[closing]['text']}"
        _timestamps(c.turns, rng, holds)
        assert not late_disclosure or c.turns[closing]["start_ms"] >= 30_000

    started = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(seconds=rng.randint(7 * 3600, 20 * 3600))
    interaction = {
        "interaction_id": f"c-{day.isoformat()}-{number:06d}",
        "channel": "voice" if voice else "chat",
        "language": lang,
        "started_at": started.isoformat().replace("+00:00", "Z"),
        "agent": {"id": agent.id, "type": agent.type, "team": agent.team, "name": agent.name},
        "customer": {"id": f"k-{rng.randint(1000, 99999)}", "name": rng.choice(t["customers"])},
        "turns": c.turns,
        "metadata": {"queue": topic},
    }
    expected = {criterion: "pass" for criterion in CRITERIA}
    if not voice:
        expected["recording_disclosure"] = "not_applicable"
    if not upset:
        expected["empathy_when_upset"] = "not_applicable"
    if not asks_human:
        expected["offer_human_when_asked"] = "not_applicable"
    for violation in violations:
        expected[VIOLATED_CRITERION[violation]] = "fail"
    return interaction, violations, expected


def generate_day(landing_dir: Path, day: date, interactions: int = 400, seed: int = 7) -> GeneratedDay:
    """Write `<landing>/<date>/{voice,chat}.jsonl` and `<landing>/<date>.ground_truth.jsonl`."""
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
                record, violations, expected = _interaction(rng, day, number, rng.choice(agents))
                handles[record["channel"]].write(json.dumps(record, ensure_ascii=False) + "\n")
                truth.write(json.dumps({"interaction_id": record["interaction_id"], "violations": violations, "expected": expected}) + "\n")
                for violation in violations:
                    counts[violation] = counts.get(violation, 0) + 1
    finally:
        for handle in handles.values():
            handle.close()
    return GeneratedDay(day, list(files.values()), truth_path, interactions, dict(sorted(counts.items())))


def read_ground_truth(path: Path) -> dict[str, dict[str, Any]]:
    """interaction id -> {"violations": [...], "expected": {criterion: outcome}}."""
    with path.open(encoding="utf-8") as lines:
        return {row["interaction_id"]: row for row in map(json.loads, lines)}
