"""User accounts: argon2 password hashing, sign-in, and the administrator's user management."""
from __future__ import annotations

import math
import threading

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from accounts.throttle import SignInThrottle, ThrottleRule
from core.errors import BadInputError, ConflictError, SignInThrottledError
from core.logs import logger
from core.policy import Role, User, require_user_admin
from core.settings import get_settings
from core.timeutil import now_beijing
from core.vocabulary import term
from data import sessions as session_repo
from data import townships as township_repo
from data import users as repo
from data.store import Store

MIN_PASSWORD_LENGTH = 8
_HASHER = PasswordHasher()
LOG = logger("signin")
# Built from the settings on first use (reset_sign_in_limits forgets it): the failures so far, and the
# slots that bound how many argon2 checks run at once.
_THROTTLE: SignInThrottle | None = None
_HASH_SLOTS: threading.BoundedSemaphore


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
    """Enable or disable a user's login (admin only); their past actions stay in the event log. Disabling
    also ends every session they have open (accounts.sessions)."""
    require_user_admin(acting)
    now = now_beijing()
    with store.write() as con:
        if not repo.update_active(con, name, active, now):
            raise BadInputError("error.no_such_user", field="name", user=name)
        if not active:
            session_repo.revoke_user_sessions(con, name, now)


def list_users(store: Store, acting: User) -> pd.DataFrame:
    """Every user's name, role, township code, active flag and times (admin only); no hashes."""
    require_user_admin(acting)
    with store.read() as con:
        return repo.read_users(con)


def _throttle() -> SignInThrottle:
    global _THROTTLE, _HASH_SLOTS
    if _THROTTLE is None:
        settings = get_settings()
        account = ThrottleRule(settings.signin_free_failures, settings.signin_delay_s, settings.signin_max_delay_s,
                               settings.signin_lock_after, settings.signin_lock_s)
        client = ThrottleRule(settings.signin_free_failures, settings.signin_delay_s, settings.signin_max_delay_s,
                              settings.signin_client_lock_after, settings.signin_lock_s)
        _THROTTLE = SignInThrottle({"account": account, "client": client})
        _HASH_SLOTS = threading.BoundedSemaphore(max(1, settings.signin_parallel_hashes))
    return _THROTTLE


def reset_sign_in_limits() -> None:
    """Forget every failed attempt and re-read the sign-in settings (tests, and after changing them)."""
    global _THROTTLE
    _THROTTLE = None


def _verify(encoded: str | None, password: str) -> bool:
    """Whether ``password`` matches ``encoded``; with no user, hash anyway so a missing name takes as long as
    a wrong password. At most signin_parallel_hashes of these run at once."""
    _throttle()
    with _HASH_SLOTS:
        if encoded is None:
            _HASHER.hash(password)
            return False
        try:
            return _HASHER.verify(encoded, password)
        except (VerificationError, InvalidHashError):
            return False


def authenticate(store: Store, name: str, password: str, client: str = "unknown") -> User | None:
    """The active user with this name and password, or None (the same None for any failure).

    ``client`` is the visitor's address. Repeated failures of an account or a client make the next attempt
    wait, then lock it (core.settings signin_*): such an attempt raises SignInThrottledError without
    checking the password. Every attempt is logged with the account and the client."""
    throttle = _throttle()
    keys = {"account": name, "client": client}
    wait_s = throttle.wait_s(keys)
    if wait_s > 0:
        LOG.warning("sign-in refused for %r: throttled for %.0f s more (client %s)", name, wait_s, client)
        raise SignInThrottledError("error.signin_throttled", seconds=math.ceil(wait_s))
    with store.read() as con:
        row = repo.read_login(con, name)
    encoded, role, township_code = row if row is not None else (None, None, None)
    if not _verify(encoded, password):
        throttle.failed(keys)
        LOG.warning("sign-in refused for %r: %s (client %s)", name,
                    "wrong password" if row is not None else "no active user of that name", client)
        return None
    throttle.succeeded(keys)
    LOG.info("sign-in of %r (%s) (client %s)", name, role, client)
    if _HASHER.check_needs_rehash(encoded):
        with store.write() as con:
            repo.update_password(con, name, hash_password(password), now_beijing())
    return User(name=name, role=Role(role), township_code=township_code)
