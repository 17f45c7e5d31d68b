"""The only place holding SQL for the hotspot engine: its inputs over a window, and the hotspots table."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import geopandas as gpd
import pandas as pd

from core.errors import BadInputError
from data.geo import frame_to_geodataframe
from stations.repository import EXCLUDED_QUALITY_BITS

MEDIAN_POLLUTANTS = ("pm25", "pm10", "so2", "no2", "o3", "co")
HOTSPOT_COLUMNS = ("id", "kind", "township_code", "station_code", "pollutant", "start_time", "end_time", "peak",
                   "peak_ratio", "grade", "score", "score_parts", "sources", "context", "lon", "lat", "place",
                   "hours", "audience")


def read_observations(con: duckdb.DuckDBPyConnection, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    """Hourly rows with start ≤ time < end (naive Beijing): station_code, time, pm25, pm10, so2, no2, o3
    (µg/m³), co (mg/m³), ws (m/s), wd (degrees from); hours with an excluded quality bit left out."""
    return con.execute(
        "SELECT station_code, time, pm25, pm10, so2, no2, o3, co, ws, wd FROM observations "
        "WHERE time >= $start AND time < $end AND (quality_flag & $bits) = 0 ORDER BY station_code, time",
        {"start": start, "end": end, "bits": EXCLUDED_QUALITY_BITS}).df()


def read_network_medians(con: duckdb.DuckDBPyConnection, start: dt.datetime, end: dt.datetime,
                         pollutants: Sequence[str]) -> pd.DataFrame:
    """Per hour in [start, end): each pollutant's median over the valid stations (``<p>_median``) and
    their number (``<p>_count``), computed in DuckDB; the same figures as
    hotspots.episodes.network_medians on read_observations' rows."""
    unknown = set(pollutants) - set(MEDIAN_POLLUTANTS)
    if unknown:
        raise BadInputError(f"unknown pollutant(s) {sorted(unknown)}", field="pollutants")
    # Column names come from MEDIAN_POLLUTANTS (checked above), never from input.
    columns = ", ".join(f"median({p}) AS {p}_median, count({p}) AS {p}_count" for p in pollutants)
    return con.execute(
        f"SELECT time, {columns} FROM observations WHERE time >= $start AND time < $end "
        "AND (quality_flag & $bits) = 0 GROUP BY time ORDER BY time",
        {"start": start, "end": end, "bits": EXCLUDED_QUALITY_BITS}).df()


def _json_list(text: str | None) -> list:
    return json.loads(text) if text else []


def read_enterprises(con: duckdb.DuckDBPyConnection) -> gpd.GeoDataFrame:
    """Registered enterprises (EPSG:4326): id, name, industry, emits (list), township_code, lon, lat;
    geometry is the plant footprint, or the position when there is none."""
    frame = con.execute("SELECT id, name, industry, emits, township_code, lon, lat, "
                        "coalesce(footprint, geom) AS geom FROM enterprises ORDER BY id").df()
    frame["emits"] = frame["emits"].map(_json_list)
    return frame_to_geodataframe(frame)


def read_dust_sources(con: duckdb.DuckDBPyConnection) -> gpd.GeoDataFrame:
    """Construction sites, roads and stockpiles (EPSG:4326 points and lines): id, kind, name, township_code."""
    return frame_to_geodataframe(con.execute(
        "SELECT id, kind, name, township_code, geom FROM dust_sources ORDER BY id").df())


