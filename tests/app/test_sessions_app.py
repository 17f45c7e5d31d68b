"""Sessions through AppTest on a copy of the demo store: signing in puts the session token in the address, a
reload of that address resumes the user, a page switch keeps it, sign-out revokes it, and a user disabled
with `cli.py user disable` is signed out at the next run, so the click that run carries changes nothing."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

import cli
from accounts.sessions import resume, start_session
from app_pages.sidebar import TOKEN_KEY, TOKEN_PARAM, USER_KEY
from core.timeutil import now_beijing
from core.vocabulary import translate
from emergency import alerts
from ingest.demo.accounts import DEMO_ACCOUNTS
from tests.app.test_app_pages import APP, PAGES, SUPERVISOR, TIMEOUT_S, _open, demo_copy, detected_demo

__all__ = ["demo_copy", "detected_demo"]  # the fixtures are imported for pytest to find
EMERGENCY = "app_pages/emergency_page.py"
ISSUE_ALERT = f"FormSubmitter:alert_issue-{translate('alert.issue_button', 'zh')}"


def _reload(token: str) -> AppTest:
    """A new browser session opening the address ``?s=<token>``, as a reload of the page does."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.query_params[TOKEN_PARAM] = token
    at.run()
    assert not at.exception, at.exception
    return at


def _signed_in_as(at: AppTest) -> str | None:
    user = at.session_state[USER_KEY] if USER_KEY in at.session_state else None
    return None if user is None else user.name


def test_signing_in_puts_the_token_in_the_address_and_a_reload_resumes_it(demo_copy):
    name, password, _role, _township = next(account for account in DEMO_ACCOUNTS if account[0] == "duban")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    assert TOKEN_PARAM not in at.query_params
    at.sidebar.text_input(key="login_name").input(name)
    at.sidebar.text_input(key="login_password").input(password)
    at.sidebar.button[0].click().run()
    assert not at.exception, at.exception
    token = at.query_params[TOKEN_PARAM]
    assert resume(demo_copy, token) == SUPERVISOR

    again = _reload(token)
    assert _signed_in_as(again) == "duban"
    assert any("duban" in markdown.value for markdown in again.sidebar.markdown)
    again.switch_page(PAGES["hotspots"]).run()  # a page only the signed-in may open
    assert not again.exception, again.exception
    assert again.query_params[TOKEN_PARAM] == token and _signed_in_as(again) == "duban"


def test_sign_out_revokes_the_session_and_clears_the_address(demo_copy):
    token = start_session(demo_copy, SUPERVISOR)
    at = _reload(token)
    at.sidebar.button(key="sign_out").click().run()
    assert not at.exception, at.exception
    assert TOKEN_PARAM not in at.query_params and TOKEN_KEY not in at.session_state
    assert _signed_in_as(at) is None
    assert resume(demo_copy, token) is None
    assert not at.sidebar.warning  # signing out oneself is no surprise
    revoked = _reload(token)
    assert _signed_in_as(revoked) is None and TOKEN_PARAM not in revoked.query_params
    assert translate("sign_in", "zh") in [markdown.value.strip("*") for markdown in revoked.sidebar.markdown]


def test_a_disabled_users_open_session_is_signed_out_and_its_action_refused(demo_copy):
    token = start_session(demo_copy, SUPERVISOR)
    at = _reload(token)
    at.switch_page(EMERGENCY).run()
    assert not at.exception, at.exception
    assert cli.main(["user", "disable", "duban", "--db", str(demo_copy.path)]) == 0

    at.button(key=ISSUE_ALERT).click().run()  # the form is still on the screen of the open session
    assert not at.exception, at.exception
    assert _signed_in_as(at) is None and TOKEN_PARAM not in at.query_params
    assert alerts.active_alerts(demo_copy, now_beijing()).empty
    assert [warning.value for warning in at.sidebar.warning] == [translate("session.ended", "zh")]
    assert [toast.value for toast in at.toast] == [translate("session.ended", "zh")]
    assert translate("sign_in", "zh") in [markdown.value.strip("*") for markdown in at.sidebar.markdown]


def test_a_session_kept_only_in_the_session_state_is_re_read_too(demo_copy):
    at = _open("map", SUPERVISOR)
    assert _signed_in_as(at) == "duban"
    assert cli.main(["user", "disable", "duban", "--db", str(demo_copy.path)]) == 0
    at.run()
    assert not at.exception, at.exception
    assert _signed_in_as(at) is None
