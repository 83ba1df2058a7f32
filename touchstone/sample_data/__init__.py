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
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
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

# Lines of business (`generate_day(..., lines_of_business=True)`): beside eu_core, every interaction
# gets the standard its queue is routed to by `standards/routing/lines_of_business.v1.yaml`: the
# contract queue is sales (`standards/sales.v1.yaml`), every other queue support
# (`standards/support.v1.yaml`). Each violation name -> (standard, criterion it must fail).
LOB_VIOLATED_CRITERION: dict[str, tuple[str, str]] = {
    "no_offer_summary": ("sales", "sales_offer_summary"),
    "no_withdrawal_right": ("sales", "sales_right_of_withdrawal"),
    "no_explicit_consent": ("sales", "sales_explicit_consent"),
    "pressure_selling": ("sales", "sales_no_pressure"),
    "no_written_confirmation": ("sales", "sales_written_confirmation"),
    "no_problem_restated": ("support", "support_restates_problem"),
    "no_reference_number": ("support", "support_reference_number"),
    "no_next_steps": ("support", "support_next_steps"),
    "no_resolution_check": ("support", "support_checks_resolution"),
    "blaming_the_customer": ("support", "support_no_blame"),
}
LOB_CRITERIA: dict[str, tuple[str, ...]] = {
    "sales": ("sales_offer_summary", "sales_right_of_withdrawal", "sales_explicit_consent", "sales_no_pressure", "sales_written_confirmation"),
    "support": ("support_restates_problem", "support_reference_number", "support_next_steps", "support_checks_resolution", "support_no_blame"),
}
# The criteria of sales that hang on a contract being concluded: not_applicable when the customer
# wants to think it over.
SALES_ON_CONCLUSION = ("sales_offer_summary", "sales_right_of_withdrawal", "sales_explicit_consent", "sales_written_confirmation")
# How often: an omission a quality team finds in a good contact centre (`omission`), blaming and
# pressure (rarer: people are trained against them), and customers who think an offer over.
LOB_RATES = {"omission": 0.08, "sales_omission": 0.2, "blame": 0.04, "pressure": 0.1, "think_it_over": 0.25}  # fmt: skip


def line_of_business(queue: str) -> str:
    """The line-of-business standard the shipped routing gives a queue (sales for contracts, else support)."""
    return "sales" if queue == "contract" else "support"


