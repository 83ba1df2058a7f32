"""sensitive_data: the speaker must not say or write sensitive data (cards, IBANs, national ids,
e-mail addresses, phone numbers; see `scorers.sensitive`).

Works in every language (digit words per language), so it is never not_applicable for language.
The evidence is the turn with the value redacted.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from scorers.nlp import Analysed
from scorers.outcome import Verdict
from scorers.phrases import not_applicable, turns_in_scope
from scorers.registry import Resources, Scorer, register_kind
from scorers.sensitive import DETECTORS, find_sensitive, redact
from scorers.standard import CriterionConfig, SpeakerRole, Window


class SensitiveData(CriterionConfig):
    speaker: SpeakerRole = "agent"
    detect: list[str] = Field(min_length=1, description=f"what to look for: {', '.join(DETECTORS)}")
    within: Window | None = None

    @field_validator("detect")
    @classmethod
    def _known(cls, detect: list[str]) -> list[str]:
        unknown = sorted(set(detect) - set(DETECTORS))
        if unknown:
            raise ValueError(f"unknown detector(s) {', '.join(unknown)}; known: {', '.join(DETECTORS)}")
        return detect


@register_kind("sensitive_data.v1", config=SensitiveData)
def sensitive_data(config: SensitiveData, resources: Resources) -> Scorer:
    """Sensitive data the speaker must not say (payment cards are Luhn-checked)."""

    def score(analysed: Analysed) -> Verdict:
        if (na := not_applicable(analysed, window=config.within)) is not None:
            return na
        language = analysed.interaction.language
        for index in turns_in_scope(analysed, config.speaker, config.within):
            # The heard text: a number read out over several segments is found whole, and the
            # evidence is redacted on the same text that was searched.
            said = analysed.turns[index].text
            found = find_sensitive(said, language, config.detect)
            if found:
                return Verdict.failed(f"the {config.speaker} said a {found[0].kind.replace('_', ' ')}", analysed.evidence(index, redact(said, language)))
        return Verdict.passed(f"the {config.speaker} said no {', '.join(config.detect)}")

    return score
