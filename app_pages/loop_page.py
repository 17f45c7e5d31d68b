"""The loop dashboard (闭环看板) for supervisors: per township and per holder, the tasks of a period open,
closed on time or late, overdue, returned, escalated, and the median hours to close."""
from __future__ import annotations

from datetime import timedelta

import streamlit as st

from app_pages.session import t
from app_pages.sidebar import acting_user
from app_pages.store_access import open_store, store_busy_guard
from app_pages.tables import shown_table, table_config
from core.policy import DASHBOARD_ROLES
from core.timeutil import now_beijing
from hotspots.loop_stats import FIGURES, loop_dashboard

DEFAULT_DAYS = 90


def _table(frame, key: str, group_label: str) -> None:
    columns = ["group", *FIGURES]
    # A group with nothing closed has no median: '—', not 'None' (shown_table).
    shown = shown_table(frame[columns].assign(group=frame["group"].replace("", group_label)), {"median_hours": 1})
    st.dataframe(shown, key=key, hide_index=True, use_container_width=True,
                 column_config=table_config(shown, {"group": t("col_group"), **{name: t(f"col_{name}") for name in FIGURES}},
                                            {"median_hours": "%.1f"}))


def render() -> None:
    """Draw the page."""
    st.title(t("loop_title"))
    user = acting_user()
    if user is None or user.role not in DASHBOARD_ROLES:
        st.info(t("sign_in_required"))
        return
    today = now_beijing().date()
    period = st.date_input(t("loop_period"), value=(today - timedelta(days=DEFAULT_DAYS), today), key="loop_period")
    if not isinstance(period, tuple) or len(period) != 2:
        return
    with store_busy_guard():
        by_township, by_person = loop_dashboard(open_store(), *period)
    if by_township.empty:
        st.info(t("loop_none"))
        return
    st.subheader(t("loop_by_township"))
    _table(by_township, "loop_townships", "—")
    st.subheader(t("loop_by_person"))
    _table(by_person, "loop_people", t("township_as_holder"))


if __name__ == "__main__":
    render()
