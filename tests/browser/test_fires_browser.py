"""The fire-point review page in Debian's chromium with every non-local request blocked, at a desktop
1440×900 and a phone 390×844: an inspector confirms a straw fire with a photo from the phone, the
township official sees it charged and appeals, the supervisor sees the ranking's new columns.
Screenshots go to artifacts/ (git-ignored)."""
from __future__ import annotations

import datetime as dt

import pytest

from core.vocabulary import translate
from data.store import Store
from hotspots import fire_review
from tests.app_support import demo_copy, new_offline_context, running_app, sign_in
from tests.browser.test_browser_e2e import WAIT_MS, _shot
from tests.tasks_support import photo

DESKTOP, PHONE = (1440, 900), (390, 844)
KEJING = "419001100"


@pytest.fixture(scope="module")
def served(demo_store, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("fires")
    db = demo_copy(demo_store, folder)
    with running_app(db, folder / "streamlit.log") as url:
        yield url, Store(db, busy_timeout_s=30)


def _page(browser, viewport):
    chromium, blocked = browser
    context = new_offline_context(chromium, blocked, viewport=viewport)
    return context, context.new_page()


def _shot_at(page, locator, name: str) -> None:
    """A screenshot with ``locator`` scrolled to the top of the view (the app scrolls inside its own
    container, so a full-page shot shows only the first screen)."""
    locator.evaluate("element => element.scrollIntoView({block: 'start'})")
    _shot(page, name)


def _sidebar(page):
    """The sidebar, opened first where a phone's narrow screen keeps it closed."""
    expand = page.locator('[data-testid="stExpandSidebarButton"]')
    if expand.count() and expand.first.is_visible():
        expand.first.click()
    return page.locator('[data-testid="stSidebar"]')


def _sign_in(page, url: str, name: str, password: str) -> None:
    sign_in(page, url, name, password)


def _open_page(page, title_key: str, heading_key: str) -> None:
    _sidebar(page).locator('[data-testid="stSidebarNav"]').get_by_role("link", name=translate(title_key, "zh")).click()
    page.get_by_role("heading", name=translate(heading_key, "zh")).wait_for(timeout=WAIT_MS)
    collapse = page.locator('[data-testid="stSidebarCollapseButton"] button, [data-testid="stSidebarCollapseButton"]')
    if page.viewport_size["width"] < 500 and collapse.count() and collapse.first.is_visible():
        collapse.first.click()   # a phone shows the page, not the menu over it


@pytest.mark.parametrize("viewport, suffix", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_inspector_confirms_a_fire_with_a_photo(served, browser, viewport, suffix, tmp_path):
    url, store = served
    before = _confirmed(store)
    context, page = _page(browser, viewport)
    try:
        _sign_in(page, url, "xuncha", "lantian-xuncha")
        _open_page(page, "fires_page", "fires_title")
        page.get_by_text(translate("confirm_photos", "zh")).first.wait_for(timeout=WAIT_MS)
        _shot(page, f"fires_inspector_{suffix}")
        _shot_at(page, page.get_by_text(translate("choose_fire_point", "zh")).first, f"fires_inspector_point_{suffix}")
        picture = tmp_path / "burn.png"
        picture.write_bytes(photo().content)
        form = page.locator('[data-testid="stForm"]').filter(has=page.get_by_label(translate("confirm_note", "zh")))
        form.locator("textarea").fill("田间焚烧痕迹约 2 亩，已拍照")
        form.locator('input[type="file"]').set_input_files(str(picture))
        form.get_by_text("burn.png").wait_for(timeout=WAIT_MS)
        _shot_at(page, form, f"fires_inspector_form_{suffix}")
        form.get_by_role("button", name=translate("fire_action.confirm", "zh")).click()
        page.get_by_text(translate("action_done", "zh", action=translate("fire_action.confirm", "zh"))).wait_for(
            timeout=WAIT_MS)
        _shot_at(page, page.get_by_text(translate("choose_fire_point", "zh")).first, f"fires_confirmed_point_{suffix}")
    finally:
        context.close()
    assert _confirmed(store) == before + 1


def _confirmed(store: Store) -> int:
    points = fire_review.list_fire_points(store, None, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    return int((points["state"] == "confirmed").sum())


@pytest.mark.parametrize("viewport, suffix", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_township_official_and_supervisor_views(served, browser, viewport, suffix):
    url, _ = served
    for name, password, shot in (("kejing", "lantian-kejing", "fires_township"), ("duban", "lantian-duban",
                                                                                      "fires_supervisor")):
        context, page = _page(browser, viewport)
        try:
            _sign_in(page, url, name, password)
            _open_page(page, "fires_page", "fires_title")
            page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=WAIT_MS)
            _shot(page, f"{shot}_{suffix}")
            _shot_at(page, page.get_by_text(translate("choose_fire_point", "zh")).first, f"{shot}_point_{suffix}")
            if name == "duban":
                _open_page(page, "ranking_page", "ranking_title")
                page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=WAIT_MS)
                _shot(page, f"ranking_supervisor_{suffix}")
        finally:
            context.close()
