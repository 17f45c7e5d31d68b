"""Who may do what: roles, the acting user, and every access rule the services check and the pages read."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

class Role(str, Enum):
    """What a user may do; SYSTEM is the CLI and the scheduled sweep, never a stored user."""

    INSPECTOR = "inspector"
    TOWNSHIP = "township"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    SYSTEM = "system"

    @property
    def label_zh(self) -> str:
        return _ROLE_LABELS_ZH[self]


_ROLE_LABELS_ZH = {Role.INSPECTOR: "巡查员", Role.TOWNSHIP: "乡镇", Role.SUPERVISOR: "督办",
                   Role.ADMIN: "管理员", Role.SYSTEM: "系统"}
STORED_ROLES = tuple(role for role in Role if role is not Role.SYSTEM)


@dataclass(frozen=True)
class User:
    """An authenticated person (or the system), as the service functions see them."""

    name: str
    role: Role
    township_code: str | None = None


SYSTEM_USER = User(name="system", role=Role.SYSTEM)
