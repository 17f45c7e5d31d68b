"""The townships table: boundaries, and finding a township by code, name or position."""
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


def township_lookup(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Township name or code → code, for files and people that name a township or give its code."""
    return dict(con.execute("SELECT name, code FROM townships UNION ALL SELECT code, code FROM townships").fetchall())


def township_code(con: duckdb.DuckDBPyConnection, township: str) -> str | None:
    """The code of the township given by its code or its Chinese name (a code match wins), or None."""
    row = con.execute("SELECT code FROM townships WHERE code = $t OR name = $t ORDER BY code = $t DESC",
                      {"t": township}).fetchone()
    return row[0] if row else None


def township_exists(con: duckdb.DuckDBPyConnection, code: str) -> bool:
    return con.execute("SELECT count(*) FROM townships WHERE code = ?", [code]).fetchone()[0] > 0


def township_at(con: duckdb.DuckDBPyConnection, lon: float, lat: float) -> str | None:
    """The code of the township covering (lon, lat) in EPSG:4326 (a border point goes to the lowest
    code), or None. Needs spatial loaded."""
    row = con.execute("SELECT code FROM townships WHERE ST_Intersects(geom, ST_Point(?, ?)) ORDER BY code LIMIT 1",
                      [lon, lat]).fetchone()
    return row[0] if row else None
