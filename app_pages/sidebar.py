"""The one sidebar every page shares: language switch, sign-in form or the signed-in user."""
from __future__ import annotations

import streamlit as st

from accounts.users import authenticate
from app_pages.session import current_language, escape_markdown, language_picker, t
from app_pages.store_access import open_store, region_frames, store_busy_guard, unread_for
from core.errors import SignInThrottledError
from core.policy import Role, User
from core.settings import get_settings
from core.vocabulary import label

USER_KEY = "user"


def current_user() -> User | None:
    """The signed-in user of this browser session, or None."""
    return st.session_state.get(USER_KEY)


def role_label(role: Role) -> str:
    """The role's name in the interface language."""
    return label("role", role.value, current_language())


def client_address() -> str:
    """The visitor's address as the sign-in throttle counts it: the reverse proxy's header when
    LANTIAN_SIGNIN_CLIENT_HEADER names one, else the connection's own address."""
    header = get_settings().signin_client_header
    forwarded = st.context.headers.get(header) if header else None
    return (forwarded or st.context.ip_address or "unknown").split(",")[0].strip()


def _sign_in() -> None:
    with st.sidebar.form("login", clear_on_submit=False):
        st.markdown(f"**{t('sign_in')}**")
        name = st.text_input(t("user_name"), key="login_name")
        password = st.text_input(t("password"), type="password", key="login_password")
        if st.form_submit_button(t("sign_in")):
            try:
                with store_busy_guard():
                    user = authenticate(open_store(), name.strip(), password, client_address())
            except SignInThrottledError as error:
                st.error(error.render(current_language()))
                return
            if user is None:
                st.error(t("sign_in_failed"))
            else:
                st.session_state[USER_KEY] = user
                st.rerun()


def _township_name(code: str) -> str:
    """The township's name for its code (the code itself where the store does not know it)."""
    with store_busy_guard():
        townships = region_frames(open_store())[0]
    names = dict(zip(townships["code"], townships["name"]))
    return names.get(code, code)


def sidebar() -> User | None:
    """Draw the shared sidebar and return the signed-in user (None when signed out)."""
    language_picker()
    st.sidebar.caption(t("app_title"))
    user = current_user()
    if user is None:
        _sign_in()
        st.sidebar.caption(t("public_note"))
    else:
        township = f" · {escape_markdown(_township_name(user.township_code))}" if user.township_code else ""
        st.sidebar.markdown(f":material/person: **{escape_markdown(user.name)}** · {role_label(user.role)}{township}")
        with store_busy_guard():
            unread = unread_for(open_store(), user)
        st.sidebar.markdown(f":material/mail: {t('inbox_unread', count=unread)}" if unread
                            else f":material/drafts: {t('inbox_unread', count=0)}")
        if st.sidebar.button(t("sign_out"), key="sign_out"):
            del st.session_state[USER_KEY]
            st.rerun()
    return user
