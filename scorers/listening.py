"""Turns as a listener hears them: the one place where transcripts become what the criteria count.

Recorders and speech-to-text cut speech into segments, not turns: one spoken sentence of the agent
arrives as "hello" / "this is Harper Valley" / "my name is John", and transcripts carry entries that
nobody said (`[noise]`, `<unk>`, `[laughter]`, cut-off words such as `har~`) and one-word
backchannels ("mm hmm", "okay") that do not take the floor. Counted as turns, these eat the windows
of the criteria ("in the first 4 turns"). So before any criterion runs:

- **Non-speech markup** is taken out of the text that is matched (and out of turn counts when a
  segment holds nothing else); the stored text keeps it, and evidence points at the real segment.
  The common conventions are recognised by default (`ingest.markup`); a source adds its own.
- **Hesitation fillers** ("uh", "um", "äh", "euh") are not matched either: "what's your uh address"
  is heard as "what's your address".
- **One speaker's consecutive segments** with a pause shorter than `merge_gap_seconds` are one turn;
  a backchannel of the other speaker does not interrupt them. Chats have no timestamps, so no pause
  to measure: every message stays a turn as written.
- **Backchannels** (a segment that is only "mm hmm", "okay", "yeah") are kept and searchable, but
  do not count as turns for windows unless the standard says `backchannels_are_turns: true`.

Segment boundaries stay known inside a merged turn, so negation does not reach across them and
every match maps back to its segment.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ingest.interaction import Interaction, Language, Speaker
from ingest.markup import NonSpeech

FILLERS: dict[str, tuple[str, ...]] = {
    # Hesitations only: "mm", "hmm" and "mhm" acknowledge, so they are backchannels, below.
    "en": ("uh", "um", "uhm", "umm", "uhh", "er", "erm"),
    "de": ("äh", "ähm", "öh", "öhm", "ähh"),
    "sv": ("eh", "öh", "ehm", "öhm"),
    "fr": ("euh", "heu", "hum"),
}
# Segments made only of these (and fillers) are backchannels: the listener acknowledges, the floor
# stays with the speaker.
BACKCHANNELS: dict[str, tuple[str, ...]] = {
    "en": ("mm hmm", "mhm", "mm", "uh huh", "hmm", "okay", "ok", "alright", "all right", "yeah", "yes", "yep", "right", "sure", "i see", "got it", "oh"),
    "de": ("mhm", "hm", "ja", "genau", "okay", "ok", "aha", "ach so", "richtig", "stimmt", "alles klar", "gut", "jawohl"),
    "sv": ("mm", "mhm", "ja", "jaha", "jo", "okej", "ok", "precis", "just det", "aha", "visst", "absolut", "javisst"),
    "fr": ("mhm", "hm", "oui", "ouais", "d'accord", "ok", "okay", "ah", "voilà", "exactement", "bien sûr", "oui oui"),
}

Word = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class Listening(BaseModel):
    """How a standard hears a conversation (`listening:` in the YAML); every field has a default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Consecutive segments of one speaker with a pause shorter than this are one turn.
    merge_gap_seconds: float = Field(default=1.5, ge=0, le=60)
    # Whether a segment that is only a backchannel ("mm hmm", "okay") counts as a turn for windows.
    backchannels_are_turns: bool = False
    # Per language, what counts as a backchannel and as a filler (replacing the defaults).
    backchannels: dict[Language, list[Word]] | None = None
    fillers: dict[Language, list[Word]] | None = None

    def backchannel_words(self, language: str) -> frozenset[str]:
        chosen = (self.backchannels or {}).get(language)  # type: ignore[call-overload]
        return frozenset(w.lower() for w in (chosen if chosen is not None else BACKCHANNELS.get(language, ())))

    def filler_words(self, language: str) -> frozenset[str]:
        chosen = (self.fillers or {}).get(language)  # type: ignore[call-overload]
        return frozenset(w.lower() for w in (chosen if chosen is not None else FILLERS.get(language, ())))


@dataclass(frozen=True)
class HeardTurn:
    """One turn as heard: one or more segments (turns of the interaction) of one speaker."""

    speaker: Speaker
    segments: tuple[int, ...]  # indexes into `interaction.turns`
    text: str  # what is matched: the segments' speech joined by spaces, markup and fillers out
    offsets: tuple[int, ...]  # where each segment's speech starts in `text`
    start_ms: int | None
    end_ms: int | None
    backchannel: bool = False  # only a backchannel, and backchannels do not count as turns

    def segment_at(self, char: int) -> int:
        """The interaction turn that character `char` of `text` was said in."""
        return self.segments[max(0, bisect_right(self.offsets, char) - 1)]


class _Segment(NamedTuple):  # a tuple: made for every turn of every interaction
    index: int
    speaker: Speaker
    speech: str
    start_ms: int | None
    end_ms: int | None
    backchannel: bool


PUNCTUATION = ",.!?;:"


