"""Users: argon2-hashed passwords, roles and townships, admin-only management, the `user add` command."""
from __future__ import annotations

import io

import pytest

import cli
from accounts.users import add_user, authenticate, list_users, set_active, set_password
from core.errors import BadInputError, ConflictError, PermissionDeniedError
from core.policy import Role
from data.store import Store
from tests.tasks_support import ADMIN, KEJING, SUPERVISOR, region

__all__ = ["region"]


def test_passwords_are_stored_as_argon2_hashes_and_authenticate(region: Store):
    official = add_user(region, ADMIN, "李克井", "correct horse", Role.TOWNSHIP, township="克井镇")
    assert (official.role, official.township_code) == (Role.TOWNSHIP, KEJING)  # name resolved to its code
    with region.read() as con:
        stored = con.execute("SELECT password_hash FROM users WHERE name = '李克井'").fetchone()[0]
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert authenticate(region, "李克井", "correct horse") == official
    assert authenticate(region, "李克井", "wrong horse!") is None
    assert authenticate(region, "nobody", "correct horse") is None

    set_password(region, ADMIN, "李克井", "battery staple")
    assert authenticate(region, "李克井", "correct horse") is None
    assert authenticate(region, "李克井", "battery staple") == official
    set_active(region, ADMIN, "李克井", False)
    assert authenticate(region, "李克井", "battery staple") is None
    assert list(list_users(region, ADMIN).columns) == ["name", "role", "township_code", "active", "created_at",
                                                       "updated_at"]


def test_only_admins_manage_users_and_roles_are_consistent(region: Store):
    with pytest.raises(PermissionDeniedError):
        add_user(region, SUPERVISOR, "x", "long enough", Role.INSPECTOR)
    with pytest.raises(PermissionDeniedError):
        list_users(region, SUPERVISOR)
    with pytest.raises(BadInputError, match="township"):
        add_user(region, ADMIN, "无乡镇", "long enough", Role.TOWNSHIP)
    with pytest.raises(BadInputError, match="township"):
        add_user(region, ADMIN, "督办甲", "long enough", Role.SUPERVISOR, township=KEJING)
    with pytest.raises(BadInputError, match="no township"):
        add_user(region, ADMIN, "错乡镇", "long enough", Role.TOWNSHIP, township="不存在镇")
    with pytest.raises(BadInputError, match="8"):
        add_user(region, ADMIN, "短密码", "short", Role.INSPECTOR)
    add_user(region, ADMIN, "巡查乙", "long enough", Role.INSPECTOR)
    with pytest.raises(ConflictError):
        add_user(region, ADMIN, "巡查乙", "another one", Role.INSPECTOR)
    assert list(list_users(region, ADMIN)["name"]) == ["巡查乙"]


def test_cli_adds_a_user_with_the_password_from_stdin(region: Store, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
    assert cli.main(["user", "add", "陈轵城", "--role", "township", "--township", "轵城镇",
                     "--password-stdin", "--db", str(region.path)]) == 0
    user = authenticate(region, "陈轵城", "s3cret-pass")
    assert user is not None and user.role is Role.TOWNSHIP and user.township_code == "419001102"
    assert cli.main(["user", "add", "陈轵城", "--role", "inspector", "--password", "whatever1",
                     "--db", str(region.path)]) == 2  # the name is taken


def test_cli_replaces_a_password_and_disables_then_enables_a_user(region: Store, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture):
    add_user(region, ADMIN, "巡查丙", "demo-password", Role.INSPECTOR)
    db = ["--db", str(region.path)]
    monkeypatch.setattr("sys.stdin", io.StringIO("changed-password\n"))
    assert cli.main(["user", "passwd", "巡查丙", "--password-stdin", *db]) == 0
    assert authenticate(region, "巡查丙", "demo-password") is None
    assert authenticate(region, "巡查丙", "changed-password") is not None
    assert cli.main(["user", "disable", "巡查丙", *db]) == 0
    assert authenticate(region, "巡查丙", "changed-password") is None
    assert cli.main(["user", "enable", "巡查丙", *db]) == 0
    assert authenticate(region, "巡查丙", "changed-password") is not None
    assert cli.main(["user", "disable", "无此人", *db]) == 2
    capsys.readouterr()
    assert cli.main(["user", "list", *db]) == 0
    listing = capsys.readouterr().out
    assert "巡查丙" in listing and "argon2" not in listing
