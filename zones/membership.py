"""Which zones and which township contain a place, honouring the zones' effective dates."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd


def zones_containing(points: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, when: pd.Series | None = None) -> pd.Series:
    """For each point (EPSG:4326), the zones covering it as a list of {"id", "kind", "name"}, sorted by
    kind. With ``when`` (naive Beijing timestamps aligned to ``points``), a zone counts only if it was in
    force that day (valid_from ≤ day ≤ valid_to, missing bounds open). ``zones`` as zones.repository.read_zones."""
    result = pd.Series([[] for _ in range(len(points))], index=points.index, dtype=object)
    if points.empty or zones.empty:
        return result
    joined = gpd.sjoin(points[["geometry"]], zones[["id", "kind", "name", "valid_from", "valid_to", "geometry"]],
                       predicate="within", how="inner")
    if when is not None:
        day = pd.to_datetime(when.reindex(joined.index)).dt.normalize()
        valid_from = pd.to_datetime(joined["valid_from"])
        valid_to = pd.to_datetime(joined["valid_to"])
        in_force = (valid_from.isna() | (valid_from <= day)) & (valid_to.isna() | (valid_to >= day))
        joined = joined[in_force.to_numpy()]
    joined = joined.sort_values(["kind", "id"])
    for index, group in joined.groupby(level=0, sort=False):
        result.at[index] = [{"id": row.id, "kind": row.kind, "name": row.name} for row in group.itertuples()]
    return result


def township_containing(points: gpd.GeoDataFrame, townships: gpd.GeoDataFrame) -> pd.Series:
    """Code of the township polygon covering each point (EPSG:4326), None outside every township."""
    result = pd.Series(None, index=points.index, dtype=object)
    if points.empty or townships.empty:
        return result
    joined = gpd.sjoin(points[["geometry"]], townships[["code", "geometry"]], predicate="intersects", how="inner")
    first = joined[~joined.index.duplicated()]
    result.loc[first.index] = first["code"].to_numpy()
    return result


def points_frame(lons: np.ndarray | pd.Series, lats: np.ndarray | pd.Series, index: pd.Index | None = None) -> gpd.GeoDataFrame:
    """A GeoDataFrame of points (EPSG:4326) from longitudes and latitudes."""
    return gpd.GeoDataFrame(index=index, geometry=gpd.points_from_xy(lons, lats), crs="EPSG:4326")
