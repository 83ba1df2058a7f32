"""Non-speech markup in transcripts: what a source writes that nobody said.

A property of the source (its recorder, its speech-to-text, its transcribers' conventions), so it
is declared with the source (`non_speech:` in a source configuration) and used where turns are
heard (`scorers.listening`). The stored transcript keeps the markup; only matching leaves it out.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

# Non-speech markup of the common transcription conventions: [noise] [laughter] [unintelligible]
# (Harper Valley, Switchboard, Contact Lens redaction tags), <unk> <sil> (Kaldi, ASR lexicons),
# {breath} {lipsmack}, ((inaudible)) (LDC), the usual parenthesised words, and cut-off words (`har~`).
NON_SPEECH: tuple[str, ...] = (
    r"\[[^\[\]\n]{1,40}\]",
    r"<[^<>\n]{1,40}>",
    r"\{[^{}\n]{1,40}\}",
    r"\(\([^()\n]{0,40}\)\)",
    r"(?i:\((?:inaudible|unintelligible|indistinct|crosstalk|cross-talk|laughs?|laughter|noise|background noise|silence|pause|coughs?|sighs?|music|hold music|breath|beep|static)\))",
    r"(?<!\S)[^\s~]{1,30}~(?!\S)",
)
MARKUP_CHARACTERS = r"[\[<{(~]"  # one of them is in every match of NON_SPEECH


class NonSpeech(BaseModel):
    """A source's non-speech markup (`non_speech:` in a source configuration): regular expressions
    added to the common conventions, or replacing them with `defaults: false`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    patterns: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(default_factory=list)
    defaults: bool = True

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"non-speech pattern {pattern!r} is not a regular expression: {exc}") from None
        return patterns

    @cached_property
    def regex(self) -> re.Pattern[str]:
        chosen = (*(NON_SPEECH if self.defaults else ()), *self.patterns)
        return re.compile("|".join(f"(?:{p})" for p in chosen) if chosen else r"(?!)")

    @cached_property
    def _possible(self) -> re.Pattern[str] | None:
        """A character every markup of the common conventions holds: a turn without one has none
        (most turns: the search is ten times cheaper than the full pattern). None with a source's
        own patterns, which may match anything."""
        return None if self.patterns else re.compile(MARKUP_CHARACTERS)

    def remove(self, text: str) -> str:
        """`text` with every markup replaced by a space."""
        possible = self._possible
        return text if possible is not None and possible.search(text) is None else self.regex.sub(" ", text)
