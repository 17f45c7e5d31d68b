"""The in-app inbox (notifications), the outbox of mails and webhook calls delivered after commit, and the
daily run log (daily_runs)."""
from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pandas as pd


def add_notification(con: duckdb.DuckDBPyConnection, user_name: str, kind: str, params: str, created_at: datetime,
                     *, task_id: str | None = None, fire_point_id: str | None = None) -> int:
    """Put one notice (``params`` JSON text) in ``user_name``'s inbox; returns its id."""
    return con.execute(
        "INSERT INTO notifications (user_name, kind, task_id, fire_point_id, params, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id", [user_name, kind, task_id, fire_point_id, params, created_at]
    ).fetchone()[0]


def read_inbox(con: duckdb.DuckDBPyConnection, user_name: str, limit: int = 200) -> pd.DataFrame:
    """``user_name``'s notices, newest first: id, kind, task_id, fire_point_id, params, created_at, read_at."""
    return con.execute(
        "SELECT id, kind, task_id, fire_point_id, params, created_at, read_at FROM notifications "
        "WHERE user_name = ? ORDER BY created_at DESC, id DESC LIMIT ?", [user_name, limit]).df()


def unread_count(con: duckdb.DuckDBPyConnection, user_name: str) -> int:
    return con.execute("SELECT count(*) FROM notifications WHERE user_name = ? AND read_at IS NULL",
                       [user_name]).fetchone()[0]


def mark_read(con: duckdb.DuckDBPyConnection, user_name: str, notification_ids: list[int], read_at: datetime) -> int:
    """Mark ``user_name``'s own notices among ``notification_ids`` read; returns how many changed."""
    return len(con.execute(
        "UPDATE notifications SET read_at = $at WHERE user_name = $user AND list_contains($ids, id) "
        "AND read_at IS NULL RETURNING id", {"at": read_at, "user": user_name, "ids": list(notification_ids)}
    ).fetchall())


def enqueue(con: duckdb.DuckDBPyConnection, channel: str, recipient: str, subject: str, body: str,
            created_at: datetime) -> int:
    """Queue one message for delivery after the caller's transaction commits; returns its id."""
    return con.execute(
        "INSERT INTO outbox (channel, recipient, subject, body, created_at, next_attempt_at) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id", [channel, recipient, subject, body, created_at, created_at]
    ).fetchone()[0]


def claim_due(con: duckdb.DuckDBPyConnection, now: datetime, claim: timedelta) -> pd.DataFrame:
    """Messages neither delivered nor given up whose next attempt is due at ``now``, oldest first (id,
    channel, recipient, subject, body, attempts), moved ``claim`` later so another delivery pass running
    meanwhile leaves them alone."""
    return con.execute(
        "UPDATE outbox SET next_attempt_at = $now + $claim WHERE delivered_at IS NULL AND given_up_at IS NULL "
        "AND next_attempt_at <= $now RETURNING id, channel, recipient, subject, body, attempts",
        {"now": now, "claim": claim}).df().sort_values("id", ignore_index=True)


def record_attempt(con: duckdb.DuckDBPyConnection, message_id: int, now: datetime, error: str | None,
                   retry_after: timedelta | None) -> None:
    """Count one delivery attempt: delivered when ``error`` is None; else retried after ``retry_after``,
    or given up when that is None."""
    con.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $error, "
        "delivered_at = CASE WHEN $error IS NULL THEN $now END, "
        "given_up_at = CASE WHEN $error IS NOT NULL AND $retry IS NULL THEN $now END, "
        "next_attempt_at = CASE WHEN $retry IS NOT NULL THEN $now + $retry ELSE next_attempt_at END WHERE id = $id",
        {"error": error, "now": now, "retry": retry_after, "id": message_id})


def read_outbox(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pd.DataFrame:
    """The newest messages with their delivery state: id, channel, recipient, subject, attempts, last_error,
    created_at, delivered_at, given_up_at."""
    return con.execute(
        "SELECT id, channel, recipient, subject, attempts, last_error, created_at, delivered_at, given_up_at "
        "FROM outbox ORDER BY id DESC LIMIT ?", [limit]).df()


def start_run(con: duckdb.DuckDBPyConnection, day, started_at: datetime) -> int:
    return con.execute("INSERT INTO daily_runs (day, started_at, outcome) VALUES (?, ?, 'running') RETURNING id",
                       [day, started_at]).fetchone()[0]


def finish_run(con: duckdb.DuckDBPyConnection, run_id: int, outcome: str, summary: str, finished_at: datetime) -> None:
    con.execute("UPDATE daily_runs SET outcome = ?, summary = ?, finished_at = ? WHERE id = ?",
                [outcome, summary, finished_at, run_id])


def read_runs(con: duckdb.DuckDBPyConnection, limit: int = 30) -> pd.DataFrame:
    """The newest daily runs: id, day, started_at, finished_at, outcome, summary (JSON text)."""
    return con.execute("SELECT id, day, started_at, finished_at, outcome, summary FROM daily_runs "
                       "ORDER BY started_at DESC, id DESC LIMIT ?", [limit]).df()


def read_week_figures(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime,
                      owing_states: list[str]) -> pd.DataFrame:
    """Per township, for [start, end): tasks opened, tasks closed (their close event in the window), tasks
    in one of ``owing_states`` past their deadline at ``end``, hotspots seen by everyone that started, and fire
    points detected (a report linked to another as its duplicate not counted). Columns township_code,
    township_name, opened, closed, overdue, hotspots, fires."""
    return con.execute(
        "SELECT tw.code AS township_code, tw.name AS township_name, "
        "  (SELECT count(*) FROM tasks t WHERE t.township_code = tw.code AND t.created_at >= $start "
        "     AND t.created_at < $end) AS opened, "
        "  (SELECT count(DISTINCT e.task_id) FROM task_events e JOIN tasks t ON t.id = e.task_id "
        "     WHERE t.township_code = tw.code AND e.action = 'close' AND e.occurred_at >= $start "
        "     AND e.occurred_at < $end) AS closed, "
        "  (SELECT count(*) FROM tasks t WHERE t.township_code = tw.code AND list_contains($owing, t.state) "
        "     AND t.deadline < $end) AS overdue, "
        "  (SELECT count(*) FROM hotspots h WHERE h.township_code = tw.code AND h.audience <> 'supervisor' "
        "     AND h.start_time >= $start AND h.start_time < $end) AS hotspots, "
        "  (SELECT count(*) FROM fire_points f LEFT JOIN fire_reviews r ON r.fire_point_id = f.id "
        "     WHERE f.township_code = tw.code AND f.time >= $start AND f.time < $end "
        "     AND coalesce(r.state, '') <> 'merged') AS fires "
        "FROM townships tw ORDER BY tw.code",
        {"start": start, "end": end, "owing": owing_states}).df()


def weekly_sent(con: duckdb.DuckDBPyConnection, week_start: str) -> bool:
    """Whether the weekly summary of the week starting ``week_start`` (YYYY-MM-DD) went out already (a
    finished daily run sent it)."""
    return con.execute("SELECT count(*) FROM daily_runs WHERE outcome = 'done' AND (summary->>'weekly') = ?",
                       [week_start]).fetchone()[0] > 0
