"""The app in Debian's chromium with every non-local request blocked: the Leaflet map still draws."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from data.store import Store
from tests.app_support import REPO_ROOT, fill_region_store, new_offline_context, offline_chromium, running_app

pytestmark = pytest.mark.browser

ARTIFACTS = REPO_ROOT / "artifacts"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture(scope="module")
def region_db(tmp_path_factory: pytest.TempPathFactory, real_data: Path) -> tuple[Path, int]:
    """A store file holding the real region; returns its path and how many townships it has."""
    store = Store(tmp_path_factory.mktemp("browser") / "region.duckdb", busy_timeout_s=5)
    store.migrate()
    townships, _stations, _zones = fill_region_store(store, real_data)
    return store.path, townships


@pytest.fixture(scope="module")
def app_url(region_db: tuple[Path, int], tmp_path_factory: pytest.TempPathFactory) -> str:
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with running_app(region_db[0], log) as url:
        yield url


@pytest.fixture
def offline_page():
    """A chromium page in which every request to a non-local host is aborted and recorded."""
    with offline_chromium() as (browser, blocked):
        context = new_offline_context(browser, blocked)
        try:
            yield context.new_page(), blocked
        finally:
            context.close()


def load_map(page, url: str, paths_at_least: int):
    """Open the app and wait until Leaflet has drawn at least ``paths_at_least`` paths; returns the
    map's frame and the seconds it took."""
    started = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    frame = page.wait_for_selector(MAP_FRAME, timeout=60_000).content_frame()
    frame.wait_for_selector(".leaflet-container", timeout=60_000)
    frame.wait_for_function("n => document.querySelectorAll('.leaflet-overlay-pane path').length >= n",
                            arg=paths_at_least, timeout=60_000)
    return frame, time.perf_counter() - started


def test_map_draws_townships_with_no_internet(app_url: str, region_db: tuple[Path, int], offline_page):
    page, blocked = offline_page
    townships = region_db[1]
    _frame, cold_s = load_map(page, app_url, townships)  # the server's first run imports everything
    frame, warm_s = load_map(page, app_url, townships)
    paths = frame.locator(".leaflet-overlay-pane path").count()
    frame.wait_for_timeout(800)  # let the fit-to-bounds zoom finish before the picture
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map_offline.png"), full_page=True)
    print(f"\nmap drawn {cold_s:.2f} s (first visit) / {warm_s:.2f} s (next visit) after navigation; "
          f"{paths} paths in the overlay pane")

    assert paths >= townships
    assert blocked == [], f"the page asked the internet for {blocked}"
    assert page.get_by_text("乡镇空气质量地图").count() == 1
