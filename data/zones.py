"""The only place holding SQL for zones."""
from __future__ import annotations

from datetime import date, datetime

import duckdb
import geopandas as gpd
import pandas as pd

from data.geo import frame_to_geodataframe

# The zone kinds the zones table allows (its CHECK constraint); labels: 'zone_kind.<code>'.
ZONE_KINDS = ("low_emission", "nonroad_ban", "coal_ban", "fuel_ban")


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


def read_machinery(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The non-road machinery registry: code, type, emission_stage (0 = before China I, 1..4 =
    China I..IV), emission_stage_label, smoke_class (Ringelmann), owner, site, colour_code."""
    return con.execute(
        "SELECT code, type, emission_stage, emission_stage_label, smoke_class, owner, site, colour_code "
        "FROM machinery ORDER BY code").df()


def read_machinery_positions(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    """Machinery GPS fixes with start ≤ time < end (naive Beijing): machine_code, time, lon, lat (EPSG:4326)."""
    return con.execute(
        "SELECT machine_code, time, lon, lat FROM machinery_positions "
        "WHERE time >= $start AND time < $end ORDER BY machine_code, time", {"start": start, "end": end}).df()


def read_trucks(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The truck registry: plate, fuel, gross_weight_t (t), emission_standard (China 0..VI as 0..6),
    permit_until (last valid day of a low-emission-zone pass, or NULL)."""
    return con.execute(
        "SELECT plate, fuel, gross_weight_t, emission_standard, permit_until FROM trucks ORDER BY plate").df()


def read_truck_events(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    """Fence events with start ≤ time < end (naive Beijing): plate, time, lon, lat (EPSG:4326, may be
    NULL for a bare fence crossing), fence_id, crossing ('in'/'out')."""
    return con.execute(
        "SELECT plate, time, lon, lat, fence_id, crossing FROM truck_events "
        "WHERE time >= $start AND time < $end ORDER BY plate, time", {"start": start, "end": end}).df()


def read_coal_inspections(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    """Scattered-coal inspections with start ≤ time < end (naive Beijing): id, time, lon, lat
    (EPSG:4326), finding ('sale', 'use', 'none'), note, inspector."""
    return con.execute(
        "SELECT id, time, lon, lat, finding, note, inspector FROM coal_inspections "
        "WHERE time >= $start AND time < $end ORDER BY time, id", {"start": start, "end": end}).df()
