"""A hotspot to action in Debian's chromium (every non-local request blocked), at a desktop's 1440×900 and a
phone's 390×844: the supervisor makes a task of a 克井镇 hotspot on 热点清单, adds a photo of the problem and
assigns it with a deadline picked in the calendar, a responsible unit and a 整改要求; 克井镇's official reads
that requirement, the deadline and its countdown on the task card, and sends feedback with a photo; the
supervisor returns it (退回整改) and sees the before and after photos side by side. Each step is checked on
the page and in the store; screenshots go to artifacts/ (git-ignored)."""
from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from core.timeutil import now_beijing
from core.vocabulary import translate
from data.store import Store
from hotspots import task_service
from hotspots.tasks import Action, TaskState
from ingest.demo.accounts import DEMO_ACCOUNTS
from tests.app_support import MAP_FRAME, REPO_ROOT, demo_copy, new_offline_context, running_app, sign_in

ARTIFACTS = REPO_ROOT / "artifacts"
WAIT_MS = 60_000
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
PASSWORDS = {account[0]: account[1] for account in DEMO_ACCOUNTS}
KEJING_NAME = "克井镇"
DEADLINE_DAYS = 4


# Scroll an element to the top of the app's scrolling pane, clear of Streamlit's fixed header.
SCROLL_UNDER_HEADER_JS = """element => {
    element.scrollIntoView({block: 'start'});
    let pane = element.parentElement;
    while (pane && pane.scrollHeight <= pane.clientHeight) { pane = pane.parentElement; }
    if (pane) { pane.scrollBy(0, -70); }
}"""


def zh(key: str, **values) -> str:
    return translate(key, "zh", **values)


@pytest.fixture(scope="module")
def served(demo_store, tmp_path_factory: pytest.TempPathFactory):
    """The app on its own copy of the demo store: (base URL, the store)."""
    folder = tmp_path_factory.mktemp("task_loop")
    db = demo_copy(demo_store, folder)
    with running_app(db, folder / "streamlit.log") as url:
        yield url, Store(db, busy_timeout_s=30)


def _jpeg(path: Path, seed: int) -> Path:
    """A small real JPEG of random pixels, as a phone camera would send (smaller)."""
    pixels = np.random.default_rng(seed).integers(0, 256, size=(120, 160, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path, format="JPEG", quality=80)
    return path


@contextmanager
def _person(browser, url: str, size: str, name: str):
    """A signed-in page of ``name`` on 热点清单, in its own browser context (its own session) at ``size``."""
    chromium, blocked = browser
    context = new_offline_context(chromium, blocked, viewport=SIZES[size])
    page = context.new_page()
    try:
        sign_in(page, url, name, PASSWORDS[name])
        _open_handling_page(page, size)
        yield page
    finally:
        context.close()
    assert blocked == [], f"the app asked the internet for {blocked}"


def _shot(page, name: str, top=None) -> None:
    """Save a screenshot with ``top`` (a locator) scrolled to the top of the view; the page must show no
    Python exception."""
    assert page.locator('[data-testid="stException"]').count() == 0, \
        page.locator('[data-testid="stException"]').first.inner_text()
    if top is not None:  # the app scrolls inside its own pane, so a full-page shot would not reach it
        _settled(page)
        top.first.evaluate(SCROLL_UNDER_HEADER_JS)
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(800)  # the map snippet and the photos finish drawing
    page.screenshot(path=str(ARTIFACTS / f"task_loop_{name}.png"), full_page=True)


def _open_handling_page(page, size: str) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    expand = page.locator('[data-testid="stExpandSidebarButton"]')
    if expand.count() and expand.first.is_visible():
        expand.first.click()
    sidebar.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=zh("hotspots_page")).click()
    page.get_by_role("heading", name=zh("hotspots_title")).wait_for(timeout=WAIT_MS)
    collapse = page.locator('[data-testid="stSidebarCollapseButton"] button')
    if size == "phone" and sidebar.get_attribute("data-collapsed") != "true" and collapse.count():
        collapse.click()  # the sidebar covers a phone's page until it is closed
        page.wait_for_function("() => document.querySelector('[data-testid=stSidebar]')"
                               ".getAttribute('data-collapsed') === 'true'", timeout=WAIT_MS)


