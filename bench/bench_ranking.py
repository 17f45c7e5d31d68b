"""Benchmark: one year's township ranking for 2,000 stations, store SQL path vs the plain pandas path.

Usage: .venv/bin/python bench/bench_ranking.py [--quick] [--stations N] [--keep DIR]

Generates synthetic hourly observations (~3 % missing values; 80 % of townships have one township
station, 20 % share two, so 2,000 stations make 1,800 townships)
as Parquet, loads them into a temporary store, then ranks the year in two fresh processes each:
  this project — stations.assessment.rank_store (hourly → daily in DuckDB, science in numpy/pandas);
  baseline     — read every hourly row into pandas, then stations.ranking.rank_from_hourly (pure pandas).
Both must produce the same ranking; the table gives wall time and peak resident memory of each.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from data.store import Store  # noqa: E402
from stations import repository  # noqa: E402
from stations.assessment import rank_store  # noqa: E402
from stations.ranking import Period, rank_from_hourly  # noqa: E402

YEAR = 2025
SHARED_SHARE = 0.2   # share of stations that sit two to a township


def township_of(stations: int) -> list[str]:
    """Township code of each station: single-station townships first, then pairs."""
    single = int(round(stations * (1 - SHARED_SHARE)))
    return [f"T{i if i < single else single + (i - single) // 2:05d}" for i in range(stations)]


def _generate(folder: Path, stations: int, seed: int = 11) -> Path:
    """Hourly rows for ``stations`` stations over YEAR, as one Parquet file; returns its path."""
    rng = np.random.default_rng(seed)
    times = pd.date_range(f"{YEAR}-01-01", f"{YEAR}-12-31 23:00", freq="h")
    hours = len(times)
    hour_of_day = times.hour.to_numpy()
    season = 1 + 0.5 * np.cos(2 * np.pi * (times.day_of_year.to_numpy() - 15) / 365)
    codes = np.array([f"S{i:05d}" for i in range(stations)])
    base = {"pm25": 45, "pm10": 80, "so2": 12, "no2": 30, "co": 0.9}
    path = folder / "observations.parquet"
    chunks = []
    for start in range(0, stations, 250):
        count = min(250, stations - start)
        level = rng.lognormal(0, 0.25, (count, 1))
        frame = {"station_code": np.repeat(codes[start:start + count], hours),
                 "time": np.tile(times.to_numpy(), count)}
        for pollutant, mean in base.items():
            values = mean * level * season * rng.lognormal(0, 0.35, (count, hours))
            values[rng.random((count, hours)) < 0.03] = np.nan
            frame[pollutant] = np.round(values.ravel(), 3 if pollutant == "co" else 1)
        o3 = (40 + 90 * np.clip(np.sin(np.pi * (hour_of_day - 6) / 14), 0, None) / season) \
            * rng.lognormal(0, 0.3, (count, hours))
        o3[rng.random((count, hours)) < 0.03] = np.nan
        frame["o3"] = np.round(o3.ravel(), 1)
        chunks.append(pd.DataFrame(frame))
    pd.concat(chunks, ignore_index=True).to_parquet(path, index=False)
    return path


def _load(store: Store, parquet: Path, stations: int, seed: int = 12) -> None:
    rng = np.random.default_rng(seed)
    codes = township_of(stations)
    townships = len(set(codes))
    side = int(np.ceil(np.sqrt(townships)))
    store.migrate()
    with store.write(spatial=True) as con:
        for index in range(townships):
            x, y = 110 + (index % side) * 0.05, 30 + (index // side) * 0.05
            con.execute("INSERT INTO townships (code, name, geom) VALUES (?, ?, ST_GeomFromText(?))",
                        [f"T{index:05d}", f"乡镇{index}",
                         f"POLYGON(({x} {y}, {x + .05} {y}, {x + .05} {y + .05}, {x} {y + .05}, {x} {y}))"])
        station_rows = pd.DataFrame({"code": [f"S{i:05d}" for i in range(stations)],
                                     "township_code": codes})
        con.register("station_rows", station_rows)
        con.execute("INSERT INTO stations (code, name, kind, township_code) "
                    "SELECT code, code, 'township', township_code FROM station_rows")
        fires = pd.DataFrame({"id": [f"F{i}" for i in range(stations * 2)],
                              "lon": 110 + rng.random(stations * 2) * side * 0.05,
                              "lat": 30 + rng.random(stations * 2) * side * 0.05,
                              "time": pd.Timestamp(f"{YEAR}-01-01") + pd.to_timedelta(rng.integers(0, 365 * 24, stations * 2), "h")})
        con.register("fires", fires)
        con.execute("INSERT INTO fire_points (id, source, time, lon, lat, geom) "
                    "SELECT id, 'demo', time, lon, lat, ST_Point(lon, lat) FROM fires")
        con.execute("INSERT INTO observations (station_code, time, pm25, pm10, so2, no2, o3, co) "
                    "SELECT station_code, time, pm25, pm10, so2, no2, o3, co FROM read_parquet(?)",
                    [str(parquet)])


def _run_contender(name: str, db: Path, output: Path) -> None:
    """Rank the year in this (fresh) process and write the ranking; prints seconds and peak RSS."""
    store = Store(db)
    period = Period.parse(str(YEAR))
    started = time.perf_counter()
    if name == "project":
        ranking = rank_store(store, period, version="2012")
    else:
        span = period.data_span()
        with store.read(spatial=True) as con:
            hours = repository.read_hourly_observations(
                con, dt.datetime.combine(span.start, dt.time()), dt.datetime(YEAR + 1, 1, 1))
            station_townships = repository.read_station_townships(con)
            fire_points = repository.count_fire_points(con, period.start, period.end)
        townships = (station_townships.drop_duplicates("township_code")[["township_code", "township"]]
                     .rename(columns={"township": "name"}))
        ranking = rank_from_hourly(hours, station_townships, period, "2012", townships=townships,
                                   fire_points=fire_points)
    seconds = time.perf_counter() - started
    ranking.to_parquet(output, index=False)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))


def _measure(name: str, db: Path, folder: Path) -> tuple[dict, pd.DataFrame]:
    output = folder / f"{name}.parquet"
    done = subprocess.run([sys.executable, __file__, "--contender", name, "--db", str(db), "--out", str(output)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1]), pd.read_parquet(output)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 stations instead of 2,000")
    parser.add_argument("--stations", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="build the data in this folder and keep it")
    parser.add_argument("--contender", choices=("project", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.contender:
        _run_contender(args.contender, args.db, args.out)
        return 0

    stations = args.stations or (200 if args.quick else 2000)
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "bench.duckdb"
        if not db.exists():
            started = time.perf_counter()
            parquet = _generate(folder, stations)
            _load(Store(db, busy_timeout_s=5), parquet, stations)
            print(f"built {stations} stations × {YEAR} hourly in {time.perf_counter() - started:.0f} s")
        project, project_ranking = _measure("project", db, folder)
        baseline, baseline_ranking = _measure("baseline", db, folder)
        pd.testing.assert_frame_equal(project_ranking, baseline_ranking, check_exact=False, rtol=1e-9)
        rows = [("ranking wall time (s)", project["seconds"], baseline["seconds"]),
                ("peak resident memory (MB)", project["peak_mb"], baseline["peak_mb"])]
        print(f"\nranking {YEAR} for {stations} stations in {len(set(township_of(stations)))} townships "
              f"(rankings identical)")
        print(f"{'figure':<28}{'this project':>14}{'baseline':>12}{'ratio':>9}")
        for figure, ours, theirs in rows:
            print(f"{figure:<28}{ours:>14.2f}{theirs:>12.2f}{theirs / ours:>8.1f}×")
        print("baseline: every hourly row read into pandas, then stations.ranking.rank_from_hourly")
    return 0


if __name__ == "__main__":
    sys.exit(main())
