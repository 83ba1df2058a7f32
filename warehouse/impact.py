"""What a draft standard would change: its re-score of past days set against what is published.

Per date, `compare_day` reads the published tables and the draft run's staged tables (the same
pipeline scored both; the draft's is never published) and reduces them to sums; `Impact` adds the
dates up, so a month of days costs the memory of one. The figures:

- per criterion: pass, fail and not applicable on both sides, pass rate (pass / (pass + fail));
- per agent and per team: interactions, mean quality and compliance rate on both sides, over the
  interactions scored on both sides;
- every interaction whose compliance flips, both ways, with the critical criteria that decide it
  (their evidence and reason, from the side where they failed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc

from warehouse.frames import of_standard
from warehouse.location import Warehouse
from warehouse.queries import connect
from warehouse.staging import Staging, read_staged, staged_name
from warehouse.store import read_table
from warehouse.tables import CRITERION_RESULTS, INTERACTION_SCORES

SIDES = ("published", "draft")
INTERACTION_COLUMNS = ["interaction_id", "agent_id", "team", "language", "quality_score", "compliance_passed"]
EVIDENCE_COLUMNS = ["interaction_id", "criterion_id", "evidence", "reason", "turn_index", "override_reviewer", "override_reason"]
NO_TEAM = "(no team)"
# Per agent and team, summed over dates: interactions, quality sums and counts, compliant counts.
_SUMS = ["interactions", "quality_sum_published", "quality_n_published", "quality_sum_draft", "quality_n_draft", "compliant_published", "compliant_draft"]


def _outcome_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """criterion_id x outcome counts (columns pass, fail, not_applicable)."""
    counts = frame.groupby(["criterion_id", "outcome"], observed=True).size().unstack(fill_value=0)
    return counts.reindex(columns=["pass", "fail", "not_applicable"], fill_value=0).rename_axis(columns=None)


def _critical_failures(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[rows["critical"] & (rows["outcome"] == "fail")][EVIDENCE_COLUMNS]


@dataclass
class Impact:
    """The comparison over every date added so far."""

    days: list[str] = field(default_factory=list)
    criteria: dict[str, pd.DataFrame] = field(default_factory=dict)  # side -> outcome counts per criterion
    sums: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["agent_id", "team", *_SUMS]))
    flips: list[pd.DataFrame] = field(default_factory=list)
    changed_quality: int = 0  # interactions whose quality score differs
    only_published: int = 0  # scored on one side only (e.g. quarantined on the other)
    only_draft: int = 0

    def add(self, day: date, warehouse: Warehouse | Path, staged: Staging | Path, standard_id: str | None = None) -> None:
        """Add one date: its published tables (the rows of `standard_id`, the draft's standard: a
        routed date has several) and the draft's staged tables in its staging place `staged`."""
        published = of_standard(read_table(warehouse, INTERACTION_SCORES.name, day, columns=[*INTERACTION_COLUMNS, "standard_id"]), standard_id)
        published = published.drop(columns=["date", "standard_id"])
        draft = read_staged(INTERACTION_SCORES, staged, INTERACTION_COLUMNS).to_pandas()
        both = published.merge(draft, on="interaction_id", suffixes=("_published", "_draft"), validate="one_to_one")
        self.days.append(day.isoformat())
        self.only_published += len(published) - len(both)
        self.only_draft += len(draft) - len(both)
        q_pub, q_draft = both["quality_score_published"], both["quality_score_draft"]
        self.changed_quality += int(((q_pub != q_draft) & ~(q_pub.isna() & q_draft.isna())).sum())
        self._add_sums(both)
        for side, counts in (("published", self._published_counts(warehouse, day, standard_id)), ("draft", self._draft_counts(staged))):
            self.criteria[side] = counts if side not in self.criteria else self.criteria[side].add(counts, fill_value=0)
        flipped = both[both["compliance_passed_published"] != both["compliance_passed_draft"]]
        if not flipped.empty:
            self.flips.append(self._flips(day, flipped, warehouse, staged, standard_id))

    def _add_sums(self, both: pd.DataFrame) -> None:
        frame = pd.DataFrame(
            {
                "agent_id": both["agent_id_published"],
                "team": both["team_published"].astype(object).fillna(NO_TEAM),
                "interactions": 1,
                **{f"quality_sum_{s}": both[f"quality_score_{s}"].fillna(0.0) for s in SIDES},
                **{f"quality_n_{s}": both[f"quality_score_{s}"].notna().astype(int) for s in SIDES},
                **{f"compliant_{s}": both[f"compliance_passed_{s}"].astype(int) for s in SIDES},
            }
        )
        day_sums = frame.groupby(["agent_id", "team"], as_index=False)[_SUMS].sum()
        self.sums = pd.concat([self.sums, day_sums], ignore_index=True).groupby(["agent_id", "team"], as_index=False)[_SUMS].sum()

    @staticmethod
    def _published_counts(warehouse: Warehouse | Path, day: date, standard_id: str | None) -> pd.DataFrame:
        return _outcome_counts(of_standard(read_table(warehouse, CRITERION_RESULTS.name, day, compact=True, columns=["criterion_id", "outcome", "standard_id"]), standard_id))

    @staticmethod
    def _draft_counts(staged: Staging | Path) -> pd.DataFrame:
        return _outcome_counts(read_staged(CRITERION_RESULTS, staged, ["criterion_id", "outcome"]).to_pandas())

    @staticmethod
    def _flips(day: date, flipped: pd.DataFrame, warehouse: Warehouse | Path, staged: Staging | Path, standard_id: str | None) -> pd.DataFrame:
        """The flipped interactions with the critical criteria failing on the side that is not compliant."""
        ids = list(flipped["interaction_id"])
        db = connect(warehouse)
        db.register("flipped", pd.DataFrame({"interaction_id": ids}))
        published = db.execute(
            f"""select {", ".join(EVIDENCE_COLUMNS)} from criterion_results
                where date = ? and (? is null or standard_id = ?) and critical and outcome = 'fail' and interaction_id in (select interaction_id from flipped)""",
            [day.isoformat(), standard_id, standard_id],
        ).df()
        columns = [*EVIDENCE_COLUMNS, "critical", "outcome"]
        draft = _critical_failures(Staging.at(staged).read_table(staged_name(CRITERION_RESULTS), columns=columns, filters=pc.field("interaction_id").isin(ids)).to_pandas())
        rows = []
        for row in flipped.itertuples(index=False):
            now_failing = row.compliance_passed_published  # compliant before: the draft fails it
            deciding = (draft if now_failing else published)
            deciding = deciding[deciding["interaction_id"] == row.interaction_id].sort_values("criterion_id")
            rows.append(
                {
                    "date": day.isoformat(),
                    "interaction_id": row.interaction_id,
                    "agent_id": row.agent_id_published,
                    "team": row.team_published,
                    "language": row.language_published,
                    "direction": "now non-compliant" if now_failing else "now compliant",
                    "quality_published": row.quality_score_published,
                    "quality_draft": row.quality_score_draft,
                    "criteria": ", ".join(deciding["criterion_id"]),
                    "evidence": " | ".join(e for e in deciding["evidence"] if isinstance(e, str)),
                    # A failure a reviewer's override decided gives the reviewer's reason.
                    "reason": " | ".join(
                        f"overridden by {who}: {why}" if isinstance(who, str) else reason
                        for who, why, reason in zip(deciding["override_reviewer"], deciding["override_reason"], deciding["reason"])
                    ),
                    "turn_index": None if deciding.empty or pd.isna(deciding["turn_index"].iat[0]) else int(deciding["turn_index"].iat[0]),
                }
            )
        return pd.DataFrame(rows)

    # The figures, from the sums.

    def criterion_table(self) -> pd.DataFrame:
        """Per criterion: counts and pass rate on both sides, and the change in pass rate."""
        sides = [self.criteria.get(s, pd.DataFrame(columns=["pass", "fail", "not_applicable"])).add_prefix(f"{s}_") for s in SIDES]
        table = sides[0].join(sides[1], how="outer").fillna(0).astype(int)
        for side in SIDES:
            decided = table[f"{side}_pass"] + table[f"{side}_fail"]
            table[f"{side}_pass_rate"] = table[f"{side}_pass"] / decided.where(decided > 0)
        table["pass_rate_change"] = table["draft_pass_rate"] - table["published_pass_rate"]
        return table.rename_axis("criterion_id").reset_index()

    def _means(self, by: str) -> pd.DataFrame:
        grouped = self.sums.groupby(by)[_SUMS].sum()
        table = pd.DataFrame({"interactions": grouped["interactions"].astype(int)})
        for side in SIDES:
            table[f"mean_quality_{side}"] = grouped[f"quality_sum_{side}"] / grouped[f"quality_n_{side}"].where(grouped[f"quality_n_{side}"] > 0)
            table[f"compliance_{side}"] = grouped[f"compliant_{side}"] / grouped["interactions"]
        table["quality_change"] = table["mean_quality_draft"] - table["mean_quality_published"]
        return table

    def agent_table(self) -> pd.DataFrame:
        """Per agent (with the team of most of its interactions): mean quality and compliance, both sides."""
        table = self._means("agent_id")
        by_team = self.sums.sort_values(["interactions", "team"], ascending=[False, True]).drop_duplicates("agent_id").set_index("agent_id")["team"]
        table.insert(0, "team", by_team)
        return table.reset_index().sort_values(["quality_change", "agent_id"], key=lambda c: c.abs() if c.name == "quality_change" else c, ascending=[False, True], ignore_index=True)

    def team_table(self) -> pd.DataFrame:
        """Per team (bots and agents without a team under '(no team)'): the same as per agent."""
        return self._means("team").reset_index().sort_values("team", ignore_index=True)

    def flip_table(self) -> pd.DataFrame:
        columns = ["date", "interaction_id", "agent_id", "team", "language", "direction", "quality_published", "quality_draft", "criteria", "evidence", "reason", "turn_index"]
        return pd.concat(self.flips, ignore_index=True) if self.flips else pd.DataFrame(columns=columns)

    def headline(self) -> dict[str, float | int | None]:
        """The whole range at a glance."""
        totals = self.sums[_SUMS].sum()
        flips = self.flip_table()
        out: dict[str, float | int | None] = {"days": len(self.days), "interactions": int(totals["interactions"])}
        for side in SIDES:
            out[f"mean_quality_{side}"] = float(totals[f"quality_sum_{side}"] / totals[f"quality_n_{side}"]) if totals[f"quality_n_{side}"] else None
            out[f"compliance_{side}"] = float(totals[f"compliant_{side}"] / totals["interactions"]) if totals["interactions"] else None
        out["now_non_compliant"] = int((flips["direction"] == "now non-compliant").sum())
        out["now_compliant"] = int((flips["direction"] == "now compliant").sum())
        out["quality_changed"] = self.changed_quality
        out["only_published"], out["only_draft"] = self.only_published, self.only_draft
        return out