def _choose(page, box_label: str, option: str) -> None:
    """Pick the option containing ``option`` in the select box labelled ``box_label`` as a person does: open it,
    type to narrow the list, tap the option."""
    box = page.get_by_role("combobox", name=box_label, exact=True).first
    wanted = page.get_by_role("option").filter(has_text=option).first
    chosen = re.compile(re.escape(option))
    for _attempt in range(5):  # a rerun still drawing may hold, or redraw, the list from before the last action
        _settled(page)
        box.scroll_into_view_if_needed()
        box.click()
        box.fill(option)
        try:
            wanted.click(timeout=5_000)
            expect(box).to_have_value(chosen, timeout=5_000)
            return
        except (PlaywrightTimeout, AssertionError):
            page.keyboard.press("Escape")
    expect(box).to_have_value(chosen, timeout=WAIT_MS)


def _settled(page) -> None:
    """Wait until the app has finished its rerun: its running widget gone and no element left from the run
    before (Streamlit greys those out until the run ends)."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')"
                           " && !document.querySelector('[data-stale=\"true\"]')", timeout=WAIT_MS)


def _done(page, action: str) -> None:
    page.get_by_text(zh("action_done", action=action)).wait_for(timeout=WAIT_MS)
    _settled(page)


def _form(page, marker: str):
    """The action form whose text contains ``marker`` (a field label only that form has)."""
    return page.locator('[data-testid="stForm"]').filter(has_text=marker).first


def _upload(page, form, photo: Path) -> None:
    """Attach ``photo`` to the form's uploader, again if a rerun redrew the form before the file showed."""
    for _attempt in range(3):
        _settled(page)
        form.locator('input[type="file"]').set_input_files(str(photo))
        try:
            form.get_by_text(photo.name).wait_for(timeout=10_000)
            return
        except PlaywrightTimeout:
            continue
    form.get_by_text(photo.name).wait_for(timeout=WAIT_MS)


def _card(page, task_id: str, title: str):
    """Choose the task on the page and return its card once it shows the task's title."""
    _choose(page, zh("choose_task"), task_id)
    # The card of the task shown before may have the same title (the demo's tasks are named by kind and
    # grade): wait for the rerun the choice started to end.
    _settled(page)
    card = page.locator(".st-key-task_card")
    card.get_by_text(title, exact=False).first.wait_for(timeout=WAIT_MS)
    return card


def _pick_day(page, form, day: dt.date) -> None:
    """Open the deadline's calendar and click ``day`` in it (the calendar speaks Chinese: 2026年12月6日星期日)."""
    form.locator('[data-testid="stDateInputCalendarButton"]').click()
    calendar = page.get_by_role("dialog")
    shown = now_beijing().date()
    if (day.year, day.month) != (shown.year, shown.month):
        calendar.get_by_role("button", name=zh("streamlit_text.next_month")).click()
    calendar.get_by_role("gridcell").get_by_label(re.compile(f"{day.year}年{day.month}月{day.day}日")).click()
    form.locator('[data-testid="stDateInputField"]').filter(has_text=f"{day.day:02d}").wait_for(timeout=WAIT_MS)


