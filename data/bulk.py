"""Bulk writes: the importers' staged upserts (counting new, updated and unchanged rows) and the demo's
replacement of its own rows."""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
STAGE = "import_stage"


@dataclass(frozen=True)
class UpsertCounts:
    new: int
    updated: int
    unchanged: int


def _identifiers(names: Sequence[str]) -> list[str]:
    # Table and column names come from the importers' own constants, never from a file's headers;
    # this check keeps it that way.
    for name in names:
        if not _IDENTIFIER.match(name):
            raise ValueError(f"not a plain SQL identifier: {name!r}")
    return list(names)


def upsert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, key: Sequence[str], *,
           geometry: str | None = None, fill_township: bool = False, wkb: Sequence[str] = ()) -> UpsertCounts:
    """Insert or update ``frame``'s rows in ``table`` on the natural ``key``, touching only the
    columns the frame has; rows equal to what is stored are left alone and counted unchanged.

    ``geometry``: None (no geom column), 'point' (geom = ST_Point(lon, lat), NULL without a
    position) or 'wkb' (the frame's ``geom`` column holds WKB in EPSG:4326). Spatial SQL needs a
    connection with the spatial extension loaded. ``fill_township`` sets a NULL township_code from
    the township polygon containing (lon, lat). ``wkb`` names further geometry columns the frame holds
    as WKB in EPSG:4326 (an enterprise's footprint beside its position).
    """
    _identifiers([table, *key, *frame.columns])
    columns = [column for column in frame.columns if column != "geom" and column not in wkb]
    con.register("import_incoming", frame)
    try:
        return _upsert_registered(con, table, columns, key, geometry, fill_township, list(wkb))
    finally:
        con.unregister("import_incoming")


def _upsert_registered(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], key: Sequence[str],
                       geometry: str | None, fill_township: bool, wkb: list[str]) -> UpsertCounts:
    source = "import_incoming"
    if geometry or fill_township or wkb:
        select = [f'"{column}"' for column in columns] + [f'ST_GeomFromWKB("{column}") AS "{column}"'
                                                          for column in wkb]
        if geometry == "wkb":
            select.append('ST_GeomFromWKB("geom") AS geom')
        elif geometry == "point":
            select.append("CASE WHEN lon IS NOT NULL AND lat IS NOT NULL THEN ST_Point(lon, lat) END AS geom")
        con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGE} AS SELECT {', '.join(select)} FROM import_incoming")
        source = STAGE
    # Otherwise the frame is read in place: a staged copy dropped inside the transaction would stay
    # in memory until the commit, which for a province's year of hours is gigabytes.
    if fill_township:
        # A point on a shared border goes to the lowest code, as zones.membership places it.
        con.execute(f"UPDATE {STAGE} SET township_code = placed.code FROM ("
                    f"SELECT s.rowid AS row_id, min(t.code) AS code FROM {STAGE} s JOIN townships t "
                    f"ON ST_Intersects(t.geom, ST_Point(s.lon, s.lat)) "
                    f"WHERE s.township_code IS NULL AND s.lon IS NOT NULL GROUP BY s.rowid) placed "
                    f"WHERE {STAGE}.rowid = placed.row_id")
    stored = columns + wkb + (["geom"] if geometry else [])
    values = [column for column in stored if column not in key]
    joined = " AND ".join(f's."{column}" = t."{column}"' for column in key)
    column_list = ", ".join(f'"{column}"' for column in stored)
    # Keys are unique on both sides, so counting stored rows that match incoming keys counts the
    # incoming rows already stored; the hash table is then built on the (smaller) incoming side.
    stored_already = con.execute(f"SELECT count(*) FROM {table} t SEMI JOIN {source} s ON {joined}").fetchone()[0]
    if stored_already == 0:
        # All new (the usual bulk load): a plain insert, much faster than ON CONFLICT.
        new = con.execute(f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {source}").fetchone()[0]
        con.execute(f"DROP TABLE IF EXISTS {STAGE}")
        return UpsertCounts(new, 0, 0)
    same = " AND ".join(f's."{column}" IS NOT DISTINCT FROM t."{column}"' for column in values) or "TRUE"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGE}_status AS SELECT s.*, CASE "
        f"WHEN t.\"{key[0]}\" IS NULL THEN 'new' WHEN {same} THEN 'unchanged' ELSE 'updated' END AS import_status "
        f"FROM {source} s LEFT JOIN {table} t ON {joined}")
    counts = dict(con.execute(
        f"SELECT import_status, count(*) FROM {STAGE}_status GROUP BY import_status").fetchall())
    con.execute(f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {STAGE}_status "
                "WHERE import_status = 'new'")
    if counts.get("updated", 0):
        assignments = ", ".join(f'"{column}" = excluded."{column}"' for column in values)
        con.execute(f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {STAGE}_status "
                    f"WHERE import_status = 'updated' ON CONFLICT ({', '.join(key)}) DO UPDATE SET {assignments}")
    con.execute(f"DROP TABLE {STAGE}_status")
    con.execute(f"DROP TABLE IF EXISTS {STAGE}")
    return UpsertCounts(counts.get("new", 0), counts.get("updated", 0), counts.get("unchanged", 0))


