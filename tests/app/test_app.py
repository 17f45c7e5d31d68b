"""The Streamlit app through AppTest: it starts on a real store, shows the map, switches language,
and tells the user the store is busy instead of failing when another process holds it."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_pages.session import escape_markdown
from core.settings import get_settings
from core.vocabulary import translate
from data.stations import read_stations
from data.store import Store
from data.townships import read_townships
from hotspots.engine import DETECT_STEPS
from tests.app_support import REPO_ROOT, fill_region_store

APP = str(REPO_ROOT / "app.py")
TIMEOUT_S = 120


@pytest.fixture
def app_settings(monkeypatch: pytest.MonkeyPatch):
    """Point the app at a store: call with the store path; settings are re-read for each test."""
    def point_at(db: Path, **extra: str) -> None:
        monkeypatch.setenv("LANTIAN_DB", str(db))
        monkeypatch.setenv("LANTIAN_TILES", "none")  # base-map tiles would need the internet
        for name, value in extra.items():
            monkeypatch.setenv(f"LANTIAN_{name.upper()}", value)
        get_settings.cache_clear()

    yield point_at
    get_settings.cache_clear()


@pytest.fixture
def region_store(store: Store, real_data: Path) -> tuple[Store, tuple[int, int, int]]:
    return store, fill_region_store(store, real_data)


def _map_component(at: AppTest) -> dict:
    """The arguments the app sent to the streamlit-folium component (the map), as a dict."""
    components = [element for element in at.main.get("component_instance")]
    assert len(components) == 1, "expected exactly one map component"
    return json.loads(components[0].proto.json_args)


def test_app_shows_the_region_map_in_chinese(region_store, app_settings):
    store, (townships, stations, zones) = region_store
    app_settings(store.path)

    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()

    assert not at.exception, at.exception
    assert at.title[0].value == "乡镇空气质量地图"
    assert at.caption[0].value == translate("map_summary", "zh", townships=townships, stations=stations,
                                            zones=zones)
    component = _map_component(at)
    # Layer names reach the map script as JSON with non-ASCII escaped.
    assert json.dumps(translate("layer_townships", "zh"))[1:-1] in component["script"]
    links = component["js_links"] + component["css_links"]
    assert links and all(link.startswith("/app/static/node_modules/") for link in links), links


def test_a_demo_build_killed_half_way_leaves_no_store_under_the_real_name(tmp_path):
    target = tmp_path / "lantian.duckdb"
    builder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from pathlib import Path; "
         "from ingest.demo import build_demo_store; "
         "build_demo_store(Path(sys.argv[1]), 2025, 2025)", str(target)], cwd=REPO_ROOT)
    try:
        deadline = time.monotonic() + TIMEOUT_S
        # The database file exists (migrated, content still being written) long before the build ends.
        while not list(tmp_path.rglob("*.duckdb")):
            assert builder.poll() is None and time.monotonic() < deadline, "the build never started its file"
            time.sleep(0.05)
    finally:
        builder.kill()
        builder.wait(timeout=30)

    assert not target.exists()
    assert not Store(target).files_dir.exists()


def test_app_shows_the_demo_region(demo_store, app_settings):
    app_settings(demo_store.path)

    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()

    assert not at.exception, at.exception
    with demo_store.read() as con:
        townships = len(read_townships(con))
    assert townships > 0
    page_captions = [caption.value for caption in at.caption if translate("demo_store_notice", "zh") not in caption.value]
    assert page_captions[0].startswith(f"{townships} ")  # the demo notice first, then the page's own
    assert _map_component(at)["script"].count("geo_json_") >= 3


def test_language_switch_changes_title_and_map(region_store, app_settings):
    store, _counts = region_store
    app_settings(store.path)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()

    at.sidebar.radio(key="lang").set_value("en").run()

    assert not at.exception, at.exception
    assert at.title[0].value == "Township air-quality map"
    assert "Townships" in _map_component(at)["script"]
    at.sidebar.radio(key="lang").set_value("zh").run()
    assert at.title[0].value == "乡镇空气质量地图"


def test_busy_store_gives_a_message_not_a_traceback(region_store, app_settings):
    store, _counts = region_store
    app_settings(store.path, busy_timeout_s="0.5")
    # A second process holding the file read-write, as a long CLI import would.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
         "print('locked', flush=True); sys.stdin.read()", str(store.path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)

    assert not at.exception, at.exception
    assert [warning.value for warning in at.warning] == [translate("store_busy", "zh")]
    assert at.main.get("component_instance") == []
    at.button[0].click().run()
    assert not at.exception and at.warning == []
    assert len(at.main.get("component_instance")) == 1


def test_tianditu_without_key_is_explained_not_raised(region_store, app_settings):
    store, _counts = region_store
    app_settings(store.path, tiles="tianditu", tianditu_key="")

    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()

    assert not at.exception, at.exception
    assert escape_markdown("LANTIAN_TIANDITU_KEY") in at.error[0].value  # shown as typed, not as Markdown
    assert at.main.get("component_instance") == []


def test_station_detail_has_one_stations_hours_with_wind_and_aqi(demo_store):
    from app_pages.store_access import latest_hour, station_detail
    from data.quality import EXCLUDED_FROM_STATISTICS

    end = latest_hour(demo_store)
    with demo_store.read() as con:
        code = read_stations(con)["code"].iloc[0]
        expected = con.execute(
            "SELECT time, pm25, ws, wd FROM observations WHERE station_code = ? AND time >= ? AND time < ? "
            "AND (quality_flag & ?) = 0 ORDER BY time",
            [code, end - dt.timedelta(days=2), end + dt.timedelta(hours=1), EXCLUDED_FROM_STATISTICS]).df()

    detail = station_detail(demo_store, code, end, days=2)

    assert len(expected) > 24 and expected["ws"].notna().any()
    assert set(detail["station_code"]) == {code}
    pd.testing.assert_frame_equal(detail[["time", "pm25", "ws", "wd"]].reset_index(drop=True), expected,
                                  check_dtype=False)
    assert detail["aqi"].notna().sum() > 24


def test_the_first_start_builds_the_demo_and_names_each_step(tmp_path, app_settings):
    target = tmp_path / "first-start.duckdb"
    app_settings(target, build_demo="true")

    at = AppTest.from_file(APP, default_timeout=600).run()

    assert not at.exception, at.exception
    assert target.exists()
    [status] = at.status
    assert status.label == translate("demo_built", "zh")
    steps = [element.value for element in status.markdown]
    assert steps == [translate(key, "zh") for key in ("progress.demo.region",
                                                      *(f"progress.detect.{step}" for step in DETECT_STEPS),
                                                      "progress.demo.zones")]
    assert at.title[0].value == "乡镇空气质量地图"
    assert len(at.main.get("component_instance")) == 1
    at.run()  # the next run: the map, with no status and no step of the build written again
    assert at.status == [] and not set(steps) & {element.value for element in at.markdown}
