"""Field use in Debian's chromium (every non-local request blocked) at a desktop's 1440×900 and a phone's
390×844: an inspector signs in (on the phone the sidebar folds away by itself), opens 今日待核查, taps the first
row and reads its card, then records a field observation whose position comes from the browser's granted
geolocation and whose photo comes from the gallery (desktop) or the camera (phone, chromium's fake camera). The
store then holds the task at the granted position with the photo; Streamlit's own uploader, camera and "page
not found" texts read in Chinese. Screenshots of each step go to artifacts/ (git-ignored)."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from core.vocabulary import translate
from data.store import Store
from data.townships import read_townships
from hotspots import task_service
from ingest.demo.accounts import DEMO_ACCOUNTS
from tests.app_support import (
    REPO_ROOT,
    demo_copy,
    new_offline_context,
    running_app,
    sign_in,
)

ARTIFACTS = REPO_ROOT / "artifacts"
WAIT_MS = 60_000
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
UNIT = re.compile(r"µg/m³|mg/m³")
# Chromium's own stand-ins for a camera and its permission prompt (the camera shows a test pattern), for the
# shared browser fixture.
CHROMIUM_EXTRA_ARGS = ("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream")
ACCURACY_M = 12
# What may stay in Latin letters inside Streamlit's widgets: sizes and the accepted file types.
LATIN_ALLOWED = {"MB", "KB", "JPG", "JPEG", "PNG", "WEBP"}


@pytest.fixture(scope="module")
def field_store(demo_store, tmp_path_factory: pytest.TempPathFactory) -> Store:
    return Store(demo_copy(demo_store, tmp_path_factory.mktemp("field")))


@pytest.fixture(scope="module")
def app_url(field_store: Store) -> str:
    with running_app(field_store.path, field_store.path.with_suffix(".log")) as url:
        yield url


@pytest.fixture(scope="module")
def granted_position(field_store: Store) -> tuple[float, float]:
    """A point inside 克井镇 (lon, lat; WGS-84), where the test's browser says it is."""
    with field_store.read(spatial=True) as con:
        townships = read_townships(con)
    point = townships.loc[townships["name"] == "克井镇", "geometry"].iloc[0].representative_point()
    return round(point.x, 6), round(point.y, 6)


def _shot(page, name: str) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(600)
    page.screenshot(path=str(ARTIFACTS / f"field_{name}.png"), full_page=False)


def _latin_words(locator, file_name: str = "") -> set[str]:
    """The Latin-letter words a widget shows or names (its text, aria-labels and titles), less sizes, types and
    the words of the ``file_name`` the person chose."""
    texts = locator.evaluate("""e => [e.innerText, ...Array.from(e.querySelectorAll('[aria-label], [title]'))
                                     .flatMap(n => [n.getAttribute('aria-label') || '', n.getAttribute('title') || ''])]
                                     .join(' ')""")
    # The Material icons are ligatures written as words (upload, close): they show as pictures, not text.
    icons = set(locator.evaluate("e => Array.from(e.querySelectorAll('[data-testid=stIconMaterial]'))"
                                 ".map(n => n.innerText)"))
    return set(re.findall(r"[A-Za-z]{2,}", texts)) - LATIN_ALLOWED - icons - set(re.findall(r"[A-Za-z]{2,}", file_name))


def _jpeg(path) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (180, 120, 60)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _open_queue(page, size: str) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    expand = page.locator('[data-testid="stExpandSidebarButton"]')
    if expand.count() and expand.first.is_visible():
        expand.first.click()
    link = sidebar.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=translate("queue_page", "zh"))
    heading = page.get_by_role("heading", name=translate("queue.title", "zh"))
    link.click()
    try:
        heading.wait_for(timeout=15_000)
    except PlaywrightTimeout:  # the map's own view report, rerunning the map page, can swallow the first tap
        link.click()
        heading.wait_for(timeout=WAIT_MS)
    if size == "phone":  # a chosen page leaves Streamlit's sidebar over it: close it as a person does
        page.locator('[data-testid="stSidebarCollapseButton"] button').click()
        page.wait_for_function("() => document.querySelector('[data-testid=stSidebar]')"
                               ".getAttribute('data-collapsed') === 'true'", timeout=WAIT_MS)


