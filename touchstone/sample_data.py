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
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from stdnum import luhn

from scorers.sensitive import DIGIT_WORDS

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

# What agents and customers say, per language. Lines never contain another criterion's phrases by
# accident: clean agent lines say nothing prohibited, customers are only upset when meant to be.
TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "verify": "Before I look at your account, can you confirm your date of birth?",
        "verified": "It's the {dob}.",
        "balance": "Your balance is {amount} euros.",
        "last_payment": "Your last payment was {amount} euros.",
        "price": "A renewal costs {price} euros per month{vat}.",
        "vat": " including VAT",
        "details": ("I would like to update my contact details.", "Of course, what are the new details?", "Please change my {label} to {value}.", "Thank you, your details are updated."),
        "details_read_back": "So your {label} is {value}, correct? Your details are updated.",
        "labels": {"email": ("e-mail address", "e-mail address"), "phone": ("phone number", "phone number"), "iban": ("bank account", "bank account")},
        "email_words": ("dot", "at", "com"),
        "unhappy": "No. Honestly, this was useless and I am disappointed.",
        "apology": "I am sorry to hear that.",
        "dob": "{d}th of May {y}",
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
        "verify": "Bevor ich in Ihr Konto schaue: Können Sie mir Ihr Geburtsdatum nennen?",
        "verified": "Das ist der {dob}.",
        "balance": "Ihr Kontostand beträgt {amount} Euro.",
        "last_payment": "Ihre letzte Zahlung betrug {amount} Euro.",
        "price": "Eine Verlängerung kostet {price} Euro pro Monat{vat}.",
        "vat": " inklusive Mehrwertsteuer",
        "details": ("Ich möchte meine Kontaktdaten ändern.", "Gerne, wie lauten die neuen Daten?", "Bitte ändern Sie meine {label} auf {value}.", "Vielen Dank, Ihre Daten sind geändert."),
        "details_read_back": "Ihre {label} ist also {value}, richtig? Ihre Daten sind geändert.",
        "labels": {"email": ("E-Mail-Adresse", "E-Mail-Adresse"), "phone": ("Telefonnummer", "Telefonnummer"), "iban": ("Bankverbindung", "Bankverbindung")},
        "email_words": ("punkt", "at", "de"),
        "unhappy": "Nein. Das war nutzlos, ich bin enttäuscht.",
        "apology": "Das tut mir leid.",
        "dob": "{d}. Mai {y}",
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
        "verify": "Innan jag tittar på ditt konto, kan du uppge ditt personnummer?",
        "verified": "Det är {pnr}.",
        "balance": "Ditt saldo är {amount} kronor.",
        "last_payment": "Din senaste betalning var {amount} kronor.",
        "price": "En förlängning kostar {price} kronor per månad{vat}.",
        "vat": " inklusive moms",
        "details": ("Jag vill uppdatera mina kontaktuppgifter.", "Absolut, vilka är de nya uppgifterna?", "Kan du ändra {label} till {value}?", "Tack, dina uppgifter är uppdaterade."),
        "details_read_back": "Så {label} är {value}, stämmer det? Dina uppgifter är uppdaterade.",
        "labels": {"email": ("min e-postadress", "din e-postadress"), "phone": ("mitt telefonnummer", "ditt telefonnummer"), "iban": ("mitt bankkonto", "ditt bankkonto")},
        "email_words": ("punkt", "snabel-a", "se"),
        "unhappy": "Nej. Det här var värdelöst, jag är besviken.",
        "apology": "Jag beklagar det.",
        "dob": "",
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
        "verify": "Avant de consulter votre compte, pouvez-vous confirmer votre date de naissance ?",
        "verified": "C'est le {dob}.",
        "balance": "Votre solde est de {amount} euros.",
        "last_payment": "Votre dernier paiement était de {amount} euros.",
        "price": "Un renouvellement coûte {price} euros par mois{vat}.",
        "vat": " TTC",
        "details": ("Je voudrais mettre à jour mes coordonnées.", "Bien sûr, quelles sont les nouvelles coordonnées ?", "Pouvez-vous changer {label} : {value} ?", "Merci, vos coordonnées sont mises à jour."),
        "details_read_back": "Donc {label} est {value}, c'est bien ça ? Vos coordonnées sont mises à jour.",
        "labels": {"email": ("mon adresse e-mail", "votre adresse e-mail"), "phone": ("mon numéro de téléphone", "votre numéro de téléphone"), "iban": ("mon compte bancaire", "votre compte bancaire")},
        "email_words": ("point", "arobase", "fr"),
        "unhappy": "Non. C'était inutile, je suis déçu.",
        "apology": "Je suis désolé de l'entendre.",
        "dob": "{d} mai {y}",
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
# What fills a long call between the request and the closing: explanations and acknowledgements
# that trigger no criterion (no sentiment words, numbers, names, apologies or account details).
FILLER: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "agent": (
            "Let me walk you through what I can see on my screen.",
            "The system shows that the last change was made in the spring.",
            "I am reading the notes from the earlier contact now.",
            "This usually takes a few working days to show up.",
            "The letter we sent explains the same steps in writing.",
            "I will put a note on the case so that the team can follow it up.",
            "There are two ways to do this, and both work the same in the end.",
            "You will get a confirmation by e-mail once it is done.",
        ),
        "customer": ("Okay, I see.", "Right, that makes sense to me.", "Could you go over that part once more?", "Alright, go on.", "Yes, I have the letter here in front of me.", "And what happens after that?"),
    },
    "de": {
        "agent": (
            "Ich gehe mit Ihnen durch, was ich hier auf dem Bildschirm sehe.",
            "Das System zeigt, dass die letzte Änderung im Frühjahr gemacht wurde.",
            "Ich lese gerade die Notizen vom letzten Kontakt.",
            "Das dauert in der Regel ein paar Werktage.",
            "Der Brief, den wir geschickt haben, erklärt dieselben Schritte schriftlich.",
            "Ich schreibe eine Notiz in den Vorgang, damit das Team ihn weiter verfolgt.",
            "Es gibt zwei Wege, und am Ende funktionieren beide gleich.",
            "Sie bekommen eine Bestätigung per E-Mail, sobald es erledigt ist.",
        ),
        "customer": ("Okay, verstehe.", "Gut, das ergibt Sinn.", "Können Sie den Teil noch einmal erklären?", "In Ordnung, weiter.", "Ja, ich habe den Brief hier vor mir.", "Und was passiert danach?"),
    },
    "sv": {
        "agent": (
            "Jag går igenom det jag ser på min skärm med dig.",
            "Systemet visar att den senaste ändringen gjordes i våras.",
            "Jag läser anteckningarna från den förra kontakten nu.",
            "Det brukar ta några arbetsdagar innan det syns.",
            "Brevet vi skickade förklarar samma steg skriftligt.",
            "Jag lägger en anteckning i ärendet så att teamet kan följa upp det.",
            "Det finns två sätt att göra det, och båda fungerar likadant till slut.",
            "Du får en bekräftelse via e-post när det är klart.",
        ),
        "customer": ("Okej, jag förstår.", "Ja, det låter rimligt.", "Kan du gå igenom den delen en gång till?", "Okej, fortsätt.", "Ja, jag har brevet framför mig.", "Och vad händer sedan?"),
    },
    "fr": {
        "agent": (
            "Je vous explique ce que je vois sur mon écran.",
            "Le système montre que la dernière modification date du printemps.",
            "Je lis les notes du contact précédent.",
            "Cela prend en général quelques jours ouvrés.",
            "Le courrier que nous avons envoyé explique les mêmes étapes par écrit.",
            "Je mets une note dans le dossier pour que l'équipe puisse le suivre.",
            "Il y a deux façons de faire, et les deux reviennent au même.",
            "Vous recevrez une confirmation par e-mail une fois que ce sera fait.",
        ),
        "customer": ("D'accord, je vois.", "Oui, c'est logique.", "Pouvez-vous reprendre cette partie ?", "D'accord, allez-y.", "Oui, j'ai le courrier devant moi.", "Et ensuite, que se passe-t-il ?"),
    },
}
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
IBAN_COUNTRY = {"en": ("GB", "NWBK", 14), "de": ("DE", "", 18), "sv": ("SE", "", 20), "fr": ("FR", "", 23)}
HANDLES = ("sunny", "meadow", "river", "stone", "maple", "cedar", "harbor", "willow")


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
    check = next(d for d in "0123456789" if luhn.is_valid(digits + d))
    number = digits + check
    return " ".join(number[i : i + 4] for i in range(0, 16, 4))


