"""The inbox, the task card's holder, the data page's grid register and run log, and the loop dashboard,
through AppTest on a copy of the demo store: a dispatched task reaches the grid member's inbox and opens
from it."""
from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.sidebar import USER_KEY
from core.policy import SYSTEM_USER, Role, User
from core.settings import get_settings
from core.vocabulary import translate
from data.store import Store
from hotspots import task_service
from hotspots.dispatch import dispatch, run_daily
from notify import inbox
from tests.app_support import REPO_ROOT

APP = str(REPO_ROOT / "app.py")
TIMEOUT_S = 180
WANGGE = User("wangge", Role.TOWNSHIP, "419001100")
SUPERVISOR = User("duban", Role.SUPERVISOR)
DUST_HOTSPOT = "hs-3ba716d8d180ba07"  # the demo's grade-I dust episode in 克井镇's eastern cell, 2025-04-09
NOW = datetime(2025, 4, 10, 6, 0)


@pytest.fixture
def dispatched(demo_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Store, str]:
    """A writable copy of the demo store, the app pointed at it, with the dust hotspot dispatched."""
    copy = tmp_path / "demo.duckdb"
    shutil.copy(demo_store.path, copy)
    monkeypatch.setenv("LANTIAN_DB", str(copy))
    monkeypatch.setenv("LANTIAN_TILES", "none")
    get_settings.cache_clear()
    store = Store(copy, busy_timeout_s=30)
    [task] = dispatch(store, SYSTEM_USER, [DUST_HOTSPOT], now=NOW)
    yield store, task.id
    get_settings.cache_clear()


def _open(page: str, user: User) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.session_state[USER_KEY] = user
    at.session_state["lang"] = "zh"
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_the_grid_member_sees_the_unread_notice_and_opens_the_task_from_it(dispatched):
    store, task_id = dispatched
    at = _open("app_pages/inbox_page.py", WANGGE)
    assert translate("inbox_unread", "zh", count=1) in [m.value.split(" ", 1)[-1] for m in at.sidebar.markdown]
    notice = next(m.value for m in at.markdown if "新交办任务" in m.value)
    assert "克井镇" in notice and "2025" in notice
    at.button(key=[b.key for b in at.button if b.key.startswith("open_")][0]).click().run()
    assert not at.exception, at.exception
    assert at.session_state["chosen_task"] == task_id
    assert any("王五（示例）" in m.value for m in at.markdown)  # the card names its holder
    assert inbox.unread_count(store, WANGGE) == 0


def test_a_supervisor_sees_the_grid_the_run_log_and_the_loop(dispatched):
    store, _ = dispatched
    run_daily(store, date(2025, 4, 9), now=NOW)
    at = _open("app_pages/data_page.py", SUPERVISOR)
    [people] = [frame for frame in at.dataframe if frame.key == "grid_people_editor"]  # editable for a supervisor
    assert "王五（示例）" in set(people.value["name"])
    assert any(translate("runs_title", "zh") == h.value for h in at.subheader)
    assert any(m.value.startswith("最近一次") for m in at.markdown)
    at = _open("app_pages/loop_page.py", SUPERVISOR)
    at.date_input(key="loop_period").set_value((date(2025, 4, 1), date(2025, 4, 30))).run()
    [townships, people] = at.dataframe
    assert "克井镇" in set(townships.value["group"]) and "王五（示例）" in set(people.value["group"])


def test_the_hotspot_page_lists_each_tasks_holder(dispatched):
    store, task_id = dispatched
    at = _open("app_pages/hotspots_page.py", SUPERVISOR)
    [tasks] = [frame for frame in at.dataframe if "holder_name" in frame.value.columns]
    holders = dict(zip(tasks.value["id"], tasks.value["holder_name"]))
    assert holders[task_id] == "王五（示例）"
    assert task_service.get_task(store, task_id).holder == "demo-gp-419001100-02"
