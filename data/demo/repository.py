"""The only place holding SQL for the demo: replace every demo row of every table in one transaction."""
from __future__ import annotations

import duckdb
import pandas as pd

# For each table: the columns written, how geometry is made from the frame, and which rows are demo
# content (by marker, or by key, so a rebuild replaces rows rather than duplicating them).
_TABLES: dict[str, tuple[str, str, str]] = {
    "townships": (
        "code, name, name_en, kind, terrain, illustrative, source, geom",
        "code, name, name_en, kind, terrain, illustrative, source, ST_GeomFromWKB(geom_wkb)",
        "source = 'demo (illustrative)' OR code IN (SELECT code FROM demo_frame)"),
    "stations": (
        "code, name, kind, township_code, city, lon, lat, source, geom",
        "code, name, kind, township_code, city, lon, lat, source, ST_Point(lon, lat)",
        "source = 'demo' OR code IN (SELECT code FROM demo_frame)"),
    "observations": (
        "station_code, time, pm25, pm10, so2, no2, o3, co, ws, wd, temp, rh, aqi_published, quality_flag, source",
        "station_code, time, pm25, pm10, so2, no2, o3, co, ws, wd, temp, rh, aqi_published, quality_flag, source",
        "source = 'demo' OR station_code IN (SELECT DISTINCT station_code FROM demo_frame)"),
    "zones": (
        "id, name, kind, rules, valid_from, valid_to, source, geom",
        "id, name, kind, rules, valid_from, valid_to, source, ST_GeomFromWKB(geom_wkb)",
        "source = 'demo' OR id IN (SELECT id FROM demo_frame)"),
    "enterprises": (
        "id, name, industry, emits, township_code, lon, lat, footprint, geom",
        "id, name, industry, emits, township_code, lon, lat, ST_GeomFromWKB(footprint_wkb), ST_Point(lon, lat)",
        "id LIKE 'demo-%'"),
    "dust_sources": (
        "id, kind, name, township_code, attrs, geom",
        "id, kind, name, township_code, attrs, ST_GeomFromWKB(geom_wkb)",
        "id LIKE 'demo-%'"),
    "dust_readings": (
        "id, metric, date, value, source_id, township_code, lon, lat",
        "id, metric, date, value, source_id, township_code, lon, lat",
        "id LIKE 'demo-%'"),
    "fire_points": (
        "id, source, satellite, time, lon, lat, confidence, frp, brightness, daynight, township_code, geom",
        "id, source, satellite, time, lon, lat, confidence, frp, brightness, daynight, township_code, "
        "ST_Point(lon, lat)",
        "source = 'demo' OR id IN (SELECT id FROM demo_frame)"),
    "machinery": (
        "code, type, emission_stage, emission_stage_label, smoke_class, owner, site, colour_code",
        "code, type, emission_stage, emission_stage_label, smoke_class, owner, site, colour_code",
        "code IN (SELECT code FROM demo_frame)"),
    "machinery_positions": (
        "machine_code, time, lon, lat", "machine_code, time, lon, lat",
        "machine_code IN (SELECT DISTINCT machine_code FROM demo_frame)"),
    "trucks": (
        "plate, fuel, gross_weight_t, emission_standard, permit_until",
        "plate, fuel, gross_weight_t, emission_standard, permit_until",
        "plate IN (SELECT plate FROM demo_frame)"),
    "truck_events": (
        "plate, time, lon, lat, fence_id, crossing", "plate, time, lon, lat, fence_id, crossing",
        "plate IN (SELECT DISTINCT plate FROM demo_frame)"),
    "coal_inspections": (
        "id, time, lon, lat, finding, note, inspector", "id, time, lon, lat, finding, note, inspector",
        "id LIKE 'demo-%'"),
}


def replace_demo_content(con: duckdb.DuckDBPyConnection, frames: dict[str, pd.DataFrame]) -> None:
    """Delete the demo rows of each table in ``frames`` and insert the frame's rows instead.

    Runs inside the caller's transaction (a ``store.write(spatial=True)`` connection); frames carry
    geometry as WKB bytes in ``*_wkb`` columns or as lon/lat, EPSG:4326."""
    for table, frame in frames.items():
        columns, values, demo_rows = _TABLES[table]
        con.register("demo_frame", frame)
        try:
            # Table and column names come from the constant map above, never from input.
            con.execute(f"DELETE FROM {table} WHERE {demo_rows}")
            con.execute(f"INSERT INTO {table} ({columns}) SELECT {values} FROM demo_frame")
        finally:
            con.unregister("demo_frame")