def spoken(number: str, lang: str) -> str:
    """A number as speech-to-text writes digits read one by one: 'four five three nine ...'."""
    words = {}
    for word, digit in DIGIT_WORDS[lang].items():
        words.setdefault(digit, word)  # the first (most common) word per digit
    return " ".join(words[d] for d in number if d.isdigit())


def iban(rng: random.Random, lang: str) -> str:
    """A valid IBAN of the language's country (ISO 13616 check digits), grouped by four."""
    country, bank, digits = IBAN_COUNTRY[lang]
    bban = bank + "".join(rng.choice("0123456789") for _ in range(digits))
    numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    compact = f"{country}{98 - int(numeric) % 97:02d}{bban}"
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def personnummer(rng: random.Random) -> str:
    """A valid Swedish personal identity number, YYMMDD-NNNC."""
    stem = f"{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    check = next(d for d in "0123456789" if luhn.is_valid(stem + d))
    return f"{stem[:6]}-{stem[6:]}{check}"


def contact_value(rng: random.Random, lang: str, kind: str, spoken_form: bool) -> str:
    """A new e-mail address, phone number or IBAN as a customer would say it."""
    if kind == "iban":
        return iban(rng, lang)
    if kind == "email":
        dot, at, tld = TEXT[lang]["email_words"]
        first, second = rng.sample(HANDLES, 2)
        return f"{first} {dot} {second} {at} example {dot} {tld}" if spoken_form else f"{first}.{second}@example.{tld}"
    number = f"07{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    return spoken(number, lang) if spoken_form else number


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
    rng: random.Random, day: date, number: int, agent: AgentProfile, seed: int = 7, realistic_lengths: bool = False
) -> tuple[dict[str, Any], list[str], dict[str, str]]:
    """One interaction, the violations injected into it, and the expected verdict per criterion."""
    contact = random.Random(f"{seed}-{day.isoformat()}-{number}-contact")  # repeats and transfers, drawn apart
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

    c = _Conversation()
    c.say(speaker, opening, "" if "missing_recording_disclosure" in violations else disclosure, rng.choice(t["how_help"]))
    c.say("customer", request, rng.choice(t["upset"]) if upset else "")
    empathy = rng.choice(t["empathy"]) if upset and "no_empathy" not in violations else ""
    rude = rng.choice(t["prohibited"]) if "prohibited_phrase" in violations else ""
    if account and not swapped:  # identify first, then talk about the account
        hold_before = c.say(speaker, empathy, rude, reply, verify)
        c.say("customer", verified)
        answer = f"{account_detail} {resolution.format(**fill)}"
    elif account:
        hold_before = c.say(speaker, empathy, rude, reply, account_detail)
        c.say("customer", detail.format(**fill))
        answer = f"{verify} {resolution.format(**fill)}"
    else:
        hold_before = c.say(speaker, empathy, rude, reply)
        c.say("customer", detail.format(**fill))
        answer = resolution.format(**fill)
    if "card_number_read_out" in violations:
        answer = t["read_back"].format(card=number_text(card or ""))
    if "personal_data_read_back" in violations and contact_kind:
        answer = t["details_read_back"].format(label=t["labels"][contact_kind][1], value=fill["value"])
    if topic == "contract":
        answer += " " + t["price"].format(price=rng.randint(19, 79), vat="" if "price_without_vat" in violations else t["vat"])
    c.say(speaker, answer)
    if realistic_lengths:  # explanations and questions until the conversation has its length
        low, high = VOICE_WORDS if voice else CHAT_WORDS
        target, filler = contact.randint(low, high), FILLER[lang]
        words = sum(len(turn["text"].split()) for turn in c.turns)
        while words < target:
            for turn in (c.say(speaker, *contact.sample(filler["agent"], 3)), c.say("customer", contact.choice(filler["customer"]))):
                words += len(c.turns[turn]["text"].split())
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
        _timestamps(c.turns, rng, {hold_before + 1: hold})
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
    return interaction, violations, expected


def generate_day(landing_dir: Path, day: date, interactions: int = 400, seed: int = 7, realistic_lengths: bool = False) -> GeneratedDay:
    """Write `<landing>/<date>/{voice,chat}.jsonl` and `<landing>/<date>.ground_truth.jsonl`.

    By default conversations are short (the scripted exchange, ~80 words). `realistic_lengths`
    fills calls to 1,000-1,500 words and chats to 150-400, as in a real contact centre.
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
                record, violations, expected = _interaction(rng, day, number, rng.choice(agents), seed, realistic_lengths)
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
