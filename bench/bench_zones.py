"""Benchmark: the province's GPS positions checked against its zone polygons, project vs geopandas.sjoin.

Usage: .venv/bin/python bench/bench_zones.py [--quick] [--data-dir DIR]

Data: bench/province.py (1,000,000 machinery GPS fixes over a year, half the machines working around a
zone; 500 irregular zone polygons, a quarter with an effective-date window so the date test is
exercised), EPSG:4326. Both contenders return (position, zone) pairs for the zones covering the point
on the position's date and must agree exactly; each runs in a fresh process (bench/report.py):
  this project — zones.enforcement.zone_hits (bbox prefilter + shapely intersects_xy on prepared polygons);
  baseline     — geopandas.sjoin(points, zones, predicate="intersects") followed by the same date filter.
"""
from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(Path(__file__).resolve().parent)]

import province  # noqa: E402
from report import Figure, measure, script_main, timed  # noqa: E402


def _baseline(positions: pd.DataFrame, zones: gpd.GeoDataFrame) -> pd.DataFrame:
    points = gpd.GeoDataFrame({"time": positions["time"]}, geometry=gpd.points_from_xy(positions["lon"], positions["lat"]),
                              crs="EPSG:4326")
    joined = gpd.sjoin(points, zones, predicate="intersects", how="inner")
    day = joined["time"].dt.normalize()
    valid_from, valid_to = pd.to_datetime(joined["valid_from"]), pd.to_datetime(joined["valid_to"])
    keep = (valid_from.isna() | (valid_from <= day)) & (valid_to.isna() | (valid_to >= day))
    joined = joined[keep]
    return pd.DataFrame({"position": joined.index.to_numpy(), "zone_id": joined["id"].to_numpy()})


def check_positions(which: str, zones: str, positions: str, output: str) -> dict:
    """Contender: the (position, zone) hits of the positions file against the zones file."""
    from zones.enforcement import zone_hits

    zone_frame, fixes = gpd.read_parquet(zones), pd.read_parquet(positions)
    if which == "project":
        seconds, hits = timed(lambda: zone_hits(fixes["lon"].to_numpy(), fixes["lat"].to_numpy(), fixes["time"], zone_frame))
    else:
        seconds, hits = timed(lambda: _baseline(fixes, zone_frame))
    hits.to_parquet(output, index=False)
    return {"seconds": seconds, "positions": len(fixes), "zones": len(zone_frame), "hits": len(hits)}


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["zone_id", "position"], ignore_index=True)


def zones_figure(data: province.ProvinceData) -> Figure:
    """Zone checks of every GPS position; fails if the two results differ."""
    outputs = [data.folder / f"zone-hits-{which}.parquet" for which in ("project", "baseline")]
    ours, baseline = (measure("bench_zones:check_positions", which, str(data.zones), str(data.positions), str(output))
                      for which, output in zip(("project", "baseline"), outputs))
    pd.testing.assert_frame_equal(*(_canonical(pd.read_parquet(path)) for path in outputs))
    return Figure(f"zone checks, {ours.extra['positions']:,} GPS fixes × {ours.extra['zones']} zones",
                  ours.seconds, "s", baseline.seconds, "geopandas.sjoin", ours.peak_mb, baseline.peak_mb)


def main() -> int:
    return script_main(__doc__.splitlines()[0], lambda data, quick: [zones_figure(data)])

if __name__ == "__main__":
    sys.exit(main())
