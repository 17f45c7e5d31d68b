"""User accounts: argon2 password hashing, sign-in, and the administrator's user management."""
from __future__ import annotations

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.errors import BadInputError, ConflictError
from core.logs import logger
from core.policy import Role, User, require_user_admin
from core.timeutil import now_beijing
from core.vocabulary import term
from data import townships as township_repo
from data import users as repo
from data.store import Store

MIN_PASSWORD_LENGTH = 8
_HASHER = PasswordHasher()
LOG = logger("signin")


def hash_password(password: str) -> str:
    """The argon2id encoding of ``password`` (parameters and salt included)."""
    return _HASHER.hash(password)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadInputError("error.password_too_short", field="password", min=MIN_PASSWORD_LENGTH)


def resolve_township(store: Store, township: str) -> str:
    """The code of the township given by its code or its Chinese name; BadInputError if unknown."""
    with store.read() as con:
        code = township_repo.township_code(con, township)
    if code is None:
        raise BadInputError("error.no_such_township", field="township", township=township)
    return code


def add_user(store: Store, acting: User, name: str, password: str, role: Role | str,
             township: str | None = None) -> User:
    """Create a user (admin only). A township official needs ``township`` (code or name); no other role
    may have one. Raises ConflictError if the name is taken."""
    require_user_admin(acting)
    role = Role(role)
    name = name.strip()
    if not name:
        raise BadInputError("error.user_needs_name", field="name")
    if role is Role.SYSTEM:
        raise BadInputError("error.role_not_for_people", field="role", role=term(f"role.{role.value}"))
    if (role is Role.TOWNSHIP) != (township is not None):
        raise BadInputError("error.township_role_needs_township", field="township")
    _check_password(password)
    township_code = resolve_township(store, township) if township is not None else None
    now = now_beijing()
    with store.write() as con:
        if repo.user_exists(con, name):
            raise ConflictError("error.user_exists", user=name)
        repo.insert_user(con, name, hash_password(password), role.value, township_code, now)
    return User(name=name, role=role, township_code=township_code)


def set_password(store: Store, acting: User, name: str, password: str) -> None:
    """Replace a user's password (admin only)."""
    require_user_admin(acting)
    _check_password(password)
    with store.write() as con:
        if not repo.update_password(con, name, hash_password(password), now_beijing()):
            raise BadInputError("error.no_such_user", field="name", user=name)


def set_active(store: Store, acting: User, name: str, active: bool) -> None:
    """Enable or disable a user's login (admin only); their past actions stay in the event log."""
    require_user_admin(acting)
    with store.write() as con:
        if not repo.update_active(con, name, active, now_beijing()):
            raise BadInputError("error.no_such_user", field="name", user=name)


def list_users(store: Store, acting: User) -> pd.DataFrame:
    """Every user's name, role, township code, active flag and times (admin only); no hashes."""
    require_user_admin(acting)
    with store.read() as con:
        return repo.read_users(con)


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The active user with this name and password, or None (the same None for any failure)."""
    with store.read() as con:
        row = repo.read_login(con, name)
    if row is None:
        # Hash anyway so a missing name takes as long as a wrong password.
        _HASHER.hash(password)
        LOG.warning("sign-in refused for %r: no active user of that name", name)
        return None
    encoded, role, township_code = row
    try:
        _HASHER.verify(encoded, password)
    except (VerificationError, InvalidHashError):
        LOG.warning("sign-in refused for %r: wrong password", name)
        return None
    LOG.info("sign-in of %r (%s)", name, role)
    if _HASHER.check_needs_rehash(encoded):
        with store.write() as con:
            repo.update_password(con, name, hash_password(password), now_beijing())
    return User(name=name, role=Role(role), township_code=township_code)
