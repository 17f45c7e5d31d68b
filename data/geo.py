"""Turning query results with WKB geometry columns into GeoDataFrames in EPSG:4326."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd

WGS84 = "EPSG:4326"


def frame_to_geodataframe(frame: pd.DataFrame, geometry_column: str = "geom") -> gpd.GeoDataFrame:
    """A GeoDataFrame (EPSG:4326) from a frame whose ``geometry_column`` holds WKB.

    DuckDB returns GEOMETRY as ``bytearray``, which shapely will not read, hence the bytes() pass.
    """
    wkb = frame[geometry_column].map(lambda value: bytes(value) if value is not None else None)
    geometry = gpd.GeoSeries.from_wkb(wkb, crs=WGS84)
    return gpd.GeoDataFrame(frame.drop(columns=[geometry_column]), geometry=geometry, crs=WGS84)