def read_dust_readings(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Road dust load (g/m²) and dustfall (t/(km²·month)) readings dated start…end (inclusive)."""
    return con.execute(
        "SELECT id, metric, date, value, source_id, township_code, lon, lat FROM dust_readings "
        "WHERE date BETWEEN $start AND $end ORDER BY date, id", {"start": start, "end": end}).df()


def read_fire_points(con: duckdb.DuckDBPyConnection, start: dt.datetime, end: dt.datetime) -> gpd.GeoDataFrame:
    """Fire points with start ≤ time < end (naive Beijing): id, source, time, lon, lat, frp (MW),
    daynight, township_code, geometry (EPSG:4326)."""
    frame = con.execute(
        "SELECT id, source, time, lon, lat, frp, daynight, township_code FROM fire_points "
        "WHERE time >= $start AND time < $end ORDER BY time, id", {"start": start, "end": end}).df()
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")


def read_hotspot_history(con: duckdb.DuckDBPyConnection, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    """Stored hotspots starting in [start, end): id, kind, place, start — what recurrence is counted from."""
    return con.execute(
        "SELECT id, kind, place, start_time AS start FROM hotspots WHERE start_time >= $start "
        "AND start_time < $end AND place IS NOT NULL", {"start": start, "end": end}).df()


def upsert_hotspots(con: duckdb.DuckDBPyConnection, hotspots: pd.DataFrame, now: dt.datetime) -> tuple[int, int]:
    """Insert new hotspots and update stored ones with the same id (keeping detected_at, so tasks
    that reference them keep their link); nothing else is removed. Needs a spatial connection.
    ``hotspots`` has HOTSPOT_COLUMNS (score_parts, sources, context as JSON text). Returns (new, updated)."""
    frame = hotspots[list(HOTSPOT_COLUMNS)].copy()
    con.register("hotspot_rows", frame)
    try:
        existing = con.execute("SELECT count(*) FROM hotspots WHERE id IN (SELECT id FROM hotspot_rows)").fetchone()[0]
        names = ", ".join(HOTSPOT_COLUMNS)
        updates = ", ".join(f"{name} = excluded.{name}" for name in HOTSPOT_COLUMNS if name != "id")
        # Column names are the constant HOTSPOT_COLUMNS, never input.
        con.execute(
            f"INSERT INTO hotspots ({names}, geom, detected_at, updated_at) "
            f"SELECT {names}, ST_Point(lon, lat), $now, $now FROM hotspot_rows "
            f"ON CONFLICT (id) DO UPDATE SET {updates}, geom = excluded.geom, updated_at = excluded.updated_at",
            {"now": now})
    finally:
        con.unregister("hotspot_rows")
    return len(frame) - existing, existing


@dataclass(frozen=True)
class HotspotFilter:
    """Which stored hotspots to list: kinds, a township (code or Chinese name), start within
    [start, end] (dates inclusive, Beijing time), and whether supervisor-only ones are included."""

    kinds: tuple[str, ...] | None = None
    township: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    include_supervisor: bool = True

    def to_sql(self) -> tuple[str, dict[str, Any]]:
        """A WHERE clause over hotspots ``h`` and townships ``tw`` with its named parameters."""
        clauses, params = [], {}
        if self.kinds:
            clauses.append("list_contains($kinds, h.kind)")
            params["kinds"] = list(self.kinds)
        if self.township:
            clauses.append("(h.township_code = $township OR tw.name = $township)")
            params["township"] = self.township
        if self.start:
            clauses.append("h.start_time >= $start")
            params["start"] = dt.datetime.combine(self.start, dt.time())
        if self.end:
            clauses.append("h.start_time < $end")
            params["end"] = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time())
        if not self.include_supervisor:
            clauses.append("h.audience <> 'supervisor'")
        return (" AND ".join(clauses) or "TRUE"), params


def read_hotspots(con: duckdb.DuckDBPyConnection, selection: HotspotFilter, top: int | None = None) -> pd.DataFrame:
    """Stored hotspots matching ``selection``, best first (score, then start and id), with ``rank``
    (1 = best within the selection) and the township's name; lon/lat EPSG:4326, times naive Beijing."""
    where, params = selection.to_sql()
    params["top"] = top
    return con.execute(
        "SELECT row_number() OVER (ORDER BY h.score DESC NULLS LAST, h.start_time, h.id) AS rank, "
        "h.id, h.kind, h.score, h.grade, h.township_code, tw.name AS township, h.station_code AS station, "
        "h.pollutant, h.start_time AS start, h.end_time AS \"end\", h.hours, h.peak, h.peak_ratio, h.lon, h.lat, "
        "h.audience, h.place, h.score_parts, h.sources, h.context, h.detected_at, h.updated_at "
        "FROM hotspots h LEFT JOIN townships tw ON tw.code = h.township_code "
        f"WHERE {where} ORDER BY rank LIMIT coalesce($top, 9223372036854775807)", params).df()
