"""The only place holding SQL for sign-in sessions (table sessions, migration 0135)."""
from __future__ import annotations

from datetime import datetime

import duckdb


def insert_session(con: duckdb.DuckDBPyConnection, token_hash: str, user_name: str, now: datetime) -> None:
    con.execute("INSERT INTO sessions (token_hash, user_name, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
                [token_hash, user_name, now, now])


def read_session(con: duckdb.DuckDBPyConnection, token_hash: str) -> tuple[str, datetime, datetime | None] | None:
    """(user name, last seen, revoked at) of the session with this token hash, or None."""
    return con.execute("SELECT user_name, last_seen_at, revoked_at FROM sessions WHERE token_hash = ?",
                       [token_hash]).fetchone()


def touch_session(con: duckdb.DuckDBPyConnection, token_hash: str, now: datetime) -> None:
    con.execute("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND revoked_at IS NULL", [now, token_hash])


def revoke_session(con: duckdb.DuckDBPyConnection, token_hash: str, now: datetime) -> None:
    con.execute("UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL", [now, token_hash])


def revoke_user_sessions(con: duckdb.DuckDBPyConnection, user_name: str, now: datetime) -> int:
    """Revoke every open session of ``user_name``; returns how many."""
    return len(con.execute("UPDATE sessions SET revoked_at = ? WHERE user_name = ? AND revoked_at IS NULL "
                           "RETURNING token_hash", [now, user_name]).fetchall())
