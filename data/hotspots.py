"""The hotspots table: the engine's upsert, recurrence history, and the filtered, ranked reads."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

HOTSPOT_COLUMNS = ("id", "kind", "township_code", "station_code", "pollutant", "start_time", "end_time", "peak",
                   "peak_ratio", "grade", "score", "score_parts", "sources", "context", "lon", "lat", "place",
                   "hours", "audience")


def read_hotspot_history(con: duckdb.DuckDBPyConnection, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    """Stored hotspots starting in [start, end): id, kind, place, start_time — what recurrence is counted from."""
    return con.execute(
        "SELECT id, kind, place, start_time FROM hotspots WHERE start_time >= $start "
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


def read_grading(con: duckdb.DuckDBPyConnection, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    """Stored hotspots starting in [start, end) as the grade quota ranks them: id, start_time, score,
    grade and score_parts (JSON text, holding the rule's grade before the quota)."""
    return con.execute("SELECT id, start_time, score, grade, score_parts FROM hotspots "
                       "WHERE start_time >= $start AND start_time < $end", {"start": start, "end": end}).df()


def update_grades(con: duckdb.DuckDBPyConnection, grades: pd.DataFrame) -> int:
    """Set ``grade`` of the hotspots in ``grades`` (columns id, grade) inside the caller's transaction;
    returns how many rows changed."""
    con.register("new_grades", grades[["id", "grade"]])
    try:
        changed = con.execute("SELECT count(*) FROM hotspots h JOIN new_grades g ON g.id = h.id "
                              "WHERE h.grade IS DISTINCT FROM g.grade").fetchone()[0]
        con.execute("UPDATE hotspots SET grade = g.grade FROM new_grades g "
                    "WHERE hotspots.id = g.id AND hotspots.grade IS DISTINCT FROM g.grade")
    finally:
        con.unregister("new_grades")
    return changed


def read_latest_hotspot_start(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """When the newest stored hotspot started (naive Beijing time), or None for a store without any."""
    return con.execute("SELECT max(start_time) FROM hotspots").fetchone()[0]


def read_hotspots(con: duckdb.DuckDBPyConnection, selection: HotspotFilter, top: int | None = None) -> pd.DataFrame:
    """Stored hotspots matching ``selection``, best first (score, then start and id), with ``rank``
    (1 = best within the selection) and the township's name; lon/lat EPSG:4326, times naive Beijing."""
    where, params = selection.to_sql()
    params["top"] = top
    return con.execute(
        "SELECT row_number() OVER (ORDER BY h.score DESC NULLS LAST, h.start_time, h.id) AS rank, "
        "h.id, h.kind, h.score, h.grade, h.township_code, tw.name AS township_name, h.station_code, "
        "h.pollutant, h.start_time, h.end_time, h.hours, h.peak, h.peak_ratio, h.lon, h.lat, "
        "h.audience, h.place, h.score_parts, h.sources, h.context, h.detected_at, h.updated_at "
        "FROM hotspots h LEFT JOIN townships tw ON tw.code = h.township_code "
        f"WHERE {where} ORDER BY rank LIMIT coalesce($top, 9223372036854775807)", params).df()


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


def untasked_hotspots(con: duckdb.DuckDBPyConnection, start: dt.datetime, end: dt.datetime,
                      grades: list[str]) -> list[str]:
    """Ids of the hotspots starting in [start, end) of one of ``grades``, seen by everyone (not the
    supervisor-only findings), that no task was ever made from, best score first — what a dispatch takes."""
    rows = con.execute(
        "SELECT h.id FROM hotspots h WHERE h.start_time >= $start AND h.start_time < $end "
        "AND list_contains($grades, h.grade) AND h.audience <> 'supervisor' AND coalesce(h.tasks_made, 0) = 0 "
        "AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.hotspot_id = h.id) ORDER BY h.score DESC NULLS LAST, h.id",
        {"start": start, "end": end, "grades": grades}).fetchall()
    return [row[0] for row in rows]