@dataclass(frozen=True)
class Relation:
    """Rows to store, as SQL: ``sql`` a FROM item (a registered frame, a staged Parquet file, a query
    over either), ``parameters`` its bindings, ``columns`` the columns it yields."""

    sql: str
    parameters: dict
    columns: tuple[str, ...]

    def with_computed(self, computed: Mapping[str, str], parameters: Mapping[str, object]) -> Relation:
        """These rows with further columns: SQL expressions over their columns (the importers' own
        constants, never a file's text) bound by ``parameters``."""
        added = "".join(f', {expression} AS "{name}"' for name, expression in computed.items())
        return Relation(f"(SELECT *{added} FROM {self.sql})", {**self.parameters, **parameters},
                        (*self.columns, *_identifiers(list(computed))))


def staged_parquet(path: Path, columns: Sequence[str], key: Sequence[str] | None = None) -> Relation:
    """The rows of a Parquet file the importer staged (``columns``); with ``key``, a key staged more
    than once keeps its last row."""
    columns = tuple(_identifiers(columns))
    if key is None:
        return Relation("read_parquet($staged_path)", {"staged_path": str(path)}, columns)
    partition = ", ".join(f'"{column}"' for column in _identifiers(key))
    return Relation(f"(SELECT * EXCLUDE (file_row_number) FROM read_parquet($staged_path, file_row_number = true) "
                    f"QUALIFY row_number() OVER (PARTITION BY {partition} ORDER BY file_row_number DESC) = 1)",
                    {"staged_path": str(path)}, columns)


def _stored_in_ranges(table: str, source: Relation, key: tuple[str, str]) -> str:
    # Each entity's first and last time among the incoming rows: stored rows outside them cannot match.
    entity, time = key
    ranges = f'SELECT "{entity}", min("{time}") AS first_time, max("{time}") AS last_time FROM {source.sql} GROUP BY ALL'
    return (f'SELECT t.* FROM {table} t JOIN ({ranges}) r ON t."{entity}" = r."{entity}" '
            f'AND t."{time}" BETWEEN r.first_time AND r.last_time')


def stored_in_ranges(con: duckdb.DuckDBPyConnection, table: str, source: Relation, key: tuple[str, str]) -> int:
    """How many stored rows of ``table`` lie within the time range ``source`` holds for their entity
    (``key`` = (entity column, time column)): 0 means every incoming row is new."""
    _identifiers([table, *key])
    return con.execute(f"SELECT count(*) FROM ({_stored_in_ranges(table, source, key)})",
                       source.parameters or None).fetchone()[0]


