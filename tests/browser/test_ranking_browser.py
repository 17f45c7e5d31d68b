"""The ranking page in Debian's chromium at 1440×900 and 390×844, signed in as 克井镇's official: the card,
the table and the trend are drawn, no cell says None, and no request leaves the machine; screenshots
go to artifacts/."""
from __future__ import annotations

import pytest

from core.vocabulary import translate
from tests.app_support import demo_copy, new_offline_context, offline_chromium, running_app
from tests.browser.test_browser_e2e import ARTIFACTS, WAIT_MS, _open_page, _sign_in

VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}


@pytest.fixture(scope="module")
def app_url(demo_store, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("ranking_browser")
    with running_app(demo_copy(demo_store, folder), folder / "streamlit.log") as url:
        yield url


@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_the_ranking_page_in_a_browser(app_url: str, screen: str):
    with offline_chromium() as (chromium, blocked):
        # Signed in at desktop width (the phone's sidebar covers the form), then read at the screen's size.
        context = new_offline_context(chromium, blocked, viewport=VIEWPORTS["desktop"])
        page = context.new_page()
        _sign_in(page, app_url, "kejing", "lantian-kejing")
        _open_page(page, "ranking_page")
        page.set_viewport_size(dict(zip(("width", "height"), VIEWPORTS[screen])))
        page.get_by_text(translate("standing.to_next", "zh"), exact=False).first.wait_for(timeout=WAIT_MS)
        page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=WAIT_MS)
        page.wait_for_timeout(1500)  # charts finish drawing
        assert page.locator('[data-testid="stException"]').count() == 0
        text = page.locator("main").inner_text()
        assert "克井镇：第" in text and "None" not in text
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"ranking-{screen}.png"), full_page=True)
        for number, chart in enumerate(("table", "trend")):
            target = page.locator('[data-testid="stDataFrame"]').first if chart == "table" else \
                page.locator('[data-testid="stVegaLiteChart"]').first
            target.scroll_into_view_if_needed()
            page.wait_for_timeout(800)
            page.screenshot(path=str(ARTIFACTS / f"ranking-{screen}-{number + 2}-{chart}.png"))
        context.close()
    assert blocked == [], f"the app asked the internet for {blocked}"
