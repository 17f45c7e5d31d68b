"""The tasks table, its append-only event log, its attachments, and the handling list read from them."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import duckdb
import pandas as pd


@dataclass(frozen=True)
class HandlingListFilter:
    """Which tasks the handling list holds: created within [start, end] (dates inclusive, Beijing time),
    of a township (code or Chinese name), in a state, of a kind. None means no restriction."""

    start: date | None = None
    end: date | None = None
    township: str | None = None
    state: str | None = None
    kind: str | None = None

    def to_sql(self) -> tuple[str, dict[str, Any]]:
        """A WHERE clause over tasks ``t`` and townships ``tw`` with its named parameters."""
        clauses, params = [], {}
        if self.start is not None:
            clauses.append("t.created_at >= $start")
            params["start"] = datetime.combine(self.start, time.min)
        if self.end is not None:
            clauses.append("t.created_at < $end_exclusive")
            params["end_exclusive"] = datetime.combine(self.end + timedelta(days=1), time.min)
        if self.township is not None:
            clauses.append("(t.township_code = $township OR tw.name = $township)")
            params["township"] = self.township
        if self.state is not None:
            clauses.append("t.state = $state")
            params["state"] = self.state
        if self.kind is not None:
            clauses.append("t.kind = $kind")
            params["kind"] = self.kind
        return (" AND ".join(clauses) or "TRUE"), params


TASK_COLUMNS = ("id", "hotspot_id", "kind", "grade", "township_code", "department", "title", "instructions",
                "state", "deadline", "lon", "lat", "version", "created_at", "updated_at", "holder", "grid_cell")
_TASK_SELECT = ", ".join(TASK_COLUMNS)


def read_task(con: duckdb.DuckDBPyConnection, task_id: str) -> dict[str, Any] | None:
    """The task with this id as a mapping of TASK_COLUMNS (state as its code), or None."""
    row = con.execute(f"SELECT {_TASK_SELECT} FROM tasks WHERE id = ?", [task_id]).fetchone()
    return dict(zip(TASK_COLUMNS, row)) if row else None


def open_task_of_hotspot(con: duckdb.DuckDBPyConnection, hotspot_id: str, closed_state: str) -> str | None:
    """The id of a task made from this hotspot that is not in ``closed_state`` yet, or None."""
    row = con.execute("SELECT id FROM tasks WHERE hotspot_id = ? AND state <> ? ORDER BY created_at LIMIT 1",
                      [hotspot_id, closed_state]).fetchone()
    return row[0] if row else None


def insert_task(con: duckdb.DuckDBPyConnection, task: Mapping[str, Any]) -> None:
    """Store a new task exactly as given (a mapping of TASK_COLUMNS)."""
    con.execute(f"INSERT INTO tasks ({_TASK_SELECT}) VALUES ({', '.join('?' * len(TASK_COLUMNS))})",
                [task[column] for column in TASK_COLUMNS])


def update_task_if_unchanged(con: duckdb.DuckDBPyConnection, task_id: str, expected_version: int, *,
                             state: str, deadline: datetime | None, department: str | None,
                             instructions: str | None, updated_at: datetime) -> bool:
    """Move the task on and bump its version, only if its version is still ``expected_version``.
    Returns False when someone else changed it first."""
    changed = con.execute(
        "UPDATE tasks SET state = ?, deadline = ?, department = ?, instructions = ?, updated_at = ?, "
        "version = version + 1 WHERE id = ? AND version = ? RETURNING id",
        [state, deadline, department, instructions, updated_at, task_id, expected_version]).fetchall()
    return bool(changed)


def read_actions(con: duckdb.DuckDBPyConnection, task_id: str) -> list[str]:
    """The action codes in the task's event log, oldest first."""
    rows = con.execute("SELECT action FROM task_events WHERE task_id = ? ORDER BY id", [task_id]).fetchall()
    return [row[0] for row in rows]


