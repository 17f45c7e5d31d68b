"""The pollution-source tables: fire points, dust sources, dust readings and enterprises."""
from __future__ import annotations

import datetime as dt
import json

import duckdb
import geopandas as gpd
import pandas as pd

from data.geo import frame_to_geodataframe
from data.store import load_spatial


def read_fire_points(con: duckdb.DuckDBPyConnection, start: dt.datetime, end: dt.datetime) -> gpd.GeoDataFrame:
    """Fire points with start ≤ time < end (naive Beijing), oldest first: id, source, satellite, time,
    lon, lat (EPSG:4326), confidence (as the source gave it), frp (MW), daynight (D/N), township_code,
    and their point geometry."""
    frame = con.execute(
        "SELECT id, source, satellite, time, lon, lat, confidence, frp, daynight, township_code FROM fire_points "
        "WHERE time >= $start AND time < $end ORDER BY time, id", {"start": start, "end": end}).df()
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")


# The fire points with start ≤ time < end (naive Beijing; NULL bounds are open; all when $ids is NULL,
# else those ids), built from constant text only.
_FIRE_POINTS_IN_SCOPE = ("SELECT id, township_code, township_placed, geom FROM fire_points "
                         "WHERE ($start IS NULL OR time >= $start) "
                         "AND ($end IS NULL OR time < $end) AND ($ids IS NULL OR list_contains($ids, id))")
# Each of them with the township it counts for: the one it was imported with, else the township polygon
# containing it (the lowest code on a shared border, as zones.membership places it), else NULL (outside
# every township). Points that carry their township, or were placed at import (outside every one), are
# placed without touching the polygons; only the rest are joined spatially.
_PLACED_BY_POLYGON = (
    f"WITH period AS ({_FIRE_POINTS_IN_SCOPE}), "
    "placed AS (SELECT f.id, min(t.code) AS code FROM period f JOIN townships t ON ST_Intersects(t.geom, f.geom) "
    "WHERE f.township_code IS NULL AND NOT f.township_placed GROUP BY f.id) "
    "SELECT p.id, coalesce(p.township_code, placed.code) AS township_code FROM period p LEFT JOIN placed USING (id)")
_PLACED_BY_CODE = f"SELECT id, township_code FROM ({_FIRE_POINTS_IN_SCOPE})"


def placed_fire_points(con: duckdb.DuckDBPyConnection, params: dict) -> str:
    """The query (parameters $start, $end, $ids, as ``params`` holds them) of each fire point in scope
    with the township it counts for, to use as a subquery. When a point was never placed (stored before
    migration 0212 without a township) the spatial extension is loaded on ``con`` and the polygons place
    it; when every point was placed at import (place_fire_points) no spatial work is done at all."""
    scope = {name: params[name] for name in ("start", "end", "ids")}
    unplaced = con.execute(f"SELECT count(*) FROM ({_FIRE_POINTS_IN_SCOPE}) "
                           "WHERE township_code IS NULL AND NOT township_placed", scope).fetchone()[0]
    if not unplaced:
        return _PLACED_BY_CODE
    load_spatial(con)
    return _PLACED_BY_POLYGON


def place_fire_points(con: duckdb.DuckDBPyConnection, *, again_outside: bool = False) -> None:
    """Settle the township of every fire point not placed yet: the township polygon containing it (the
    lowest code on a shared border) unless it carries one, else none (outside every township). With
    ``again_outside`` (the township polygons changed) the points found outside are tried again.
    Needs the spatial extension on ``con``; runs inside the caller's write transaction."""
    if again_outside:
        con.execute("UPDATE fire_points SET township_placed = false WHERE township_code IS NULL")
    con.execute("UPDATE fire_points SET township_code = placed.code FROM ("
                "SELECT f.id, min(t.code) AS code FROM fire_points f JOIN townships t ON ST_Intersects(t.geom, f.geom) "
                "WHERE f.township_code IS NULL AND NOT f.township_placed GROUP BY f.id) placed "
                "WHERE fire_points.id = placed.id")
    con.execute("UPDATE fire_points SET township_placed = true WHERE NOT township_placed")


def day_bounds(start: dt.date, end: dt.date) -> dict[str, dt.datetime]:
    """The timestamps [start 00:00, end + 1 day 00:00) of the Beijing dates start…end."""
    return {"start": dt.datetime.combine(start, dt.time()),
            "end": dt.datetime.combine(end + dt.timedelta(days=1), dt.time())}


def read_dust_sources(con: duckdb.DuckDBPyConnection) -> gpd.GeoDataFrame:
    """Construction sites, roads and stockpiles (EPSG:4326; points or polygons for sites, points for
    stockpiles, lines for roads): id, kind, name, township_code, attrs (JSON text: area, phase and the
    "six 100%" checks of a site, a road's grade, a stockpile's material and cover), responsible_unit,
    responsible_person, responsible_phone."""
    return frame_to_geodataframe(con.execute(
        "SELECT id, kind, name, township_code, attrs, responsible_unit, responsible_person, responsible_phone, "
        "geom FROM dust_sources ORDER BY id").df())


def read_dust_readings(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Road dust load (g/m²) and dustfall (t/(km²·month)) readings dated start…end (inclusive)."""
    return con.execute(
        "SELECT id, metric, date, value, source_id, township_code, lon, lat FROM dust_readings "
        "WHERE date BETWEEN $start AND $end ORDER BY date, id", {"start": start, "end": end}).df()


def _json_list(text: str | None) -> list:
    return json.loads(text) if text else []


def read_enterprises(con: duckdb.DuckDBPyConnection) -> gpd.GeoDataFrame:
    """Registered enterprises (EPSG:4326): id, name, industry, emits (list), township_code, lon, lat,
    permit_number, stack_height_m (m), performance_grade (绩效分级), responsible_unit, responsible_person,
    responsible_phone; geometry is the plant footprint, or the position when there is none."""
    frame = con.execute("SELECT id, name, industry, emits, township_code, lon, lat, permit_number, stack_height_m, "
                        "performance_grade, responsible_unit, responsible_person, responsible_phone, "
                        "coalesce(footprint, geom) AS geom FROM enterprises ORDER BY id").df()
    frame["emits"] = frame["emits"].map(_json_list)
    return frame_to_geodataframe(frame)
