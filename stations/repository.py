"""The only place holding SQL for townships, stations and their observations."""
from __future__ import annotations

import duckdb
import geopandas as gpd

from data.geo import frame_to_geodataframe


def read_townships(con: duckdb.DuckDBPyConnection) -> gpd.GeoDataFrame:
    """Township polygons (EPSG:4326) with code, name, name_en, kind, terrain, illustrative."""
    frame = con.execute(
        "SELECT code, name, name_en, kind, terrain, illustrative, geom FROM townships ORDER BY code"
    ).df()
    return frame_to_geodataframe(frame)


def read_stations(con: duckdb.DuckDBPyConnection, kinds: tuple[str, ...] | None = None) -> gpd.GeoDataFrame:
    """Stations that have a position (EPSG:4326), optionally only the given kinds."""
    frame = con.execute(
        "SELECT code, name, kind, township_code, city, lon, lat, geom FROM stations "
        "WHERE geom IS NOT NULL AND ($kinds IS NULL OR list_contains($kinds, kind)) ORDER BY code",
        {"kinds": list(kinds) if kinds else None},
    ).df()
    return frame_to_geodataframe(frame)
