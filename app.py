"""Lantian's Streamlit entry: page setup, the language switch, then navigation between pages."""
from __future__ import annotations

import streamlit as st

from app_pages import map_page
from app_pages.session import language_picker, t

st.set_page_config(page_title="蓝天 Lantian", page_icon="🌤️", layout="wide")
language_picker()
st.sidebar.caption(t("app_title"))
navigation = st.navigation([
    st.Page(map_page.render, title=t("map_page"), icon="🗺️", url_path="map", default=True),
])
navigation.run()
