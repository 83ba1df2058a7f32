"""personalisation: the agent addresses the customer by name, when the name is known.

The agent's own name never counts: not in a self-introduction ("my name is Linda", "this is Linda",
"Linda speaking", "ich bin Linda", "jag heter Linda", "je m'appelle Linda"), and not anywhere when
the source gives the agent's name (`agent.name`). An agent called Linda who says "my name is Linda"
to Linda Garcia has not addressed her.
"""

from __future__ import annotations

from functools import cache

from typing import TYPE_CHECKING

from scorers.nlp import Analysed, pipeline
from scorers.outcome import NotApplicable, Verdict
from scorers.registry import Resources, Scorer, register_kind
from scorers.standard import CriterionConfig, SpeakerRole, Window
from scorers.windows import searched, turns_in_scope

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Words after which the speaker says their own name, and words before which they do ("Linda here").
# The name is the one word next to the cue, or two after a title ("this is Miss Jane"): one word
# only, so "I'm sorry Patricia" still addresses Patricia.
INTRODUCES_BEFORE: dict[str, tuple[str, ...]] = {
    "en": ("my name is", "my name's", "this is", "i am", "i'm", "speaking with", "speaking to"),
    "de": ("mein name ist", "ich bin", "hier spricht", "hier ist", "sie sprechen mit", "ich heiße", "ich heisse"),
    "sv": ("jag heter", "mitt namn är", "det är", "du pratar med", "du talar med", "jag är"),
    "fr": ("je m'appelle", "mon nom est", "je suis", "c'est", "ici", "vous êtes en ligne avec", "vous parlez avec", "vous parlez à"),
}
INTRODUCES_AFTER: dict[str, tuple[str, ...]] = {
    "en": ("speaking",),
    "de": ("am apparat",),
    "fr": ("à l'appareil",),
}
TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "herr", "frau", "fru", "fröken", "monsieur", "madame", "mademoiselle"})


@cache
def _cues(language: str) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
    """The introduction cues as lower-cased token sequences, tokenised as turns are."""
    tokenizer = pipeline(language).tokenizer

    def tokens(cues: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(t.lower_ for t in tokenizer(cue)) for cue in cues)

    return tokens(INTRODUCES_BEFORE.get(language, ())), tokens(INTRODUCES_AFTER.get(language, ()))


def self_introduced(doc: Doc, language: str) -> set[int]:
    """Indexes of the tokens in `doc` that are the speaker's own name in a self-introduction."""
    before, after = _cues(language)
    words = [t.lower_ for t in doc]
    own: set[int] = set()
    for i in range(len(words)):
        for cue in before:
            if tuple(words[i : i + len(cue)]) == cue:
                j = i + len(cue)
                if j < len(doc) and words[j].rstrip(".") in TITLES:
                    own.add(j)
                    j += 1
                if j < len(doc) and doc[j].is_alpha:
                    own.add(j)
        for cue in after:
            if tuple(words[i : i + len(cue)]) == cue and i > 0 and doc[i - 1].is_alpha:
                own.add(i - 1)
    return own


def name_parts(name: str | None) -> set[str]:
    return {p.lower() for p in (name or "").replace("-", " ").split() if len(p) > 1}


class Personalisation(CriterionConfig):
    speaker: SpeakerRole = "agent"
    within: Window | None = None


@register_kind("personalisation.v1", config=Personalisation)
def personalisation(config: Personalisation, resources: Resources) -> Scorer:
    """The speaker says the customer's first or last name (whole words; never the agent's own name)."""

    def score(analysed: Analysed) -> Verdict:
        ix = analysed.interaction
        name = (ix.customer.name or "").strip()
        if not name:
            return Verdict.not_applicable(NotApplicable.DATA_MISSING, "the customer's name is not known")
        if config.within is not None and config.within.needs_timestamps and not ix.has_timestamps:
            return Verdict.not_applicable(NotApplicable.NO_TIMESTAMPS, f"{config.within.describe()} needs turn timestamps")
        parts = name_parts(name) - name_parts(ix.agent.name)
        scope = list(turns_in_scope(analysed, config.speaker, config.within))
        for i in scope:
            said = analysed.turns[i].text.lower()
            if not any(part in said for part in parts):  # whole-word matches are substrings too
                continue
            doc = analysed.docs[i]
            own = self_introduced(doc, ix.language)
            for token in doc:
                if token.lower_ in parts and token.i not in own:
                    return Verdict.passed("the customer was addressed by name", analysed.evidence(i, token.text, token.i))
        span, evidence = searched(analysed, scope)
        return Verdict.failed(f"the {config.speaker} never used the customer's name (searched {span})", evidence)

    return score