def count_rows(con: duckdb.DuckDBPyConnection, source: Relation, condition: str = "true") -> int:
    """How many rows of ``source`` meet ``condition`` (SQL over its columns, a constant of the caller's)."""
    return con.execute(f"SELECT count(*) FILTER ({condition}) FROM {source.sql}", source.parameters or None).fetchone()[0]


def insert_relation(con: duckdb.DuckDBPyConnection, table: str, source: Relation) -> int:
    """Insert every row of ``source`` (rows known to be new) into ``table``; returns how many."""
    column_list = ", ".join(f'"{column}"' for column in _identifiers([table, *source.columns])[1:])
    return con.execute(f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {source.sql}",
                       source.parameters or None).fetchone()[0]


def upsert_relation(con: duckdb.DuckDBPyConnection, table: str, source: Relation, key: tuple[str, str]) -> UpsertCounts:
    """upsert for a table without a primary key, on ``key`` = (entity column, time column): ``source``
    (each key once) is matched against the stored rows of its own entities within each entity's own
    time range only, so the work follows the incoming rows, not the table. A key already stored is
    updated (only the source's columns) or left alone when equal; the others are inserted, so no key is
    ever stored twice. Runs inside the caller's write transaction."""
    entity, time = _identifiers(key)
    columns = _identifiers([table, *source.columns])[1:]
    values = [column for column in columns if column not in key]
    bindings = source.parameters or None
    stored = _stored_in_ranges(table, source, key)
    if con.execute(f"SELECT count(*) FROM ({stored})", bindings).fetchone()[0] == 0:
        # Nothing stored in the incoming ranges (the usual bulk load): a plain insert.
        return UpsertCounts(insert_relation(con, table, source), 0, 0)
    joined = f's."{entity}" = t."{entity}" AND s."{time}" = t."{time}"'
    same = " AND ".join(f's."{column}" IS NOT DISTINCT FROM t."{column}"' for column in values) or "TRUE"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGE}_changed AS SELECT s.* FROM {source.sql} s "
                f"JOIN ({stored}) t ON {joined} WHERE NOT ({same})", bindings)
    incoming = con.execute(f"SELECT count(*) FROM {source.sql}", bindings).fetchone()[0]
    matched = con.execute(f"SELECT count(*) FROM {source.sql} s SEMI JOIN ({stored}) t ON {joined}",
                          bindings).fetchone()[0]
    updated = con.execute(f"SELECT count(*) FROM {STAGE}_changed").fetchone()[0]
    if updated and values:
        assignments = ", ".join(f'"{column}" = s."{column}"' for column in values)
        con.execute(f'UPDATE {table} SET {assignments} FROM {STAGE}_changed s WHERE {table}."{entity}" = '
                    f's."{entity}" AND {table}."{time}" = s."{time}"')
    column_list = ", ".join(f'"{column}"' for column in columns)
    new = con.execute(f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {source.sql} s "
                      f"ANTI JOIN ({stored}) t ON {joined}", bindings).fetchone()[0] if matched < incoming else 0
    con.execute(f"DROP TABLE {STAGE}_changed")
    return UpsertCounts(new, updated, matched - updated)


