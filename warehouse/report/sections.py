"""The numbers of each report section, as pure functions of the published tables.

Each function takes DataFrames read by `warehouse.report.inputs` and returns a DataFrame (or a few
numbers) ready to render, so tests compare them with the Parquet tables directly.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from scorers.sensitive import redact
from scorers.routing import idle_rules
from scorers.standard import Standard
from warehouse.frames import as_list

# An agent needs this many scored interactions on the day to be ranked; fewer are listed apart, since
# a mean over 3 calls says little (its confidence interval shows how little).
MIN_RANKED = 10
NOT_APPLICABLE = "not_applicable"


def headline(interactions: pd.DataFrame, run: dict[str, object]) -> dict[str, object]:
    """The day at a glance, with the run's reconciliation (read = scored + quarantined)."""
    scores = interactions["quality_score"].dropna()
    return {
        "interactions": len(interactions),
        "mean_quality": float(scores.mean()) if len(scores) else None,
        "compliance_rate": float(interactions["compliance_passed"].mean()) if len(interactions) else None,
        "critical_failures": int(interactions["critical_failures"].sum()),
        "agents": int(interactions["agent_id"].nunique()),
        "read": run.get("read"),
        "scored": run.get("scored"),
        "quarantined": run.get("quarantined"),
        "duplicates_dropped": run.get("duplicates_dropped"),
        "output_checks_passed": run.get("output_checks_passed"),
        "run_id": run.get("run_id"),
        # The page's standard (a routed run has one page per standard; the run names them all).
        "standard": f"{interactions['standard_id'].iat[0]}@{interactions['standard_version'].iat[0]}"
        if len(interactions)
        else f"{run.get('standard_id')}@{run.get('standard_version')}"
        if run
        else None,
        "routing": f"{run['routing_id']}@{run.get('routing_version')}" if isinstance(run.get("routing_id"), str) else None,
        "routes": (routes := [{"rule": str(r["rule"]), "interactions": int(r["interactions"]), "defined_at": r.get("defined_at")} for r in as_list(run.get("routes"))]),
        "idle_rules": idle_rules(routes),
    }


def _window_mean(history: pd.DataFrame, day: date, days: int) -> pd.DataFrame:
    """Per agent: the mean quality over the last `days` days, weighted by scored interactions."""
    since = (day - timedelta(days=days - 1)).isoformat()
    window = history[(history["date"] >= since) & (history["date"] <= day.isoformat())].dropna(subset=["mean_quality_score"])
    weighted = window.assign(total=window["mean_quality_score"] * window["scored_interactions"])
    grouped = weighted.groupby("agent_id").agg(total=("total", "sum"), n=("scored_interactions", "sum"))
    return pd.DataFrame({f"mean_{days}d": grouped["total"] / grouped["n"].where(grouped["n"] > 0), f"n_{days}d": grouped["n"]})


def league_table(agents: pd.DataFrame, history: pd.DataFrame, day: date) -> pd.DataFrame:
    """Agents ranked by the lower bound of their 95% interval: a high mean over few calls ranks low.

    Agents with fewer than MIN_RANKED scored interactions get no rank and come last.
    """
    table = agents[
        ["agent_id", "agent_type", "team", "interactions", "scored_interactions", "mean_quality_score", "quality_ci_low", "quality_ci_high", "compliance_rate", "critical_failures"]
    ].set_index("agent_id")
    for days in (7, 30):
        table = table.join(_window_mean(history, day, days))
    table = table.reset_index()
    table["ranked"] = table["scored_interactions"] >= MIN_RANKED
    ranked = table[table["ranked"]].sort_values(["quality_ci_low", "mean_quality_score", "agent_id"], ascending=[False, False, True], na_position="last")
    unranked = table[~table["ranked"]].sort_values(["scored_interactions", "agent_id"], ascending=[False, True])
    ranked = ranked.assign(rank=range(1, len(ranked) + 1))
    return pd.concat([ranked, unranked.assign(rank=None)], ignore_index=True)


def agent_trends(history: pd.DataFrame) -> dict[str, list[tuple[str, float]]]:
    """Per agent, its daily mean quality in date order (for sparklines)."""
    rows = history.dropna(subset=["mean_quality_score"]).sort_values("date")
    return {agent: list(zip(group["date"], group["mean_quality_score"])) for agent, group in rows.groupby("agent_id")}


def team_trends(team_days: pd.DataFrame) -> pd.DataFrame:
    """Per date and team (bots are their own team), the mean quality, compliance rate and count,
    from the sums per date and team (`inputs.ReportInputs.team_days`)."""
    frame = team_days.groupby(["date", "team"])[["interactions", "quality_sum", "quality_scores", "compliant"]].sum().reset_index()
    return pd.DataFrame(
        {
            "date": frame["date"],
            "team": frame["team"],
            "mean_quality": frame["quality_sum"] / frame["quality_scores"].where(frame["quality_scores"] > 0),
            "compliance_rate": frame["compliant"] / frame["interactions"],
            "interactions": frame["interactions"],
        }
    ).sort_values(["team", "date"], ignore_index=True)


