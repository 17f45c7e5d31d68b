"""The inbox page (消息): the signed-in person's notices, newest first, unread ones marked; each opens its task
on the hotspot page (and is then read)."""
from __future__ import annotations

import streamlit as st

from app_pages.hotspots_page import TASK_PARAMETER
from app_pages.session import current_language, escape_markdown, t
from app_pages.sidebar import acting_user
from app_pages.store_access import open_store, store_busy_guard
from core.vocabulary import label
from notify import inbox

HOTSPOTS_PAGE = "app_pages/hotspots_page.py"


def _open(store, user, notice_id: int, task_id: str) -> None:
    with store_busy_guard():
        inbox.mark_read(store, user, [notice_id])
    st.switch_page(HOTSPOTS_PAGE, query_params={TASK_PARAMETER: task_id})


def render() -> None:
    """Draw the page."""
    st.title(t("inbox_title"))
    user = acting_user()
    if user is None:
        st.info(t("sign_in_required"))
        return
    lang = current_language()
    with store_busy_guard():
        store = open_store()
        notices = inbox.inbox(store, user, lang)
    if notices.empty:
        st.info(t("inbox_empty"))
        return
    unread = notices[notices["unread"]]
    st.caption(t("inbox_unread", count=len(unread)))
    if len(unread) and st.button(t("inbox_mark_read"), key="inbox_mark_read"):
        with store_busy_guard():
            inbox.mark_read(store, user, unread["id"].tolist())
        st.rerun()
    for notice in notices.itertuples():
        with st.container(border=True):
            marker = f":red-badge[{t('inbox_new')}] " if notice.unread else ""
            st.markdown(f"{marker}**{label('notice_kind', notice.kind, lang)}** · {notice.created_at:%Y-%m-%d %H:%M}")
            st.markdown(escape_markdown(notice.text))
            if isinstance(notice.task_id, str) and st.button(t("inbox_open_task"), key=f"open_{notice.id}"):
                _open(store, user, notice.id, notice.task_id)


if __name__ == "__main__":
    render()
