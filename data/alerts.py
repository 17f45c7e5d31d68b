"""The only SQL for alerts (预警), their append-only history and the AQI forecasts behind them."""
from __future__ import annotations

import json
from datetime import date, datetime

import duckdb
import pandas as pd

# The levels the alerts table allows (its CHECK constraint), mildest first; labels: 'alert_level.<code>'.
ALERT_LEVELS = ("blue", "yellow", "orange", "red")
LEVEL_RANK = {level: rank for rank, level in enumerate(ALERT_LEVELS, start=1)}
ALERT_COLUMNS = ("id", "level", "area_codes", "starts_at", "ends_at", "lifted_at", "issuer", "trigger_kind",
                 "trigger_aqi", "trigger_note", "issued_at", "version")


def insert_alert(con: duckdb.DuckDBPyConnection, alert: dict) -> None:
    """Store a new alert (ALERT_COLUMNS; area_codes a list, stored as JSON)."""
    row = {**alert, "area_codes": json.dumps(list(alert["area_codes"]))}
    con.execute(f"INSERT INTO alerts ({', '.join(ALERT_COLUMNS)}) VALUES ({', '.join('$' + c for c in ALERT_COLUMNS)})",
                {name: row[name] for name in ALERT_COLUMNS})


def update_alert_if_unchanged(con: duckdb.DuckDBPyConnection, alert_id: str, version: int, *, level: str,
                              ends_at: datetime, lifted_at: datetime | None) -> bool:
    """Change the alert's level, planned end and lift time if it is still at ``version``; False otherwise."""
    changed = con.execute(
        "UPDATE alerts SET level = $level, ends_at = $ends_at, lifted_at = $lifted_at, version = version + 1 "
        "WHERE id = $id AND version = $version RETURNING id",
        {"level": level, "ends_at": ends_at, "lifted_at": lifted_at, "id": alert_id, "version": version}).fetchall()
    return bool(changed)


def append_alert_event(con: duckdb.DuckDBPyConnection, alert_id: str, *, action: str, level: str,
                       starts_at: datetime, ends_at: datetime, actor: str, role: str, comment: str | None,
                       occurred_at: datetime) -> int:
    """Append one event to the alert's history and return its id. Events are never updated or deleted."""
    return con.execute(
        "INSERT INTO alert_events (alert_id, action, level, starts_at, ends_at, actor, role, comment, occurred_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [alert_id, action, level, starts_at, ends_at, actor, role, comment, occurred_at]).fetchone()[0]


def _alerts(frame: pd.DataFrame) -> pd.DataFrame:
    frame["area_codes"] = frame["area_codes"].map(json.loads)
    return frame


def read_alert(con: duckdb.DuckDBPyConnection, alert_id: str) -> dict | None:
    """The alert with this id as a mapping (area_codes a list), or None."""
    frame = _alerts(con.execute(f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts WHERE id = ?", [alert_id]).df())
    return None if frame.empty else {key: (None if value is pd.NaT else value)
                                     for key, value in frame.iloc[0].to_dict().items()}


def read_alerts(con: duckdb.DuckDBPyConnection, start: datetime | None = None,
                end: datetime | None = None) -> pd.DataFrame:
    """Alerts (ALERT_COLUMNS, area_codes as lists, times naive Beijing), newest first; with ``start`` and
    ``end``, only those whose response (starts_at until lifted_at, else ends_at) overlaps [start, end)."""
    return _alerts(con.execute(
        f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts "
        "WHERE ($start IS NULL OR coalesce(lifted_at, ends_at) > $start) AND ($end IS NULL OR starts_at < $end) "
        "ORDER BY starts_at DESC, id", {"start": start, "end": end}).df())


def read_alert_events(con: duckdb.DuckDBPyConnection, alert_id: str) -> pd.DataFrame:
    """The alert's history, oldest first: action, level, starts_at, ends_at, actor, role, comment, occurred_at."""
    return con.execute(
        "SELECT id, action, level, starts_at, ends_at, actor, role, comment, occurred_at FROM alert_events "
        "WHERE alert_id = ? ORDER BY occurred_at, id", [alert_id]).df()


def read_level_periods(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    """Every stretch of one level of every alert that overlaps [start, end): alert_id, level, area_codes
    (list), from_time, to_time (exclusive; naive Beijing). A stretch runs from an issue or change event
    to the next event of the alert, the last one to the lift, else to the planned end."""
    return _alerts(con.execute(
        "WITH steps AS ("
        "  SELECT e.alert_id, e.action, e.level, e.occurred_at AS from_time, a.area_codes,"
        "         lead(e.occurred_at) OVER (PARTITION BY e.alert_id ORDER BY e.occurred_at, e.id) AS next_time,"
        "         coalesce(a.lifted_at, a.ends_at) AS closes"
        "  FROM alert_events e JOIN alerts a ON a.id = e.alert_id)"
        " SELECT alert_id, level, area_codes, from_time, least(coalesce(next_time, closes), closes) AS to_time"
        " FROM steps WHERE action <> 'lift'"
        " AND least(coalesce(next_time, closes), closes) > $start AND from_time < $end"
        " AND least(coalesce(next_time, closes), closes) > from_time"
        " ORDER BY from_time, alert_id", {"start": start, "end": end}).df())


def read_forecasts(con: duckdb.DuckDBPyConnection, area_code: str | None, first_day: date,
                   last_day: date) -> pd.DataFrame:
    """AQI forecasts for first_day…last_day (inclusive) of ``area_code`` (every area when None): area_code,
    day, aqi_max, aqi_min, primary_pollutant, issued_on, source."""
    return con.execute(
        "SELECT area_code, day, aqi_max, aqi_min, primary_pollutant, issued_on, source FROM aqi_forecasts "
        "WHERE ($area IS NULL OR area_code = $area) AND day BETWEEN $first AND $last ORDER BY area_code, day",
        {"area": area_code, "first": first_day, "last": last_day}).df()
