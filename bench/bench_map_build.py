"""Benchmark: building the map page's folium document on the server, per rerun, and its size.

Usage: .venv/bin/python bench/bench_map_build.py [--db PATH | --province] [--runs N]

For the demo region (built into a temporary folder unless --db names a store; --province: the full scale
of bench/province.py, its townships, stations, zones and fire points loaded without observations, the
hour being the newest fire point's) and its newest hour, builds the map the page builds for each thematic
layer (AQI, composite index, PM2.5 surface) with the last 30 days' fire points, the dust sources and the
region's offline base, N times (default 5), and reports the median build time (layers.region_map plus
the render st_folium does: layers.map_component.render_map), which the page paid on every
rerun, against a rerun of the page now (the same store version and view: a hit in the page's
RenderedMaps cache), and the document's size in UTF-8 and gzipped (what
server.enableWebsocketCompression sends). The PM2.5 run's first build includes the raster warp, later
ones reuse it (layers.raster caches it by file and modification time): both are shown.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO)]

from data.sources import read_dust_sources, read_fire_points  # noqa: E402
from data.stations import latest_observation_time, read_stations  # noqa: E402
from data.store import Store  # noqa: E402
from data.townships import read_townships  # noqa: E402
from data.zones import read_zones  # noqa: E402
from layers.legend import quantile_classes  # noqa: E402
from layers.map_component import RenderedMaps, render_map  # noqa: E402
from layers.region_map import region_map  # noqa: E402
from stations.assessment import rank_store  # noqa: E402
from stations.ranking import Period  # noqa: E402

PM25_EDGES = [0.0, 35.0, 75.0, 115.0, 150.0, 250.0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--province", action="store_true", help="the full province scale (bench/province.py)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    db = args.db
    if args.province:
        sys.path.insert(0, str(REPO / "bench"))
        import province

        data = province.ensure_data(province.FULL)
        db = data.folder / "map.duckdb"
        if not db.exists():
            province.load_store(data, db, observations=False)
    elif db is None:
        from ingest.demo import build_demo_store

        db = Path(tempfile.mkdtemp(prefix="bench-map-")) / "demo.duckdb"
        build_demo_store(db, seed=7, year=2025)
    store = Store(db)
    with store.read(spatial=True) as con:
        townships, stations, zones = read_townships(con), read_stations(con), read_zones(con)
        hour = latest_observation_time(con) or con.execute("SELECT max(time) FROM fire_points").fetchone()[0]
        fires = read_fire_points(con, hour - dt.timedelta(days=30), hour + dt.timedelta(hours=1))
        dust = read_dust_sources(con)
    table = rank_store(store, Period.parse(f"{hour:%Y-%m}"))
    ranked = townships["code"].map(table.set_index("township_code")["composite_index"]) if not table.empty else None
    colours = quantile_classes(ranked.astype("Float64"))[0] if ranked is not None else None
    surface = store.surface_path(f"{hour:%Y-%m}")
    themes = {"aqi": {}, "composite": {"township_colours": colours} if colours is not None else None,
              "pm25": {"raster": (surface, "PM2.5", PM25_EDGES)} if surface.exists() else None}
    print(f"store {db}: {len(townships)} townships, {len(stations)} stations, {len(zones)} zones, "
          f"{len(fires)} fire points, {len(dust)} dust sources; hour {hour}")
    print(f"| theme | first build (s) | median build + render of {args.runs} (s): every rerun before the cache | rerun now (ms) "
          "| document (KB) | gzipped (KB) |")
    print("|---|---|---|---|---|---|")
    for theme, extra in themes.items():
        if extra is None:
            print(f"| {theme} | no data for {hour:%Y-%m} | | | | |")
            continue
        build_map = functools.partial(region_map, townships, stations, zones, tiles="none", fires=fires, dust=dust,
                                      **extra)
        seconds, rendered = [], None
        for _ in range(args.runs):
            started = time.perf_counter()
            rendered = render_map(build_map())
            seconds.append(time.perf_counter() - started)
        maps, key = RenderedMaps(), (store.version(), hour, theme)
        maps.get(key, build_map)
        reruns = []
        for _ in range(args.runs):
            started = time.perf_counter()
            maps.get(key, build_map)
            reruns.append(time.perf_counter() - started)
        data = (rendered.script + rendered.header + rendered.html).encode("utf-8")
        build, rerun = statistics.median(seconds[1:] or seconds), statistics.median(reruns)
        print(f"| {theme} | {seconds[0]:.3f} | {build:.3f} | {rerun * 1000:.3f} | "
              f"{len(data) / 1024:,.0f} | {len(gzip.compress(data)) / 1024:,.0f} |")


if __name__ == "__main__":
    main()
