"""Negation: is a matched phrase said in the negative ("I can't transfer you", "je ne comprends pas")?

A match is negated when a negation cue stands within a few tokens before it, or (in German, Swedish
and French, which negate after the verb: "Ich verstehe Sie nicht", "Jag förstår inte") just after
it, without a clause boundary (punctuation) in between. Cues are compared on the lower-cased form
and on the lemma norm, so "n't" and "n'" count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

CUES: dict[str, frozenset[str]] = {
    "en": frozenset({"not", "n't", "no", "never", "nobody", "nothing", "neither", "nor", "without", "cannot"}),
    "de": frozenset({"nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie", "niemals", "nichts", "ohne", "weder"}),
    "sv": frozenset({"inte", "ej", "icke", "aldrig", "ingen", "inget", "inga", "utan", "varken"}),
    "fr": frozenset({"ne", "n'", "pas", "jamais", "aucun", "aucune", "rien", "sans", "ni", "personne"}),
}
BEFORE = 3
# Cues that negate only the word right after them: "no" is a determiner there ("no charge"), but
# further back it is mostly an answer of its own ("no that's all", "oh no this is Harper Valley"),
# which unpunctuated speech-to-text gives no comma to separate.
ADJACENT_ONLY = frozenset({"no"})
AFTER = {"en": 0, "de": 2, "sv": 2, "fr": 2}
_BOUNDARY = frozenset(".,;:!?")


def _is_cue(token, cues: frozenset[str]) -> bool:
    return token.lower_ in cues or token.norm_ in cues


def is_negated(doc: Doc, start: int, end: int, language: str, breaks: frozenset[int] = frozenset()) -> bool:
    """Whether the tokens `doc[start:end]` are negated by a nearby cue in the same clause.

    `breaks` are token indexes where a new segment of speech begins (see `scorers.listening`): a
    boundary as much as a full stop, since unpunctuated speech-to-text has no other."""
    cues = CUES.get(language, frozenset())
    for i in range(start - 1, max(-1, start - 1 - BEFORE), -1):
        if doc[i].text in _BOUNDARY or i + 1 in breaks:
            break
        if _is_cue(doc[i], cues) and (i == start - 1 or doc[i].lower_ not in ADJACENT_ONLY):
            return True
    for i in range(end, min(len(doc), end + AFTER.get(language, 0))):
        if doc[i].text in _BOUNDARY or i in breaks:
            break
        if _is_cue(doc[i], cues):
            return True
    return False
