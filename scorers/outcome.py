"""What a criterion says about one interaction: pass, fail or not_applicable, with why and where.

`not_applicable` always carries one of the `NotApplicable` reasons, so that 'not evaluated' is never
confused with 'not matched'. Evidence text is redacted by the scorer that produced it when it is
sensitive data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"


class NotApplicable(StrEnum):
    """Why a criterion was not evaluated."""

    TRIGGER_NOT_OBSERVED = "trigger_not_observed"
    NO_TIMESTAMPS = "no_timestamps"
    LANGUAGE_NOT_COVERED = "language_not_covered"
    CHANNEL_NOT_COVERED = "channel_not_covered"
    AGENT_TYPE_NOT_COVERED = "agent_type_not_covered"
    TEAM_NOT_COVERED = "team_not_covered"
    QUEUE_NOT_COVERED = "queue_not_covered"
    METADATA_NOT_COVERED = "metadata_not_covered"
    DATA_MISSING = "data_missing"


@dataclass(frozen=True)
class Evidence:
    """The moment that decided a verdict."""

    turn_index: int
    start_ms: int | None
    text: str


@dataclass(frozen=True)
class Verdict:
    """One criterion's verdict on one interaction, before points are attached."""

    outcome: Outcome
    reason: str
    evidence: Evidence | None = None

    @classmethod
    def passed(cls, reason: str, evidence: Evidence | None = None) -> Verdict:
        return cls(Outcome.PASS, reason, evidence)

    @classmethod
    def failed(cls, reason: str, evidence: Evidence | None = None) -> Verdict:
        return cls(Outcome.FAIL, reason, evidence)

    @classmethod
    def not_applicable(cls, why: NotApplicable, detail: str = "") -> Verdict:
        return cls(Outcome.NOT_APPLICABLE, f"{why.value}: {detail}" if detail else why.value)


@dataclass(frozen=True)
class Override:
    """A reviewer's outcome for one interaction and criterion (the latest one recorded for the pair)."""

    override_id: str
    interaction_id: str
    criterion_id: str
    outcome: Outcome
    reason: str
    reviewer: str
    criterion_sha256: str  # the fingerprint of the criterion's definition the reviewer overrode
