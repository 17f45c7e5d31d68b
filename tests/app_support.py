"""Test support for app and browser tests: a store holding a real region, and a running app server."""
from __future__ import annotations

import json
import os
import random
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from data.store import Store
from data.zones import ZONE_KINDS

REPO_ROOT = Path(__file__).resolve().parents[1]
# Jiaozuo's districts and counties (410802-410883) and Jiyuan (419001): Qinyang and its neighbours.
REGION_ADCODE_PREFIX = 4108
JIYUAN_ADCODE = 419001
# Talks to the local server directly, whatever proxy the environment names.
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def real_region(real_data: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Real county polygons around Jiyuan (standing in for townships) and the real national
    stations inside them (CNEMC's list), both EPSG:4326."""
    counties = gpd.read_file(real_data / "boundaries" / "henan_410000_counties.geojson")
    chosen = counties[(counties["adcode"] // 100 == REGION_ADCODE_PREFIX)
                      | (counties["adcode"] == JIYUAN_ADCODE)]
    townships = gpd.GeoDataFrame({"code": chosen["adcode"].astype(str), "name": chosen["name"]},
                                 geometry=chosen.geometry.values, crs="EPSG:4326")
    listed = pd.read_csv(real_data / "cnemc_quotsoft" / "station_list_NewSiteList_utf8.csv")
    points = gpd.GeoDataFrame(
        {"code": listed["监测点编码"], "name": listed["监测点名称"], "city": listed["城市"]},
        geometry=gpd.points_from_xy(listed["经度"], listed["纬度"]), crs="EPSG:4326")
    stations = gpd.sjoin(points, townships[["code", "geometry"]].rename(columns={"code": "township_code"}),
                         predicate="within").drop(columns="index_right")
    return townships.reset_index(drop=True), stations.reset_index(drop=True)


def fill_region_store(store: Store, real_data: Path) -> tuple[int, int, int]:
    """Write the real region into an empty migrated ``store``: its counties as townships, its
    national stations, and one illustrative zone of each kind around Jiyuan's centre. Returns the
    (townships, stations, zones) counts written."""
    townships, stations = real_region(real_data)
    jiyuan = townships.loc[townships["code"] == str(JIYUAN_ADCODE), "geometry"].iloc[0]
    lon, lat = jiyuan.representative_point().coords[0]
    zones = [(f"zone-{kind}", f"测试{kind}区", kind, box(lon - 0.05 * (i + 1), lat - 0.03 * (i + 1),
                                                     lon + 0.05 * (i + 1), lat + 0.03 * (i + 1)).wkt)
             for i, kind in enumerate(ZONE_KINDS)]
    with store.write(spatial=True) as con:
        con.executemany(
            "INSERT INTO townships (code, name, kind, illustrative, source, geom) "
            "VALUES (?, ?, 'town', false, 'test: real county boundary', ST_GeomFromText(?::VARCHAR))",
            [[code, name, geom.wkt] for code, name, geom in
             zip(townships["code"], townships["name"], townships.geometry)])
        con.executemany(
            "INSERT INTO stations (code, name, kind, township_code, city, lon, lat, source, geom) "
            "VALUES (?, ?, 'national', ?, ?, ?, ?, 'test: CNEMC list', ST_Point(?::DOUBLE, ?::DOUBLE))",
            [[row.code, row.name, row.township_code, row.city, row.geometry.x, row.geometry.y,
              row.geometry.x, row.geometry.y] for row in stations.itertuples()])
        con.executemany(
            "INSERT INTO zones (id, name, kind, valid_from, source, geom) "
            "VALUES (?, ?, ?, DATE '2024-01-01', 'test: illustrative', ST_GeomFromText(?::VARCHAR))",
            [list(zone) for zone in zones])
    return len(townships), len(stations), len(zones)


# Each pytest-xdist worker takes its ports from its own block below the kernel's ephemeral range: a port the
# kernel handed one worker could otherwise be handed to the other before its server binds it, and the first
# worker's health check would then pass on the other's app.
WORKER_PORTS_FROM = 20_000
WORKER_PORT_BLOCK = 1_000


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now, from this test worker's own block."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    first = WORKER_PORTS_FROM + worker * WORKER_PORT_BLOCK
    for port in random.sample(range(first, first + WORKER_PORT_BLOCK), WORKER_PORT_BLOCK):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free local port in {first}–{first + WORKER_PORT_BLOCK - 1}")


@contextmanager
def running_app(db: Path, log_path: Path, extra_env: dict[str, str] | None = None,
                start_timeout_s: float = 90.0, base_url_path: str = "", app_dir: Path = REPO_ROOT) -> Iterator[str]:
    """Start `streamlit run serve.py` (the app and its tile route) from ``app_dir`` (this checkout unless a
    benchmark names another) on a free local port with LANTIAN_DB=``db`` (base map tiles off unless
    ``extra_env`` says otherwise) and ``server.baseUrlPath`` = ``base_url_path``, wait until it reports
    healthy, yield its base URL (with the path), and stop it on exit. Server output goes to ``log_path``."""
    port = free_port()
    env = {**os.environ, "LANTIAN_DB": str(db), "LANTIAN_TILES": "none", **(extra_env or {})}
    command = [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--server.baseUrlPath", base_url_path]
    prefix = base_url_path.strip("/")
    base_url = f"http://127.0.0.1:{port}" + (f"/{prefix}" if prefix else "")
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, cwd=app_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + start_timeout_s
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"the app exited with {server.returncode}; see {log_path}")
                try:
                    with _LOCAL.open(f"{base_url}/_stcore/health", timeout=2) as reply:
                        if reply.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the app did not become healthy in {start_timeout_s:.0f} s")
                time.sleep(0.3)
            yield base_url
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


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


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


SIGN_IN_WAIT_MS = 60_000


def sign_in(page, url: str, name: str, password: str) -> None:
    """Open the app at ``url`` and sign in as a person does: once the map has drawn and reported its view (a
    quiet rerun right after the first draw, which would swallow a sign-in typed meanwhile), with the sidebar
    folded out on a phone; returns once signed in and the signed-in map's own view report has passed."""
    from core.vocabulary import translate

    page.goto(url, wait_until="domcontentloaded")
    page.frame_locator(MAP_FRAME).last.locator(".leaflet-container").wait_for(timeout=SIGN_IN_WAIT_MS)
    page.wait_for_timeout(1500)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.wait_for(state="attached", timeout=SIGN_IN_WAIT_MS)
    if sidebar.get_attribute("data-collapsed") == "true":
        page.locator('[data-testid="stExpandSidebarButton"]').click()
    sidebar.get_by_label(translate("user_name", "zh")).fill(name)
    sidebar.get_by_label(translate("password", "zh"), exact=True).fill(password)
    # Enter submits the sign-in form; on a phone the form's button may lie below the folded-out sidebar.
    sidebar.get_by_label(translate("password", "zh"), exact=True).press("Enter")
    sidebar.get_by_role("button", name=translate("sign_out", "zh")).wait_for(timeout=SIGN_IN_WAIT_MS)
    # The signed-in map (with the hotspots) draws and reports its view once more: let that rerun pass too.
    page.wait_for_timeout(1500)


@contextmanager
def offline_chromium(extra_args: tuple[str, ...] = ()) -> Iterator[tuple[object, list[str]]]:
    """Debian's chromium driven by Playwright (with ``extra_args`` on its command line), in which every request
    to a non-local host is aborted and recorded: yields (browser, blocked URLs); make contexts with
    ``new_offline_context(browser, blocked)``. A missing chromium fails the test: scripts/test.sh installs it."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is missing: scripts/test.sh installs it (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *extra_args])
        blocked: list[str] = []
        try:
            yield browser, blocked
        finally:
            browser.close()


def new_offline_context(browser, blocked: list[str], viewport: tuple[int, int] = (1400, 1000), **options):
    """A browser context (its own cookies, so its own Streamlit session) with the internet blocked;
    accepts downloads. ``options`` go to Playwright's new_context (e.g. geolocation and permissions)."""
    def only_local(route) -> None:
        url = route.request.url
        if url.startswith("data:") or urllib.parse.urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN",
                                  accept_downloads=True, **options)
    context.route("**/*", only_local)
    return context


def demo_copy(demo_store: Store, folder: Path) -> Path:
    """A copy of the session's demo store (hotspots detected, as on the app's first start) and its files
    in ``folder``, for tests that write; returns the copy's path."""
    import shutil

    copy = folder / demo_store.path.name
    shutil.copy(demo_store.path, copy)
    if demo_store.files_dir.exists():
        shutil.copytree(demo_store.files_dir, Store(copy).files_dir)
    return copy


def drawn_fire_points(script: str) -> list[tuple[float, float]]:
    """The (lat, lon) of every fire point a rendered map's script draws (layers.sources.FirePoints' columns)."""
    found = re.search(r"var fires = (\{.*?\});\n", script)
    if found is None:
        return []
    fires = json.loads(found.group(1))
    return list(zip(fires["lat"], fires["lon"], strict=True))