def append_event(con: duckdb.DuckDBPyConnection, task_id: str, *, actor: str, role: str, action: str,
                 from_state: str | None, to_state: str, comment: str | None, occurred_at: datetime) -> int:
    """Append one event to the log and return its id. Events are never updated or deleted."""
    return con.execute(
        "INSERT INTO task_events (task_id, actor, role, occurred_at, from_state, to_state, comment, action) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [task_id, actor, role, occurred_at, from_state, to_state, comment, action]).fetchone()[0]


def insert_attachments(con: duckdb.DuckDBPyConnection, task_id: str, event_id: int,
                       saved: Iterable[Mapping[str, Any]], uploader: str, uploaded_at: datetime) -> None:
    """Record attachment files already written to disk (each with name, original_name, media_type,
    size_bytes, sha256), tied to the event that brought them."""
    rows = [[a["name"], task_id, event_id, a["original_name"], a["media_type"], a["size_bytes"], a["sha256"],
             uploader, uploaded_at] for a in saved]
    if rows:
        con.executemany("INSERT INTO task_attachments (name, task_id, event_id, original_name, media_type, "
                        "size_bytes, sha256, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def read_history(con: duckdb.DuckDBPyConnection, task_id: str) -> pd.DataFrame:
    """The task's event log, oldest first: id, occurred_at, actor, role, action, from_state, to_state,
    comment, attachments (count)."""
    return con.execute(
        "SELECT e.id, e.occurred_at, e.actor, e.role, e.action, e.from_state, e.to_state, e.comment, "
        "       count(a.name) AS attachments "
        "FROM task_events e LEFT JOIN task_attachments a ON a.event_id = e.id "
        "WHERE e.task_id = ? GROUP BY ALL ORDER BY e.id", [task_id]).df()


def read_attachments(con: duckdb.DuckDBPyConnection, task_id: str) -> pd.DataFrame:
    """The task's attachments, oldest first and in upload order: name, event_id, original_name, media_type, size_bytes,
    sha256, uploaded_by, uploaded_at."""
    return con.execute(
        "SELECT name, event_id, original_name, media_type, size_bytes, sha256, uploaded_by, uploaded_at "
        "FROM task_attachments WHERE task_id = ? ORDER BY uploaded_at, rowid", [task_id]).df()


def read_sweepable(con: duckdb.DuckDBPyConnection, now: datetime, states: Sequence[str]) -> list[str]:
    """Ids of tasks in one of ``states`` whose deadline is before ``now``, for the overdue sweep."""
    rows = con.execute("SELECT id FROM tasks WHERE list_contains($states, state) AND deadline < $now ORDER BY id",
                       {"states": list(states), "now": now}).fetchall()
    return [row[0] for row in rows]


# The hotspot's columns read_handling_list adds for its card (hotspots.card), as named in the row.
HOTSPOT_CARD_FIELDS = ("hotspot_kind", "peak_ratio", "hours", "score", "score_parts", "sources", "context",
                       "hotspot_start")


def read_handling_list(con: duckdb.DuckDBPyConnection, selection: HandlingListFilter, now: datetime,
                       owing_states: Sequence[str]) -> pd.DataFrame:
    """The handling list (处置清单) rows matching ``selection``, one per task, with township name, hotspot
    pollutant and peak (µg/m³; CO mg/m³), return and escalation counts from the event log, the latest
    feedback, attachment count and ``overdue`` as of ``now`` (a task in one of ``owing_states`` past its
    deadline); lon/lat in EPSG:4326; and the hotspot's fields its card is written from (HOTSPOT_CARD_FIELDS)."""
    where, params = selection.to_sql()
    params |= {"now": now, "owing": list(owing_states)}
    return con.execute(
        "WITH history AS ("
        "  SELECT task_id, count_if(action = 'return') AS returns, count_if(action = 'escalate') AS escalations, "
        "         arg_max(comment, id) FILTER (WHERE action = 'submit_feedback') AS latest_feedback, "
        "         max(occurred_at) FILTER (WHERE action = 'submit_feedback') AS feedback_at "
        "  FROM task_events GROUP BY task_id), "
        "files AS (SELECT task_id, count(*) AS attachments FROM task_attachments GROUP BY task_id) "
        "SELECT t.id, t.title, t.kind, t.grade, t.township_code, tw.name AS township_name, t.department, "
        "       t.state, t.deadline, "
        "       (list_contains($owing, t.state) AND t.deadline IS NOT NULL AND t.deadline < $now) AS overdue, "
        "       coalesce(h.returns, 0)::INTEGER AS returns, coalesce(h.escalations, 0)::INTEGER AS escalations, "
        "       t.instructions, h.latest_feedback, h.feedback_at, "
        "       coalesce(f.attachments, 0)::INTEGER AS attachments, "
        "       t.hotspot_id, hs.pollutant, hs.peak, t.lon, t.lat, t.created_at, t.updated_at, "
        "       t.holder, gp.name AS holder_name, gp.phone AS holder_phone, gc.name AS grid_cell_name, "
        "       hs.kind AS hotspot_kind, hs.peak_ratio, hs.hours, hs.score, hs.score_parts, hs.sources, hs.context, "
        "       hs.start_time AS hotspot_start "
        "FROM tasks t "
        "LEFT JOIN grid_people gp ON gp.id = t.holder "
        "LEFT JOIN grid_cells gc ON gc.code = t.grid_cell "
        "LEFT JOIN townships tw ON tw.code = t.township_code "
        "LEFT JOIN hotspots hs ON hs.id = t.hotspot_id "
        "LEFT JOIN history h ON h.task_id = t.id "
        "LEFT JOIN files f ON f.task_id = t.id "
        f"WHERE {where} "
        "ORDER BY t.created_at, t.id", params).df()