# What agents and customers of each line of business say, per language. Nothing here is a phrase of
# eu_core: no greeting, "I understand" or apology (empathy), colleague (hand-over), prohibited or
# upset word, sentiment word in a customer line, "costs N" (a price quote), account detail, customer
# name, nor a number that reads as a card, id or phone number; so eu_core's ground truth stays exact.
LOB_TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "restate": ("Let me make sure I have this right:", "If I have understood you correctly,", "So what you are telling me is that"),
        "problem": {
            "billing": "your last bill is higher than you expected.",
            "delivery": "your order has not arrived yet.",
            "payment": "you would like to pay your open invoice by card.",
            "moving": "you are moving next month and need a new address on your account.",
            "details": "you would like to change your contact details.",
        },
        "next_steps": {
            "billing": "The next step is a corrected bill, which you will receive within a week.",
            "delivery": "The next step is the delivery by the courier; if the parcel is not there by tomorrow evening, we send a new one.",
            "payment": "The next step is a receipt, which reaches you by e-mail within the hour.",
            "moving": "The next step is a letter confirming the move, which you will receive within a week.",
            "details": "The next step is a short test message to your new details within the hour.",
        },
        "reference": ("Your reference number is {ref}.", "For your records, the case number is {ref}."),
        "check": ("Does that solve the problem for you?", "Has that resolved your question?"),
        "solved": ("Yes, that solves it.", "Yes, that answers my question."),
        "blame": ("You should have checked that yourself.", "If you had read the letter, you would know this."),
        "interest": ("Then I would like to renew it.", "In that case, can we do the renewal now?"),
        "summary": "To sum up the offer: {price} euros per month including VAT, for twelve months, starting on the first of April.",
        "summary_no_price": "To sum up the offer: a renewal for twelve months on your current terms, starting on the first of April.",
        "withdrawal": "You have a 14-day right of withdrawal, so you can cancel the renewal within 14 days without giving a reason.",
        "consent": ("Do you agree, shall I go ahead with the renewal?", "Shall I go ahead and renew it on these terms?"),
        "no_consent": "I will put the renewal through for you now.",
        "accept": ("Yes, please go ahead.", "Yes, please do that."),
        "think_it_over": ("I would like to think about it first.", "Let me talk it over at home first."),
        "concluded": "I have renewed your contract from the first of April; you will receive the written confirmation by e-mail today.",
        "concluded_unconfirmed": "I have renewed your contract from the first of April.",
        "stays_open": "Of course, take your time; the offer stays open until the end of the month.",
        "pressure": ("This is your last chance, the offer is only valid today.", "You have to decide right now, the offer ends tonight."),
    },
    "de": {
        "restate": ("Damit ich das richtig festhalte:", "Ich fasse Ihr Anliegen kurz zusammen:", "Habe ich das richtig verstanden?"),
        "problem": {
            "billing": "Ihre letzte Rechnung ist höher als erwartet.",
            "delivery": "Ihre Bestellung ist noch nicht angekommen.",
            "payment": "Sie möchten Ihre offene Rechnung mit Karte bezahlen.",
            "moving": "Sie ziehen nächsten Monat um und brauchen eine neue Adresse im Kundenkonto.",
            "details": "Sie möchten Ihre Kontaktdaten ändern.",
        },
        "next_steps": {
            "billing": "Der nächste Schritt ist eine korrigierte Rechnung, die Sie innerhalb einer Woche bekommen.",
            "delivery": "Der nächste Schritt ist die Zustellung durch den Kurier; ist das Paket morgen Abend nicht da, schicken wir ein neues.",
            "payment": "Der nächste Schritt ist eine Quittung, die Sie innerhalb einer Stunde per E-Mail bekommen.",
            "moving": "Der nächste Schritt ist ein Brief, der den Umzug bestätigt; er kommt innerhalb einer Woche.",
            "details": "Der nächste Schritt ist eine kurze Testnachricht an Ihre neuen Daten innerhalb einer Stunde.",
        },
        "reference": ("Ihre Vorgangsnummer ist {ref}.", "Für Ihre Unterlagen: Die Ticketnummer lautet {ref}."),
        "check": ("Ist Ihr Anliegen damit gelöst?", "Ist Ihre Frage damit beantwortet?"),
        "solved": ("Ja, damit ist es gelöst.", "Ja, die Frage ist beantwortet."),
        "blame": ("Das hätten Sie selbst prüfen müssen.", "Hätten Sie den Brief gelesen, wüssten Sie das."),
        "interest": ("Dann möchte ich gerne verlängern.", "Können wir die Verlängerung gleich jetzt machen?"),
        "summary": "Zusammengefasst: {price} Euro pro Monat inklusive Mehrwertsteuer, zwölf Monate Laufzeit, ab dem ersten April.",
        "summary_no_price": "Zusammengefasst: eine Verlängerung um zwölf Monate zu Ihren bisherigen Konditionen, ab dem ersten April.",
        "withdrawal": "Sie haben ein Widerrufsrecht von 14 Tagen und können die Verlängerung ohne Angabe von Gründen widerrufen.",
        "consent": ("Sind Sie damit einverstanden, soll ich die Verlängerung abschließen?", "Darf ich die Verlängerung zu diesen Konditionen abschließen?"),
        "no_consent": "Ich trage die Verlängerung jetzt für Sie ein.",
        "accept": ("Ja, bitte machen Sie das.", "Ja, schließen Sie das bitte ab."),
        "think_it_over": ("Ich möchte erst noch darüber nachdenken.", "Das bespreche ich erst zu Hause."),
        "concluded": "Ich habe Ihren Vertrag verlängert, ab dem ersten April; die schriftliche Bestätigung bekommen Sie heute per E-Mail.",
        "concluded_unconfirmed": "Ich habe Ihren Vertrag verlängert, ab dem ersten April.",
        "stays_open": "Selbstverständlich, lassen Sie sich Zeit; das Angebot gilt bis Ende des Monats.",
        "pressure": ("Das ist Ihre letzte Chance, das Angebot gilt nur heute.", "Sie müssen sich sofort entscheiden, das Angebot endet heute Abend."),
    },
    "sv": {
        "restate": ("Bara så att jag har förstått rätt:", "Jag sammanfattar ditt ärende:"),
        "problem": {
            "billing": "din senaste faktura är högre än du räknade med.",
            "delivery": "din beställning har inte kommit än.",
            "payment": "du vill betala din öppna faktura med kort.",
            "moving": "du flyttar nästa månad och behöver en ny adress på kontot.",
            "details": "du vill ändra dina kontaktuppgifter.",
        },
        "next_steps": {
            "billing": "Nästa steg är en rättad faktura, som du får inom en vecka.",
            "delivery": "Nästa steg är leveransen med budet; har paketet inte kommit i morgon kväll skickar vi ett nytt.",
            "payment": "Nästa steg är ett kvitto, som kommer via e-post inom en timme.",
            "moving": "Nästa steg är ett brev som bekräftar flytten, och det kommer inom en vecka.",
            "details": "Nästa steg är ett kort testmeddelande till dina nya uppgifter inom en timme.",
        },
        "reference": ("Ditt ärendenummer är {ref}.", "För din kännedom är referensnumret {ref}."),
        "check": ("Löser det ditt problem?", "Har du fått svar på din fråga?"),
        "solved": ("Ja, det löser det.", "Ja, jag har fått svar."),
        "blame": ("Det borde du ha kontrollerat själv.", "Hade du läst brevet hade du vetat det."),
        "interest": ("Då vill jag förlänga det.", "Kan vi göra förlängningen direkt?"),
        "summary": "Sammanfattningsvis: {price} kronor per månad inklusive moms, i tolv månader, från den första april.",
        "summary_no_price": "Sammanfattningsvis: en förlängning på tolv månader med dina nuvarande villkor, från den första april.",
        "withdrawal": "Du har 14 dagars ångerrätt och kan ångra förlängningen utan att ange något skäl.",
        "consent": ("Godkänner du det, ska jag genomföra förlängningen?", "Vill du att jag genomför förlängningen på de här villkoren?"),
        "no_consent": "Jag lägger in förlängningen åt dig nu.",
        "accept": ("Ja, gör det.", "Ja, genomför den."),
        "think_it_over": ("Jag vill fundera på det först.", "Jag vill prata med min sambo först."),
        "concluded": "Jag har förlängt ditt avtal från den första april, och du får en skriftlig bekräftelse via e-post i dag.",
        "concluded_unconfirmed": "Jag har förlängt ditt avtal från den första april.",
        "stays_open": "Självklart, ta den tid du behöver; erbjudandet gäller till slutet av månaden.",
        "pressure": ("Det här är sista chansen, erbjudandet gäller bara idag.", "Du måste bestämma dig nu, erbjudandet går ut ikväll."),
    },
    "fr": {
        "restate": ("Si j'ai bien compris,", "Je reformule votre demande :", "Pour être sûr d'avoir bien compris :"),
        "problem": {
            "billing": "votre dernière facture est plus élevée que prévu.",
            "delivery": "votre commande n'est pas encore arrivée.",
            "payment": "vous souhaitez régler votre facture ouverte par carte.",
            "moving": "vous déménagez le mois prochain et il vous faut une nouvelle adresse sur votre compte.",
            "details": "vous souhaitez modifier vos coordonnées.",
        },
        "next_steps": {
            "billing": "La prochaine étape est une facture corrigée, que vous recevrez sous une semaine.",
            "delivery": "La prochaine étape est la livraison par le transporteur ; si le colis n'est pas là demain soir, nous en envoyons un nouveau.",
            "payment": "La prochaine étape est un reçu, que vous recevrez par e-mail dans l'heure.",
            "moving": "La prochaine étape est un courrier qui confirme le déménagement, sous une semaine.",
            "details": "La prochaine étape est un court message de test à vos nouvelles coordonnées dans l'heure.",
        },
        "reference": ("Votre numéro de dossier est le {ref}.", "Pour votre suivi, le numéro de référence est {ref}."),
        "check": ("Est-ce que cela résout votre problème ?", "Avez-vous obtenu la réponse à votre question ?"),
        "solved": ("Oui, c'est réglé.", "Oui, j'ai ma réponse."),
        "blame": ("Vous auriez dû vérifier cela vous-même.", "Si vous aviez lu le courrier, vous le sauriez."),
        "interest": ("Dans ce cas, je voudrais le renouveler.", "Pouvons-nous faire le renouvellement maintenant ?"),
        "summary": "Pour résumer l'offre : {price} euros par mois TTC, pour douze mois, à partir du premier avril.",
        "summary_no_price": "Pour résumer l'offre : un renouvellement de douze mois aux conditions actuelles, à partir du premier avril.",
        "withdrawal": "Vous disposez d'un droit de rétractation de 14 jours, sans avoir à justifier de motif.",
        "consent": ("Êtes-vous d'accord pour que je valide le renouvellement ?", "Voulez-vous que je valide le renouvellement à ces conditions ?"),
        "no_consent": "J'enregistre le renouvellement pour vous tout de suite.",
        "accept": ("Oui, allez-y.", "Oui, validez-le s'il vous plaît."),
        "think_it_over": ("Je préfère d'abord y réfléchir.", "Je voudrais en parler à la maison d'abord."),
        "concluded": "J'ai renouvelé votre contrat à partir du premier avril, et vous recevrez la confirmation écrite par e-mail aujourd'hui.",
        "concluded_unconfirmed": "J'ai renouvelé votre contrat à partir du premier avril.",
        "stays_open": "Bien sûr, prenez votre temps ; l'offre reste valable jusqu'à la fin du mois.",
        "pressure": ("C'est votre dernière chance, l'offre est valable seulement aujourd'hui.", "Vous devez décider maintenant, l'offre expire ce soir."),
    },
}


