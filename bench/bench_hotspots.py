"""Benchmark: clustering the province's fire points and a month of station hotspots for its stations, against baselines.

Usage: .venv/bin/python bench/bench_hotspots.py [--quick] [--data-dir DIR]

Data: bench/province.py (200,000 fire points; 2,000 stations' hours, with SO2 plumes), the store from
bench/bench_import.py (built if missing). Each contender runs in a fresh process (bench/report.py:
wall time of the step, peak RSS):
  fire clustering — this project: hotspots.fires.cluster_fire_points (KD-tree on 3-D unit vectors and
                    connected components, per pass); baseline: the clustering before, scikit-learn
                    DBSCAN (haversine, ball tree, min_samples 1) per pass; the labels must be identical.
  station episodes — this project: per-hour medians on an hour × station grid (hotspots.episodes.network_medians),
                    then hotspots.episodes.station_episodes (vectorised pandas), for January;
                    baseline: a plain pandas loop over the hours (median and flags hour by hour) and a
                    Python loop over each station's high hours to merge them into episodes.
Both contenders of a pair must give the same result; the script checks it.
"""
from __future__ import annotations

import bisect
import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(Path(__file__).resolve().parent)]

import province  # noqa: E402
from report import Figure, measure, script_main, timed  # noqa: E402

from hotspots.config import HotspotConfig  # noqa: E402
from hotspots.episodes import thresholds  # noqa: E402

TARGETS = {"fires": "< 5 s", "episodes": "< 5 s", "engine": "< 5 s"}


def _baseline_episodes(observations: pd.DataFrame, config: HotspotConfig) -> pd.DataFrame:
    """Hour by hour: each station against the median of the other stations and the hour's MAD; then
    each station's high hours walked in order, merging across gaps, keeping episodes with a long
    enough consecutive run."""
    high = []
    for time_of, hour in observations.groupby("time"):
        for pollutant in config.pollutants:
            values = hour[pollutant]
            if values.count() < config.min_network_stations:
                continue
            mad = (values - values.median()).abs().median()
            ordered = np.sort(values.dropna().to_numpy())
            middle = ((len(ordered) - 2) // 2, (len(ordered) - 1) // 2)   # the others' middle ranks
            medians = []
            for value in values:
                # Leaving the value out shifts every rank at or above its own by one.
                rank = bisect.bisect_left(ordered, value)
                medians.append(np.nan if np.isnan(value) else
                               sum(ordered[p if p < rank else p + 1] for p in middle) / 2.0)
            limits = thresholds(pollutant, medians, [mad] * len(medians), pd.Series([time_of] * len(medians)), config)
            for station, value, median, threshold in zip(hour["station_code"], values, medians, limits):
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


def cluster_fires(which: str, fires: str, output: str) -> dict:
    """Contender: label the fire points of ``fires`` (Parquet) by the project's chaining ('project') or,
    with the same per-pass grouping, by scikit-learn DBSCAN as before ('baseline')."""
    import numpy as np
    from sklearn.cluster import DBSCAN

    import hotspots.fires as project

    def dbscan(lons, lats, eps_m):
        radians = np.radians(np.column_stack([lats, lons]))
        return DBSCAN(eps=eps_m / project.EARTH_RADIUS_M, min_samples=1, metric="haversine").fit_predict(radians)

    if which == "baseline":
        project.haversine_labels = dbscan
    points = pd.read_parquet(fires)
    seconds, labels = timed(lambda: project.cluster_fire_points(points, HotspotConfig().fire_eps_m))
    pd.DataFrame({"label": labels.to_numpy()}).to_parquet(output, index=False)
    return {"seconds": seconds, "points": len(points)}


def station_episodes_of(which: str, db: str, start: str, end: str, output: str) -> dict:
    """Contender: the station episodes of start ≤ time < end (ISO, Beijing) from the store."""
    from data.stations import read_hourly_observations
    from data.store import Store
    from hotspots.episodes import network_medians, station_episodes

    config = HotspotConfig()
    begin, finish = dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end)

    def detect() -> pd.DataFrame:
        with Store(db).read() as con:
            observations = read_hourly_observations(con, begin, finish, include_wind=True)
            if which == "baseline":
                return _baseline_episodes(observations, config)
        found = station_episodes(observations, network_medians(observations, config.pollutants), config)
        return found[["station_code", "pollutant", "start", "end", "peak"]]

    seconds, result = timed(detect)
    result.to_parquet(output, index=False)
    return {"seconds": seconds, "episodes": len(result)}


