"""The lines of business of a sample day: what sales and support agents add to an interaction, the
violations they commit and the verdicts each must get.

Every draw here comes from the interaction's own line-of-business generator, never from the day's,
so the day without lines of business stays byte for byte what it was.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from touchstone.sample_data.personal_data import spoken
from touchstone.sample_data.phrases import LOB_TEXT

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


def support_lines(lob: random.Random, lang: str, topic: str) -> _LineOfBusiness:
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


def sales_lines(lob: random.Random, lang: str, price: int) -> _LineOfBusiness:
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
