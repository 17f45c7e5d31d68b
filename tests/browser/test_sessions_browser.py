"""In Debian's chromium on a locally started app: after signing in, the address carries the session token,
a reload and a page switch keep the user signed in, and once `cli.py user disable` ran the next click shows
the sign-in form with the notice (in the sidebar and as a toast); shot at 1440×900 and 390×844 (under /work/notes/shots-sessions when that
folder's parent exists, else artifacts/)."""
from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest

import cli
from app_pages.sidebar import TOKEN_PARAM
from core.vocabulary import translate
from ingest.demo.accounts import DEMO_ACCOUNTS
from tests.app_support import REPO_ROOT, demo_copy, new_offline_context, offline_chromium, running_app

WAIT_MS = 60_000
NOTES = Path("/work/notes")
SHOTS = NOTES / "shots-sessions" if NOTES.is_dir() else REPO_ROOT / "artifacts"
SIZES = ((1440, 900), (390, 844))


@pytest.fixture
def app(demo_store, tmp_path: Path) -> tuple[str, Path]:
    db = demo_copy(demo_store, tmp_path)
    with running_app(db, tmp_path / "streamlit.log") as url:
        yield url, db


def _token(page) -> str | None:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query).get(TOKEN_PARAM, [None])[0]


def _shots(page, name: str) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(800)
        page.screenshot(path=str(SHOTS / f"{name}_{width}x{height}.png"))
    page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})


def test_a_reload_and_a_page_switch_keep_the_session_and_disabling_ends_it(app):
    url, db = app
    password = next(account[1] for account in DEMO_ACCOUNTS if account[0] == "duban")
    with offline_chromium() as (chromium, blocked):
        context = new_offline_context(chromium, blocked, viewport=SIZES[0])
        page = context.new_page()
        page.goto(url, wait_until="domcontentloaded")
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_label(translate("user_name", "zh")).fill("duban")
        sidebar.get_by_label(translate("password", "zh"), exact=True).fill(password)
        sidebar.get_by_role("button", name=translate("sign_in", "zh")).click()
        sign_out = sidebar.get_by_role("button", name=translate("sign_out", "zh"))
        sign_out.wait_for(timeout=WAIT_MS)
        page.wait_for_function(f"() => new URLSearchParams(location.search).has('{TOKEN_PARAM}')", timeout=WAIT_MS)
        token = _token(page)

        page.reload(wait_until="domcontentloaded")
        sign_out.wait_for(timeout=WAIT_MS)
        page.locator('[data-testid="stSidebarNav"]').get_by_role(
            "link", name=translate("hotspots_page", "zh")).click()
        page.get_by_role("heading", name=translate("hotspots_title", "zh")).wait_for(timeout=WAIT_MS)
        page.wait_for_function(f"() => new URLSearchParams(location.search).get('{TOKEN_PARAM}') === '{token}'",
                               timeout=WAIT_MS)
        page.reload(wait_until="domcontentloaded")
        page.get_by_role("heading", name=translate("hotspots_title", "zh")).wait_for(timeout=WAIT_MS)
        sign_out.wait_for(timeout=WAIT_MS)
        _shots(page, "signed_in_after_reload")

        assert cli.main(["user", "disable", "duban", "--db", str(db)]) == 0
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=translate("map_page", "zh")).click()
        sidebar.get_by_text(translate("session.ended", "zh")).wait_for(timeout=WAIT_MS)
        # The toast says it too, for a phone whose sidebar is folded away.
        page.locator('[data-testid="stToast"]', has_text=translate("session.ended", "zh")).wait_for(timeout=WAIT_MS)
        sidebar.get_by_role("button", name=translate("sign_in", "zh")).wait_for(timeout=WAIT_MS)
        page.wait_for_function(f"() => !new URLSearchParams(location.search).has('{TOKEN_PARAM}')", timeout=10_000)
        _shots(page, "signed_out_after_disable")
        context.close()
        assert blocked == [], f"the app asked the internet for {blocked}"
