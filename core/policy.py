"""Who may do what: roles, the acting user, and every access rule — the services check them, the pages read
them to decide what to show."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from core.errors import PermissionDeniedError
from core.vocabulary import Term, term


class Role(str, Enum):
    """What a user may do; SYSTEM is the CLI and the scheduled jobs, never a stored user. Labels are in
    core.vocabulary under 'role.<code>'."""

    INSPECTOR = "inspector"
    TOWNSHIP = "township"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    SYSTEM = "system"


STORED_ROLES = tuple(role for role in Role if role is not Role.SYSTEM)


@dataclass(frozen=True)
class User:
    """An authenticated person (or the system), as the service functions see them."""

    name: str
    role: Role
    township_code: str | None = None


SYSTEM_USER = User(name="system", role=Role.SYSTEM)

EVERYONE = None
# Page key -> roles that may open it; EVERYONE means signed in or not. Air quality, zones and the
# monthly township ranking are published to the public in China, so map and ranking need no sign-in.
PAGE_ROLES: dict[str, frozenset[Role] | None] = {
    "map": EVERYONE,
    "queue": frozenset({Role.INSPECTOR, Role.SUPERVISOR, Role.ADMIN}),
    "ranking": EVERYONE,
    "hotspots": frozenset({Role.INSPECTOR, Role.TOWNSHIP, Role.SUPERVISOR, Role.ADMIN}),
    "fires": frozenset({Role.INSPECTOR, Role.TOWNSHIP, Role.SUPERVISOR, Role.ADMIN}),
    "data": frozenset({Role.INSPECTOR, Role.SUPERVISOR, Role.ADMIN}),
    "inbox": frozenset({Role.INSPECTOR, Role.TOWNSHIP, Role.SUPERVISOR, Role.ADMIN}),
    "loop": frozenset({Role.SUPERVISOR, Role.ADMIN}),
    "emergency": frozenset({Role.INSPECTOR, Role.TOWNSHIP, Role.SUPERVISOR, Role.ADMIN}),
}
# Who issues, changes and lifts heavy-pollution alerts and edits the reduction list (the city's bureau).
EMERGENCY_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
# Who records a source's compliance during an alert (inspectors in the field and supervisors).
COMPLIANCE_ROLES = frozenset({Role.INSPECTOR, Role.SUPERVISOR, Role.ADMIN})
# Who imports registers, observations and boundaries (the data page's uploads and the CLI).
UPLOAD_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
# Who sees the findings kept from township officials: data anomalies (a station's own data) and industrial
# heat (an enterprise matter for the bureau), hotspots whose audience is 'supervisor'.
SUPERVISOR_FINDING_ROLES = frozenset({Role.SUPERVISOR, Role.INSPECTOR, Role.ADMIN, Role.SYSTEM})
# Task action code -> roles that may take it (the state machine in hotspots.tasks says when).
TASK_ACTION_ROLES: dict[str, frozenset[Role]] = {
    "create": frozenset({Role.SUPERVISOR, Role.SYSTEM}),  # the system: the daily run's dispatch
    "record_observation": frozenset({Role.INSPECTOR, Role.SUPERVISOR}),
    "assign": frozenset({Role.SUPERVISOR, Role.SYSTEM}),
    "submit_feedback": frozenset({Role.TOWNSHIP}),
    "close": frozenset({Role.SUPERVISOR}),
    "return": frozenset({Role.SUPERVISOR}),
    "escalate": frozenset({Role.SUPERVISOR, Role.SYSTEM}),
    "add_evidence": frozenset({Role.INSPECTOR, Role.SUPERVISOR}),
    # Who holds the task: a supervisor gives it to anyone, a township official within their own township.
    "hand_over": frozenset({Role.SUPERVISOR, Role.TOWNSHIP}),
}
# Who edits the grid register on the data page (people's phones, duties, sign-ins, who is on duty).
GRID_EDIT_ROLES = frozenset({Role.SUPERVISOR, Role.SYSTEM})
# Who sees the loop dashboard (per township and per person) and the daily run log.
DASHBOARD_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
# Fire-point review action code -> roles that may take it (hotspots.fire_review's states say when). A
# fire point costs its township money only once a person has confirmed it (认定): inspectors in the field
# and supervisors confirm or strike off; the township may appeal a confirmation; a supervisor decides;
# the system proposes strike-offs and links one fire's reports from several sources.
FIRE_ACTION_ROLES: dict[str, frozenset[Role]] = {
    "propose": frozenset({Role.SYSTEM}),
    "link": frozenset({Role.SYSTEM}),
    "confirm": frozenset({Role.INSPECTOR, Role.SUPERVISOR}),
    "strike_off": frozenset({Role.INSPECTOR, Role.SUPERVISOR}),
    "appeal": frozenset({Role.TOWNSHIP}),
    "accept_appeal": frozenset({Role.SUPERVISOR}),
    "reject_appeal": frozenset({Role.SUPERVISOR}),
}
# Who records a problem of the deduction schedule other than a fire point (an open-burning case, a boiler).
DEDUCTION_ENTRY_ROLES = frozenset({Role.SUPERVISOR, Role.SYSTEM})
# Who sets the air-quality targets (考核目标) a unit is assessed by.
TARGET_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
# Exporting the handling list is not a task action but is limited the same way.
EXPORT_ROLES = frozenset({Role.SUPERVISOR, Role.SYSTEM})
USER_ADMIN_ROLES = frozenset({Role.ADMIN, Role.SYSTEM})


def may_open(user: User | None, page: str) -> bool:
    roles = PAGE_ROLES[page]
    return roles is EVERYONE or (user is not None and user.role in roles)


def visible_pages(user: User | None) -> list[str]:
    """The page keys ``user`` (None: not signed in) may open, in menu order."""
    return [page for page in PAGE_ROLES if may_open(user, page)]


def may_upload(user: User | None) -> bool:
    return user is not None and user.role in UPLOAD_ROLES


def sees_supervisor_findings(user: User | None) -> bool:
    return user is not None and user.role in SUPERVISOR_FINDING_ROLES


def may_take(user: User | None, action: str) -> bool:
    """Whether ``user``'s role may take the task action ``action`` (a hotspots.tasks.Action or its code)."""
    return user is not None and user.role in TASK_ACTION_ROLES[str(getattr(action, "value", action))]


