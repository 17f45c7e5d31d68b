"""The grid register's tables (grid_cells, grid_people), who holds each task (tasks.holder, tasks.grid_cell)
and the closed loop's figures read per township and per person."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import duckdb
import pandas as pd

CELL_COLUMNS = ("code", "name", "level", "township_code", "parent_code", "source")
PERSON_COLUMNS = ("id", "cell_code", "name", "post", "phone", "email", "duties", "user_name", "active")


def read_cells(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every grid cell with its township's name and whether it has its own polygon (``shaped``)."""
    return con.execute(
        "SELECT c.code, c.name, c.level, c.township_code, tw.name AS township_name, c.parent_code, "
        "       c.geom IS NOT NULL AS shaped, c.source "
        "FROM grid_cells c LEFT JOIN townships tw ON tw.code = c.township_code ORDER BY c.township_code, c.code").df()


def read_people(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every person of the register (PERSON_COLUMNS, duties as JSON text) with their cell's name and township."""
    return con.execute(
        "SELECT p.id, p.cell_code, c.name AS cell_name, c.township_code, p.name, p.post, p.phone, p.email, "
        "       p.duties, p.user_name, p.active "
        "FROM grid_people p LEFT JOIN grid_cells c ON c.code = p.cell_code ORDER BY c.township_code, p.cell_code, "
        "       p.post, p.id").df()


def cells_at(con: duckdb.DuckDBPyConnection, lon: float | None, lat: float | None,
             township_code: str | None) -> pd.DataFrame:
    """The cells a place falls in: those whose polygon contains (lon, lat) in EPSG:4326, and the cells
    without a polygon of ``township_code`` (the township's boundary stands in). Columns code, name,
    level, township_code, shaped. Needs spatial loaded."""
    return con.execute(
        "SELECT code, name, level, township_code, geom IS NOT NULL AS shaped FROM grid_cells "
        "WHERE (geom IS NOT NULL AND $lon IS NOT NULL AND ST_Contains(geom, ST_Point($lon, $lat))) "
        "   OR (geom IS NULL AND township_code = $township) ORDER BY code",
        {"lon": lon, "lat": lat, "township": township_code}).df()


def people_of_cells(con: duckdb.DuckDBPyConnection, cells: Sequence[str]) -> pd.DataFrame:
    """The active people of ``cells`` (PERSON_COLUMNS), in cell and id order."""
    return con.execute(
        "SELECT id, cell_code, name, post, phone, email, duties, user_name, active FROM grid_people "
        "WHERE active AND list_contains($cells, cell_code) ORDER BY cell_code, id", {"cells": list(cells)}).df()


def read_person(con: duckdb.DuckDBPyConnection, person_id: str) -> dict | None:
    """One person (PERSON_COLUMNS plus township_code and cell_name), or None."""
    cursor = con.execute(
        "SELECT p.id, p.cell_code, p.name, p.post, p.phone, p.email, p.duties, p.user_name, p.active, "
        "       c.township_code, c.name AS cell_name "
        "FROM grid_people p LEFT JOIN grid_cells c ON c.code = p.cell_code WHERE p.id = ?", [person_id])
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row)) if row else None


def person_of_user(con: duckdb.DuckDBPyConnection, user_name: str) -> list[str]:
    """The ids of the active people linked to the sign-in ``user_name``."""
    rows = con.execute("SELECT id FROM grid_people WHERE active AND user_name = ? ORDER BY id", [user_name]).fetchall()
    return [row[0] for row in rows]


def set_task_holder(con: duckdb.DuckDBPyConnection, task_id: str, holder: str | None, cell: str | None) -> None:
    """Record who holds the task now and the cell it belongs to, inside the caller's transaction."""
    con.execute("UPDATE tasks SET holder = ?, grid_cell = ? WHERE id = ?", [holder, cell, task_id])


def read_task_holder(con: duckdb.DuckDBPyConnection, task_id: str) -> dict | None:
    """The task's holder (id, name, post, phone, email, user_name, cell name) or None when it has none."""
    cursor = con.execute(
        "SELECT p.id, p.name, p.post, p.phone, p.email, p.user_name, c.name AS cell_name "
        "FROM tasks t JOIN grid_people p ON p.id = t.holder LEFT JOIN grid_cells c ON c.code = t.grid_cell "
        "WHERE t.id = ?", [task_id])
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row)) if row else None


def update_person(con: duckdb.DuckDBPyConnection, person_id: str, *, phone: str | None, email: str | None,
                  duties: str | None, user_name: str | None, active: bool) -> bool:
    """Change one person's contact, duties (JSON text), linked sign-in and whether they are on duty;
    False when there is no such person."""
    return bool(con.execute(
        "UPDATE grid_people SET phone = ?, email = ?, duties = ?, user_name = ?, active = ? WHERE id = ? RETURNING id",
        [phone, email, duties, user_name, active, person_id]).fetchall())


def read_loop_rows(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    """One row per task created in [start, end): township, holder (id and name), state, deadline, created_at,
    closed_at (its last close), whether its last close was before the deadline then in force, and the
    counts of returns and escalations in its event log."""
    return con.execute(
        "WITH history AS ("
        "  SELECT task_id, count_if(action = 'return') AS returns, count_if(action = 'escalate') AS escalations, "
        "         max(occurred_at) FILTER (WHERE action = 'close') AS closed_at "
        "  FROM task_events GROUP BY task_id) "
        "SELECT t.id, t.township_code, tw.name AS township_name, t.holder, p.name AS holder_name, t.state, "
        "       t.deadline, t.created_at, h.closed_at, "
        "       coalesce(h.returns, 0)::INTEGER AS returns, coalesce(h.escalations, 0)::INTEGER AS escalations "
        "FROM tasks t LEFT JOIN townships tw ON tw.code = t.township_code "
        "LEFT JOIN grid_people p ON p.id = t.holder LEFT JOIN history h ON h.task_id = t.id "
        "WHERE t.created_at >= $start AND t.created_at < $end ORDER BY t.created_at, t.id",
        {"start": start, "end": end}).df()


def read_task_place(con: duckdb.DuckDBPyConnection, task_id: str) -> dict:
    """The names a notice gives a task's place: township_name and grid cell_name (None when absent)."""
    row = con.execute("SELECT tw.name, gc.name FROM tasks t LEFT JOIN townships tw ON tw.code = t.township_code "
                      "LEFT JOIN grid_cells gc ON gc.code = t.grid_cell WHERE t.id = ?", [task_id]).fetchone()
    return {"township_name": row[0] if row else None, "cell_name": row[1] if row else None}


def chiefs_of_township(con: duckdb.DuckDBPyConnection, township_code: str) -> pd.DataFrame:
    """The active 网格长 of a township's own cells (user_name, email), who get its weekly summary."""
    return con.execute(
        "SELECT p.user_name, p.email FROM grid_people p JOIN grid_cells c ON c.code = p.cell_code "
        "WHERE p.active AND p.post = 'chief' AND c.level = 'township' AND c.township_code = ? ORDER BY p.id",
        [township_code]).df()
