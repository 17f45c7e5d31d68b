"""Which zones and which township contain a place, honouring the zones' effective dates.

Edges: a point exactly on a zone's border counts as inside (shapely ``intersects_xy``, the "covers"
rule): a machine parked on the boundary road of the 禁高区 is working at the zone, and an inspector
standing on the line should not be able to argue it away. A point strictly inside a hole is outside
(the hole's ring is the zone's border, so a point on it is inside). Multipolygons count every part.
A zone applies on a day when valid_from ≤ the Beijing date ≤ valid_to (either bound may be open).
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely


def zone_hits(lons: np.ndarray, lats: np.ndarray, times: pd.Series | np.ndarray | None,
              zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """Every (position, zone) pair where the zone covers the point (EPSG:4326 lon/lat in degrees)
    and, with ``times`` (naive Beijing timestamps aligned to the arrays), is in force that day.

    Returns ``position`` (index into the arrays) and ``zone_id``, ordered by zone then position.
    Each zone is tested with a bounding-box prefilter and shapely's vectorised ``intersects_xy`` on a
    prepared polygon, so a million positions take well under a second per zone.
    """
    lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    days = None if times is None else pd.to_datetime(pd.Series(np.asarray(times))).dt.normalize().to_numpy()
    parts = []
    for zone in zones.itertuples():
        geometry = zone.geometry
        west, south, east, north = geometry.bounds
        candidates = np.flatnonzero((lons >= west) & (lons <= east) & (lats >= south) & (lats <= north))
        if days is not None and candidates.size:
            candidates = candidates[in_force(days[candidates], zone.valid_from, zone.valid_to)]
        if candidates.size == 0:
            continue
        shapely.prepare(geometry)
        inside = candidates[shapely.intersects_xy(geometry, lons[candidates], lats[candidates])]
        parts.append(pd.DataFrame({"position": inside, "zone_id": zone.id}))
    if not parts:
        return pd.DataFrame({"position": pd.Series(dtype=np.int64), "zone_id": pd.Series(dtype=object)})
    return pd.concat(parts, ignore_index=True)


def in_force(days: np.ndarray, valid_from, valid_to) -> np.ndarray:
    """Which of ``days`` (datetime64 Beijing dates) fall within a zone's inclusive validity dates."""
    keep = np.ones(len(days), dtype=bool)
    if valid_from is not None and not pd.isna(valid_from):
        keep &= days >= np.datetime64(pd.Timestamp(valid_from))
    if valid_to is not None and not pd.isna(valid_to):
        keep &= days <= np.datetime64(pd.Timestamp(valid_to))
    return keep


def zones_containing(points: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, when: pd.Series | None = None) -> pd.Series:
    """For each point (EPSG:4326), the zones covering it as a list of {"id", "kind", "name"}, sorted by
    kind. With ``when`` (naive Beijing timestamps aligned to ``points``), a zone counts only if it was in
    force that day. ``zones`` as data.zones.read_zones."""
    lists = [[] for _ in range(len(points))]
    if len(points) and len(zones):
        hits = zone_hits(points.geometry.x.to_numpy(), points.geometry.y.to_numpy(),
                         None if when is None else when.to_numpy(), zones)
        hits = hits.join(zones.set_index("id")[["kind", "name"]], on="zone_id").sort_values(["kind", "zone_id"])
        for position, zone_id, kind, name in zip(hits["position"].tolist(), hits["zone_id"], hits["kind"], hits["name"]):
            lists[position].append({"id": zone_id, "kind": kind, "name": name})
    return pd.Series(lists, index=points.index, dtype=object)


def township_containing(points: gpd.GeoDataFrame, townships: gpd.GeoDataFrame) -> pd.Series:
    """Code of the township polygon covering each point (EPSG:4326), None outside every township; a
    point on a shared border goes to the lowest code, as the store's SQL picks it."""
    result = pd.Series(None, index=points.index, dtype=object)
    if points.empty or townships.empty:
        return result
    joined = gpd.sjoin(points[["geometry"]], townships[["code", "geometry"]], predicate="intersects", how="inner")
    joined = joined.sort_values("code", kind="stable")
    first = joined[~joined.index.duplicated()]
    result.loc[first.index] = first["code"].to_numpy()
    return result


def points_frame(lons: np.ndarray | pd.Series, lats: np.ndarray | pd.Series, index: pd.Index | None = None) -> gpd.GeoDataFrame:
    """A GeoDataFrame of points (EPSG:4326) from longitudes and latitudes."""
    return gpd.GeoDataFrame(index=index, geometry=gpd.points_from_xy(lons, lats), crs="EPSG:4326")
