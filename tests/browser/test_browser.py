"""The app in Debian's chromium with every non-local request blocked: the Leaflet map still draws."""
from __future__ import annotations

from pathlib import Path

import pytest

from data.store import Store
from tests.app_support import REPO_ROOT, fill_region_store, load_map, new_offline_context, offline_chromium, running_app

ARTIFACTS = REPO_ROOT / "artifacts"


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
