"""The active-alert banner every page shows: the highest alert in force now, its area and times."""
from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import streamlit as st

from app_pages.session import current_language, t
from app_pages.store_access import open_store, region_frames, store_busy_guard, store_version
from core.timeutil import now_beijing
from core.vocabulary import label
from data.store import Store
from emergency.alerts import active_alerts

# The colours of the four warning levels (GB/T 27962 气象灾害预警信号), text readable on each.
LEVEL_COLOURS = {"blue": ("#1f6fd1", "#ffffff"), "yellow": ("#ffd400", "#1a1a1a"), "orange": ("#ff8c00", "#1a1a1a"),
                 "red": ("#d40000", "#ffffff")}


@st.cache_data(show_spinner=False, max_entries=8, ttl=300)
def _active(db_path: str, version: tuple[int, int], minute: dt.datetime) -> pd.DataFrame:
    return active_alerts(Store(db_path), minute)


def alert_banner() -> None:
    """Draw the banner of the highest alert in force (Beijing time now), or nothing."""
    with store_busy_guard():
        store = open_store()
        minute = now_beijing().replace(second=0, microsecond=0)
        alerts = _active(str(store.path), store_version(store), minute)
        if alerts.empty:
            return
        names = dict(zip(*[region_frames(store)[0][column] for column in ("code", "name")]))
    alert = alerts.iloc[0]
    lang = current_language()
    area = "、".join(names.get(code, code) for code in alert["area_codes"]) or t("alert.whole_city")
    text = t("alert.banner", level=label("alert_level", alert["level"], lang), area=area,
             start=f"{alert['starts_at']:%m-%d %H:%M}", until=f"{alert['in_force_until']:%m-%d %H:%M}")
    background, colour = LEVEL_COLOURS[alert["level"]]
    st.markdown(f'<div class="lantian-alert-banner" role="alert" style="background:{background};color:{colour};'
                f'padding:0.45rem 0.9rem;border-radius:0.4rem;font-weight:600;margin-bottom:0.6rem">'
                f"{html.escape(text)}</div>", unsafe_allow_html=True)
