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

from collections.abc import Collection

import pandas as pd

LONG_QUANTILE = 0.75
SIGNS = ("long", "transferred", "distressed", "repeat")
QUADRANTS = {
    (True, False): ("automate", "frequent and simple: automate, bots first"),
    (True, True): ("fix the process", "frequent and complex: people, and a process worth fixing"),
    (False, False): ("self-service", "rare and simple: self-service and help articles"),
    (False, True): ("specialists", "rare and complex: route to experienced people"),
}


def contact_signs(interactions: pd.DataFrame, repeats: Collection[str]) -> pd.DataFrame:
    """The four signs of complexity per interaction, as booleans (`repeats`: `repeat_contacts`)."""
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
            "repeat": interactions["interaction_id"].isin(repeats),
        }
    )


def complexity(signs: pd.DataFrame) -> pd.Series:
    return signs[list(SIGNS)].astype(float).mean(axis=1)


def contact_reasons(interactions: pd.DataFrame, repeats: Collection[str]) -> tuple[pd.DataFrame, dict[str, float]]:
    """One row per reason with its quadrant; and the two thresholds that split the quadrants."""
    if interactions.empty:
        return pd.DataFrame(), {"frequency": 0.0, "complexity": 0.0}
    signs = contact_signs(interactions, repeats).assign(complexity=lambda s: complexity(s))
    rows = []
    for reason, part in signs.groupby("contact_reason", sort=True, observed=True):
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
