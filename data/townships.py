"""The townships and admin_units tables: boundaries, the county/city hierarchy, townships known by name
before their boundary, and finding a township by code, name or position."""
from __future__ import annotations

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd

from data.geo import frame_to_geodataframe


def read_townships(con: duckdb.DuckDBPyConnection) -> gpd.GeoDataFrame:
    """Townships that have a boundary (EPSG:4326) with code, name, name_en, kind, terrain, illustrative.
    Townships known only by name (no boundary yet) are in read_township_register."""
    frame = con.execute(
        "SELECT code, name, name_en, kind, terrain, illustrative, geom FROM townships WHERE geom IS NOT NULL "
        "ORDER BY code"
    ).df()
    return frame_to_geodataframe(frame)


def read_township_register(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every township, with or without a boundary: code, name, kind, county_code, county, city_code,
    city (names from admin_units), has_boundary, provisional (known only by the name a station list
    gave) and stations (how many stations count for it)."""
    return con.execute(
        "SELECT t.code, t.name, t.kind, t.county_code, county.name AS county, t.city_code, city.name AS city, "
        "t.geom IS NOT NULL AS has_boundary, coalesce(t.provisional, FALSE) AS provisional, "
        "(SELECT count(*) FROM stations s WHERE s.township_code = t.code) AS stations "
        "FROM townships t LEFT JOIN admin_units county ON county.code = t.county_code "
        "LEFT JOIN admin_units city ON city.code = t.city_code ORDER BY has_boundary, t.code").df()


def read_admin_units(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Counties, cities and provinces: code, name, level, parent_code."""
    return con.execute("SELECT code, name, level, parent_code FROM admin_units ORDER BY code").df()


def township_lookup(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Township name or code → code, for files and people that name a township or give its code. A name
    two townships share (城关镇 in several counties) is left out: only its code can say which."""
    return dict(con.execute(
        "SELECT name, min(code) FROM townships GROUP BY name HAVING count(*) = 1 "
        "UNION ALL SELECT code, code FROM townships").fetchall())


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


def township_codes_at(con: duckdb.DuckDBPyConnection, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """The code of the township covering each (lon, lat) in EPSG:4326 (object array; None outside every
    boundary or without a position; a border point goes to the lowest code, as township_at). Needs
    spatial loaded."""
    points = pd.DataFrame({"position": np.arange(len(lons)), "lon": np.asarray(lons, float),
                           "lat": np.asarray(lats, float)})
    con.register("township_points", points)
    try:
        found = con.execute(
            "SELECT p.position, min(t.code) AS code FROM township_points p JOIN townships t "
            "ON t.geom IS NOT NULL AND ST_Intersects(t.geom, ST_Point(p.lon, p.lat)) "
            "WHERE p.lon IS NOT NULL AND p.lat IS NOT NULL AND NOT isnan(p.lon) AND NOT isnan(p.lat) "
            "GROUP BY p.position").df()
    finally:
        con.unregister("township_points")
    codes = np.full(len(points), None, dtype=object)
    codes[found["position"].to_numpy(dtype=np.int64)] = found["code"].to_numpy(dtype=object)
    return codes


def add_named_townships(con: duckdb.DuckDBPyConnection, named: pd.DataFrame) -> list[str]:
    """Create the townships of ``named`` (code, name, kind, source) that the store lacks, without a
    boundary and provisional (known only by the name a file gave); returns the codes created."""
    con.register("named_townships", named[["code", "name", "kind", "source"]])
    try:
        created = [row[0] for row in con.execute(
            "SELECT n.code FROM named_townships n ANTI JOIN townships t ON t.code = n.code ORDER BY n.code").fetchall()]
        con.execute("INSERT INTO townships (code, name, kind, illustrative, source, provisional) "
                    "SELECT n.code, n.name, n.kind, FALSE, n.source, TRUE FROM named_townships n "
                    "ANTI JOIN townships t ON t.code = n.code")
    finally:
        con.unregister("named_townships")
    return created


def _township_code_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table with a township_code column: the ones that point at a township."""
    return [row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_columns() WHERE schema_name = 'main' AND column_name = 'township_code' "
        "ORDER BY table_name").fetchall()]


def attach_named_townships(con: duckdb.DuckDBPyConnection, incoming: pd.DataFrame) -> list[tuple[str, str]]:
    """For each incoming township (code, name) of a register or boundary file, the provisional township
    of the same name under another code becomes that township: everything pointing at the provisional
    code (stations, hotspots, tasks, users, …: every table's township_code) points at the official one,
    and the provisional row is removed for the incoming one to take its place. Runs inside the
    caller's write transaction; returns the (provisional code, official code) pairs."""
    con.register("incoming_townships", incoming[["code", "name"]])
    try:
        pairs = con.execute(
            "SELECT t.code, i.code FROM townships t JOIN incoming_townships i ON i.name = t.name "
            "WHERE t.provisional AND t.code <> i.code ORDER BY t.code").fetchall()
    finally:
        con.unregister("incoming_townships")
    # Table names come from the catalogue, never from input.
    tables = _township_code_tables(con)
    for old, new in pairs:
        for table in tables:
            con.execute(f'UPDATE "{table}" SET township_code = $new WHERE township_code = $old',
                        {"old": old, "new": new})
        con.execute("DELETE FROM townships WHERE code = $old", {"old": old})
    return [(old, new) for old, new in pairs]


def has_township_source(con: duckdb.DuckDBPyConnection, source: str) -> bool:
    """Whether any township came from ``source`` (the demo's marks a demo store)."""
    return con.execute("SELECT count(*) > 0 FROM townships WHERE source = ?", [source]).fetchone()[0]


def read_boundaries(con: duckdb.DuckDBPyConnection, codes: list[str]) -> dict[str, bytes]:
    """The stored boundary (WKB, EPSG:4326) of each of ``codes`` that has one; needs the spatial extension."""
    rows = con.execute("SELECT code, ST_AsWKB(geom) FROM townships WHERE geom IS NOT NULL AND list_contains(?, code)",
                       [codes]).fetchall()
    return {code: bytes(wkb) for code, wkb in rows}