@dataclass
class _LineOfBusiness:
    """What a line of business adds to one interaction, where it goes, and what it must score.

    `restate` joins the agent's first reply and `answer_tail` the agent's answer: turns eu_core
    already has, so the opening and closing windows it counts in turns see the same turns. `turns`
    are new turns after the answer (and any filler), before a hand-over and the closing. In the
    scripted conversations they put no customer turn into the last third while the first third
    keeps at least as many customer turns as the last, so eu_core's sentiment_not_worse (the
    customer's first third against the last) keeps its verdict; with realistic lengths the filler's
    customer turns fill both thirds. The tests score every verdict of a day to hold to this.
    """

    standard: str
    violations: list[str] = field(default_factory=list)
    restate: str = ""
    answer_tail: str = ""
    turns: list[tuple[str, str]] = field(default_factory=list)  # (customer | agent, text)
    expected: dict[str, str] = field(default_factory=dict)

    @property
    def words(self) -> int:
        """Words added to turns eu_core already has (kept out of `realistic_lengths`' count)."""
        return len(self.restate.split()) + len(self.answer_tail.split())


def _violations(lob: random.Random, plan: _LineOfBusiness) -> Callable[[str, bool, float], bool]:
    """`violated(name, situation, rate)`: draws from `lob` alone (never from the day's generator, so
    the rest of the day is the same with or without lines of business) and records the violation."""

    def violated(name: str, situation: bool, rate: float) -> bool:
        if situation and lob.random() < rate:
            plan.violations.append(name)
            return True
        return False

    return violated


