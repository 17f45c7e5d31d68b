"""Today's queue in Debian's chromium (every non-local request blocked) at a desktop's 1440×900 and a
phone's 390×844: the inspector signs in, opens 今日待核查, taps the first row and reads its card — the
sentence with a unit and a named source, the suggested action and the navigation buttons — then sees the
same card under the map. Screenshots of each step go to artifacts/ (git-ignored)."""
from __future__ import annotations

import re

import pytest

from core.vocabulary import translate
from ingest.demo.accounts import DEMO_ACCOUNTS
from tests.app_support import (
    MAP_FRAME,
    REPO_ROOT,
    demo_copy,
    new_offline_context,
    running_app,
    sign_in,
)

ARTIFACTS = REPO_ROOT / "artifacts"
WAIT_MS = 60_000
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
UNIT = re.compile(r"µg/m³|mg/m³|g/m²|t/\(km²·月\)")


@pytest.fixture(scope="module")
def app_url(demo_store, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("queue")
    with running_app(demo_copy(demo_store, folder), folder / "streamlit.log") as url:
        yield url


def _shot(page, name: str) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(600)
    page.screenshot(path=str(ARTIFACTS / f"queue_{name}.png"), full_page=True)


def _sidebar(page):
    """The sidebar, opened first where the phone's layout has collapsed it."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    expand = page.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button')
    if expand.count() and expand.first.is_visible():
        expand.first.click()
    return sidebar


@pytest.mark.parametrize("size", list(SIZES))
def test_inspector_taps_the_first_row_and_reads_its_card(app_url: str, browser, size: str):
    chromium, blocked = browser
    context = new_offline_context(chromium, blocked, viewport=SIZES[size])
    page = context.new_page()
    name, password = next((a[0], a[1]) for a in DEMO_ACCOUNTS if a[0] == "xuncha")
    sign_in(page, app_url, name, password)
    _sidebar(page).locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name=translate("queue_page", "zh")).click()
    page.get_by_role("heading", name=translate("queue.title", "zh")).wait_for(timeout=WAIT_MS)
    if size == "phone":  # the sidebar still covers the page after a page is chosen: close it as a person does
        page.locator('[data-testid="stSidebarCollapseButton"] button').click()
        page.wait_for_function("() => document.querySelector('[data-testid=stSidebar]')"
                               ".getAttribute('data-collapsed') === 'true'", timeout=WAIT_MS)
    _shot(page, f"{size}_1_list")

    rows = page.locator('[class*="st-key-queue_hs-"] button')
    rows.first.wait_for(timeout=WAIT_MS)
    sentence = rows.first.inner_text().split("\n")[-1]
    assert UNIT.search(sentence), sentence
    rows.first.click()
    card = page.locator(".st-key-queue_card")
    card.wait_for(timeout=WAIT_MS)
    text = card.inner_text()
    assert sentence in text and translate("card.actions", "zh") in text
    assert re.search(r"最可能来源：(上风向|[东南西北]{1,2}) [\d.]+ k?m \S+", text), text
    # The navigation buttons: the phone's map app (geo:, WGS84), Gaode (GCJ-02) and Baidu (BD-09).
    page.locator('a[href^="https://uri.amap.com/marker?position="]').first.wait_for(state="attached", timeout=WAIT_MS)
    assert page.locator('a[href^="https://uri.amap.com/marker?position="]').count() == 1
    assert page.locator('a[href^="geo:"]').count() == 1 and page.locator('a[href*="coord_type=bd09ll"]').count() == 1
    card.scroll_into_view_if_needed()
    _shot(page, f"{size}_2_card")

    page.get_by_role("link", name=translate("queue.on_map", "zh")).click()
    page.get_by_role("heading", name=translate("map_title", "zh")).wait_for(timeout=WAIT_MS)
    page.frame_locator(MAP_FRAME).last.locator(".leaflet-control-layers").wait_for(timeout=WAIT_MS)
    page.locator(".st-key-map_card").wait_for(timeout=WAIT_MS)
    assert sentence in page.locator(".st-key-map_card").inner_text()  # the map shares the selection
    _shot(page, f"{size}_3_map")
    context.close()
    assert blocked == [], f"the app asked the internet for {blocked}"
