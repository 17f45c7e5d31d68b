"""The demo app end to end in Debian's chromium with every non-local request blocked: each role signs in
and sees its pages, the Leaflet map draws its markers, legend and layer control, the language switches
and back, a station click opens its chart, a supervisor assigns a task and downloads the Excel list.
Screenshots of each page go to artifacts/ (git-ignored)."""
from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from core.policy import User, visible_pages
from core.vocabulary import translate
from hotspots.tasks import TaskState
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


@pytest.fixture(scope="module")
def app_url(demo_store, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("e2e")
    db = demo_copy(demo_store, folder)
    with running_app(db, folder / "streamlit.log") as url:
        yield url


@pytest.fixture
def page(browser):
    chromium, blocked = browser
    context = new_offline_context(chromium, blocked)
    yield context.new_page()
    context.close()
    assert blocked == [], f"the app asked the internet for {blocked}"


def _shot(page, name: str) -> None:
    """Save a screenshot of the page, which must show no Python exception."""
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator('[data-testid="stException"]').first.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(600)  # let charts and the map finish drawing
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _map(page):
    """The map's frame (as a locator, found again on every use: a rerun may replace the iframe) once
    Leaflet has drawn its layer control and more than 40 station markers."""
    frame = page.frame_locator(MAP_FRAME).last
    frame.locator(".leaflet-control-layers").wait_for(timeout=WAIT_MS)
    frame.locator(".leaflet-overlay-pane path").nth(40).wait_for(state="attached", timeout=WAIT_MS)
    return frame


def _sign_in(page, url: str, name: str, password: str) -> None:
    sign_in(page, url, name, password)
    page.locator('[data-testid="stSidebar"]').get_by_text(name, exact=False).first.wait_for(timeout=WAIT_MS)


def _open_page(page, title_key: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=translate(title_key, "zh")).click()


def test_public_map_draws_offline_and_switches_language(app_url: str, page):
    started = time.perf_counter()
    page.goto(app_url, wait_until="domcontentloaded")
    frame = _map(page)
    drawn_s = time.perf_counter() - started
    assert frame.locator("#legend-aqi").count() == 1
    assert frame.locator(".lantian-fire-cluster").count() > 0  # the fire points, clustered (in blue)
    labels = frame.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert any(translate("layer_stations", "zh") in label for label in labels)
    assert not any(translate("layer_hotspots", "zh") in label for label in labels)  # signed out
    _shot(page, "map_zh")

    page.locator('[data-testid="stSidebar"]').get_by_text("English").click()
    page.get_by_role("heading", name=translate("map_title", "en")).wait_for(timeout=WAIT_MS)
    _map(page)
    _shot(page, "map_en")
    page.locator('[data-testid="stSidebar"]').get_by_text("中文").click()
    page.get_by_role("heading", name=translate("map_title", "zh")).wait_for(timeout=WAIT_MS)
    print(f"\nmap drawn {drawn_s:.1f} s after navigation (cold server)")


def test_clicking_a_station_opens_its_chart_and_wind_rose(app_url: str, page):
    page.goto(app_url, wait_until="domcontentloaded")
    _map(page)
    frame = page.locator(MAP_FRAME).last.element_handle().content_frame()
    # Where Leaflet drew a township station: click there as a person would.
    point = frame.evaluate("""() => {
        const map = Object.values(window).find(v => v instanceof L.Map);
        let found = null;
        map.eachLayer(layer => {
            const p = layer.feature && layer.feature.properties;
            if (!found && p && p.layer === 'station' && p.kind === 'township') {
                found = map.latLngToContainerPoint(layer.getLatLng());
            }
        });
        return found && {x: found.x, y: found.y};
    }""")
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.get_by_text(translate("station_detail", "zh", name="")[:3], exact=False).first.wait_for(timeout=WAIT_MS)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=stVegaLiteChart] canvas, "
                           "[data-testid=stVegaLiteChart] svg').length >= 2", timeout=WAIT_MS)
    page.locator('[data-testid="stVegaLiteChart"]').last.scroll_into_view_if_needed()  # the app scrolls inside
    _shot(page, "station_chart")


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=[account[0] for account in DEMO_ACCOUNTS])
def test_each_role_signs_in_and_sees_its_pages(app_url: str, page, account):
    name, password, role, _township = account
    _sign_in(page, app_url, name, password)
    links = page.locator('[data-testid="stSidebarNav"] a')
    expected = len(visible_pages(User(name, role)))
    page.wait_for_function(f"() => document.querySelectorAll('[data-testid=\"stSidebarNav\"] a').length === {expected}",
                           timeout=WAIT_MS)
    assert links.count() == expected
    _map(page)
    # The signed-in rerun redraws the map with the ranked hotspots in the layer control.
    # (The layer control is folded to its icon: its labels are there, not shown.)
    page.frame_locator(MAP_FRAME).last.locator(".leaflet-control-layers-overlays label").filter(
        has_text=translate("layer_hotspots", "zh")).wait_for(state="attached", timeout=WAIT_MS)
    last_page = {"admin": "data_page", "duban": "data_page", "xuncha": "hotspots_page", "kejing": "ranking_page",
                 "wangge": "hotspots_page"}[name]
    _open_page(page, last_page)
    page.get_by_role("heading", name=translate(last_page.replace("_page", "_title"), "zh")).wait_for(timeout=WAIT_MS)
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=WAIT_MS)
    _shot(page, f"{last_page.removesuffix('_page')}_{name}")


def test_supervisor_assigns_a_task_and_downloads_the_excel_list(app_url: str, page, tmp_path: Path):
    openpyxl = pytest.importorskip("openpyxl")
    name, password = next((a[0], a[1]) for a in DEMO_ACCOUNTS if a[0] == "duban")
    _sign_in(page, app_url, name, password)
    _open_page(page, "hotspots_page")
    page.get_by_role("heading", name=translate("hotspots_title", "zh")).wait_for(timeout=WAIT_MS)
    # The responsible unit is offered (the task's township government first); the deadline is a day.
    assign = page.locator('[data-testid="stForm"]').filter(has_text=translate("task_card.assignee", "zh")).first
    assign.get_by_role("group", name=translate("task_card.deadline_day", "zh")).wait_for(timeout=WAIT_MS)
    assign.get_by_label(translate("instructions", "zh")).fill("克井镇城建办三日内冲洗道路")
    assign.get_by_role("button", name="交办").click()
    page.get_by_text(translate("action_done", "zh", action="交办")).wait_for(timeout=WAIT_MS)
    _shot(page, "hotspots_duban")

    with page.expect_download(timeout=WAIT_MS) as download_info:
        page.get_by_role("button", name=translate("download", "zh", format=".xlsx")).click()
    saved = tmp_path / "handling_list.xlsx"
    download_info.value.save_as(saved)
    sheet = openpyxl.load_workbook(io.BytesIO(saved.read_bytes())).worksheets[0]
    cells = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert "克井镇城建办三日内冲洗道路" in cells and any(cell.endswith("人民政府") for cell in cells)
    assert TaskState.ASSIGNED.label('zh') in cells
