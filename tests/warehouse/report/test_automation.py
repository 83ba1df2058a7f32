"""Frequency x complexity of contact reasons, on a day small enough to compute by hand."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from warehouse.report.automation import contact_reasons
from warehouse.report.inputs import repeat_contacts


def _day(rows: list[tuple]) -> pd.DataFrame:
    columns = ["interaction_id", "date", "started_at", "customer_id", "contact_reason", "agent_type", "words", "transfers", "customer_distress", "handed_over", "quality_score"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["started_at"] = pd.to_datetime(frame["started_at"], utc=True)
    return frame


def test_repeat_contacts_look_back_seven_days_before_the_contact() -> None:
    history = _day(
        [
            ("old", "2026-11-14", "2026-11-14T10:00Z", "k1", "billing", "human", 10, 0, False, False, 80.0),  # 8 days before: too old
            ("week", "2026-11-15", "2026-11-15T12:00Z", "k2", "billing", "human", 10, 0, False, False, 80.0),  # within 7 days
            ("same-day", "2026-11-22", "2026-11-22T08:00Z", "k3", "billing", "human", 10, 0, False, False, 80.0),
        ]
    )
    today = _day(
        [
            ("a", "2026-11-22", "2026-11-22T11:00Z", "k1", "billing", "human", 10, 0, False, False, 80.0),
            ("b", "2026-11-22", "2026-11-22T11:00Z", "k2", "billing", "human", 10, 0, False, False, 80.0),
            ("c", "2026-11-22", "2026-11-22T09:00Z", "k3", "billing", "human", 10, 0, False, False, 80.0),  # after "same-day"
            ("d", "2026-11-22", None, None, "billing", "human", 10, 0, False, False, 80.0),  # no customer id
        ]
    )
    db = duckdb.connect()
    db.register("interaction_scores", pd.concat([history, today, today.assign(standard_id="sales")], ignore_index=True))  # "a" to "d" scored twice (routed): one contact each
    # "same-day" itself came first; "c" came an hour after it.
    assert repeat_contacts(db, date(2026, 11, 22)) == {"b", "c"}
    assert repeat_contacts(db, date(2026, 11, 22), days=6) == {"c"}  # "week" is 6 days 23 hours before "b"


def test_quadrants_by_hand() -> None:
    rows = []
    # billing: 4 people, all transferred, 100-400 words.
    rows += [(f"b{i}", "2026-11-22", None, None, "billing", "human", 100 * (i + 1), 1, False, False, 60.0) for i in range(4)]
    # payment: 4 short bot contacts, the first handed over to a person.
    rows += [(f"p{i}", "2026-11-22", None, None, "payment", "bot", 10, int(i == 0), False, i == 0, 90.0) for i in range(4)]
    # moving: 1 short contact with a distressed customer.
    rows += [("m0", "2026-11-22", None, None, "moving", "human", 10, 0, True, False, 70.0)]
    table, thresholds = contact_reasons(_day(rows), frozenset({"m0"}))  # a repeat too: 2 signs of 4
    by_reason = table.set_index("contact_reason")
    # Words sorted: 10 x 5, 100, 200, 300, 400; the 75th percentile is the 7th value, 200, so only
    # 300 and 400 are long. Per interaction (long + transferred + distressed + repeat) / 4:
    # billing 1/4, 1/4, 2/4, 2/4 (mean 0.375); payment 1/4, 0, 0, 0 (0.0625); moving 2/4.
    assert thresholds == {"frequency": pytest.approx(3.0), "complexity": pytest.approx(2.25 / 9)}
    assert by_reason["complexity"].to_dict() == pytest.approx({"billing": 0.375, "payment": 0.0625, "moving": 0.5})
    assert by_reason["repeat_rate"].to_dict() == {"billing": 0.0, "payment": 0.0, "moving": 1.0}
    assert by_reason.loc["billing", "long_rate"] == 0.5 and by_reason.loc["payment", "transferred_rate"] == 0.25
    assert by_reason.loc["payment", "bot_containment"] == pytest.approx(0.75)
    assert pd.isna(by_reason.loc["billing", "bot_containment"])  # no bot contacts
    assert by_reason["quadrant"].to_dict() == {"billing": "fix the process", "payment": "automate", "moving": "specialists"}
    assert list(table["contact_reason"]) == ["billing", "payment", "moving"]  # most frequent first, then by name
