"""sensitive_data: the speaker must not say or write sensitive data (cards, IBANs, VAT numbers,
national ids, phone numbers, e-mail addresses; see `scorers.sensitive`).

Works in every language (number words per language), so it is never not_applicable for language.
`countries` says whose ids and phone numbers count: `likely` (default: the interaction's language
and its metadata `country` / `customer_country`, and any other country's where a word says what
the number is: "my Steuer-ID is ...", "my mobile is 070 ..."), `all`, or a list of ISO codes
(exactly those). The evidence is
the turn with the value redacted.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from scorers.nlp import Analysed
from scorers.outcome import Verdict
from scorers.phrases import not_applicable, turns_in_scope
from scorers.registry import Resources, Scorer, register_kind
from scorers.sensitive import ALL, found_in, likely_countries, redact, registered_detectors, scope_of
from scorers.sensitive.countries import unknown_codes
from scorers.standard import CriterionConfig, SpeakerRole, Window


SAID = {"vat": "VAT number"}  # in reasons; the older types keep the words verdicts have always had


class SensitiveData(CriterionConfig):
    speaker: SpeakerRole = "agent"
    detect: list[str] = Field(min_length=1, description="what to look for: iban, vat, payment_card, national_id, phone, email")
    countries: Literal["likely", "all"] | list[str] = Field("likely", description="whose ids and phone numbers count: likely, all, or ISO codes")
    within: Window | None = None

    @field_validator("detect")
    @classmethod
    def _known(cls, detect: list[str]) -> list[str]:
        known = registered_detectors()
        if unknown := sorted(set(detect) - set(known)):
            raise ValueError(f"unknown detector(s) {', '.join(unknown)}; known: {', '.join(known)}")
        return detect

    @field_validator("countries")
    @classmethod
    def _known_countries(cls, countries: str | list[str]) -> str | list[str]:
        if isinstance(countries, list):
            if not countries:
                raise ValueError("countries is empty: name at least one, or 'likely' or 'all'")
            if unknown := unknown_codes(countries):
                raise ValueError(f"unknown country code(s) {', '.join(unknown)}; known: {', '.join(sorted(ALL))}")
            return [c.upper() for c in countries]
        return countries


@register_kind("sensitive_data.v1", config=SensitiveData)
def sensitive_data(config: SensitiveData, resources: Resources) -> Scorer:
    """Sensitive data the speaker must not say (validated by python-stdnum and phonenumbers)."""
    detect = frozenset(config.detect)

    def score(analysed: Analysed) -> Verdict:
        if (na := not_applicable(analysed, window=config.within)) is not None:
            return na
        interaction = analysed.interaction
        language = interaction.language
        countries = ALL if config.countries == "all" else likely_countries(language, interaction.metadata) if config.countries == "likely" else frozenset(config.countries)
        elsewhere = config.countries == "likely"  # a foreign id or number counts after a word naming it
        scope = scope_of(language, countries, elsewhere)
        for index in turns_in_scope(analysed, config.speaker, config.within):
            # The heard text: a number read out over several segments is found whole, and the
            # evidence is redacted on the same text that was searched.
            said = analysed.turns[index].text
            found = found_in(said, scope, detect)
            if found:  # redacted for these countries, then for all (as everywhere else)
                evidence = redact(redact(said, language, countries, elsewhere), language)
                said_what = SAID.get(found[0].kind, found[0].kind.replace("_", " "))
                return Verdict.failed(f"the {config.speaker} said a {said_what}", analysed.evidence(index, evidence))
        return Verdict.passed(f"the {config.speaker} said no {', '.join(config.detect)}")

    return score
