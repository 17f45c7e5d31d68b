"""How a page opens for a signed-in person and runs their change: the service call guarded, its refusal
shown in the reader's language, success noted for the next run; uploaded files as the services take them."""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from app_pages.session import current_language, escape_markdown, t
from app_pages.sidebar import acting_user
from app_pages.store_access import store_busy_guard
from core.errors import LantianError
from core.policy import User
from hotspots.attachments import Upload


def run_action(flash_key: str, done: str, action: Callable[[], object]) -> None:
    """Run a service call; a refusal or bad input shows its message, success reruns with the notice
    'done' kept under ``flash_key`` for the page to show."""
    try:
        with store_busy_guard():
            action()
    except LantianError as error:
        st.error(escape_markdown(error.render(current_language())))
        return
    st.session_state[flash_key] = t("action_done", action=done)
    st.rerun()


def uploads(files) -> list[Upload]:
    """Streamlit's uploaded files as Uploads (the name a person gave, the bytes)."""
    return [Upload(original_name=file.name, content=file.getvalue()) for file in files or []]


def signed_in_page(title_key: str, sign_in_key: str, flash_key: str) -> User | None:
    """The page's title, then the signed-in user (None, with the hint ``sign_in_key``, when nobody is),
    showing once the notice the last action left under ``flash_key``."""
    st.title(t(title_key))
    user = acting_user()
    if user is None:
        st.info(t(sign_in_key))
        return None
    if flash_key in st.session_state:
        st.success(st.session_state.pop(flash_key))
    return user
