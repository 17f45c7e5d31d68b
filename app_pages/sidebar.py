"""The one sidebar every page shares: language switch, sign-in form or the signed-in user."""
from __future__ import annotations

import streamlit as st

from accounts.sessions import end_session, fresh_user, resume, start_session
from accounts.users import authenticate
from app_pages.page_scripts import fold_sidebar_after_sign_in
from app_pages.session import current_language, escape_markdown, language_picker, t
from app_pages.store_access import open_store, region_frames, store_busy_guard, unread_for
from core.errors import SignInThrottledError
from core.policy import Role, User
from core.settings import get_settings
from core.vocabulary import label

USER_KEY = "user"
# The session token (accounts.sessions) lives in the page address so a reload resumes the session, and in
# the session state so a page switch that drops the address's parameters cannot lose it.
TOKEN_KEY = "session_token"
TOKEN_PARAM = "s"
# Set when this run signed a session out that had not asked to be (expired, revoked, user disabled).
ENDED_KEY = "session_ended"


def _sign_out() -> None:
    """End the session in the store and forget it here and in the address."""
    token = st.session_state.pop(TOKEN_KEY, None) or st.query_params.get(TOKEN_PARAM)
    if token:
        with store_busy_guard():
            end_session(open_store(), token)
    st.session_state.pop(USER_KEY, None)
    st.query_params.pop(TOKEN_PARAM, None)


def acting_user() -> User | None:
    """The signed-in user as the store has them at this run (role, township), or None. A session whose user
    was disabled or removed, or which expired, is signed out here, so it cannot act at its next run."""
    token = st.query_params.get(TOKEN_PARAM) or st.session_state.get(TOKEN_KEY)
    kept = st.session_state.get(USER_KEY)
    if token is None and kept is None:
        return None
    with store_busy_guard():
        store = open_store()
        # Without a token the user was put into the session state directly (the tests' signed-in session).
        user = resume(store, token) if token else fresh_user(store, kept.name)
    if user is None:
        _sign_out()
        st.session_state[ENDED_KEY] = True
        return None
    st.session_state[USER_KEY] = user
    if token:
        st.session_state[TOKEN_KEY] = token
        if st.query_params.get(TOKEN_PARAM) != token:
            st.query_params[TOKEN_PARAM] = token
    return user


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
                with store_busy_guard():
                    token = start_session(open_store(), user)
                st.session_state[USER_KEY] = user
                st.session_state[TOKEN_KEY] = token
                st.query_params[TOKEN_PARAM] = token
                fold_sidebar_after_sign_in()  # on a phone the open sidebar would cover the map
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
    user = acting_user()
    if user is None:
        if st.session_state.pop(ENDED_KEY, False):
            st.sidebar.warning(t("session.ended"))
            st.toast(t("session.ended"), icon=":material/logout:")  # on a phone the sidebar is folded away
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
            _sign_out()
            st.rerun()
    return user
