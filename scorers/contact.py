"""What kind of contact an interaction was: its reason, and the signs of how hard it was.

The report's automation view (which contact reasons suit bots, which need people) places each
reason by how often it comes and how complex it is. Complexity is read from signs that need no
model: length in words, transfers, customer distress (the standard's sentiment lexicon), and repeat
contacts (the same customer again within days, found across dates when the report is built).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from scorers.nlp import Analysed
from scorers.phrases import PhraseSet
from scorers.sentiment import SentimentAnalyser
from scorers.standard import ContactReasons

OTHER = "other"
MAX_TRANSFERS = 1000  # more is a data error, not a contact: the count is ignored


@dataclass(frozen=True)
class ContactProfile:
    reason: str
    reason_source: str  # metadata | topic | none
    words: int  # said by anybody but the system
    transfers: int
    customer_distress: bool | None  # None when the lexicon does not cover the language
    handed_over: bool  # a bot conversation that ended with (or asked for and got) a person


def transfer_count(metadata: dict[str, Any]) -> int | None:
    """`metadata.transfers` when it is a plausible whole number (int or ASCII digits), else None."""
    value = metadata.get("transfers")
    if isinstance(value, str) and (text := value.strip()).isascii() and text.isdigit() and len(text) <= 6:
        value = int(text)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_TRANSFERS:
        return value
    return None


class ContactProfiler:
    """Compiled once per run from the standard's `contact_reasons` and sentiment lexicon."""

    def __init__(self, config: ContactReasons, sentiment: SentimentAnalyser) -> None:
        self.config = config
        self.sentiment = sentiment
        self.topics = [(topic, PhraseSet(topic)) for topic in config.topics]
        self._last: tuple[Analysed, ContactProfile] | None = None  # standards sharing this profiler ask about the same analysis

    def reason(self, analysed: Analysed) -> tuple[str, str]:
        metadata = analysed.interaction.metadata
        for key in self.config.from_metadata:
            value = metadata.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
                return str(value).strip().lower(), "metadata"
        for topic, phrases in self.topics:
            if phrases.first(analysed, topic.within) is not None:
                return topic.id, "topic"
        return OTHER, "none"

    def distress(self, analysed: Analysed) -> bool | None:
        interaction = analysed.interaction
        if not self.sentiment.covers(interaction.language):
            return None
        return any(
            self.sentiment.turn(analysed, i).score <= self.config.distress_at_most
            for i, turn in enumerate(analysed.turns)
            if turn.speaker == "customer"
        )

    def profile(self, analysed: Analysed) -> ContactProfile:
        if self._last is not None and self._last[0] is analysed:
            return self._last[1]
        found = self._profile(analysed)
        self._last = (analysed, found)
        return found

    def _profile(self, analysed: Analysed) -> ContactProfile:
        interaction = analysed.interaction
        speakers = [t.speaker for t in interaction.turns]
        # A bot handing over to a person shows as bot turns followed by agent turns (customers between).
        service = [s for s in speakers if s in ("agent", "bot")]
        switches = sum(1 for a, b in pairwise(service) if a == "bot" and b == "agent")
        given = transfer_count(interaction.metadata)
        transfers = given if given is not None else switches
        reason, source = self.reason(analysed)
        return ContactProfile(
            reason=reason,
            reason_source=source,
            words=sum(len(t.text.split()) for t in interaction.turns if t.speaker != "system"),
            transfers=transfers,
            customer_distress=self.distress(analysed),
            handed_over=interaction.agent.type == "bot" and (transfers > 0 or "agent" in speakers),
        )