def _expected(plan: _LineOfBusiness, not_applicable: tuple[str, ...] = ()) -> _LineOfBusiness:
    """Every criterion of the plan's standard passes unless violated (fail) or not applicable."""
    plan.expected = {criterion: "not_applicable" if criterion in not_applicable else "pass" for criterion in LOB_CRITERIA[plan.standard]}
    for violation in plan.violations:
        plan.expected[LOB_VIOLATED_CRITERION[violation][1]] = "fail"
    return plan


def _support_lines(lob: random.Random, lang: str, topic: str) -> _LineOfBusiness:
    """Support: the problem said back in the first reply; next steps and a reference number after the
    answer; then "does that solve it?" and the customer's yes."""
    t, plan = LOB_TEXT[lang], _LineOfBusiness("support")
    violated = _violations(lob, plan)
    restated = not violated("no_problem_restated", True, LOB_RATES["omission"])
    blamed = violated("blaming_the_customer", True, LOB_RATES["blame"])
    next_steps = not violated("no_next_steps", True, LOB_RATES["omission"])
    reference = not violated("no_reference_number", True, LOB_RATES["omission"])
    checked = not violated("no_resolution_check", True, LOB_RATES["omission"])
    ref = str(lob.randint(100_000, 999_999))
    ref = spoken(ref, lang) if lob.random() < 0.4 else ref  # read out, as speech-to-text writes it
    plan.restate = f"{lob.choice(t['restate'])} {t['problem'][topic]}" if restated else ""
    tail = [lob.choice(t["blame"]) if blamed else "", t["next_steps"][topic] if next_steps else "", lob.choice(t["reference"]).format(ref=ref) if reference else ""]
    plan.answer_tail = " ".join(part for part in tail if part)
    if checked:
        plan.turns = [("agent", lob.choice(t["check"])), ("customer", lob.choice(t["solved"]))]
    return _expected(plan)


