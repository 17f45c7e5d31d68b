"""Benchmark: 1,000,000 GPS positions checked against the demo region's zones, project vs geopandas.sjoin.

Usage: .venv/bin/python bench/bench_zones.py [--quick] [--positions N]

Positions are drawn over the demo region's bounding box (EPSG:4326) with times over a year; the zones are
the demo's four (low-emission core, 禁高区 over the plain, coal-ban, fuel-ban), with one given an
effective-date window so the date test is exercised. Both contenders return (position, zone) pairs for
the zones covering the point on the position's date and must agree exactly:
  this project — zones.membership.zone_hits (bbox prefilter + shapely intersects_xy on prepared polygons);
  baseline     — geopandas.sjoin(points, zones, predicate="intersects") followed by the same date filter.
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from data.demo.geography import OUTLINE, zones as demo_zones  # noqa: E402
from data.demo.layout import ENTERPRISES  # noqa: E402
from zones.membership import zone_hits  # noqa: E402


def _zones() -> gpd.GeoDataFrame:
    zone_list = demo_zones([enterprise.footprint for enterprise in ENTERPRISES])
    return gpd.GeoDataFrame({"id": [z.id for z in zone_list], "kind": [z.kind for z in zone_list],
                             "valid_from": [date(2025, 4, 1) if z.kind == "low_emission" else None for z in zone_list],
                             "valid_to": [date(2025, 9, 30) if z.kind == "low_emission" else None for z in zone_list]},
                            geometry=[z.geom for z in zone_list], crs="EPSG:4326")


def _positions(count: int, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    west, south, east, north = OUTLINE.bounds
    return pd.DataFrame({"lon": rng.uniform(west, east, count), "lat": rng.uniform(south, north, count),
                         "time": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365 * 24 * 60, count), "min")})


def _baseline(positions: pd.DataFrame, zones: gpd.GeoDataFrame) -> pd.DataFrame:
    points = gpd.GeoDataFrame({"time": positions["time"]}, geometry=gpd.points_from_xy(positions["lon"], positions["lat"]),
                              crs="EPSG:4326")
    joined = gpd.sjoin(points, zones, predicate="intersects", how="inner")
    day = joined["time"].dt.normalize()
    valid_from, valid_to = pd.to_datetime(joined["valid_from"]), pd.to_datetime(joined["valid_to"])
    keep = (valid_from.isna() | (valid_from <= day)) & (valid_to.isna() | (valid_to >= day))
    joined = joined[keep]
    return pd.DataFrame({"position": joined.index.to_numpy(), "zone_id": joined["id"].to_numpy()})


def _timed(function, *args) -> tuple[float, pd.DataFrame]:
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["zone_id", "position"], ignore_index=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 positions instead of 1,000,000")
    parser.add_argument("--positions", type=int, default=None)
    args = parser.parse_args()
    count = args.positions or (100_000 if args.quick else 1_000_000)
    zones = _zones()
    positions = _positions(count)
    ours_s, ours = _timed(zone_hits, positions["lon"].to_numpy(), positions["lat"].to_numpy(), positions["time"], zones)
    theirs_s, theirs = _timed(_baseline, positions, zones)
    pd.testing.assert_frame_equal(_canonical(ours), _canonical(theirs))
    print(f"\n{count:,} GPS positions × {len(zones)} zones ({len(ours):,} position-zone hits, identical)")
    print(f"{'contender':<44}{'seconds':>9}{'positions/s':>14}")
    for name, seconds in (("this project: zones.membership.zone_hits", ours_s),
                          ("baseline: geopandas.sjoin + date filter", theirs_s)):
        print(f"{name:<44}{seconds:>9.2f}{count / seconds:>14,.0f}")
    print(f"speed-up: {theirs_s / ours_s:.1f}× (baseline time / project time, same run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
