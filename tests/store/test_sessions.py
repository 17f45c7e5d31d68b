"""Sign-in sessions on a real DuckDB file: only the token's hash is stored, a session resumes with the user as
the store has them now, and ends on sign-out, after the idle time, or when its user is disabled."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

import cli
from accounts.sessions import end_session, resume, start_session
from accounts.users import add_user, set_active
from core.errors import PermissionDeniedError
from core.policy import Role, User
from core.settings import get_settings
from core.timeutil import now_beijing
from data.store import Store
from hotspots import task_service as ts
from tests.store.test_tasks import events
from tests.tasks_support import ADMIN, KEJING, photo, region

__all__ = ["region"]


@pytest.fixture
def official(region: Store) -> User:
    return add_user(region, ADMIN, "李克井", "correct horse", Role.TOWNSHIP, township="克井镇")


def _sessions(store: Store) -> list[tuple]:
    with store.read() as con:
        return con.execute("SELECT token_hash, user_name, revoked_at IS NOT NULL FROM sessions").fetchall()


def test_a_session_stores_only_the_token_hash_and_resumes_the_user(region: Store, official: User):
    token = start_session(region, official)
    assert len(token) >= 43
    assert _sessions(region) == [(hashlib.sha256(token.encode()).hexdigest(), "李克井", False)]
    assert resume(region, token) == User("李克井", Role.TOWNSHIP, KEJING)
    assert resume(region, "not-a-token") is None


def test_sign_out_ends_only_that_session(region: Store, official: User):
    phone, desk = start_session(region, official), start_session(region, official)
    end_session(region, phone)
    assert resume(region, phone) is None
    assert resume(region, desk) == official


def test_an_idle_session_expires_and_a_used_one_does_not(region: Store, official: User,
                                                       monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LANTIAN_SESSION_IDLE_MINUTES", "30")
    get_settings.cache_clear()
    try:
        start = now_beijing()
        used, idle = start_session(region, official, now=start), start_session(region, official, now=start)
        # Used every 20 minutes for an hour: each resume moves its idle clock on.
        for minutes in (20, 40, 60):
            assert resume(region, used, now=start + timedelta(minutes=minutes)) == official
        assert resume(region, idle, now=start + timedelta(minutes=31)) is None
        assert resume(region, idle, now=start) is None  # expiry revoked it for good
        assert resume(region, used, now=start + timedelta(minutes=89)) == official
    finally:
        get_settings.cache_clear()


def test_a_session_sees_a_role_change_and_disabling_revokes_every_session(region: Store, official: User):
    tokens = [start_session(region, official) for _ in range(2)]
    with region.write() as con:  # an administrator moves them to supervisor (no service for it yet)
        con.execute("UPDATE users SET role = 'supervisor', township_code = NULL WHERE name = '李克井'")
    assert resume(region, tokens[0]) == User("李克井", Role.SUPERVISOR, None)
    set_active(region, ADMIN, "李克井", False)
    assert [revoked for _hash, _name, revoked in _sessions(region)] == [True, True]
    set_active(region, ADMIN, "李克井", True)
    assert [resume(region, token) for token in tokens] == [None, None]  # re-enabling does not reopen them


def test_a_session_whose_user_was_disabled_outside_the_service_is_refused_and_revoked(region: Store,
                                                                                       official: User):
    token = start_session(region, official)
    with region.write() as con:
        con.execute("UPDATE users SET active = FALSE WHERE name = '李克井'")
    assert resume(region, token) is None
    assert _sessions(region)[0][2] is True


def test_the_cli_disable_command_ends_the_users_sessions(region: Store, official: User):
    token = start_session(region, official)
    assert cli.main(["user", "disable", "李克井", "--db", str(region.path)]) == 0
    assert resume(region, token) is None


def test_the_services_refuse_a_disabled_user_inside_the_write(region: Store):
    inspector = add_user(region, ADMIN, "赵巡查", "correct horse", Role.INSPECTOR)
    observe = dict(lon=112.66, lat=35.13, title="露天焚烧垃圾", description="现场焚烧")
    task = ts.record_field_observation(region, inspector, **observe)
    set_active(region, ADMIN, "赵巡查", False)
    with pytest.raises(PermissionDeniedError, match="赵巡查"):
        ts.record_field_observation(region, inspector, **observe)
    with pytest.raises(PermissionDeniedError, match="赵巡查"):
        ts.add_evidence(region, inspector, task.id, photos=[photo()])
    assert list(ts.list_tasks(region)["id"]) == [task.id]
    assert [event[2] for event in events(region, task.id)] == ["record_observation"]
