"""Lantian's Streamlit entry: page setup, the shared sidebar (language, sign-in), then the pages the
signed-in role may open."""
from __future__ import annotations

import streamlit as st

from app_pages.session import t
from app_pages.sidebar import sidebar
from core.policy import visible_pages

st.set_page_config(page_title="蓝天 Lantian", page_icon="🌤️", layout="wide")
user = sidebar()
# Material icons come with Streamlit's own font: emoji would be empty boxes where no emoji font is installed.
PAGES = {
    "map": st.Page("app_pages/map_page.py", title=t("map_page"), icon=":material/map:", url_path="map",
                   default=True),
    "queue": st.Page("app_pages/queue_page.py", title=t("queue_page"), icon=":material/checklist:", url_path="queue"),
    "ranking": st.Page("app_pages/ranking_page.py", title=t("ranking_page"), icon=":material/leaderboard:",
                       url_path="ranking"),
    "hotspots": st.Page("app_pages/hotspots_page.py", title=t("hotspots_page"),
                        icon=":material/local_fire_department:", url_path="hotspots"),
    "fires": st.Page("app_pages/fires_page.py", title=t("fires_page"), icon=":material/fact_check:", url_path="fires"),
    "data": st.Page("app_pages/data_page.py", title=t("data_page"), icon=":material/database:", url_path="data"),
}
st.navigation([PAGES[key] for key in visible_pages(user)]).run()