@pytest.mark.parametrize("size", list(SIZES))
def test_inspector_records_a_located_observation_with_a_photo(app_url, browser, field_store,
                                                              granted_position, tmp_path, size: str):
    chromium, blocked = browser
    lon, lat = granted_position
    context = new_offline_context(chromium, blocked, viewport=SIZES[size], permissions=["geolocation"],
                                  geolocation={"longitude": lon, "latitude": lat, "accuracy": ACCURACY_M})
    page = context.new_page()
    name, password = next((a[0], a[1]) for a in DEMO_ACCOUNTS if a[0] == "xuncha")
    sign_in(page, app_url, name, password)
    sidebar = page.locator('[data-testid="stSidebar"]')
    # On the phone the sidebar folds away by itself after sign-in, and the map is in view; a desktop keeps it.
    page.wait_for_function("wanted => document.querySelector('[data-testid=stSidebar]')"
                           ".getAttribute('data-collapsed') === wanted",
                           arg="true" if size == "phone" else "false", timeout=WAIT_MS)
    _shot(page, f"{size}_1_signed_in")

    _open_queue(page, size)
    rows = page.locator('[class*="st-key-queue_hs-"] button')
    rows.first.wait_for(timeout=WAIT_MS)
    sentence = rows.first.inner_text().split("\n")[-1]
    assert UNIT.search(sentence), sentence
    rows.first.click()
    card = page.locator(".st-key-queue_card")
    card.get_by_text(sentence).first.wait_for(timeout=WAIT_MS)  # Streamlit draws the card piece by piece
    assert re.search(r"最可能来源：(上风向|[东南西北]{1,2}) [\d.]+ k?m \S+", card.inner_text()), card.inner_text()
    card.scroll_into_view_if_needed()
    _shot(page, f"{size}_2_card")

    page.get_by_text(translate("record_observation", "zh"), exact=True).click()
    page.get_by_text(translate("field.source.located", "zh"), exact=True).click()
    located = translate("field.located", "zh", accuracy=ACCURACY_M)
    page.get_by_text(located, exact=True).wait_for(timeout=WAIT_MS)
    form = page.locator('[data-testid="stForm"]').filter(has=page.get_by_text(located, exact=True))
    title = f"现场发现 {size}"
    form.get_by_label(translate("task_title", "zh")).fill(title)
    form.get_by_label(translate("observation_description", "zh")).fill("道路积尘，未洒水")
    uploader = form.locator('[data-testid="stFileUploader"]')
    assert translate("streamlit_text.upload", "zh") in uploader.inner_text()
    assert _latin_words(uploader) == set(), uploader.inner_text()
    if size == "phone":
        page.get_by_text(translate("field.use_camera", "zh"), exact=True).click()
        camera = form.locator('[data-testid="stCameraInput"]')
        take = camera.get_by_role("button", name=translate("streamlit_text.take_photo", "zh"))
        take.wait_for(timeout=WAIT_MS)
        page.wait_for_function("() => !document.querySelector('[data-testid=stCameraInputButton]').disabled"
                               " && document.querySelector('[data-testid=stCameraInput] video').videoWidth > 0",
                               timeout=WAIT_MS)
        camera.scroll_into_view_if_needed()
        _shot(page, f"{size}_3_camera")
        retake = camera.get_by_role("button", name=translate("streamlit_text.clear_photo", "zh"))
        for _attempt in range(3):  # on a loaded machine a tap can land before the camera's frame is taken
            try:
                if retake.count() == 0:
                    take.click(timeout=10_000)
                retake.wait_for(timeout=15_000)
                break
            except PlaywrightTimeout:
                continue
        retake.wait_for(timeout=WAIT_MS)
        assert _latin_words(camera) == set(), camera.inner_text()
    else:
        uploader.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(_jpeg(tmp_path / "road.jpg"))
        uploader.get_by_text("road.jpg").wait_for(timeout=WAIT_MS)
    assert _latin_words(uploader, "road.jpg") == set(), uploader.inner_text()
    uploader.scroll_into_view_if_needed()
    _shot(page, f"{size}_4_form")

    form.get_by_role("button", name=translate("task_action.record_observation", "zh")).click()
    done = translate("action_done", "zh", action=f"{translate('task_action.record_observation', 'zh')} · {located}")
    page.get_by_text(done).wait_for(timeout=WAIT_MS)
    page.get_by_text(done).scroll_into_view_if_needed()
    _shot(page, f"{size}_5_recorded")

    tasks = task_service.list_tasks(field_store)
    recorded = tasks[tasks["title"] == title]
    assert len(recorded) == 1
    task = task_service.get_task(field_store, recorded["id"].iloc[0])
    assert (task.lon, task.lat) == pytest.approx((lon, lat), abs=1e-9)
    assert task.township_code is not None
    photos = task_service.task_attachments(field_store, task.id)
    assert len(photos) == 1 and photos["media_type"].iloc[0] in {"image/jpeg", "image/webp", "image/png"}
    assert task_service.attachment_path(field_store, task.id, photos["name"].iloc[0]).stat().st_size > 1000

    # Streamlit's own "page not found", in Chinese too.
    page.goto(f"{app_url}/no-such-page", wait_until="domcontentloaded")
    dialog = page.locator('[data-testid="stDialog"]')
    dialog.get_by_role("heading", name=translate("streamlit_text.page_not_found", "zh")).wait_for(timeout=WAIT_MS)
    assert translate("streamlit_text.no_such_page", "zh") in dialog.inner_text()
    assert _latin_words(dialog) == set(), dialog.inner_text()
    _shot(page, f"{size}_6_page_not_found")
    assert sidebar.count() == 1
    context.close()
    assert blocked == [], f"the app asked the internet for {blocked}"


