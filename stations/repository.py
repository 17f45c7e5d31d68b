"""The only place holding SQL for townships, stations and their observations."""
from __future__ import annotations

import datetime as dt

import duckdb
import geopandas as gpd
import pandas as pd

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


# Quality bits that keep an hour out of the statistics: values that cannot be air. PM2.5 above PM10
# stays in, as the national network publishes such hours.
EXCLUDED_QUALITY_BITS = 1 | 4 | 8   # data.quality.QualityFlag NEGATIVE | FUTURE_TIME | OUT_OF_RANGE


def read_station_townships(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Township stations and the township each counts for: station_code, township_code, township
    (name). National, provincial and micro stations are left out: they do not rank a township."""
    return con.execute(
        "SELECT s.code AS station_code, s.township_code, t.name AS township FROM stations s "
        "JOIN townships t ON t.code = s.township_code WHERE s.kind = 'township' ORDER BY s.code"
    ).df()


def read_hourly_observations(con: duckdb.DuckDBPyConnection, start: dt.datetime, end: dt.datetime,
                             station_codes: list[str] | None = None) -> pd.DataFrame:
    """Hourly concentrations (µg/m³, CO mg/m³) with start ≤ time < end (naive Beijing time), of the
    given stations or all; hours with an excluded quality bit are left out."""
    return con.execute(
        "SELECT station_code, time, so2, no2, o3, pm10, pm25, co FROM observations "
        "WHERE time >= $start AND time < $end AND (quality_flag & $bits) = 0 "
        "AND ($codes IS NULL OR list_contains($codes, station_code)) ORDER BY station_code, time",
        {"start": start, "end": end, "bits": EXCLUDED_QUALITY_BITS, "codes": station_codes},
    ).df()


_MEAN_POLLUTANTS = ("so2", "no2", "pm10", "pm25", "co", "o3")
# Built from constant names only, never from input.
_DAILY_COLUMNS = ", ".join(
    [f"sum({p}) AS sum_{p}, count({p}) AS n_{p}" for p in _MEAN_POLLUTANTS]
    + [f"any_value(o3) FILTER (WHERE hour(time) = {h}) AS o3_h{h:02d}" for h in range(24)])


def township_daily_aggregates(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per township and Beijing date in start…end (inclusive): township stations averaged per hour,
    then each pollutant's sum and count of hourly values and the 24 O3 hours — the shape of
    stations.daily.daily_aggregates, for stations.daily.finish_daily. Done in SQL for speed."""
    return con.execute(
        "WITH hourly AS (SELECT s.township_code, o.time, avg(o.so2) AS so2, avg(o.no2) AS no2, "
        "avg(o.pm10) AS pm10, avg(o.pm25) AS pm25, avg(o.co) AS co, avg(o.o3) AS o3 "
        "FROM observations o JOIN stations s ON s.code = o.station_code "
        "WHERE s.kind = 'township' AND s.township_code IS NOT NULL "
        "AND o.time >= $start AND o.time < $end AND (o.quality_flag & $bits) = 0 "
        "GROUP BY s.township_code, o.time) "
        f"SELECT township_code, CAST(time AS DATE) AS date, {_DAILY_COLUMNS} FROM hourly "
        "GROUP BY township_code, CAST(time AS DATE) ORDER BY township_code, date",
        {"start": dt.datetime.combine(start, dt.time()),
         "end": dt.datetime.combine(end + dt.timedelta(days=1), dt.time()), "bits": EXCLUDED_QUALITY_BITS},
    ).df()


def count_fire_points(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Fire points per township with start ≤ date ≤ end (Beijing): township_code, fire_points.
    A point without a township_code is placed by point-in-polygon. Needs a spatial connection."""
    return con.execute(
        "SELECT coalesce(f.township_code, t.code) AS township_code, count(*) AS fire_points "
        "FROM fire_points f LEFT JOIN townships t "
        "ON f.township_code IS NULL AND ST_Contains(t.geom, f.geom) "
        "WHERE f.time >= $start AND f.time < $end AND coalesce(f.township_code, t.code) IS NOT NULL "
        "GROUP BY ALL ORDER BY 1",
        {"start": dt.datetime.combine(start, dt.time()),
         "end": dt.datetime.combine(end + dt.timedelta(days=1), dt.time())},
    ).df()


def read_sand_dust_days(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Sand-dust days marked within start…end: date, township_code (NULL = whole region), note."""
    return con.execute(
        "SELECT date, township_code, note FROM sand_dust_days WHERE date BETWEEN $start AND $end "
        "ORDER BY date, township_code", {"start": start, "end": end},
    ).df()


def mark_sand_dust_day(con: duckdb.DuckDBPyConnection, day: dt.date, township_code: str | None,
                       note: str | None = None) -> None:
    """Mark (or re-mark, replacing the note) a sand-dust day for a township or, with None, the region."""
    con.execute("DELETE FROM sand_dust_days WHERE date = $day AND township_code IS NOT DISTINCT FROM $code",
                {"day": day, "code": township_code})
    con.execute("INSERT INTO sand_dust_days (date, township_code, note) VALUES ($day, $code, $note)",
                {"day": day, "code": township_code, "note": note})

