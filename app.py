"""Lantian's Streamlit entry: page setup, the shared sidebar (language, sign-in), then the pages the
signed-in role may open; an error nobody raised on purpose shows a reference id, never a traceback."""
from __future__ import annotations

import streamlit as st

from app_pages.alert_banner import alert_banner
from app_pages.page_scripts import page_scripts
from app_pages.session import current_language, escape_markdown, t
from app_pages.sidebar import sidebar
from app_pages.store_access import is_demo, open_store, store_busy_guard
from core.errors import LantianError
from core.logs import log_unexpected
from core.policy import visible_pages

st.set_page_config(page_title="蓝天 Lantian", page_icon="🌤️", layout="wide")


def _run() -> None:
    user = sidebar()
    page_scripts(current_language())
    alert_banner()
    with store_busy_guard():
        demo = is_demo(open_store())
    if demo:
        st.caption(f":material/science: {t('demo_store_notice')}")  # one line: the map must still fit the screen
    # Material icons come with Streamlit's own font: emoji would be empty boxes where no emoji font is installed.
    pages = {
        "map": st.Page("app_pages/map_page.py", title=t("map_page"), icon=":material/map:", url_path="map",
                       default=True),
        "queue": st.Page("app_pages/queue_page.py", title=t("queue_page"), icon=":material/checklist:",
                         url_path="queue"),
        "ranking": st.Page("app_pages/ranking_page.py", title=t("ranking_page"), icon=":material/leaderboard:",
                           url_path="ranking"),
        "hotspots": st.Page("app_pages/hotspots_page.py", title=t("hotspots_page"),
                            icon=":material/local_fire_department:", url_path="hotspots"),
        "fires": st.Page("app_pages/fires_page.py", title=t("fires_page"), icon=":material/fact_check:",
                         url_path="fires"),
        "emergency": st.Page("app_pages/emergency_page.py", title=t("emergency_page"), icon=":material/warning:",
                             url_path="emergency"),
        "data": st.Page("app_pages/data_page.py", title=t("data_page"), icon=":material/database:",
                        url_path="data"),
        "inbox": st.Page("app_pages/inbox_page.py", title=t("inbox_page"), icon=":material/mail:", url_path="inbox"),
        "loop": st.Page("app_pages/loop_page.py", title=t("loop_page"), icon=":material/monitoring:", url_path="loop"),
    }
    st.navigation([pages[key] for key in visible_pages(user)]).run()


try:
    _run()
except LantianError as error:  # a damaged store, a full disk: the message says what to do
    st.error(escape_markdown(error.render(current_language())))
except Exception as error:  # noqa: BLE001 -- Streamlit's rerun and stop are BaseExceptions and pass through
    st.error(t("error.unexpected", reference=log_unexpected(error, "app")))