# Where a tap at (x, y) of the map's frame lands, in Leaflet's own reckoning (lon, lat).
TAP_PLACE_JS = """([x, y]) => { const map = Object.values(window).find(v => v instanceof L.Map);
    const place = map.containerPointToLatLng([x, y]); return [place.lng, place.lat]; }"""
PICK_MAP = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.mark.parametrize("size", list(SIZES))
def test_inspector_picks_the_position_on_a_map_when_not_located(app_url, browser, field_store, size: str):
    chromium, blocked = browser
    context = new_offline_context(chromium, blocked, viewport=SIZES[size])  # no geolocation granted
    page = context.new_page()
    name, password = next((a[0], a[1]) for a in DEMO_ACCOUNTS if a[0] == "xuncha")
    sign_in(page, app_url, name, password)
    _open_queue(page, size)
    page.get_by_text(translate("record_observation", "zh"), exact=True).click()
    page.get_by_text(translate("field.source.picked", "zh"), exact=True).click()
    page.get_by_text(translate("field.pick_hint", "zh")).wait_for(timeout=WAIT_MS)
    expander = page.locator('[data-testid="stExpander"]').filter(has=page.get_by_text(translate("field.pick_hint", "zh")))
    chooser = expander.locator(PICK_MAP)
    frame = chooser.element_handle().content_frame()
    frame.wait_for_selector(".lantian-task", timeout=WAIT_MS)  # the square where the observation will be
    chooser.scroll_into_view_if_needed()
    box = chooser.bounding_box()
    tap = (box["width"] / 2 + 70, box["height"] / 2 - 50)  # away from the square, inside the region's map
    lon, lat = frame.evaluate(TAP_PLACE_JS, list(tap))
    page.mouse.click(box["x"] + tap[0], box["y"] + tap[1])
    lon_field = expander.get_by_label(translate("longitude", "zh"))
    page.wait_for_function("([field, wanted]) => Math.abs(parseFloat(field.value) - wanted) < 1e-5",
                           arg=[lon_field.element_handle(), lon], timeout=WAIT_MS)
    # The tap reran the page with the square at the new place: the map before it is gone once that run ends.
    page.wait_for_function("expander => expander.querySelectorAll('iframe[title=\"streamlit_folium.st_folium\"]')"
                           ".length === 1", arg=expander.element_handle(), timeout=WAIT_MS)
    picked = translate("field.picked", "zh")
    form = page.locator('[data-testid="stForm"]').filter(has=page.get_by_text(picked, exact=True))
    title = f"地图选点 {size}"
    form.get_by_label(translate("task_title", "zh")).fill(title)
    form.get_by_label(translate("observation_description", "zh")).fill("工地未苫盖")
    chooser.scroll_into_view_if_needed()
    _shot(page, f"{size}_7_picked_on_the_map")
    form.get_by_role("button", name=translate("task_action.record_observation", "zh")).click()
    page.get_by_text(translate("action_done", "zh", action=f"{translate('task_action.record_observation', 'zh')}"
                                                             f" · {picked}")).wait_for(timeout=WAIT_MS)
    tasks = task_service.list_tasks(field_store)
    task = task_service.get_task(field_store, tasks.loc[tasks["title"] == title, "id"].iloc[0])
    assert (task.lon, task.lat) == pytest.approx((lon, lat), abs=2e-6)  # where the tap landed, to 6 decimals
    context.close()
    assert blocked == [], f"the app asked the internet for {blocked}"
