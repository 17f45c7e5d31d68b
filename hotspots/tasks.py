"""The handling task's state machine: states, actions, who may act, deadlines and the accountability rule."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from core.errors import BadInputError, ConflictError, PermissionDeniedError
from core.policy import Role, User

GRADES = ("I", "II", "III")
FIELD_KIND = "field"
# Task kinds: the hotspot kinds, plus field observations recorded by inspectors.
KIND_LABELS_ZH = {"station": "站点高值", "fire": "火点", "dust": "扬尘", "grid": "网格热点",
                  "anomaly": "异常", "mobile": "走航", "coal": "散煤", FIELD_KIND: "现场巡查"}


class TaskState(str, Enum):
    """Where a task is in the loop 发现交办 → 整改反馈 → 复核督办 → 约谈问责."""

    PENDING = "pending"
    ASSIGNED = "assigned"
    FEEDBACK_SUBMITTED = "feedback_submitted"
    RETURNED = "returned"
    ESCALATED = "escalated"
    ACCOUNTABILITY = "accountability"
    CLOSED = "closed"

    @property
    def label_zh(self) -> str:
        return _STATE_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _STATE_LABELS[self][1]

    @classmethod
    def parse(cls, text: str) -> TaskState:
        """The state named by its value, English label or Chinese label."""
        for state in cls:
            if text in (state.value, state.label_zh, state.label_en):
                return state
        raise BadInputError(f"unknown task state '{text}'; one of "
                            + ", ".join(f"{s.value} ({s.label_zh})" for s in cls), field="status")


_STATE_LABELS = {
    TaskState.PENDING: ("待交办", "pending"),
    TaskState.ASSIGNED: ("已交办", "assigned"),
    TaskState.FEEDBACK_SUBMITTED: ("已反馈", "feedback submitted"),
    TaskState.RETURNED: ("退回整改", "returned for rework"),
    TaskState.ESCALATED: ("督办", "escalated"),
    TaskState.ACCOUNTABILITY: ("约谈问责", "accountability"),
    TaskState.CLOSED: ("已办结", "closed"),
}

STATE_LABELS_ZH = {state.value: state.label_zh for state in TaskState}

# The township owes rectification in these states, so each carries a running deadline.
OWING_STATES = frozenset({TaskState.ASSIGNED, TaskState.RETURNED, TaskState.ESCALATED,
                          TaskState.ACCOUNTABILITY})
# Past its deadline in one of these, a task is escalated by the sweep; accountability is the ladder's end.
SWEPT_STATES = frozenset({TaskState.ASSIGNED, TaskState.RETURNED, TaskState.ESCALATED})


@dataclass(frozen=True)
class Task:
    """One handling task (交办单) as stored; times are naive Beijing time, lon/lat EPSG:4326."""

    id: str
    hotspot_id: str | None
    kind: str
    grade: str
    township_code: str | None
    department: str | None
    title: str
    instructions: str | None
    state: TaskState
    deadline: datetime | None
    lon: float | None
    lat: float | None
    version: int
    created_at: datetime
    updated_at: datetime


class Action(str, Enum):
    """What a person (or the sweep) does to a task; each appends one event."""

    CREATE = "create"
    RECORD_OBSERVATION = "record_observation"
    ASSIGN = "assign"
    SUBMIT_FEEDBACK = "submit_feedback"
    CLOSE = "close"
    RETURN = "return"
    ESCALATE = "escalate"
    ADD_EVIDENCE = "add_evidence"

    @property
    def label_zh(self) -> str:
        return _ACTION_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _ACTION_LABELS[self][1]


_ACTION_LABELS = {
    Action.CREATE: ("生成交办单", "create"),
    Action.RECORD_OBSERVATION: ("现场巡查记录", "record field observation"),
    Action.ASSIGN: ("交办", "assign"),
    Action.SUBMIT_FEEDBACK: ("整改反馈", "submit feedback"),
    Action.CLOSE: ("复核通过", "close after review"),
    Action.RETURN: ("退回整改", "return for rework"),
    Action.ESCALATE: ("督办", "escalate"),
    Action.ADD_EVIDENCE: ("补充证据", "add evidence"),
}

ACTION_LABELS_ZH = {action.value: action.label_zh for action in Action}

_OPEN_STATES = frozenset(TaskState) - {TaskState.CLOSED}
# (action) -> (states it may start from, state it leads to; None = stays where it is).
TRANSITIONS: Mapping[Action, tuple[frozenset[TaskState], TaskState | None]] = {
    Action.CREATE: (frozenset(), TaskState.PENDING),
    Action.RECORD_OBSERVATION: (frozenset(), TaskState.PENDING),
    Action.ASSIGN: (frozenset({TaskState.PENDING}), TaskState.ASSIGNED),
    Action.SUBMIT_FEEDBACK: (OWING_STATES, TaskState.FEEDBACK_SUBMITTED),
    Action.CLOSE: (frozenset({TaskState.FEEDBACK_SUBMITTED}), TaskState.CLOSED),
    Action.RETURN: (frozenset({TaskState.FEEDBACK_SUBMITTED}), TaskState.RETURNED),
    Action.ESCALATE: (SWEPT_STATES, TaskState.ESCALATED),
    Action.ADD_EVIDENCE: (_OPEN_STATES, None),
}

ROLE_ACTIONS: Mapping[Role, frozenset[Action]] = {
    Role.INSPECTOR: frozenset({Action.RECORD_OBSERVATION, Action.ADD_EVIDENCE}),
    Role.TOWNSHIP: frozenset({Action.SUBMIT_FEEDBACK}),
    Role.SUPERVISOR: frozenset({Action.CREATE, Action.RECORD_OBSERVATION, Action.ASSIGN, Action.CLOSE,
                                Action.RETURN, Action.ESCALATE, Action.ADD_EVIDENCE}),
    Role.ADMIN: frozenset(),
    Role.SYSTEM: frozenset({Action.ESCALATE}),
}
# Exporting the handling list is not a transition but is limited the same way.
EXPORT_ROLES = frozenset({Role.SUPERVISOR, Role.SYSTEM})


def authorise(user: User, action: Action, task_township: str | None) -> None:
    """Raise PermissionDeniedError unless ``user`` may take ``action`` on a task of ``task_township``.

    Township officials act only on their own township's tasks."""
    if action not in ROLE_ACTIONS[user.role]:
        raise PermissionDeniedError(
            f"{user.role.label_zh}角色不能执行“{action.label_zh}” / a {user.role.value} may not "
            f"{action.label_en}")
    if user.role is Role.TOWNSHIP and task_township != user.township_code:
        raise PermissionDeniedError(
            "乡镇用户只能处理本乡镇的交办单 / a township official acts only on their own township's tasks "
            f"({user.name} is {user.township_code}, the task is {task_township})")


