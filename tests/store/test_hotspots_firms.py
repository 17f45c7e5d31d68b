"""The real FIRMS week (MODIS, 110–117 E, 31–37 N, harvest time in Henan) clusters into fire events the way
an independent count over pairwise great-circle distances says it should."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from data.sources import read_enterprises, read_fire_points
from hotspots.config import HotspotConfig
from hotspots.fires import classify_fire_points, cluster_fire_points, fire_events
from ingest.firms import import_firms

BOX_FILE = "MODIS_C6_1_Global_7d_20220528-20220604_box_110-117E_31-37N.csv"
DAY = dt.date(2022, 5, 30)        # the busiest day of the week: 102 daytime detections
EPS_M = 1000.0


def _haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of radius 6,371,008.8 m (written out, not taken from the code under test)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def _union_find_groups(lats: list[float], lons: list[float], eps_m: float) -> int:
    parent = list(range(len(lats)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(lats)):
        for j in range(i + 1, len(lats)):
            if _haversine_m(lats[i], lons[i], lats[j], lons[j]) <= eps_m:
                parent[root(i)] = root(j)
    return len({root(i) for i in range(len(lats))})


def test_firms_day_clusters_match_an_independent_count(store, real_data):
    path = real_data / "firms" / BOX_FILE
    report = import_firms(store, [path])
    assert report.new > 0
    with store.read() as con:
        points = read_fire_points(con, dt.datetime(2022, 5, 27), dt.datetime(2022, 6, 6))
    labels = cluster_fire_points(points, EPS_M)

    # Independent: the CSV itself, UTC acq_date/acq_time shifted to Beijing time, daytime passes of DAY.
    raw = pd.read_csv(path, dtype={"acq_time": str})
    beijing = pd.to_datetime(raw["acq_date"] + " " + raw["acq_time"].str.zfill(4), format="%Y-%m-%d %H%M") \
        + pd.Timedelta(hours=8)
    day_rows = raw[(beijing.dt.date == DAY) & (raw["daynight"] == "D")]
    expected = _union_find_groups(day_rows["latitude"].tolist(), day_rows["longitude"].tolist(), EPS_M)

    on_day = points[(points["time"].dt.date == DAY) & (points["daynight"] == "D")]
    assert len(on_day) == len(day_rows) == 102
    assert labels[on_day.index].nunique() == expected
    assert 1 < expected < len(day_rows)          # some detections do group, most fires stand alone
    # Labels never join detections of different passes.
    assert not labels[on_day.index].isin(labels.drop(on_day.index)).any()


def test_firms_week_gives_straw_events_on_cropland_season(store, real_data):
    import_firms(store, [real_data / "firms" / BOX_FILE])
    with store.read() as con:
        points = read_fire_points(con, dt.datetime(2022, 5, 27), dt.datetime(2022, 6, 6))
        enterprises = read_enterprises(con)
    config = HotspotConfig()
    classified = classify_fire_points(points, points.iloc[:0], enterprises, None, config)
    # One week cannot show a place on four days across two months: nothing is persistent heat.
    assert (classified["fire_class"] == "straw").all()
    events = fire_events(classified, config)
    assert len(events) > 0 and (events["points"] >= config.fire_min_points).all()
    assert events["points"].sum() <= len(points)
    assert np.allclose(events["credible_points"], events["points"] * 0.5)   # no land-cover raster: 0.5 each