@pytest.mark.parametrize("size", list(SIZES))
def test_supervisor_assigns_township_answers_supervisor_returns(served, browser, tmp_path: Path, size: str):
    url, store = served
    before, after = _jpeg(tmp_path / f"found_{size}.jpg", 1), _jpeg(tmp_path / f"fixed_{size}.jpg", 2)
    requirement = f"即日到场核实，清理现场并报送整改前后照片（{size}）"
    deadline_day = now_beijing().date() + dt.timedelta(days=DEADLINE_DAYS)

    # 1. The supervisor makes a task of the township's first hotspot without one, evidences it and assigns it.
    with _person(browser, url, size, "duban") as page:
        _choose(page, zh("filter_township"), KEJING_NAME)
        known = set(task_service.list_tasks(store)["id"])
        page.get_by_role("button", name=zh("create_task")).click()
        _done(page, zh("create_task"))
        [task_id] = set(task_service.list_tasks(store)["id"]) - known
        task = task_service.get_task(store, task_id)
        assert task.hotspot_id and task.state is TaskState.PENDING and task.township_code
        _card(page, task_id, task.title)
        snippet = page.frame_locator(f".st-key-task_card {MAP_FRAME}")
        snippet.locator(".lantian-task").wait_for(timeout=WAIT_MS)  # its place on the region's own map
        assert snippet.locator(".lantian-task").count() == 1 and snippet.locator(".leaflet-tile").count() == 0

        evidence = _form(page, zh("evidence_note"))
        evidence.get_by_label(zh("evidence_note")).fill("到场拍摄问题位置全景")
        _upload(page, evidence, before)
        evidence.get_by_role("button", name=Action.ADD_EVIDENCE.label("zh")).click()
        _done(page, Action.ADD_EVIDENCE.label("zh"))

        assign = _form(page, zh("task_card.assignee"))
        unit = f"{KEJING_NAME}人民政府"
        _choose(page, zh("task_card.assignee"), unit)
        _pick_day(page, assign, deadline_day)
        assign.get_by_label(zh("instructions")).fill(requirement)
        _shot(page, f"{size}_1_supervisor_assigns", top=assign)
        assign.get_by_role("button", name=Action.ASSIGN.label("zh"), exact=True).click()
        _done(page, Action.ASSIGN.label("zh"))
        page.locator(".st-key-task_card").get_by_text(requirement).wait_for(timeout=WAIT_MS)
        _shot(page, f"{size}_2_supervisor_assigned", top=page.locator(".st-key-task_card"))
    task = task_service.get_task(store, task_id)
    assert task.state is TaskState.ASSIGNED and task.department == unit and task.instructions == requirement
    assert task.deadline == dt.datetime.combine(deadline_day + dt.timedelta(days=1), dt.time())

    # 2. The township's official reads the requirement, the deadline and its countdown, and answers with a photo.
    with _person(browser, url, size, "kejing") as page:
        card = _card(page, task_id, task.title)
        text = card.inner_text()
        assert requirement in text
        # The day picked, as the picker put it (当日 24 时前), and the time left.
        assert re.search(rf"{zh('task_card.deadline')}：{deadline_day:%Y-%m-%d} 24:00 · 还剩 {DEADLINE_DAYS} 天 \d+ 小时",
                         text), text
        feedback = _form(page, zh("measures"))
        feedback.get_by_label(zh("measures")).fill("已到场核实并清理完毕，附整改后照片")
        _upload(page, feedback, after)
        _shot(page, f"{size}_3_township_reads_and_answers", top=page.locator(".st-key-task_card"))
        feedback.get_by_role("button", name=Action.SUBMIT_FEEDBACK.label("zh")).click()
        _done(page, Action.SUBMIT_FEEDBACK.label("zh"))
        _shot(page, f"{size}_4_township_answered", top=page.get_by_text(zh("task_photos", count=2)))
    assert task_service.get_task(store, task_id).state is TaskState.FEEDBACK_SUBMITTED

    # 3. The supervisor returns it and compares the photos: the problem as found beside the fix.
    with _person(browser, url, size, "duban") as page:
        _card(page, task_id, task.title)
        review = _form(page, zh("return_comment"))
        review.get_by_label(zh("return_comment")).fill("东侧仍有裸土，补拍全景")
        _shot(page, f"{size}_5_supervisor_reviews", top=_form(page, zh("review_comment")))
        review.get_by_role("button", name=Action.RETURN.label("zh")).click()
        _done(page, Action.RETURN.label("zh"))
        sides = [page.locator(f".st-key-task_photos_{side}") for side in ("before", "after")]
        photos = [side.locator('[data-testid="stImage"] img') for side in sides]
        for side, photo, name, heading in zip(sides, photos, (before.name, after.name), ("before", "after")):
            photo.first.wait_for(timeout=WAIT_MS)
            # Headed 整改前/整改后, captioned with the file the person sent.
            assert photo.count() == 1 and name in side.inner_text() and zh(f"task_card.{heading}") in side.inner_text()
            page.wait_for_function("img => img.complete && img.naturalWidth === 160", arg=photo.first.element_handle(),
                                   timeout=WAIT_MS)
        found, fixed = (photo.first.bounding_box() for photo in photos)
        assert fixed["x"] > found["x"] + found["width"] - 1 and abs(fixed["y"] - found["y"]) < 2  # side by side
        _shot(page, f"{size}_6_supervisor_returned_and_compares", top=page.get_by_text(zh("task_photos", count=2)))
    task = task_service.get_task(store, task_id)
    assert task.state is TaskState.RETURNED
    history = task_service.task_history(store, task_id)
    assert list(history["action"]) == ["create", "add_evidence", "assign", "submit_feedback", "return"]
    attachments = task_service.task_attachments(store, task_id)
    assert sorted(attachments["original_name"]) == sorted([before.name, after.name])
