"""The one sidebar every page shares: language switch, sign-in form or the signed-in user, and which
pages each role may open."""
from __future__ import annotations

import streamlit as st

from app_pages.session import current_language, escape_markdown, language_picker, t
from app_pages.store_access import open_store, store_busy_guard
from core.policy import Role, User
from accounts.users import authenticate

USER_KEY = "user"

# Page key -> roles that see it; None means everyone, signed in or not. Air quality, zones and the
# monthly township ranking are published to the public in China, so map and ranking need no sign-in.
PAGE_ROLES: dict[str, frozenset[Role] | None] = {
    "map": None,
    "ranking": None,
    "hotspots": frozenset({Role.INSPECTOR, Role.TOWNSHIP, Role.SUPERVISOR, Role.ADMIN}),
    "data": frozenset({Role.INSPECTOR, Role.SUPERVISOR, Role.ADMIN}),
}
UPLOAD_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
ANOMALY_ROLES = frozenset({Role.SUPERVISOR, Role.INSPECTOR})


def visible_pages(user: User | None) -> list[str]:
    """The page keys ``user`` (None: not signed in) may open, in menu order."""
    return [page for page, roles in PAGE_ROLES.items()
            if roles is None or (user is not None and user.role in roles)]


def current_user() -> User | None:
    """The signed-in user of this browser session, or None."""
    return st.session_state.get(USER_KEY)


def role_label(role: Role) -> str:
    """The role's name in the interface language."""
    return role.label_zh if current_language() == "zh" else role.value


def _sign_in() -> None:
    with st.sidebar.form("login", clear_on_submit=False):
        st.markdown(f"**{t('sign_in')}**")
        name = st.text_input(t("user_name"), key="login_name")
        password = st.text_input(t("password"), type="password", key="login_password")
        if st.form_submit_button(t("sign_in")):
            with store_busy_guard():
                user = authenticate(open_store(), name.strip(), password)
            if user is None:
                st.error(t("sign_in_failed"))
            else:
                st.session_state[USER_KEY] = user
                st.rerun()


def sidebar() -> User | None:
    """Draw the shared sidebar and return the signed-in user (None when signed out)."""
    language_picker()
    st.sidebar.caption(t("app_title"))
    user = current_user()
    if user is None:
        _sign_in()
        st.sidebar.caption(t("public_note"))
    else:
        township = f" · {user.township_code}" if user.township_code else ""
        st.sidebar.markdown(f":material/person: **{escape_markdown(user.name)}** · {role_label(user.role)}{township}")
        if st.sidebar.button(t("sign_out"), key="sign_out"):
            del st.session_state[USER_KEY]
            st.rerun()
    return user
