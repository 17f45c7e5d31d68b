"""The fire-point review tables: each detection's review state, its append-only event log and its photos."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import duckdb
import pandas as pd

from data.sources import placed_fire_points

REVIEW_FIELDS = ("state", "proposed_reason", "proposal", "reason", "duplicate_of", "appeals", "updated_at")
# A detection nobody has looked at has no review row: it is pending, at version 0.
PENDING = "pending"


def read_fire_reviews(con: duckdb.DuckDBPyConnection, start: dt.datetime | None, end: dt.datetime | None, *,
                      township: str | None = None, state: str | None = None,
                      ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Fire points with start ≤ time < end (naive Beijing; None leaves a bound open), optionally of one
    township (code or Chinese name), in one review state, or with the given ids, oldest first.

    Columns: id, source, satellite, time, lon, lat (EPSG:4326), confidence, frp (MW), daynight,
    township_code (placed as data.sources.placed_fire_points; None outside every township),
    township_name, state ('pending' when never reviewed), proposed_reason, proposal (JSON text),
    reason, duplicate_of, appeals, version (0 when never reviewed), updated_at, charged_cny (the net
    of the deduction ledger for the point). Loads the spatial extension only when a point must be
    placed by the polygons.
    """
    params = {"start": start, "end": end, "ids": list(ids) if ids is not None else None, "township": township,
              "state": state, "pending": PENDING}
    return con.execute(
        f"WITH placed AS ({placed_fire_points(con, params)}), "
        "charged AS (SELECT fire_point_id, sum(amount_cny) AS charged_cny FROM deductions "
        "            WHERE fire_point_id IS NOT NULL GROUP BY 1) "
        "SELECT f.id, f.source, f.satellite, f.time, f.lon, f.lat, f.confidence, f.frp, f.daynight, "
        "       p.township_code, t.name AS township_name, coalesce(r.state, $pending) AS state, "
        "       r.proposed_reason, r.proposal, r.reason, r.duplicate_of, coalesce(r.appeals, 0) AS appeals, "
        "       coalesce(r.version, 0) AS version, r.updated_at, coalesce(c.charged_cny, 0.0) AS charged_cny "
        "FROM placed p JOIN fire_points f ON f.id = p.id "
        "LEFT JOIN townships t ON t.code = p.township_code "
        "LEFT JOIN fire_reviews r ON r.fire_point_id = f.id "
        "LEFT JOIN charged c ON c.fire_point_id = f.id "
        "WHERE ($township IS NULL OR p.township_code = $township OR t.name = $township) "
        "AND ($state IS NULL OR coalesce(r.state, $pending) = $state) ORDER BY f.time, f.id", params).df()


def read_fire_review(con: duckdb.DuckDBPyConnection, fire_point_id: str) -> dict[str, Any] | None:
    """The one fire point's read_fire_reviews row as a mapping, or None when there is no such point."""
    rows = read_fire_reviews(con, None, None, ids=[fire_point_id])
    return rows.iloc[0].to_dict() if len(rows) else None


def write_review_if_unchanged(con: duckdb.DuckDBPyConnection, fire_point_id: str, expected_version: int,
                              fields: Mapping[str, Any]) -> bool:
    """Store the review ``fields`` (REVIEW_FIELDS) of the point and bump its version, only if its version
    is still ``expected_version`` (0: no review row yet). False when someone else changed it first."""
    values = [fields[name] for name in REVIEW_FIELDS]
    if expected_version == 0:
        inserted = con.execute(
            f"INSERT INTO fire_reviews (fire_point_id, {', '.join(REVIEW_FIELDS)}, version) "
            f"VALUES (?, {', '.join('?' * len(REVIEW_FIELDS))}, 1) ON CONFLICT DO NOTHING RETURNING fire_point_id",
            [fire_point_id, *values]).fetchall()
        return bool(inserted)
    # Column names are the constant REVIEW_FIELDS, never input.
    assignments = ", ".join(f"{name} = ?" for name in REVIEW_FIELDS)
    changed = con.execute(
        f"UPDATE fire_reviews SET {assignments}, version = version + 1 "
        "WHERE fire_point_id = ? AND version = ? RETURNING fire_point_id",
        [*values, fire_point_id, expected_version]).fetchall()
    return bool(changed)


def append_review_event(con: duckdb.DuckDBPyConnection, fire_point_id: str, *, actor: str, role: str, action: str,
                        from_state: str, to_state: str, reason: str | None, comment: str | None,
                        occurred_at: dt.datetime) -> int:
    """Append one event to the point's review log and return its id. Events are never updated or deleted."""
    return con.execute(
        "INSERT INTO fire_review_events (fire_point_id, actor, role, action, from_state, to_state, reason, comment, "
        "occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [fire_point_id, actor, role, action, from_state, to_state, reason, comment, occurred_at]).fetchone()[0]


def insert_review_attachments(con: duckdb.DuckDBPyConnection, fire_point_id: str, event_id: int,
                              saved: Iterable[Mapping[str, Any]], uploader: str, uploaded_at: dt.datetime) -> None:
    """Record photos already written to disk (name, original_name, media_type, size_bytes, sha256),
    tied to the review event that brought them."""
    rows = [[a["name"], fire_point_id, event_id, a["original_name"], a["media_type"], a["size_bytes"], a["sha256"],
             uploader, uploaded_at] for a in saved]
    if rows:
        con.executemany("INSERT INTO fire_review_attachments (name, fire_point_id, event_id, original_name, "
                        "media_type, size_bytes, sha256, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        rows)


def read_review_history(con: duckdb.DuckDBPyConnection, fire_point_id: str) -> pd.DataFrame:
    """The point's review log, oldest first: id, occurred_at, actor, role, action, from_state, to_state,
    reason, comment, attachments (count)."""
    return con.execute(
        "SELECT e.id, e.occurred_at, e.actor, e.role, e.action, e.from_state, e.to_state, e.reason, e.comment, "
        "       count(a.name) AS attachments "
        "FROM fire_review_events e LEFT JOIN fire_review_attachments a ON a.event_id = e.id "
        "WHERE e.fire_point_id = ? GROUP BY ALL ORDER BY e.id", [fire_point_id]).df()


def read_review_attachments(con: duckdb.DuckDBPyConnection, fire_point_id: str) -> pd.DataFrame:
    """The point's photos in upload order: name, event_id, original_name, media_type, size_bytes, sha256,
    uploaded_by, uploaded_at."""
    return con.execute(
        "SELECT name, event_id, original_name, media_type, size_bytes, sha256, uploaded_by, uploaded_at "
        "FROM fire_review_attachments WHERE fire_point_id = ? ORDER BY uploaded_at, rowid", [fire_point_id]).df()


def read_reviewed_by_people(con: duckdb.DuckDBPyConnection, ids: Sequence[str], system_role: str) -> set[str]:
    """Which of the fire points ``ids`` have an event by a person (any role but ``system_role``)."""
    rows = con.execute("SELECT DISTINCT fire_point_id FROM fire_review_events "
                       "WHERE list_contains($ids, fire_point_id) AND role <> $system",
                       {"ids": list(ids), "system": system_role}).fetchall()
    return {row[0] for row in rows}
