"""Benchmark: clustering 200,000 fire points and a month of station hotspots for 2,000 stations, against baselines.

Usage: .venv/bin/python bench/bench_hotspots.py [--quick]

Each contender runs in a fresh process (wall time and peak resident memory of that process):
  fire clustering — this project: hotspots.fires.cluster_fire_points (DBSCAN, haversine, ball tree, per pass);
                    baseline: the same grouping with scikit-learn DBSCAN algorithm='brute' (haversine).
  station episodes — this project: per-hour medians in DuckDB (hotspots.repository.read_network_medians),
                    then hotspots.episodes.station_episodes (vectorised pandas);
                    baseline: a plain pandas loop over the hours (median and flags hour by hour) and a
                    Python loop over each station's high hours to merge them into episodes.
Both contenders of a pair must give the same result; the script checks it.
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
from hotspots import repository  # noqa: E402
from hotspots.config import HotspotConfig  # noqa: E402
from hotspots.episodes import floor_values, station_episodes  # noqa: E402
from hotspots.fires import cluster_fire_points  # noqa: E402

MONTH_START = dt.datetime(2025, 1, 1)
PASSES = 20


def _fire_points(count: int, seed: int = 3) -> pd.DataFrame:
    """``count`` detections over PASSES daytime passes in Henan: 70 % in small fields of burning
    (8–30 points within ~800 m), the rest scattered."""
    rng = np.random.default_rng(seed)
    clustered = int(count * 0.7)
    centres = rng.integers(0, clustered // 15, clustered)
    centre_lon = rng.uniform(111.5, 116.0, clustered // 15 + 1)
    centre_lat = rng.uniform(32.0, 36.0, clustered // 15 + 1)
    lon = np.concatenate([centre_lon[centres] + rng.normal(0, 0.004, clustered), rng.uniform(111.5, 116.0, count - clustered)])
    lat = np.concatenate([centre_lat[centres] + rng.normal(0, 0.004, clustered), rng.uniform(32.0, 36.0, count - clustered)])
    day = np.concatenate([centres % PASSES, rng.integers(0, PASSES, count - clustered)])
    time_of = pd.Timestamp("2025-06-01 13:00") + pd.to_timedelta(day, unit="D")
    return pd.DataFrame({"time": time_of, "lon": lon, "lat": lat, "daynight": "D"})


def _build_store(db: Path, stations: int, hours: int, seed: int = 4) -> None:
    rng = np.random.default_rng(seed)
    times = pd.date_range(MONTH_START, periods=hours, freq="h")
    regional = np.exp(np.cumsum(rng.normal(0, 0.05, hours))) * 60.0
    level = rng.lognormal(0, 0.15, (stations, 1))
    store = Store(db, busy_timeout_s=5)
    store.migrate()
    with store.write() as con:
        for first in range(0, stations, 250):
            block = slice(first, min(first + 250, stations))
            count = block.stop - block.start
            noise = np.exp(rng.normal(0, 0.25, (count, hours)))
            pm25 = regional * level[block] * noise
            so2 = 10.0 * level[block] * np.exp(rng.normal(0, 0.3, (count, hours)))
            plumes = rng.random((count, hours)) < 0.002
            so2[plumes] = 400.0
            so2[:, 1:][plumes[:, :-1]] = 350.0       # a plume lasts a few hours
            so2[:, 2:][plumes[:, :-2]] = 300.0
            frame = pd.DataFrame({
                "station_code": np.repeat([f"S{i:05d}" for i in range(block.start, block.stop)], hours),
                "time": np.tile(times.to_numpy(), count), "pm25": np.round(pm25.ravel(), 1),
                "pm10": np.round((pm25 * 1.7).ravel(), 1), "so2": np.round(so2.ravel(), 1),
                "no2": np.round((30 * noise).ravel(), 1), "co": np.round((0.8 * noise).ravel(), 2),
                "o3": 60.0, "ws": np.round(rng.uniform(0.5, 4, count * hours), 1),
                "wd": np.round(rng.uniform(0, 360, count * hours), 0)})
            con.register("block", frame)
            con.execute("INSERT INTO observations (station_code, time, pm25, pm10, so2, no2, o3, co, ws, wd) "
                        "SELECT station_code, time, pm25, pm10, so2, no2, o3, co, ws, wd FROM block")
            con.unregister("block")


def _baseline_episodes(observations: pd.DataFrame, config: HotspotConfig) -> pd.DataFrame:
    """Hour by hour: the network median and the high stations; then each station's high hours walked
    in order, merging across gaps, keeping episodes with a long enough consecutive run."""
    high = []
    for time_of, hour in observations.groupby("time"):
        for pollutant in config.pollutants:
            values = hour[pollutant]
            if values.count() < config.min_network_stations:
                continue
            median = values.median()
            floor = floor_values(pollutant, pd.Series([time_of]), config)[0]
            threshold = max(config.ratio_to_median * median, floor)
            for station, value in zip(hour["station_code"], values):
                if median > 0 and value >= threshold:
                    high.append((station, pollutant, time_of, value))
    rows = []
    high.sort(key=lambda item: (item[0], item[1], item[2]))
    current = None
    for station, pollutant, time_of, value in high + [(None, None, None, None)]:
        if current and station == current["station_code"] and pollutant == current["pollutant"] \
                and (time_of - current["end"]) <= pd.Timedelta(hours=config.max_gap_hours + 1):
            run = current["run"] + 1 if time_of - current["end"] == pd.Timedelta(hours=1) else 1
            current.update(end=time_of, run=run, longest=max(current["longest"], run), peak=max(current["peak"], value))
            continue
        if current and current["longest"] >= config.min_hours:
            rows.append({k: current[k] for k in ("station_code", "pollutant", "start", "end", "peak")})
        current = {"station_code": station, "pollutant": pollutant, "start": time_of, "end": time_of, "run": 1,
                   "longest": 1, "peak": value}
    return pd.DataFrame(rows, columns=["station_code", "pollutant", "start", "end", "peak"])


def _contender(task: str, which: str, data: Path, output: Path) -> None:
    config = HotspotConfig()
    started = time.perf_counter()
    if task == "fires":
        points = pd.read_parquet(data)
        labels = cluster_fire_points(points, config.fire_eps_m, "ball_tree" if which == "project" else "brute")
        result = pd.DataFrame({"label": labels.to_numpy()})
    else:
        store = Store(data)
        end = MONTH_START + dt.timedelta(days=40)
        with store.read() as con:
            observations = repository.read_observations(con, MONTH_START, end)
            medians = (repository.read_network_medians(con, MONTH_START, end, config.pollutants)
                       if which == "project" else None)
        if which == "project":
            result = station_episodes(observations, medians, config)[["station_code", "pollutant", "start", "end", "peak"]]
        else:
            result = _baseline_episodes(observations, config)
    seconds = time.perf_counter() - started
    result.to_parquet(output, index=False)
    print(json.dumps({"seconds": seconds, "peak_mb": _peak_resident_mb()}))


def _peak_resident_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process image, whereas ru_maxrss
    carries over the parent's peak through fork and exec and would hide the contender's own."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(task: str, which: str, data: Path, folder: Path) -> tuple[dict, pd.DataFrame]:
    output = folder / f"{task}-{which}.parquet"
    done = subprocess.run([sys.executable, __file__, "--contender", task, which, str(data), str(output)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1]), pd.read_parquet(output)


def _same_partition(a: pd.Series, b: pd.Series) -> bool:
    """Two labelings describe the same clusters (labels themselves may differ)."""
    pairs = pd.DataFrame({"a": a.to_numpy(), "b": b.to_numpy()}).drop_duplicates()
    return pairs["a"].is_unique and pairs["b"].is_unique


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 fire points and 200 stations × 10 days")
    parser.add_argument("--contender", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.contender:
        task, which, data, output = args.contender
        _contender(task, which, Path(data), Path(output))
        return 0
    fires, stations, hours = (20_000, 200, 240) if args.quick else (200_000, 2_000, 720)
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        points = folder / "fires.parquet"
        _fire_points(fires).to_parquet(points, index=False)
        db = folder / "bench.duckdb"
        started = time.perf_counter()
        _build_store(db, stations, hours)
        print(f"built {fires:,} fire points and {stations:,} stations × {hours} h in {time.perf_counter() - started:.0f} s")
        rows = []
        project, ours = _measure("fires", "project", points, folder)
        baseline, theirs = _measure("fires", "baseline", points, folder)
        assert _same_partition(ours["label"], theirs["label"]), "fire clusterings differ"
        clusters = ours["label"].nunique()
        rows += [(f"cluster {fires:,} fire points (s)", project["seconds"], baseline["seconds"]),
                 ("  peak resident memory (MB)", project["peak_mb"], baseline["peak_mb"])]
        project, ours = _measure("episodes", "project", db, folder)
        baseline, theirs = _measure("episodes", "baseline", db, folder)
        key = ["station_code", "pollutant", "start"]
        pd.testing.assert_frame_equal(ours.sort_values(key, ignore_index=True), theirs.sort_values(key, ignore_index=True),
                                      check_dtype=False)
        rows += [(f"episodes {stations:,} stations × {hours} h (s)", project["seconds"], baseline["seconds"]),
                 ("  peak resident memory (MB)", project["peak_mb"], baseline["peak_mb"])]
        print(f"\n{clusters:,} fire events; {len(ours):,} station episodes (both results identical to the baselines')")
        print(f"{'figure':<40}{'this project':>14}{'baseline':>12}{'ratio':>9}")
        for figure, mine, theirs_value in rows:
            print(f"{figure:<40}{mine:>14.2f}{theirs_value:>12.2f}{theirs_value / mine:>8.1f}×")
        print("baselines: DBSCAN algorithm='brute' (haversine); per-hour pandas loop + Python run merge")
    return 0


if __name__ == "__main__":
    sys.exit(main())
