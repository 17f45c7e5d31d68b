"""Server-side sign-in sessions: a random token for the browser, its SHA-256 in the store, and the acting user
re-read from the store whenever a session is resumed."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import duckdb

from core.logs import logger
from core.policy import Role, User
from core.settings import get_settings
from core.timeutil import now_beijing
from data import sessions as repo
from data import users as user_repo
from data.store import Store

LOG = logger("signin")
# last_seen_at is written at most this often, so an ordinary page run stays a read.
_TOUCH_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _active_user(con: duckdb.DuckDBPyConnection, name: str) -> User | None:
    row = user_repo.read_active_user(con, name)
    return None if row is None else User(name=name, role=Role(row[0]), township_code=row[1])


def fresh_user(store: Store, name: str) -> User | None:
    """The user ``name`` as the store has them now (role, township), or None when disabled or unknown."""
    with store.read() as con:
        return _active_user(con, name)


def start_session(store: Store, user: User, now: datetime | None = None) -> str:
    """Open a session for the signed-in ``user``; returns its token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    with store.write() as con:
        repo.insert_session(con, _hash(token), user.name, now or now_beijing())
    return token


def resume(store: Store, token: str, now: datetime | None = None) -> User | None:
    """The session's user as the store has them now, or None when the token is unknown, revoked, idle longer
    than session_idle_minutes, or its user disabled or gone (the session is then revoked)."""
    now = now or now_beijing()
    token_hash = _hash(token)
    with store.read() as con:  # one connection for both reads: this runs on every page run
        row = repo.read_session(con, token_hash)
        user = _active_user(con, row[0]) if row is not None else None
    if row is None:
        return None
    name, last_seen, revoked = row
    if revoked is not None:
        return None
    if now - last_seen > timedelta(minutes=get_settings().session_idle_minutes):
        LOG.info("session of %r expired (idle since %s)", name, last_seen)
        end_session(store, token, now)
        return None
    if user is None:
        LOG.info("session of %r ended: the user is disabled or gone", name)
        end_session(store, token, now)
        return None
    if now - last_seen >= _TOUCH_EVERY:
        with store.write() as con:
            repo.touch_session(con, token_hash, now)
    return user


def end_session(store: Store, token: str, now: datetime | None = None) -> None:
    """Sign out: the token can no longer be resumed."""
    with store.write() as con:
        repo.revoke_session(con, _hash(token), now or now_beijing())
