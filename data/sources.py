"""The pollution-source tables: fire points, dust sources, dust readings and enterprises."""
from __future__ import annotations

import datetime as dt
import json

import duckdb
import geopandas as gpd
import pandas as pd

from data.geo import frame_to_geodataframe


def read_fire_points(con: duckdb.DuckDBPyConnection, start: dt.datetime, end: dt.datetime) -> gpd.GeoDataFrame:
    """Fire points with start ≤ time < end (naive Beijing), oldest first: id, source, satellite, time,
    lon, lat (EPSG:4326), confidence (as the source gave it), frp (MW), daynight (D/N), township_code,
    and their point geometry."""
    frame = con.execute(
        "SELECT id, source, satellite, time, lon, lat, confidence, frp, daynight, township_code FROM fire_points "
        "WHERE time >= $start AND time < $end ORDER BY time, id", {"start": start, "end": end}).df()
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")


def count_fire_points(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Fire points per township with start ≤ date ≤ end (Beijing): township_code, fire_points.
    A point without a township_code is placed by point-in-polygon (a point on a shared border counts
    once, for the lowest code, as zones.membership places it). Needs a spatial connection."""
    # Points that carry their township are counted without touching the polygons; only the rest
    # are joined spatially (a join over every point would test each against every township).
    return con.execute(
        "WITH period AS (SELECT id, township_code, geom FROM fire_points WHERE time >= $start AND time < $end) "
        "SELECT township_code, count(*) AS fire_points FROM ("
        "SELECT township_code FROM period WHERE township_code IS NOT NULL "
        "UNION ALL SELECT min(t.code) FROM period f JOIN townships t ON ST_Intersects(t.geom, f.geom) "
        "WHERE f.township_code IS NULL GROUP BY f.id) GROUP BY ALL ORDER BY 1",
        {"start": dt.datetime.combine(start, dt.time()),
         "end": dt.datetime.combine(end + dt.timedelta(days=1), dt.time())},
    ).df()


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
