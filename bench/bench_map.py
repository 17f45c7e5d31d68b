"""Benchmark: the map page in Debian's chromium (internet blocked) — time to a rendered map and the map's HTML size.

Usage: .venv/bin/python bench/bench_map.py [--quick] [--points N]

Builds the demo region (seed 7, 2025) with its hotspots detected, starts `streamlit run serve.py` on it and
times, in chromium, from navigation to the Leaflet map with its stations and layer control drawn (median of
3 page loads after a first warm-up load; --quick: 1). Then inserts N (default 10,000) fire points into the
last 30 days of a copy of the store (the map's default fire window) and times the page again.

The map's HTML is the folium document the page hands to the browser (layers.region_map with the page's
data), measured in bytes. For the N fire points it is compared with a named baseline — one folium
CircleMarker object per point, the straightforward way — both as HTML size and as time for chromium to
draw the map from that HTML alone (served with the app's local Leaflet files).
"""
from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from report import Figure, format_table, machine_lines  # noqa: E402

from data.store import Store  # noqa: E402
from ingest.demo import build_demo_store  # noqa: E402
from tests.app_support import new_offline_context, offline_chromium, running_app  # noqa: E402

SEED, YEAR = 7, 2025
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
WAIT_MS = 180_000
FIRE_WINDOW_DAYS = 30


def _page_load_seconds(page, url: str) -> float:
    """Seconds from navigation until Leaflet has drawn the stations and the layer control."""
    started = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    frame = page.wait_for_selector(MAP_FRAME, state="attached", timeout=WAIT_MS).content_frame()
    frame.wait_for_selector(".leaflet-control-layers", timeout=WAIT_MS)
    frame.wait_for_function("() => document.querySelectorAll('.leaflet-overlay-pane path').length > 40",
                            timeout=WAIT_MS)
    return time.perf_counter() - started


def _app_map_html_bytes(db: Path) -> int:
    """Bytes of the folium document the map page builds for the store's newest hour (public view)."""
    from data.sources import read_dust_sources, read_fire_points
    from data.stations import latest_observation_time, read_stations
    from data.townships import read_townships
    from data.zones import read_zones
    from layers.legend import quantile_classes
    from layers.region_map import region_map
    from stations.assessment import rank_store
    from stations.ranking import Period

    store = Store(db)
    with store.read(spatial=True) as con:
        townships, stations, zones = (read_townships(con), read_stations(con), read_zones(con))
        hour = latest_observation_time(con)
        fires = read_fire_points(con, hour - dt.timedelta(days=FIRE_WINDOW_DAYS), hour + dt.timedelta(hours=1))
        dust = read_dust_sources(con)
    table = rank_store(store, Period.parse(f"{hour:%Y-%m}")).set_index("township_code")
    colours, _edges = quantile_classes(townships["code"].map(table["composite_index"]).astype(float))
    surface = store.surface_path(f"{hour:%Y-%m}")
    raster = (surface, "PM2.5", [0, 35, 75, 115, 150, 250]) if surface.exists() else None
    folium_map = region_map(townships, stations, zones, tiles="none", township_colours=colours, fires=fires,
                            dust=dust, raster=raster)
    return len(folium_map.get_root().render().encode("utf-8"))


def _fire_frame(count: int, hour: dt.datetime, seed: int = 5) -> pd.DataFrame:
    """``count`` fire points spread over Jiyuan (EPSG:4326) within the FIRE_WINDOW_DAYS before ``hour``."""
    rng = np.random.default_rng(seed)
    minutes = rng.integers(0, FIRE_WINDOW_DAYS * 24 * 60, count)
    return pd.DataFrame({"id": [f"bench-{i}" for i in range(count)], "source": "official",
                         "time": [hour - dt.timedelta(minutes=int(m)) for m in minutes],
                         "lon": rng.uniform(112.2, 112.75, count), "lat": rng.uniform(34.95, 35.25, count),
                         "frp": rng.uniform(1, 40, count)})


def _insert_fires(db: Path, fires: pd.DataFrame) -> None:
    with Store(db).write(spatial=True) as con:
        con.register("bench_fires", fires)
        con.execute("INSERT INTO fire_points (id, source, time, lon, lat, frp, geom) "
                    "SELECT id, source, time, lon, lat, frp, ST_Point(lon, lat) FROM bench_fires")
        con.unregister("bench_fires")


