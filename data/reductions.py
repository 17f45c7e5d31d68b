"""The only SQL for the emergency reduction list (应急减排清单) and the compliance checks made during an alert."""
from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

MEASURE_COLUMNS = ("source_id", "level", "source_kind", "name", "township_code", "grade", "stop_lines",
                   "output_cut_share", "stop_earthwork", "off_peak_transport", "measures", "lon", "lat")
CHECK_COLUMNS = ("id", "alert_id", "source_id", "township_code", "checked_at", "compliant", "note", "inspector",
                 "photos", "task_id")


def read_measures(con: duckdb.DuckDBPyConnection, level: str | None = None,
                  township_codes: list[str] | None = None) -> pd.DataFrame:
    """The reduction list (MEASURE_COLUMNS; lon/lat EPSG:4326), one row per source and alert level; with
    ``level`` only that level's rows, with ``township_codes`` (non-empty) only those townships' sources."""
    return con.execute(
        f"SELECT {', '.join(MEASURE_COLUMNS)} FROM reduction_measures "
        "WHERE ($level IS NULL OR level = $level) AND ($all_townships OR list_contains($townships, township_code)) "
        "ORDER BY township_code, source_id, level",
        {"level": level, "all_townships": not township_codes, "townships": list(township_codes or [])}).df()


def update_measure(con: duckdb.DuckDBPyConnection, source_id: str, level: str, values: dict) -> bool:
    """Change a list row's grade and measures (any of grade, stop_lines, output_cut_share, stop_earthwork,
    off_peak_transport, measures); False when there is no such row."""
    editable = ("grade", "stop_lines", "output_cut_share", "stop_earthwork", "off_peak_transport", "measures")
    given = {name: values[name] for name in editable if name in values}
    # Column names come from the constant tuple above, never from input.
    assignments = ", ".join(f"{name} = ${name}" for name in given)
    changed = con.execute(f"UPDATE reduction_measures SET {assignments} WHERE source_id = $source_id "
                          "AND level = $level RETURNING source_id",
                          {**given, "source_id": source_id, "level": level}).fetchall()
    return bool(changed)


def insert_check(con: duckdb.DuckDBPyConnection, check: dict) -> None:
    """Record one compliance check (CHECK_COLUMNS)."""
    con.execute(f"INSERT INTO emergency_checks ({', '.join(CHECK_COLUMNS)}) "
                f"VALUES ({', '.join('$' + name for name in CHECK_COLUMNS)})",
                {name: check.get(name) for name in CHECK_COLUMNS})


def read_checks(con: duckdb.DuckDBPyConnection, alert_id: str) -> pd.DataFrame:
    """The alert's compliance checks, with the checked source's name, kind and grade at the alert's
    level: CHECK_COLUMNS plus name, source_kind, grade; oldest first."""
    return con.execute(
        "SELECT c.id, c.alert_id, c.source_id, c.township_code, c.checked_at, c.compliant, c.note, c.inspector, "
        "c.photos, c.task_id, m.name, m.source_kind, m.grade FROM emergency_checks c "
        "JOIN alerts a ON a.id = c.alert_id "
        "LEFT JOIN reduction_measures m ON m.source_id = c.source_id AND m.level = a.level "
        "WHERE c.alert_id = ? ORDER BY c.checked_at, c.id", [alert_id]).df()



def insert_emergency_task(con: duckdb.DuckDBPyConnection, alert_id: str, source_id: str, task_id: str,
                          created_at: datetime) -> None:
    """Note the checklist task made for a source during an alert."""
    con.execute("INSERT INTO emergency_tasks (alert_id, source_id, task_id, created_at) VALUES (?, ?, ?, ?)",
                [alert_id, source_id, task_id, created_at])


def read_emergency_tasks(con: duckdb.DuckDBPyConnection, alert_id: str) -> pd.DataFrame:
    """The checklist tasks of an alert with their state: source_id, task_id, created_at, state."""
    return con.execute(
        "SELECT e.source_id, e.task_id, e.created_at, t.state FROM emergency_tasks e "
        "LEFT JOIN tasks t ON t.id = e.task_id WHERE e.alert_id = ? ORDER BY e.source_id", [alert_id]).df()

def read_source_places(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every enterprise and dust source with its township and position (a dust source's centroid;
    EPSG:4326): source_id, township_code, lon, lat. Needs spatial loaded."""
    return con.execute(
        "SELECT id AS source_id, township_code, lon, lat FROM enterprises UNION ALL "
        "SELECT id, township_code, ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom)) FROM dust_sources "
        "ORDER BY 1").df()
