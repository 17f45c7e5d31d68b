"""The handling task's state machine: states, actions, who may act, deadlines and the accountability rule."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from core.errors import BadInputError, ConflictError
from core.policy import User, may_take, require_action
from core.vocabulary import LANGUAGES, term, translate
from hotspots.schema import KIND_CODES

GRADES = ("I", "II", "III")
FIELD_KIND = "field"
# Task kinds: the hotspot kinds, plus field observations recorded by inspectors (labels: 'task_kind.<code>').
TASK_KINDS = (*KIND_CODES, FIELD_KIND)


class TaskState(str, Enum):
    """Where a task is in the loop 发现交办 → 整改反馈 → 复核督办 → 约谈问责."""

    PENDING = "pending"
    ASSIGNED = "assigned"
    FEEDBACK_SUBMITTED = "feedback_submitted"
    RETURNED = "returned"
    ESCALATED = "escalated"
    ACCOUNTABILITY = "accountability"
    CLOSED = "closed"

    def label(self, lang: str = "zh") -> str:
        return translate(f"task_state.{self.value}", lang)

    @classmethod
    def parse(cls, text: str) -> TaskState:
        """The state named by its code or its label in either language."""
        for state in cls:
            if text == state.value or text in (state.label(lang) for lang in LANGUAGES):
                return state
        raise BadInputError("error.unknown_task_state", field="status", state=text,
                            known=[f"{s.value} ({s.label('zh')})" for s in cls])

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
    holder: str | None = None     # the grid person (grid_people.id) who holds it now; None: the township
    grid_cell: str | None = None  # the grid cell it was routed to


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
    HAND_OVER = "hand_over"

    def label(self, lang: str = "zh") -> str:
        return translate(f"task_action.{self.value}", lang)

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
    Action.HAND_OVER: (_OPEN_STATES, None),
}



def authorise(user: User, action: Action, task_township: str | None) -> None:
    """PermissionDeniedError unless ``user`` may take ``action`` on a task of ``task_township``
    (core.policy's rule: the role's actions, and township officials on their own township only)."""
    require_action(user, action.value, task_township)


def actions_now(user: User, state: TaskState | None) -> list[Action]:
    """The actions on an existing task in ``state`` that ``user``'s role may take and the state machine
    allows now (what a page offers), in the order of the loop."""
    return [action for action in Action if may_take(user, action.value)
            and state in TRANSITIONS[action][0]]


def next_state(current: TaskState, action: Action, earlier_actions: Iterable[Action], *,
               returns_for_accountability: int, escalations_for_accountability: int) -> TaskState:
    """The state ``action`` leads to from ``current``, given the actions already in the task's event log.

    A return or escalation that reaches its threshold (counting itself) marks the task for
    accountability (约谈问责) instead. Raises ConflictError, with the reason, for a move that makes no sense.
    """
    allowed_from, target = TRANSITIONS[action]
    if current not in allowed_from:
        raise ConflictError("error.task_state_forbids", state=term(f"task_state.{current.value}"),
                            action=term(f"task_action.{action.value}"),
                            expected=[term(f"task_state.{state.value}") for state in TaskState if state in allowed_from])
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
        raise BadInputError("error.unknown_grade", field="grade", grade=grade, known=list(hours_by_grade))
    return start + timedelta(hours=hours_by_grade[grade])

