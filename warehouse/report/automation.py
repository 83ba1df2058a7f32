"""Which contacts suit automation and which need people: contact reasons by frequency x complexity.

Each reason is placed by two numbers that a QA manager can check by hand:

- frequency: its interactions on the day; high when at least the mean per reason (total / reasons);
- complexity: the mean share of its interactions showing each of four signs of a hard contact,
  (long + transferred + distressed + repeat) / 4, where long is more words than the day's 75th
  percentile and repeat is the same customer in touch in the previous 7 days; high when at least
  the same index over all of the day's interactions.

High frequency and low complexity is where bots pay off; high complexity needs people, and frequent
complex contacts point at a process to fix. Bot containment (bot conversations that ended without a
person) shows how far automation already goes per reason.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from warehouse.report.inputs import REPEAT_DAYS

LONG_QUANTILE = 0.75
SIGNS = ("long", "transferred", "distressed", "repeat")
QUADRANTS = {
    (True, False): ("automate", "frequent and simple: automate, bots first"),
    (True, True): ("fix the process", "frequent and complex: people, and a process worth fixing"),
    (False, False): ("self-service", "rare and simple: self-service and help articles"),
    (False, True): ("specialists", "rare and complex: route to experienced people"),
}


def repeat_contacts(day_interactions: pd.DataFrame, history: pd.DataFrame, days: int = REPEAT_DAYS) -> pd.Series:
    """Per interaction of the day: whether the same customer was in touch in the `days` before it.

    Contacts without a customer id are never repeats; without a start time the date is used. Each
    contact is compared with the customer's latest strictly earlier contact (sorting, not pairing
    contacts, so a customer with hundreds of contacts costs no more than hundreds of rows).
    """

    def when(frame: pd.DataFrame) -> pd.Series:
        dates = pd.to_datetime(frame["date"].astype(str)).dt.tz_localize("UTC")
        return frame["started_at"].fillna(dates) if "started_at" in frame else dates

    times = pd.concat(
        [pd.DataFrame({"customer_id": frame["customer_id"].astype(object), "at": when(frame)}) for frame in (history, day_interactions)], ignore_index=True
    ).dropna(subset=["customer_id"])
    distinct = times.drop_duplicates().sort_values(["customer_id", "at"], ignore_index=True)
    distinct["previous"] = distinct.groupby("customer_id")["at"].shift()
    today = pd.DataFrame({"customer_id": day_interactions["customer_id"].astype(object), "at": when(day_interactions)})
    found = today.merge(distinct, on=["customer_id", "at"], how="left")["previous"]
    return pd.Series((found.notna() & (today["at"] - found <= timedelta(days=days))).to_numpy(), index=day_interactions.index)


def contact_signs(interactions: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """The four signs of complexity per interaction, as booleans."""
    long_after = interactions["words"].quantile(LONG_QUANTILE) if len(interactions) else 0
    return pd.DataFrame(
        {
            "contact_reason": interactions["contact_reason"],
            "agent_type": interactions["agent_type"],
            "handed_over": interactions["handed_over"].astype(bool),
            "quality_score": interactions["quality_score"],
            "long": interactions["words"] > long_after,
            "transferred": interactions["transfers"] > 0,
            "distressed": interactions["customer_distress"].fillna(False).astype(bool),
            "repeat": repeat_contacts(interactions, history),
        }
    )


def complexity(signs: pd.DataFrame) -> pd.Series:
    return signs[list(SIGNS)].astype(float).mean(axis=1)


def contact_reasons(interactions: pd.DataFrame, history: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, float]]:
    """One row per reason with its quadrant; and the two thresholds that split the quadrants."""
    if interactions.empty:
        return pd.DataFrame(), {"frequency": 0.0, "complexity": 0.0}
    signs = contact_signs(interactions, history).assign(complexity=lambda s: complexity(s))
    rows = []
    for reason, part in signs.groupby("contact_reason", sort=True):
        bots = part[part["agent_type"] == "bot"]
        rows.append(
            {
                "contact_reason": reason,
                "interactions": len(part),
                "share": len(part) / len(signs),
                **{f"{sign}_rate": part[sign].mean() for sign in SIGNS},
                "complexity": part["complexity"].mean(),
                "bot_share": len(bots) / len(part),
                "bot_containment": 1 - bots["handed_over"].mean() if len(bots) else None,
                "mean_quality": part["quality_score"].mean(),
                "human_quality": part.loc[part["agent_type"] == "human", "quality_score"].mean(),
                "bot_quality": bots["quality_score"].mean(),
            }
        )
    table = pd.DataFrame(rows)
    thresholds = {"frequency": len(signs) / len(table), "complexity": float(signs["complexity"].mean())}
    quadrant = [QUADRANTS[(n >= thresholds["frequency"], c >= thresholds["complexity"])] for n, c in zip(table["interactions"], table["complexity"])]
    table["quadrant"] = [q[0] for q in quadrant]
    table["advice"] = [q[1] for q in quadrant]
    return table.sort_values(["interactions", "contact_reason"], ascending=[False, True], ignore_index=True), thresholds
