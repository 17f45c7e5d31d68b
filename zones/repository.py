"""The only place holding SQL for zones."""
from __future__ import annotations

from datetime import date

import duckdb
import geopandas as gpd

from data.geo import frame_to_geodataframe


def read_zones(con: duckdb.DuckDBPyConnection, on: date | None = None) -> gpd.GeoDataFrame:
    """Zone polygons (EPSG:4326) with id, name, kind, rules (JSON text), validity dates;
    with ``on``, only the zones in force that day."""
    frame = con.execute(
        "SELECT id, name, kind, rules, valid_from, valid_to, geom FROM zones "
        "WHERE $on IS NULL OR ((valid_from IS NULL OR valid_from <= $on) "
        "AND (valid_to IS NULL OR valid_to >= $on)) ORDER BY kind, id",
        {"on": on},
    ).df()
    return frame_to_geodataframe(frame)