def task_actions(user: User | None) -> frozenset[str]:
    """The task action codes ``user``'s role may take."""
    return frozenset(action for action in TASK_ACTION_ROLES if may_take(user, action))


def require_action(user: User, action: str, task_township: str | None) -> None:
    """PermissionDeniedError unless ``user`` may take ``action`` on a task of ``task_township``; township
    officials act only on their own township's tasks."""
    code = str(getattr(action, "value", action))
    _require(user, may_take(user, code), term(f"task_action.{code}"), task_township, "error.own_township_only")


def _require(user: User, permitted: bool, action: Term, township: str | None, own_township_key: str) -> None:
    """PermissionDeniedError unless the role is ``permitted`` the ``action`` and, for a township
    official, ``township`` is their own (refused with ``own_township_key``)."""
    if not permitted:
        raise PermissionDeniedError("error.role_may_not_act", role=term(f"role.{user.role.value}"), action=action)
    if user.role is Role.TOWNSHIP and township != user.township_code:
        raise PermissionDeniedError(own_township_key, user=user.name, own=user.township_code or "—",
                                    township=township or "—")


def require_upload(user: User) -> None:
    if not may_upload(user):
        raise PermissionDeniedError("error.upload_not_allowed", role=term(f"role.{user.role.value}"))


def may_run_emergency(user: User | None) -> bool:
    return user is not None and user.role in EMERGENCY_ROLES


def require_emergency(user: User) -> None:
    if not may_run_emergency(user):
        raise PermissionDeniedError("error.emergency_not_allowed", role=term(f"role.{user.role.value}"))


def may_record_compliance(user: User | None) -> bool:
    return user is not None and user.role in COMPLIANCE_ROLES


def require_compliance(user: User) -> None:
    if not may_record_compliance(user):
        raise PermissionDeniedError("error.compliance_not_allowed", role=term(f"role.{user.role.value}"))


def require_export(user: User) -> None:
    if user.role not in EXPORT_ROLES:
        raise PermissionDeniedError("error.export_not_allowed", role=term(f"role.{user.role.value}"))


def require_user_admin(user: User) -> None:
    if user.role not in USER_ADMIN_ROLES:
        raise PermissionDeniedError("error.admin_only", user=user.name, role=term(f"role.{user.role.value}"))


def may_review_fire(user: User | None, action: str) -> bool:
    """Whether ``user``'s role may take the fire-point review action ``action`` (an action or its code)."""
    return user is not None and user.role in FIRE_ACTION_ROLES[str(getattr(action, "value", action))]


def own_township_only(user: User | None) -> str | None:
    """The township a township official is limited to (their own), None for every other role."""
    return user.township_code if user is not None and user.role is Role.TOWNSHIP else None


def require_fire_action(user: User, action: str, township: str | None) -> None:
    """PermissionDeniedError unless ``user`` may take the review ``action`` on a fire point of
    ``township``; township officials act only on their own township's points."""
    code = str(getattr(action, "value", action))
    _require(user, may_review_fire(user, code), term(f"fire_action.{code}"), township, "error.own_township_fire_points")


def require_grid_edit(user: User) -> None:
    if user.role not in GRID_EDIT_ROLES:
        raise PermissionDeniedError("error.grid_edit_not_allowed", role=term(f"role.{user.role.value}"))


def require_deduction_entry(user: User) -> None:
    if user.role not in DEDUCTION_ENTRY_ROLES:
        raise PermissionDeniedError("error.deduction_entry_not_allowed", role=term(f"role.{user.role.value}"))


def may_set_targets(user: User | None) -> bool:
    return user is not None and user.role in TARGET_ROLES


def require_target_entry(user: User) -> None:
    if not may_set_targets(user):
        raise PermissionDeniedError("error.target_entry_not_allowed", role=term(f"role.{user.role.value}"))