def team_summary(team_days: pd.DataFrame, day: date) -> pd.DataFrame:
    """Per team: mean quality on the day, over 7 days and over 30 days, with their counts."""
    columns = {}
    for label, days in (("day", 1), ("7d", 7), ("30d", 30)):
        since = (day - timedelta(days=days - 1)).isoformat()
        window = team_days[(team_days["date"] >= since) & (team_days["date"] <= day.isoformat())].groupby("team")[["interactions", "quality_sum", "quality_scores"]].sum()
        columns[f"mean_{label}"] = window["quality_sum"] / window["quality_scores"].where(window["quality_scores"] > 0)
        columns[f"n_{label}"] = window["interactions"]
    return pd.DataFrame(columns).reset_index(names="team").sort_values("team", ignore_index=True)


def criterion_titles(standard: Standard | None) -> dict[str, str]:
    return {c.id: c.title for c in standard.criteria} if standard else {}


def _failure_rates(results: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Applicable, failed and failure rate per group, from rows or from outcome counts (column `n`)."""
    n = results["n"] if "n" in results else pd.Series(1, index=results.index)
    frame = pd.DataFrame({**{c: results[c] for c in by}, "applicable": n.where(results["outcome"] != NOT_APPLICABLE, 0), "failed": n.where(results["outcome"] == "fail", 0)})
    grouped = frame.groupby(by, observed=True)[["applicable", "failed"]].sum()
    grouped = grouped[grouped["applicable"] > 0].astype(int)
    grouped["failure_rate"] = grouped["failed"] / grouped["applicable"]
    return grouped.reset_index()


def criterion_rates(outcome_counts: pd.DataFrame, standard: Standard | None, trust: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per criterion: applicable, failed and failure rate, overall and for people and bots, and how
    far reviewers agreed with it over the last 30 days (`trust`); worst first."""
    rates = _failure_rates(outcome_counts, ["criterion_id"])
    meta = outcome_counts.groupby("criterion_id").agg(section=("section", "first"), critical=("critical", "max"))
    by_type = _failure_rates(outcome_counts, ["criterion_id", "agent_type"])
    rates = rates.join(meta, on="criterion_id")
    for agent_type in ("human", "bot"):
        part = by_type[by_type["agent_type"] == agent_type].set_index("criterion_id")[["applicable", "failure_rate"]]
        rates = rates.join(part.add_prefix(f"{agent_type}_"), on="criterion_id")
    titles = criterion_titles(standard)
    rates["title"] = rates["criterion_id"].map(lambda c: titles.get(c, c))
    rates = rates.join(criterion_trust(trust if trust is not None else pd.DataFrame()), on="criterion_id")
    return rates.sort_values(["failure_rate", "criterion_id"], ascending=[False, True], ignore_index=True)


def criterion_trust(trust: pd.DataFrame) -> pd.DataFrame:
    """Per criterion (the index): reviewed_30d, agreement_30d (agreed / reviewed, overrides included,
    as reviews), sampled_agreement_30d (over calibration reviews alone: overrides are chosen for
    disagreeing, a calibration sample is not) and overridden_30d (verdicts an override decides)."""
    names = ["reviewed_30d", "agreement_30d", "sampled_agreement_30d", "overridden_30d"]
    if trust.empty:
        return pd.DataFrame(columns=names, index=pd.Index([], name="criterion_id"))
    frame = trust.set_index("criterion_id")
    return pd.DataFrame(
        {
            "reviewed_30d": frame["reviewed"].astype(int),
            "agreement_30d": frame["agreed"] / frame["reviewed"],
            "sampled_agreement_30d": frame["sampled_agreed"] / frame["sampled"].where(frame["sampled"] > 0),
            "overridden_30d": frame["overridden"].astype(int),
        }
    )


def most_overridden(trust: pd.DataFrame, standard: Standard | None, top: int = 5) -> pd.DataFrame:
    """The criteria reviewers overrode most over the last 30 days (at least once), most first."""
    table = criterion_trust(trust).reset_index()
    table = table[table["overridden_30d"] > 0].sort_values(["overridden_30d", "criterion_id"], ascending=[False, True]).head(top)
    titles = criterion_titles(standard)
    return table.assign(title=table["criterion_id"].map(lambda c: titles.get(c, c))).reset_index(drop=True)


def overrides_of_the_day(results: pd.DataFrame, overrides: pd.DataFrame, standard: Standard | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(applied, not applying): the verdicts a reviewer's override decides on the day, with what the
    machine said and the reviewer's reason; and the overrides recorded for the day that do not apply
    (the criterion changed or went, the machine now agrees, withdrawn), with why not."""
    titles = criterion_titles(standard)
    applied = results[_column(results, "override_id").notna()]
    applied = pd.DataFrame(
        {
            "interaction_id": applied["interaction_id"], "agent_id": applied["agent_id"], "criterion": applied["criterion_id"].map(lambda c: titles.get(c, c)),
            "machine_outcome": _column(applied, "machine_outcome"), "outcome": applied["outcome"],
            "reviewer": _column(applied, "override_reviewer"), "reason": _column(applied, "override_reason"),
        }
    ).sort_values(["interaction_id", "criterion"], ignore_index=True)  # fmt: skip
    idle = overrides[overrides["status"] != "applied"] if not overrides.empty else overrides
    not_applying = pd.DataFrame(
        {name: idle[name] if name in idle else pd.Series(dtype=object) for name in ("interaction_id", "criterion_id", "outcome", "status", "reviewer", "reason")}
    )
    return applied, not_applying.sort_values(["interaction_id", "criterion_id"], ignore_index=True) if not not_applying.empty else not_applying


def heat_map(outcome_counts: pd.DataFrame, agent_order: list[str], criterion_order: list[str]) -> pd.DataFrame:
    """Failure rate per agent (rows) and criterion (columns); NaN where it never applied."""
    rates = _failure_rates(outcome_counts, ["agent_id", "criterion_id"])
    grid = rates.pivot(index="agent_id", columns="criterion_id", values="failure_rate")
    return grid.reindex(index=agent_order, columns=criterion_order)


def format_time(start_ms: object) -> str:
    """m:ss into the conversation, or empty for chats."""
    if start_ms is None or pd.isna(start_ms):
        return ""
    seconds = int(start_ms) // 1000  # type: ignore[call-overload]
    return f"{seconds // 60}:{seconds % 60:02d}"


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column, or nulls where the frame has none (frames built without the override columns)."""
    return frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)


def compliance_failures(results: pd.DataFrame, interactions: pd.DataFrame, standard: Standard | None) -> pd.DataFrame:
    """Every failed critical criterion with its evidence: turn, time and a redacted snippet; a
    failure a reviewer's override decided says so, with the reviewer's reason."""
    failed = results[results["critical"] & (results["outcome"] == "fail")]
    failed = failed.merge(interactions[["interaction_id", "language", "channel", "agent_type"]], on="interaction_id")
    titles = criterion_titles(standard)
    evidence = [redact(text, lang) if isinstance(text, str) else "" for text, lang in zip(failed["evidence"], failed["language"])]
    return pd.DataFrame(
        {
            "agent_id": failed["agent_id"],
            "agent_type": failed["agent_type"],
            "interaction_id": failed["interaction_id"],
            "channel": failed["channel"],
            "criterion": failed["criterion_id"].map(lambda c: titles.get(c, c)),
            "turn": failed["turn_index"].map(lambda t: "" if pd.isna(t) else int(t) + 1),  # 1-based for people
            "time": failed["start_ms"].map(format_time),
            "evidence": evidence,
            "reason": [
                f"overridden by {who}: {why} (Touchstone: {machine})" if isinstance(who, str) else reason
                for who, why, machine, reason in zip(*(_column(failed, c) for c in ("override_reviewer", "override_reason", "machine_outcome", "reason")))
            ],
            "overridden": _column(failed, "override_id").notna(),
        }
    ).sort_values(["agent_id", "interaction_id", "criterion"], ignore_index=True)


def humans_and_bots(interactions: pd.DataFrame) -> pd.DataFrame:
    """People against bots on the same standard: volume, quality, compliance, and bot containment."""
    rows = []
    for agent_type in ("human", "bot"):
        part = interactions[interactions["agent_type"] == agent_type]
        rows.append(
            {
                "agent_type": agent_type,
                "interactions": len(part),
                "mean_quality": part["quality_score"].mean() if len(part) else None,
                "compliance_rate": part["compliance_passed"].mean() if len(part) else None,
                "critical_failures": int(part["critical_failures"].sum()),
                # Contained: a bot conversation that ended without a person taking over.
                "containment_rate": (1 - part["handed_over"].astype(float).mean()) if agent_type == "bot" and len(part) else None,
            }
        )
    return pd.DataFrame(rows)


def not_offered(results: pd.DataFrame, interactions: pd.DataFrame, criterion_id: str | None) -> pd.DataFrame:
    """The listed refusals: a customer asked for a person and was not offered one, with the
    evidence redacted (the counts per agent type are `inputs.ReportInputs.handover`)."""
    if criterion_id is None:
        return pd.DataFrame()
    refused = results[(results["criterion_id"] == criterion_id) & (results["outcome"] == "fail")]
    refused = refused.merge(interactions[["interaction_id", "agent_type", "language"]], on="interaction_id")
    evidence = [redact(text, lang) if isinstance(text, str) else "" for text, lang in zip(refused["evidence"], refused["language"])]
    return pd.DataFrame(
        {"interaction_id": refused["interaction_id"], "agent_id": refused["agent_id"], "agent_type": refused["agent_type"], "evidence": evidence, "reason": refused["reason"]}
    ).sort_values("interaction_id", ignore_index=True)


def quarantine_reasons(quarantine: pd.DataFrame) -> pd.DataFrame:
    """Quarantined records per reason (the part before any detail after a colon), most first."""
    if quarantine.empty:
        return pd.DataFrame(columns=["reason", "records"])
    reason = quarantine["reason"].str.split(":").str[0].str.slice(0, 120)
    return reason.value_counts().rename_axis("reason").reset_index(name="records")