def _sales_lines(lob: random.Random, lang: str, price: int) -> _LineOfBusiness:
    """Sales: the customer takes up the renewal just quoted at `price`; the agent summarises it,
    gives the right of withdrawal and asks for agreement; the customer agrees (or thinks it over)
    and the agent concludes it with a written confirmation."""
    t, plan = LOB_TEXT[lang], _LineOfBusiness("sales")
    violated = _violations(lob, plan)
    accepted = lob.random() >= LOB_RATES["think_it_over"]
    pressed = violated("pressure_selling", True, LOB_RATES["pressure"])
    no_summary = violated("no_offer_summary", accepted, LOB_RATES["sales_omission"])
    no_withdrawal = violated("no_withdrawal_right", accepted, LOB_RATES["sales_omission"])
    late_withdrawal = no_withdrawal and lob.random() < 0.5  # said, but only once concluded
    no_consent = violated("no_explicit_consent", accepted, LOB_RATES["sales_omission"])
    unconfirmed = violated("no_written_confirmation", accepted, LOB_RATES["sales_omission"])
    # A missing summary is left out, or said without the price.
    summary = ("" if lob.random() < 0.5 else t["summary_no_price"]) if no_summary else t["summary"].format(price=price)
    offer = [lob.choice(t["pressure"]) if pressed else "", summary, "" if no_withdrawal else t["withdrawal"], t["no_consent"] if no_consent else lob.choice(t["consent"])]
    if accepted:
        concluded = t["concluded_unconfirmed"] if unconfirmed else t["concluded"]
        reply, close = lob.choice(t["accept"]), f"{concluded} {t['withdrawal']}" if late_withdrawal else concluded
    else:
        reply, close = lob.choice(t["think_it_over"]), t["stays_open"]
    plan.turns = [("customer", lob.choice(t["interest"])), ("agent", " ".join(part for part in offer if part)), ("customer", reply), ("agent", close)]
    return _expected(plan, () if accepted else SALES_ON_CONCLUSION)


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
    plan = _support_lines(lob, lang, topic) if lob is not None and line_of_business(topic) == "support" else None
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
            plan = _sales_lines(lob, lang, price)
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
