"""The supervisor's view of the closed loop (闭环): per township and per holder, tasks open, closed on time,
closed late, open and overdue, returned, escalated and the median hours from creation to closing."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd

from core.timeutil import now_beijing
from data import grid as repo
from data.store import Store
from hotspots.tasks import OWING_STATES, TaskState

FIGURES = ("tasks", "open", "closed_on_time", "closed_late", "overdue_open", "returned", "escalated", "median_hours")


def loop_figures(rows: pd.DataFrame, by: str, now: datetime) -> pd.DataFrame:
    """The loop's figures of ``rows`` (data.grid.read_loop_rows' columns) per value of ``by`` (a column:
    township_name or holder_name; a missing value is its own group), one row each with FIGURES.

    Closed on time: its last close came before the deadline then in force. Open and overdue: an open
    task owing rectification past its deadline at ``now``. Returned and escalated count tasks with at
    least one return or escalation. Median hours: creation to last close, closed tasks only.

    >>> rows = pd.DataFrame({"township_name": ["甲", "甲"], "state": ["closed", "assigned"],
    ...     "deadline": pd.to_datetime(["2025-01-02", "2025-01-01"]), "created_at": pd.to_datetime(["2025-01-01"] * 2),
    ...     "closed_at": pd.to_datetime(["2025-01-01 12:00", None]), "returns": [1, 0], "escalations": [0, 0]})
    >>> figures = loop_figures(rows, "township_name", datetime(2025, 1, 3)).iloc[0]
    >>> [float(figures[name]) for name in ("open", "closed_on_time", "overdue_open", "median_hours")]
    [1.0, 1.0, 1.0, 12.0]
    """
    closed = rows["state"] == TaskState.CLOSED.value
    owing = rows["state"].isin([state.value for state in OWING_STATES])
    frame = pd.DataFrame({
        "group": rows[by].fillna(""), "tasks": 1, "open": (~closed).astype(int),
        "closed_on_time": (closed & (rows["closed_at"] <= rows["deadline"])).astype(int),
        "closed_late": (closed & (rows["closed_at"] > rows["deadline"])).astype(int),
        "overdue_open": (owing & (rows["deadline"] < now)).astype(int),
        "returned": (rows["returns"] > 0).astype(int), "escalated": (rows["escalations"] > 0).astype(int),
        "hours": ((rows["closed_at"] - rows["created_at"]).dt.total_seconds() / 3600).where(closed)})
    grouped = frame.groupby("group", sort=True)
    figures = grouped[list(FIGURES[:-1])].sum()
    figures["median_hours"] = grouped["hours"].median().round(1)
    return figures.reset_index()


def loop_dashboard(store: Store, start: date, end: date, now: datetime | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The loop's figures of the tasks created from ``start`` to ``end`` (days inclusive, Beijing time),
    per township and per holder (a task nobody holds counts under the empty holder, the township)."""
    with store.read() as con:
        rows = repo.read_loop_rows(con, datetime.combine(start, time.min),
                                   datetime.combine(end + timedelta(days=1), time.min))
    now = now or now_beijing()
    return loop_figures(rows, "township_name", now), loop_figures(rows, "holder_name", now)
