"""Benchmark: building the map page's folium document on the server, per rerun, and its size.

Usage: .venv/bin/python bench/bench_map_build.py [--db PATH] [--runs N]

For the demo region (built into a temporary folder unless --db names a store) and its newest hour, builds
the map the page builds for each thematic layer (AQI, composite index, PM2.5 surface) with the last 30
days' fire points, the dust sources and the region's offline base, N times (default 5), and reports the
median build time (layers.region_map plus the render st_folium does), the document's size in UTF-8 and
gzipped (what server.enableWebsocketCompression sends). The PM2.5 run's first build includes the raster
warp, later ones reuse it (layers.raster caches it by file and modification time): both are shown.
"""
from __future__ import annotations

import argparse
import datetime as dt
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
from layers.region_map import region_map  # noqa: E402
from stations.assessment import rank_store  # noqa: E402
from stations.ranking import Period  # noqa: E402

PM25_EDGES = [0.0, 35.0, 75.0, 115.0, 150.0, 250.0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    db = args.db
    if db is None:
        from ingest.demo import build_demo_store

        db = Path(tempfile.mkdtemp(prefix="bench-map-")) / "demo.duckdb"
        build_demo_store(db, seed=7, year=2025)
    store = Store(db)
    with store.read(spatial=True) as con:
        townships, stations, zones = read_townships(con), read_stations(con), read_zones(con)
        hour = latest_observation_time(con)
        fires = read_fire_points(con, hour - dt.timedelta(days=30), hour + dt.timedelta(hours=1))
        dust = read_dust_sources(con)
    table = rank_store(store, Period.parse(f"{hour:%Y-%m}")).set_index("township_code")
    colours, _ = quantile_classes(townships["code"].map(table["composite_index"]).astype("Float64"))
    surface = store.surface_path(f"{hour:%Y-%m}")
    themes = {"aqi": {}, "composite": {"township_colours": colours},
              "pm25": {"raster": (surface, "PM2.5", PM25_EDGES)} if surface.exists() else None}
    print(f"store {db}: {len(townships)} townships, {len(stations)} stations, {len(zones)} zones, "
          f"{len(fires)} fire points, {len(dust)} dust sources; hour {hour}")
    print(f"| theme | first build (s) | median build of {args.runs} (s) | document (KB) | gzipped (KB) |")
    print("|---|---|---|---|---|")
    for theme, extra in themes.items():
        if extra is None:
            print(f"| {theme} | no surface for {hour:%Y-%m} | | | |")
            continue
        seconds, html = [], ""
        for _ in range(args.runs):
            started = time.perf_counter()
            html = region_map(townships, stations, zones, tiles="none", fires=fires, dust=dust, **extra
                              ).get_root().render()
            seconds.append(time.perf_counter() - started)
        data = html.encode("utf-8")
        print(f"| {theme} | {seconds[0]:.3f} | {statistics.median(seconds[1:] or seconds):.3f} | "
              f"{len(data) / 1024:,.0f} | {len(gzip.compress(data)) / 1024:,.0f} |")


if __name__ == "__main__":
    main()
