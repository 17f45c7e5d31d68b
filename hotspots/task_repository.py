"""The only place holding SQL for tasks, their event log, attachments and the handling list."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import duckdb
import pandas as pd

from core.users import User
from hotspots.attachments import SavedAttachment
from hotspots.tasks import OWING_STATES, SWEPT_STATES, Action, Task, TaskState


@dataclass(frozen=True)
class HandlingListFilter:
    """Which tasks the handling list holds: created within [start, end] (dates inclusive, Beijing time),
    of a township (code or Chinese name), in a state, of a kind. None means no restriction."""

    start: date | None = None
    end: date | None = None
    township: str | None = None
    state: TaskState | None = None
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
            params["state"] = self.state.value
        if self.kind is not None:
            clauses.append("t.kind = $kind")
            params["kind"] = self.kind
        return (" AND ".join(clauses) or "TRUE"), params


_TASK_COLUMNS = ("id, hotspot_id, kind, grade, township_code, department, title, instructions, state, "
                 "deadline, lon, lat, version, created_at, updated_at")


def _task_from_row(row: Sequence[Any]) -> Task:
    values = dict(zip([c.strip() for c in _TASK_COLUMNS.split(",")], row))
    values["state"] = TaskState(values["state"])
    return Task(**values)


def read_task(con: duckdb.DuckDBPyConnection, task_id: str) -> Task | None:
    """The task with this id, or None."""
    row = con.execute(f"SELECT {_TASK_COLUMNS} FROM tasks WHERE id = ?", [task_id]).fetchone()
    return _task_from_row(row) if row else None


def read_hotspot(con: duckdb.DuckDBPyConnection, hotspot_id: str) -> dict[str, Any] | None:
    """The hotspot fields a task is made from (kind, township_code, station_code, pollutant, start_time,
    peak, grade, lon, lat), or None."""
    cursor = con.execute("SELECT kind, township_code, station_code, pollutant, start_time, peak, grade, lon, lat "
                         "FROM hotspots WHERE id = ?", [hotspot_id])
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row)) if row else None


def claim_hotspot(con: duckdb.DuckDBPyConnection, hotspot_id: str) -> None:
    """Count one more task made from the hotspot, inside the caller's transaction. This row write is
    what makes two transactions making a task from one hotspot conflict, rather than both seeing no
    open task and both inserting one (DuckDB ignores no-op updates when checking conflicts)."""
    con.execute("UPDATE hotspots SET tasks_made = coalesce(tasks_made, 0) + 1 WHERE id = ?", [hotspot_id])


def open_task_of_hotspot(con: duckdb.DuckDBPyConnection, hotspot_id: str) -> str | None:
    """The id of a task made from this hotspot that is not closed yet, or None."""
    row = con.execute("SELECT id FROM tasks WHERE hotspot_id = ? AND state <> ? ORDER BY created_at LIMIT 1",
                      [hotspot_id, TaskState.CLOSED.value]).fetchone()
    return row[0] if row else None


def township_at(con: duckdb.DuckDBPyConnection, lon: float, lat: float) -> str | None:
    """The code of the township covering (lon, lat) in EPSG:4326 (a border point goes to the lowest
    code), or None. Needs spatial loaded."""
    row = con.execute("SELECT code FROM townships WHERE ST_Intersects(geom, ST_Point(?, ?)) ORDER BY code LIMIT 1",
                      [lon, lat]).fetchone()
    return row[0] if row else None


def township_exists(con: duckdb.DuckDBPyConnection, code: str) -> bool:
    return con.execute("SELECT count(*) FROM townships WHERE code = ?", [code]).fetchone()[0] > 0


def insert_task(con: duckdb.DuckDBPyConnection, task: Task) -> None:
    """Store a new task exactly as given."""
    con.execute(f"INSERT INTO tasks ({_TASK_COLUMNS}) VALUES ({', '.join('?' * 15)})",
                [task.id, task.hotspot_id, task.kind, task.grade, task.township_code, task.department,
                 task.title, task.instructions, task.state.value, task.deadline, task.lon, task.lat,
                 task.version, task.created_at, task.updated_at])


def update_task_if_unchanged(con: duckdb.DuckDBPyConnection, task_id: str, expected_version: int, *,
                             state: TaskState, deadline: datetime | None, department: str | None,
                             instructions: str | None, updated_at: datetime) -> bool:
    """Move the task on and bump its version, only if its version is still ``expected_version``.
    Returns False when someone else changed it first."""
    changed = con.execute(
        "UPDATE tasks SET state = ?, deadline = ?, department = ?, instructions = ?, updated_at = ?, "
        "version = version + 1 WHERE id = ? AND version = ? RETURNING id",
        [state.value, deadline, department, instructions, updated_at, task_id, expected_version]).fetchall()
    return bool(changed)


def read_actions(con: duckdb.DuckDBPyConnection, task_id: str) -> list[Action]:
    """The actions in the task's event log, oldest first."""
    rows = con.execute("SELECT action FROM task_events WHERE task_id = ? ORDER BY id", [task_id]).fetchall()
    return [Action(row[0]) for row in rows]


def append_event(con: duckdb.DuckDBPyConnection, task_id: str, actor: User, action: Action,
                 from_state: TaskState | None, to_state: TaskState, comment: str | None,
                 occurred_at: datetime) -> int:
    """Append one event to the log and return its id. Events are never updated or deleted."""
    return con.execute(
        "INSERT INTO task_events (task_id, actor, role, occurred_at, from_state, to_state, comment, action) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [task_id, actor.name, actor.role.value, occurred_at, from_state.value if from_state else None,
         to_state.value, comment, action.value]).fetchone()[0]


def insert_attachments(con: duckdb.DuckDBPyConnection, task_id: str, event_id: int,
                       saved: Iterable[SavedAttachment], uploader: User, uploaded_at: datetime) -> None:
    """Record attachment files already written to disk, tied to the event that brought them."""
    rows = [[a.name, task_id, event_id, a.original_name, a.media_type, a.size_bytes, a.sha256,
             uploader.name, uploaded_at] for a in saved]
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


def read_sweepable(con: duckdb.DuckDBPyConnection, now: datetime) -> list[str]:
    """Ids of tasks the sweep should escalate at ``now``: in an escalatable state and past the deadline."""
    rows = con.execute("SELECT id FROM tasks WHERE list_contains($states, state) AND deadline < $now ORDER BY id",
                       {"states": [s.value for s in SWEPT_STATES], "now": now}).fetchall()
    return [row[0] for row in rows]


def read_handling_list(con: duckdb.DuckDBPyConnection, selection: HandlingListFilter,
                       now: datetime) -> pd.DataFrame:
    """The handling list (处置清单) rows matching ``selection``, one per task, with township name, hotspot
    pollutant and peak (µg/m³; CO mg/m³), return and escalation counts from the event log, the latest
    feedback, attachment count and ``overdue`` as of ``now``; lon/lat in EPSG:4326."""
    where, params = selection.to_sql()
    params |= {"now": now, "owing": [s.value for s in OWING_STATES]}
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
        "       t.hotspot_id, hs.pollutant, hs.peak, t.lon, t.lat, t.created_at, t.updated_at "
        "FROM tasks t "
        "LEFT JOIN townships tw ON tw.code = t.township_code "
        "LEFT JOIN hotspots hs ON hs.id = t.hotspot_id "
        "LEFT JOIN history h ON h.task_id = t.id "
        "LEFT JOIN files f ON f.task_id = t.id "
        f"WHERE {where} "
        "ORDER BY t.created_at, t.id", params).df()
