"""Render the report's sections into one self-contained HTML page (Jinja2, autoescaped, inline SVG)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from scorers.sensitive import redact
from warehouse.calibration import calibrate
from warehouse.report import automation, sections, svg
from warehouse.report.inputs import MAX_LISTED, ReportInputs

TEMPLATES = Path(__file__).parent / "templates"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def percent(value: Any, digits: int = 1) -> str:
    return "–" if _missing(value) else f"{100 * float(value):.{digits}f}%"


def number(value: Any, digits: int = 1) -> str:
    return "–" if _missing(value) else f"{float(value):,.{digits}f}"


def count(value: Any) -> str:
    return "–" if _missing(value) else f"{int(value):,}"


def heat_colour(rate: Any) -> str:
    """White at 0 % failing to deep red at 50 % and above; grey where the criterion never applied."""
    if _missing(rate):
        return "#eaeef2"
    strength = min(1.0, float(rate) / 0.5)
    green_blue = int(255 - 190 * strength)
    return f"rgb(255,{green_blue},{green_blue})"


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    env.filters.update(percent=percent, number=number, count=count, heat=heat_colour)
    return env


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [] if frame is None or frame.empty else frame.astype(object).where(frame.notna(), None).to_dict("records")


def _calibration(inputs: ReportInputs) -> dict[str, Any] | None:
    if inputs.reviews is None:
        return None
    result = calibrate(inputs.reviews, inputs.results)
    languages = inputs.interactions.set_index("interaction_id")["language"]
    disagreements = result.disagreements.assign(
        evidence=[redact(e, languages.get(i, "en")) if isinstance(e, str) else "" for i, e in zip(result.disagreements["interaction_id"], result.disagreements["evidence"])]
    )
    return {"per_criterion": records(result.per_criterion), "disagreements": records(disagreements), "not_scored": result.not_scored}


def context(inputs: ReportInputs) -> dict[str, Any]:
    """Everything the template shows, computed from the inputs."""
    day = inputs.day
    standard = inputs.standard
    league = sections.league_table(inputs.agents, inputs.agent_history, day)
    trends = sections.agent_trends(inputs.agent_history)
    rates = sections.criterion_rates(inputs.outcome_counts, standard, inputs.trust) if not inputs.outcome_counts.empty else pd.DataFrame()
    overridden, not_applying = sections.overrides_of_the_day(inputs.results, inputs.overrides, standard)
    criterion_order = list(rates["criterion_id"]) if not rates.empty else []
    grid = sections.heat_map(inputs.outcome_counts, list(league["agent_id"]), criterion_order) if criterion_order else pd.DataFrame()
    failures = sections.compliance_failures(inputs.results, inputs.interactions, standard) if not inputs.results.empty else pd.DataFrame()
    team_history = sections.team_trends(inputs.team_days)
    dates = sorted(set(team_history["date"]))
    team_series = {team: list(zip(part["date"], part["mean_quality"])) for team, part in team_history.dropna(subset=["mean_quality"]).groupby("team")}
    handover = standard.handover_criterion if standard else None
    not_offered = sections.not_offered(inputs.results, inputs.interactions, handover)
    reasons, thresholds = automation.contact_reasons(inputs.interactions, inputs.repeats)
    for row in (league_rows := records(league)):
        row["interval_svg"] = Markup(svg.interval_bar(row["mean_quality_score"], row["quality_ci_low"], row["quality_ci_high"]))
        row["trend_svg"] = Markup(svg.sparkline(trends.get(row["agent_id"], [])))
    return {
        "day": day.isoformat(),
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "standard": standard,
        "headline": sections.headline(inputs.interactions, inputs.run),
        "league": league_rows,
        "min_ranked": sections.MIN_RANKED,
        "teams": records(sections.team_summary(inputs.team_days, day)),
        "team_chart": Markup(svg.line_chart(team_series, dates)) if dates else "",
        "trend_days": len(dates),
        "rates": records(rates),
        "heat_criteria": criterion_order,
        "heat_rows": [(agent, [grid.at[agent, c] for c in criterion_order]) for agent in grid.index] if not grid.empty else [],
        "failures": records(failures.head(MAX_LISTED)),
        "failures_total": inputs.critical_failures,
        "humans_and_bots": records(sections.humans_and_bots(inputs.interactions)),
        "asked": records(inputs.handover) if handover else [],
        "not_offered": records(not_offered.head(MAX_LISTED)),
        "not_offered_total": int(inputs.handover["not_offered"].sum()) if handover and not inputs.handover.empty else 0,
        "handover_criterion": handover,
        "reasons": records(reasons),
        "thresholds": thresholds,
        "quadrant_chart": Markup(svg.quadrant_chart(records(reasons), thresholds["frequency"], thresholds["complexity"])) if not reasons.empty else "",
        "signs": automation.SIGNS,
        "calibration": _calibration(inputs),
        "overridden": records(overridden),
        "not_applying": records(not_applying),
        "most_overridden": records(sections.most_overridden(inputs.trust, standard)),
        "quarantine": records(sections.quarantine_reasons(inputs.quarantine)),
    }


def render(inputs: ReportInputs, pages: dict[str, str] | None = None) -> str:
    """The page; on a date scored with several standards it names them all, linked where `pages`
    (standard id -> file name) says where their pages are."""
    links = [{"standard": f"{i}@{v}", "interactions": n, "href": (pages or {}).get(i), "current": i == inputs.standard_id} for i, v, n in inputs.day_standards]
    return environment().get_template("report.html.j2").render(**context(inputs), standard_pages=links if len(links) > 1 else [])
