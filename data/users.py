"""The only place holding SQL for users and for finding a township by its code or name."""
from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from core.errors import PermissionDeniedError
from core.policy import User


def township_code(con: duckdb.DuckDBPyConnection, township: str) -> str | None:
    """The code of the township given by its code or its Chinese name (a code match wins), or None."""
    row = con.execute("SELECT code FROM townships WHERE code = $t OR name = $t ORDER BY code = $t DESC",
                      {"t": township}).fetchone()
    return row[0] if row else None


def user_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return con.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone() is not None


def insert_user(con: duckdb.DuckDBPyConnection, name: str, password_hash: str, role: str,
                township_code: str | None, now: datetime) -> None:
    con.execute("INSERT INTO users (name, password_hash, role, township_code, active, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, TRUE, ?, ?)", [name, password_hash, role, township_code, now, now])


def update_password(con: duckdb.DuckDBPyConnection, name: str, password_hash: str, now: datetime) -> bool:
    """Store a new hash; False when there is no such user."""
    return bool(con.execute("UPDATE users SET password_hash = ?, updated_at = ? WHERE name = ? RETURNING name",
                            [password_hash, now, name]).fetchall())


def update_active(con: duckdb.DuckDBPyConnection, name: str, active: bool, now: datetime) -> bool:
    """Enable or disable a login; False when there is no such user."""
    return bool(con.execute("UPDATE users SET active = ?, updated_at = ? WHERE name = ? RETURNING name",
                            [active, now, name]).fetchall())


def read_users(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every user's name, role, township code, active flag and times; never the hashes."""
    return con.execute("SELECT name, role, township_code, active, created_at, updated_at "
                       "FROM users ORDER BY name").df()


def read_login(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, str, str | None] | None:
    """(password hash, role, township code) of the active user with this name, or None."""
    return con.execute("SELECT password_hash, role, township_code FROM users WHERE name = ? AND active",
                       [name]).fetchone()


def read_active_user(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, str | None] | None:
    """(role, township code) of the active user with this name, or None when disabled or unknown."""
    return con.execute("SELECT role, township_code FROM users WHERE name = ? AND active", [name]).fetchone()


def check_acting_user(con: duckdb.DuckDBPyConnection, acting: User) -> None:
    """Inside a write transaction: refuse (PermissionDeniedError) a stored user who has been disabled, or
    whose role or township is no longer the one their open page acts with. A name the store does not hold
    (the system, the CLI) is left to the caller's own permission check."""
    row = con.execute("SELECT active, role, township_code FROM users WHERE name = ?", [acting.name]).fetchone()
    if row is None:
        return
    active, role, township = row
    if not active:
        raise PermissionDeniedError("error.user_disabled", user=acting.name)
    if role != acting.role.value or township != acting.township_code:
        raise PermissionDeniedError("error.user_changed", user=acting.name)


def township_user_names(con: duckdb.DuckDBPyConnection, township_code: str | None) -> list[str]:
    """The active township officials of ``township_code`` (the township's own inbox when no grid person holds a task)."""
    rows = con.execute("SELECT name FROM users WHERE active AND role = 'township' AND township_code = ? ORDER BY name",
                       [township_code]).fetchall()
    return [row[0] for row in rows]
