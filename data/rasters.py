"""The rasters table: which GeoTIFFs the store keeps under Store.rasters_dir, from which file, in which CRS
and extent."""
from __future__ import annotations

import duckdb
import pandas as pd


def read_rasters(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every stored raster: kind (satellite_pm25, landcover), period ('YYYY-MM', '' for land cover), file
    (under Store.rasters_dir), source (the imported file's name), sha256, crs, width, height, west,
    south, east, north (EPSG:4326 degrees) and nodata."""
    return con.execute("SELECT kind, period, file, source, sha256, crs, width, height, west, south, east, north, "
                       "nodata FROM rasters ORDER BY kind, period").df()


def region_extent(con: duckdb.DuckDBPyConnection) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) in EPSG:4326 of the township boundaries, else of the stations'
    positions, else None: the region a raster must overlap. Needs spatial loaded."""
    for query in ("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                  "(SELECT ST_Extent_Agg(geom) AS e FROM townships WHERE geom IS NOT NULL)",
                  "SELECT min(lon), min(lat), max(lon), max(lat) FROM stations WHERE lon IS NOT NULL"):
        row = con.execute(query).fetchone()
        if row is not None and row[0] is not None:
            return tuple(float(value) for value in row)
    return None
