"""The emergency page and the alert banner in Debian's chromium with every non-local request blocked, at
a desktop 1440×900 and a phone 390×844: with an orange alert in force, the banner heads the map and the
emergency page, and the supervisor reads the demo winter alert's checklist and dashboard. Screenshots go
to artifacts/ (git-ignored)."""
from __future__ import annotations

import datetime as dt

import pytest

from core.policy import Role, User
from core.timeutil import now_beijing
from core.vocabulary import translate
from data.store import Store
from emergency import alerts
from tests.app_support import demo_copy, running_app
from tests.browser.test_browser_e2e import WAIT_MS, _shot
from tests.browser.test_fires_browser import DESKTOP, PHONE, _open_page, _page, _shot_at, _sign_in


@pytest.fixture(scope="module")
def served(demo_store, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("emergency")
    db = demo_copy(demo_store, folder)
    store = Store(db, busy_timeout_s=30)
    now = now_beijing().replace(second=0, microsecond=0)
    alerts.issue_alert(store, User("duban", Role.SUPERVISOR), "orange", now - dt.timedelta(hours=6),
                       now + dt.timedelta(days=2), trigger_aqi=236)
    with running_app(db, folder / "streamlit.log") as url:
        yield url, store


@pytest.mark.parametrize("viewport, suffix", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_banner_heads_every_page_and_the_checklist_reads(served, browser, viewport, suffix):
    url, _ = served
    context, page = _page(browser, viewport)
    try:
        _sign_in(page, url, "duban", "lantian-duban")
        banner = page.locator(".lantian-alert-banner")
        banner.wait_for(timeout=WAIT_MS)
        assert "橙色预警生效中" in banner.inner_text()
        _shot(page, f"emergency_banner_map_{suffix}")
        _open_page(page, "emergency_page", "emergency_page")
        assert "橙色预警生效中" in page.locator(".lantian-alert-banner").inner_text()
        _shot(page, f"emergency_alerts_{suffix}")
        page.get_by_role("tab", name=translate("alert.checklist_heading", "zh")).click()
        page.get_by_text(translate("alert.dashboard_heading", "zh")).wait_for(timeout=WAIT_MS)
        _shot(page, f"emergency_checklist_{suffix}")
        _shot_at(page, page.get_by_text(translate("alert.dashboard_heading", "zh")).first, f"emergency_board_{suffix}")
        page.get_by_role("tab", name=translate("alert.list_totals_heading", "zh")).click()
        _shot(page, f"emergency_list_{suffix}")
    finally:
        context.close()

