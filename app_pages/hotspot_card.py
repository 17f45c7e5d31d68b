"""The hotspot card (研判卡) on a page, and the one hotspot selection the map and today's queue share."""
from __future__ import annotations

import streamlit as st

from app_pages.actions import run_action
from app_pages.session import current_language, escape_markdown, t
from core.policy import User, may_take
from data.store import Store
from hotspots import task_service
from hotspots.card import hotspot_card
from hotspots.config import configured
from hotspots.tasks import TaskState

# The hotspot id chosen on the map or in today's queue; both pages read and set it.
SELECTED_HOTSPOT_KEY = "selected_hotspot"
CARD_FLASH_KEY = "card_flash"


def select_hotspot(hotspot_id: str | None) -> None:
    """Make ``hotspot_id`` the shared selection (None clears it)."""
    if hotspot_id is None:
        st.session_state.pop(SELECTED_HOTSPOT_KEY, None)
    else:
        st.session_state[SELECTED_HOTSPOT_KEY] = hotspot_id


def selected_hotspot() -> str | None:
    """The shared selection's hotspot id, or None."""
    return st.session_state.get(SELECTED_HOTSPOT_KEY)


def show_card(store: Store, user: User, hotspot: dict, key: str) -> None:
    """The card of one hotspot row (read_hotspots' columns plus task_id/task_state): sentence, evidence,
    sources with their action, navigation buttons, the score parts under 评分明细, and 生成交办单 for those
    who may make a task from a hotspot that has none yet."""
    lang = current_language()
    card = hotspot_card(hotspot, lang, configured())
    if CARD_FLASH_KEY in st.session_state:
        st.success(st.session_state.pop(CARD_FLASH_KEY))
    with st.container(border=True, key=f"{key}_card"):
        st.markdown(f"**{escape_markdown(card.title)}**")
        st.markdown(f"#### {escape_markdown(card.sentence)}")
        st.markdown(f"**{t('card.actions')}**：{escape_markdown('；'.join(card.actions))}")
        if card.navigation:
            for column, (name, url) in zip(st.columns(len(card.navigation)), card.navigation.items()):
                column.link_button(t(f"card.nav.{name}"), url, use_container_width=True)
        evidence_column, sources_column = st.columns(2)
        evidence_column.markdown(f"**{t('card.evidence')}**")
        evidence_column.markdown("\n".join(f"- {escape_markdown(name)}：{escape_markdown(value)}"
                                           for name, value in card.evidence))
        sources_column.markdown(f"**{t('card.sources')}**")
        sources_column.markdown("\n".join(f"- {escape_markdown(source)}" for source in card.sources)
                                or t("card.no_sources"))
        with st.expander(t("card.details")):
            st.markdown("\n".join(f"- {escape_markdown(name)}：{escape_markdown(value)}" for name, value in card.details))
        state = hotspot.get("task_state")
        if isinstance(state, str):
            st.caption(t("hotspot_task", task=hotspot.get("task_id"), state=TaskState(state).label(lang)))
        elif may_take(user, "create") and st.button(t("create_task"), key=f"{key}_create_task", type="primary"):
            run_action(CARD_FLASH_KEY, t("create_task"),
                       lambda: task_service.create_task_from_hotspot(store, user, hotspot["id"]))