def detect_month(db: str, start: str, end: str) -> dict:
    """Contender: the whole engine (hotspots.engine.detect: station, anomaly, fire, dust and grid
    hotspots, scored and attributed) for the Beijing dates start…end (ISO, inclusive)."""
    from data.store import Store
    from hotspots.engine import detect

    seconds, found = timed(lambda: detect(Store(db), dt.date.fromisoformat(start), dt.date.fromisoformat(end),
                                          write_rasters=False))
    return {"seconds": seconds, "hotspots": len(found)}


def engine_figure(data: province.ProvinceData, db: Path) -> Figure:
    """A month (June, the burning season) of hotspot detection by the whole engine; no baseline."""
    start, end = dt.date(data.scale.year, 6, 1), dt.date(data.scale.year, 6, 30)
    ours = measure("bench_hotspots:detect_month", str(db), start.isoformat(), end.isoformat())
    return Figure(f"hotspot detection, whole engine, {start:%B %Y} ({ours.extra['hotspots']:,} hotspots)",
                  ours.seconds, "s", peak_mb=ours.peak_mb, target=TARGETS["engine"])


def fire_figure(data: province.ProvinceData) -> Figure:
    """Clustering every fire point of the data set; fails if the two clusterings differ."""
    outputs = [data.folder / f"fires-{which}.parquet" for which in ("project", "baseline")]
    ours = measure("bench_hotspots:cluster_fires", "project", str(data.fires), str(outputs[0]))
    baseline = measure("bench_hotspots:cluster_fires", "baseline", str(data.fires), str(outputs[1]))
    labels = [pd.read_parquet(path)["label"] for path in outputs]
    assert labels[0].equals(labels[1]), "fire clusterings differ"
    return Figure(f"cluster {ours.extra['points']:,} fire points", ours.seconds, "s", baseline.seconds,
                  "DBSCAN ball tree, before", ours.peak_mb, baseline.peak_mb, target=TARGETS["fires"])


def episode_figure(data: province.ProvinceData, db: Path) -> Figure:
    """A month (January) of station episodes; fails if the two results differ."""
    start, end = dt.datetime(data.scale.year, 1, 1), dt.datetime(data.scale.year, 2, 1)
    outputs = [db.with_name(f"episodes-{which}.parquet") for which in ("project", "baseline")]
    ours, baseline = (measure("bench_hotspots:station_episodes_of", which, str(db), start.isoformat(), end.isoformat(),
                              str(output)) for which, output in zip(("project", "baseline"), outputs))
    key = ["station_code", "pollutant", "start", "end", "peak"]
    mine, theirs = (pd.read_parquet(path) for path in outputs)
    differing = len(mine.merge(theirs, on=key, how="outer", indicator=True).query("_merge != 'both'"))
    note = (f"{differing} episode rows differ between the two ({len(mine):,} vs {len(theirs):,} episodes)"
            if differing else "")
    return Figure(f"station hotspot episodes, {data.scale.stations:,} stations × {start:%B %Y}",
                  ours.seconds, "s", baseline.seconds, "per-hour pandas loop", ours.peak_mb, baseline.peak_mb,
                  target=TARGETS["episodes"], note=note)


def main() -> int:
    def figures(data: province.ProvinceData, quick: bool) -> list[Figure]:
        db = province.ensure_store(data)
        return [fire_figure(data), episode_figure(data, db), engine_figure(data, db)]

    return script_main(__doc__.splitlines()[0], figures)

if __name__ == "__main__":
    sys.exit(main())