def next_state(current: TaskState, action: Action, earlier_actions: Iterable[Action], *,
               returns_for_accountability: int, escalations_for_accountability: int) -> TaskState:
    """The state ``action`` leads to from ``current``, given the actions already in the task's event log.

    A return or escalation that reaches its threshold (counting itself) marks the task for
    accountability (约谈问责) instead. Raises ConflictError, with the reason, for a move that makes no sense.
    """
    allowed_from, target = TRANSITIONS[action]
    if current not in allowed_from:
        expected = "、".join(state.label_zh for state in TaskState if state in allowed_from) or "—"
        raise ConflictError(
            f"状态为“{current.label_zh}”的交办单不能“{action.label_zh}”（需为：{expected}） / "
            f"cannot {action.label_en} a task that is {current.label_en}")
    if target is None:
        return current
    earlier = list(earlier_actions)
    thresholds = {Action.RETURN: returns_for_accountability, Action.ESCALATE: escalations_for_accountability}
    if action in thresholds and earlier.count(action) + 1 >= thresholds[action]:
        return TaskState.ACCOUNTABILITY
    return target


def deadline_for(grade: str, start: datetime, hours_by_grade: Mapping[str, int]) -> datetime:
    """When a task of hotspot ``grade`` (I, II, III) started at ``start`` (naive Beijing time) is due."""
    if grade not in hours_by_grade:
        raise BadInputError(f"unknown grade '{grade}'; one of {', '.join(hours_by_grade)}", field="grade")
    return start + timedelta(hours=hours_by_grade[grade])