# For each table: the columns written, how geometry is made from the frame, and which rows are demo
# content (by marker, or by key, so a rebuild replaces rows rather than duplicating them).
_TABLES: dict[str, tuple[str, str, str]] = {
    "admin_units": (
        "code, name, level, parent_code", "code, name, level, parent_code",
        "code IN (SELECT code FROM demo_frame)"),
    "townships": (
        "code, name, name_en, kind, terrain, illustrative, source, provisional, county_code, city_code, geom",
        "code, name, name_en, kind, terrain, illustrative, source, provisional, county_code, city_code, "
        "ST_GeomFromWKB(geom_wkb)",
        "source = 'demo (illustrative)' OR code IN (SELECT code FROM demo_frame)"),
    "stations": (
        "code, name, kind, township_code, city, lon, lat, source, geom",
        "code, name, kind, township_code, city, lon, lat, source, ST_Point(lon, lat)",
        "source = 'demo' OR code IN (SELECT code FROM demo_frame)"),
    "station_aliases": (
        "alias, station_code, source", "alias, station_code, source",
        "source = 'demo' OR station_code IN (SELECT station_code FROM demo_frame)"),
    "observations": (
        "station_code, time, pm25, pm10, so2, no2, o3, co, ws, wd, temp, rh, aqi_published, quality_flag, source",
        "station_code, time, pm25, pm10, so2, no2, o3, co, ws, wd, temp, rh, aqi_published, quality_flag, source",
        "source = 'demo' OR station_code IN (SELECT DISTINCT station_code FROM demo_frame)"),
    "zones": (
        "id, name, kind, rules, valid_from, valid_to, source, geom",
        "id, name, kind, rules, valid_from, valid_to, source, ST_GeomFromWKB(geom_wkb)",
        "source = 'demo' OR id IN (SELECT id FROM demo_frame)"),
    "enterprises": (
        "id, name, industry, emits, township_code, lon, lat, permit_number, stack_height_m, performance_grade, "
        "responsible_unit, footprint, geom",
        "id, name, industry, emits, township_code, lon, lat, permit_number, stack_height_m, performance_grade, "
        "responsible_unit, ST_GeomFromWKB(footprint_wkb), ST_Point(lon, lat)",
        "id LIKE 'demo-%'"),
    "dust_sources": (
        "id, kind, name, township_code, attrs, responsible_unit, geom",
        "id, kind, name, township_code, attrs, responsible_unit, ST_GeomFromWKB(geom_wkb)",
        "id LIKE 'demo-%'"),
    "dust_readings": (
        "id, metric, date, value, source_id, place_name, township_code, lon, lat",
        "id, metric, date, value, source_id, place_name, township_code, lon, lat",
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
    "grid_cells": (
        "code, name, level, township_code, parent_code, source, geom",
        "code, name, level, township_code, parent_code, source, ST_GeomFromWKB(geom_wkb)",
        "source = 'demo' OR code IN (SELECT code FROM demo_frame)"),
    "grid_people": (
        "id, cell_code, name, post, phone, email, duties, user_name, active, source",
        "id, cell_code, name, post, phone, email, duties, user_name, active, source",
        "id LIKE 'demo-%'"),
    "coal_inspections": (
        "id, time, lon, lat, finding, note, inspector", "id, time, lon, lat, finding, note, inspector",
        "id LIKE 'demo-%'"),
    "reduction_measures": (
        "source_id, level, source_kind, name, township_code, grade, stop_lines, output_cut_share, stop_earthwork, "
        "off_peak_transport, measures, lon, lat",
        "source_id, level, source_kind, name, township_code, grade, stop_lines, output_cut_share, stop_earthwork, "
        "off_peak_transport, measures, lon, lat",
        "source_id LIKE 'demo-%'"),
    "aqi_forecasts": (
        "area_code, day, aqi_max, aqi_min, primary_pollutant, issued_on, source",
        "area_code, day, aqi_max, aqi_min, primary_pollutant, issued_on, source",
        "area_code IN (SELECT DISTINCT area_code FROM demo_frame)"),
    "alerts": (
        "id, level, area_codes, starts_at, ends_at, lifted_at, issuer, trigger_kind, trigger_aqi, trigger_note, "
        "issued_at, version",
        "id, level, area_codes, starts_at, ends_at, lifted_at, issuer, trigger_kind, trigger_aqi, trigger_note, "
        "issued_at, version",
        "id LIKE 'demo-%'"),
    "alert_events": (
        "alert_id, action, level, starts_at, ends_at, actor, role, comment, occurred_at",
        "alert_id, action, level, starts_at, ends_at, actor, role, comment, occurred_at",
        "alert_id LIKE 'demo-%'"),
    "emergency_checks": (
        "id, alert_id, source_id, township_code, checked_at, compliant, note, inspector, photos, task_id",
        "id, alert_id, source_id, township_code, checked_at, compliant, note, inspector, photos, task_id",
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
