"""In Debian's chromium on a locally started app: the grid member a task was dispatched to signs in, sees the
unread count in the sidebar, and opens the task from the inbox; the pages this issue touched are shot at
1440×900 and 390×844 (saved under /work/notes/shots-17 when that folder's parent exists, else artifacts/)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from core.policy import SYSTEM_USER
from core.vocabulary import translate
from data.store import Store
from hotspots.dispatch import dispatch
from ingest.demo.accounts import DEMO_ACCOUNTS
from tests.app_support import REPO_ROOT, demo_copy, new_offline_context, offline_chromium, running_app, sign_in

WAIT_MS = 60_000
DUST_HOTSPOT = "hs-3ba716d8d180ba07"  # the demo's grade-I dust episode in 克井镇's eastern cell, 2025-04-09
NOTES = Path("/work/notes")
SHOTS = NOTES / "shots-17" if NOTES.is_dir() else REPO_ROOT / "artifacts"
SIZES = ((1440, 900), (390, 844))


@pytest.fixture(scope="module")
def dispatched_app(demo_store, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The app on a demo copy whose dust hotspot was dispatched to the eastern cell's member; (url, task title)."""
    folder = tmp_path_factory.mktemp("inbox")
    db = demo_copy(demo_store, folder)
    [task] = dispatch(Store(db), SYSTEM_USER, [DUST_HOTSPOT], now=datetime(2025, 4, 10, 6, 0))
    with running_app(db, folder / "streamlit.log") as url:
        yield url, task.title


@pytest.fixture
def page():
    with offline_chromium() as (chromium, blocked):
        context = new_offline_context(chromium, blocked, viewport=SIZES[0])
        yield context.new_page()
        context.close()
        assert blocked == [], f"the app asked the internet for {blocked}"


def _sign_in(page, url: str, name: str) -> None:
    sign_in(page, url, name, next(account[1] for account in DEMO_ACCOUNTS if account[0] == name))


def _shots(page, name: str, shown=None) -> None:
    """Screenshots of the page at each size, scrolled to ``shown`` (a locator; the app scrolls inside its
    own container, so a full-page shot holds only the first screen); no Python exception may show."""
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator('[data-testid="stException"]').first.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(800)
        if shown is not None:
            shown.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"{name}_{width}x{height}.png"), full_page=True)
    page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})


def _open_page(page, title_key: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=translate(title_key, "zh")).click()


def test_the_assigned_person_sees_the_unread_count_and_opens_the_task_from_the_inbox(dispatched_app, page):
    url, task_title = dispatched_app
    _sign_in(page, url, "wangge")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text(translate("inbox_unread", "zh", count=1)).wait_for(timeout=WAIT_MS)
    _open_page(page, "inbox_page")
    page.get_by_role("heading", name=translate("inbox_title", "zh")).wait_for(timeout=WAIT_MS)
    page.get_by_text("新交办任务", exact=False).first.wait_for(timeout=WAIT_MS)
    _shots(page, "inbox")
    page.get_by_role("button", name=translate("inbox_open_task", "zh")).first.click()
    page.get_by_role("heading", name=translate("hotspots_title", "zh")).wait_for(timeout=WAIT_MS)
    holder = page.get_by_text(translate("task_held_by", "zh", holder="王五（示例）", cell="克井镇东片网格（示例）"))
    holder.wait_for(timeout=WAIT_MS)
    # The chosen task's card: its title (the one task 王五 holds) and its holder, above.
    page.get_by_text(task_title, exact=False).first.wait_for(state="attached", timeout=WAIT_MS)
    sidebar.get_by_text(translate("inbox_unread", "zh", count=0)).wait_for(timeout=WAIT_MS)
    _shots(page, "task_from_inbox", holder)


def test_the_supervisors_grid_run_log_and_loop_pages_draw(dispatched_app, page):
    url, _ = dispatched_app
    _sign_in(page, url, "duban")
    _open_page(page, "data_page")
    grid = page.get_by_role("heading", name=translate("grid_title", "zh"))
    grid.wait_for(timeout=WAIT_MS)
    runs = page.get_by_role("heading", name=translate("runs_title", "zh"))
    runs.wait_for(timeout=WAIT_MS)
    _shots(page, "data_grid", grid)
    _shots(page, "data_runs", runs)
    _open_page(page, "loop_page")
    page.get_by_role("heading", name=translate("loop_title", "zh")).wait_for(timeout=WAIT_MS)
    _shots(page, "loop")
    _open_page(page, "hotspots_page")
    page.get_by_role("heading", name=translate("hotspots_title", "zh")).wait_for(timeout=WAIT_MS)
    dispatching = page.get_by_role("button", name=translate("dispatch_selected", "zh"))
    dispatching.wait_for(timeout=WAIT_MS)
    _shots(page, "hotspots_supervisor", dispatching)
