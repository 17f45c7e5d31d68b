"""Fire points chained by KD-tree and connected components: the same clusters, label for label, as the
DBSCAN(min_samples=1) they replaced, and the engine's hotspots unchanged."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import DBSCAN

import hotspots.fires as fires
from hotspots.engine import detect, hotspots_digest
from tests.conftest import DEMO_YEAR

BBOX_FILE = "MODIS_C6_1_Global_7d_20220528-20220604_bbox_73-135E_18-54N.csv"


def dbscan_haversine(lons, lats, eps_m):
    """The clustering before: scikit-learn DBSCAN, haversine metric, ball tree, min_samples 1."""
    radians = np.radians(np.column_stack([lats, lons]))
    return DBSCAN(eps=eps_m / fires.EARTH_RADIUS_M, min_samples=1, metric="haversine").fit_predict(radians)


def dbscan_minkowski(points, radius, p=2.0):
    """The episode linking before: DBSCAN min_samples 1 with the Minkowski ``p`` distance (inf: Chebyshev)."""
    metric = "chebyshev" if np.isinf(p) else "minkowski"
    return DBSCAN(eps=radius, min_samples=1, metric=metric, **({} if np.isinf(p) else {"p": p})).fit_predict(points)


@pytest.fixture(scope="module")
def firms_points(real_data) -> pd.DataFrame:
    """The real FIRMS week over China (2,091 MODIS detections)."""
    return pd.read_csv(real_data / "firms" / BBOX_FILE)


@pytest.mark.parametrize("eps_m", [375.0, 1000.0, 5000.0, 30000.0])
def test_great_circle_chains_are_dbscans_clusters(firms_points, eps_m):
    lons, lats = firms_points["longitude"].to_numpy(), firms_points["latitude"].to_numpy()
    ours = fires.haversine_labels(lons, lats, eps_m)
    before = dbscan_haversine(lons, lats, eps_m)
    assert len(np.unique(ours)) < len(ours)           # some points do chain at every radius tried
    np.testing.assert_array_equal(ours, before)


@pytest.mark.parametrize("p", [np.inf, 2.0])
def test_scaled_chains_are_dbscans_clusters(firms_points, p):
    """link_events' shape: metres east and north and days, scaled so that 1.0 is the linking distance."""
    latitude = np.radians(firms_points["latitude"].mean())
    east = np.radians(firms_points["longitude"].to_numpy()) * fires.EARTH_RADIUS_M * np.cos(latitude)
    north = np.radians(firms_points["latitude"].to_numpy()) * fires.EARTH_RADIUS_M
    day = (pd.to_datetime(firms_points["acq_date"]) - pd.Timestamp("2022-05-28")).dt.days.to_numpy()
    scaled = np.column_stack([east / 20000.0, north / 20000.0, day / 2.0])
    np.testing.assert_array_equal(fires.chained_labels(scaled, 1.0, p=p), dbscan_minkowski(scaled, 1.0, p))


def test_no_points_no_labels():
    assert fires.haversine_labels(np.array([]), np.array([]), 1000.0).tolist() == []


def test_the_engines_hotspots_are_identical_before_and_after(demo_store, monkeypatch):
    """June (the burning season) of the demo region, detected with the chaining and again with DBSCAN."""
    start, end = dt.date(DEMO_YEAR, 6, 1), dt.date(DEMO_YEAR, 6, 30)
    after = detect(demo_store, start, end)
    monkeypatch.setattr(fires, "haversine_labels", dbscan_haversine)
    monkeypatch.setattr(fires, "chained_labels", dbscan_minkowski)
    before = detect(demo_store, start, end)
    assert (after["kind"] == "fire").sum() > 0
    assert hotspots_digest(after) == hotspots_digest(before)
    pd.testing.assert_frame_equal(after.sort_values("id").reset_index(drop=True),
                                  before.sort_values("id").reset_index(drop=True))
