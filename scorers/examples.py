"""Run the examples inside a standard: each is a short conversation and the verdict a criterion must
give it, so that a compliance officer's edit that breaks a criterion is caught before it goes live."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from scorers.engine import CompiledStandard
from scorers.nlp import analyse
from scorers.standard import Standard


@dataclass(frozen=True)
class ExampleResult:
    criterion_id: str
    index: int
    line: int
    expected: str
    got: str
    reason: str

    @property
    def passed(self) -> bool:
        return self.expected == self.got


def run_examples(standard: Standard) -> list[ExampleResult]:
    """Every example of every criterion, scored by that criterion alone."""
    compiled = CompiledStandard(standard)
    results = []
    for criterion, scorer in compiled.scorers:
        for index, example in enumerate(criterion.examples):
            line = standard.lines.get(f"{criterion.id}.examples[{index}]", 0)
            try:
                interaction = example.interaction(f"{criterion.id}-example-{index + 1}")
            except ValidationError as exc:
                results.append(ExampleResult(criterion.id, index, line, example.expect, "invalid", str(exc.errors()[0]["msg"])))
                continue
            verdict = compiled.applies_or_score(criterion, scorer, interaction, analyse(interaction))
            results.append(ExampleResult(criterion.id, index, line, example.expect, verdict.outcome.value, verdict.reason))
    return results