@lru_cache(maxsize=64)
def _filler_words(fillers: frozenset[str]) -> re.Pattern[str]:
    """A whole word (between spaces, punctuation around it allowed) that may be one of `fillers`:
    where there is none, no word needs looking at one by one."""
    alternatives = "|".join(re.escape(f) for f in sorted(fillers, key=len, reverse=True))
    return re.compile(rf"(?<!\S)[{re.escape(PUNCTUATION)}]*(?:{alternatives})[{re.escape(PUNCTUATION)}]*(?!\S)", re.IGNORECASE) if fillers else re.compile(r"(?!)")


def speech(text: str, markup: NonSpeech, fillers: frozenset[str]) -> str:
    """`text` without non-speech markup and fillers, spaces folded: what was actually said."""
    words = markup.remove(text).split()
    said = " ".join(words)
    if _filler_words(fillers).search(said) is None:
        return said
    return " ".join(w for w in words if w.lower().strip(PUNCTUATION) not in fillers)


@lru_cache(maxsize=64)
def _backchannel_starts(words: frozenset[str]) -> tuple[frozenset[str], int]:
    """The first words of the backchannels, and the most words one has."""
    return frozenset(w.split()[0] for w in words if w.split()), max((len(w.split()) for w in words), default=1)


_PUNCTUATION = re.compile(rf"[{re.escape(PUNCTUATION)}]")
_FIRST_WORD = re.compile(rf"[\s{re.escape(PUNCTUATION)}]*([^\s{re.escape(PUNCTUATION)}]*)")


def _is_backchannel(said: str, words: frozenset[str]) -> bool:
    """Whether `said` is nothing but backchannel words ("mm hmm okay", "yeah yeah")."""
    starts, longest = _backchannel_starts(words)
    # Most segments fail on their first word, read without lower-casing and splitting the rest (a
    # capital sigma is lower-cased by what follows it: those take the long way).
    if "Σ" not in said and _FIRST_WORD.match(said).group(1).lower() not in starts:  # type: ignore[union-attr]
        return False
    rest = _PUNCTUATION.sub(" ", said.lower()).split()
    if not rest or rest[0] not in starts:
        return False
    i = 0
    while i < len(rest):
        for n in range(min(longest, len(rest) - i), 0, -1):
            if " ".join(rest[i : i + n]) in words:
                i += n
                break
        else:
            return False
    return True


class Listener:
    """Hears interactions of one standard (its `Listening`) from one source (its `NonSpeech`)."""

    def __init__(self, listening: Listening | None = None, non_speech: NonSpeech | None = None) -> None:
        self.listening = listening or Listening()
        self.markup = non_speech or NonSpeech()
        self._words: dict[str, tuple[frozenset[str], frozenset[str]]] = {}

    def _vocabulary(self, language: str) -> tuple[frozenset[str], frozenset[str]]:
        if language not in self._words:
            self._words[language] = (self.listening.filler_words(language), self.listening.backchannel_words(language))
        return self._words[language]

    def _segments(self, interaction: Interaction) -> list[_Segment]:
        """The spoken segments, each with its speech; segments with none (only markup) are left out."""
        fillers, backchannels = self._vocabulary(interaction.language)
        out = []
        for index, turn in enumerate(interaction.turns):
            said = speech(turn.text, self.markup, fillers) if turn.speaker != "system" else turn.text.strip()
            if said:
                counted = self.listening.backchannels_are_turns or turn.speaker == "system"
                out.append(_Segment(index, turn.speaker, said, turn.start_ms, turn.end_ms, not counted and _is_backchannel(said, backchannels)))
        return out

    def hear(self, interaction: Interaction) -> tuple[HeardTurn, ...]:
        """The heard turns of `interaction`, in order of their first segment."""
        gap_ms = self.listening.merge_gap_seconds * 1000
        groups: list[list[_Segment]] = []
        open_group: list[_Segment] | None = None  # the last turn that holds the floor
        for segment in self._segments(interaction):
            if open_group is not None and segment.speaker == open_group[-1].speaker and segment.speaker != "system" and _within_gap(open_group[-1], segment, gap_ms):
                open_group.append(segment)
            elif segment.backchannel:
                groups.append([segment])  # acknowledged; the floor stays where it was
            else:
                open_group = [segment]
                groups.append(open_group)
        return tuple(_heard(group) for group in groups)


def _within_gap(previous: _Segment, segment: _Segment, gap_ms: float) -> bool:
    if previous.start_ms is None or segment.start_ms is None:
        return False  # chats: no pause to measure, every message is a turn as written
    return segment.start_ms - (previous.end_ms if previous.end_ms is not None else previous.start_ms) < gap_ms


def _heard(group: Sequence[_Segment]) -> HeardTurn:
    if len(group) == 1:  # most turns, and every message of a chat
        only = group[0]
        return HeardTurn(only.speaker, (only.index,), only.speech, (0,), only.start_ms, only.end_ms, only.backchannel)
    offsets, position = [], 0
    for segment in group:
        offsets.append(position)
        position += len(segment.speech) + 1
    ends = [s.end_ms for s in group if s.end_ms is not None]
    return HeardTurn(
        speaker=group[0].speaker,
        segments=tuple(s.index for s in group),
        text=" ".join(s.speech for s in group),
        offsets=tuple(offsets),
        start_ms=group[0].start_ms,
        end_ms=max(ends) if ends else None,
        backchannel=all(s.backchannel for s in group),
    )