def _standalone_maps(fires: pd.DataFrame, asset_url: str) -> tuple[str, str]:
    """(ours, baseline) folium documents of the fire points alone: clustered, and one CircleMarker each."""
    import folium
    import geopandas as gpd

    from layers.assets import localize_assets
    from layers.region_map import region_map

    empty = gpd.GeoDataFrame({"code": [], "name": [], "kind": []}, geometry=[], crs="EPSG:4326")
    zones = gpd.GeoDataFrame({"id": [], "name": [], "kind": [], "valid_from": [], "valid_to": []}, geometry=[],
                             crs="EPSG:4326")
    ours = region_map(empty, empty, zones, tiles="none", asset_url=asset_url, fires=fires)
    baseline = folium.Map(location=[35.1, 112.5], zoom_start=10, tiles=None)
    for row in fires.itertuples():
        folium.CircleMarker([row.lat, row.lon], radius=5, color="#b71c1c", fill=True, fill_color="#ff5722",
                            tooltip=f"{row.time:%Y-%m-%d %H:%M} · FRP {row.frp:.1f} MW").add_to(baseline)
    localize_assets(baseline, asset_url)
    return ours.get_root().render(), baseline.get_root().render()


def _draw_seconds(page, html: str, ready_js: str) -> float:
    started = time.perf_counter()
    page.set_content(html, wait_until="load", timeout=WAIT_MS)
    page.wait_for_function(ready_js, timeout=WAIT_MS)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one timed page load per case instead of three")
    parser.add_argument("--points", type=int, default=10_000, help="fire points added for the large case")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3

    print("\n".join(machine_lines()))
    with tempfile.TemporaryDirectory(prefix="lantian-bench-map-") as folder_name:
        folder = Path(folder_name)
        demo = folder / "demo.duckdb"
        build_demo_store(demo, seed=SEED, year=YEAR)
        many = folder / "many" / "demo.duckdb"
        many.parent.mkdir()
        shutil.copy(demo, many)
        with Store(many).read() as con:
            newest = con.execute("SELECT max(time) FROM observations").fetchone()[0]
        fires = _fire_frame(args.points, newest)
        _insert_fires(many, fires)

        figures: list[Figure] = []
        with offline_chromium() as (browser, blocked):
            for label, db in (("demo year", demo), (f"demo year + {args.points:,} fire points", many)):
                with running_app(db, folder / f"{db.parent.name}.log") as url:
                    context = new_offline_context(browser, blocked)
                    page = context.new_page()
                    _page_load_seconds(page, url)  # warm-up: the server's first run fills its caches
                    seconds = statistics.median(_page_load_seconds(page, url) for _ in range(repeats))
                    figures.append(Figure(f"map page, {label}: time to rendered map", seconds, "s",
                                          note="navigation → stations and layer control drawn, warm server"
                                          if label == "demo year" else ""))
                    figures.append(Figure(f"map page, {label}: map HTML", _app_map_html_bytes(db) / 1024, "kB"))
                    if db == many:
                        asset_url = url + "/app/static/node_modules"
                        ours, baseline = _standalone_maps(fires, asset_url)
                        figures.append(Figure(f"map HTML of {args.points:,} fire points", len(ours.encode()) / 1024,
                                              "kB", baseline=len(baseline.encode()) / 1024,
                                              baseline_name="one CircleMarker per point"))
                        ours_s = statistics.median(_draw_seconds(
                            page, ours, "() => document.querySelectorAll('.marker-cluster').length > 0")
                            for _ in range(repeats))
                        base_s = statistics.median(_draw_seconds(
                            page, baseline, f"() => document.querySelectorAll('path.leaflet-interactive').length >= {args.points}")
                            for _ in range(repeats))
                        figures.append(Figure(f"draw {args.points:,} fire points in chromium", ours_s, "s",
                                              baseline=base_s, baseline_name="one CircleMarker per point"))
                    context.close()
        if blocked:
            print(f"warning: the pages asked the internet for {blocked[:5]}", file=sys.stderr)
    print(format_table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
