"""Who hears of a task's change and what they read: the holder (else the township's officials) on assignment,
return, overdue escalation (督办), a supervisor's escalation and a hand-over, queued in the change's own
transaction; the fire-point appeal decisions go to the township's officials."""
from __future__ import annotations

from datetime import datetime

import duckdb

from core.policy import Role, User
from data import grid as grid_repo
from data import users as user_repo
from hotspots.tasks import Action, Task
from notify.outbox import Recipient, queue

DEADLINE_FORMAT = "%Y-%m-%d %H:%M"


def notice_kind(action: Action, actor: User) -> str | None:
    """The notice an action on a task sends (vocabulary 'notice.<kind>'), or None for one nobody is told of."""
    if action is Action.ESCALATE:
        return "overdue" if actor.role is Role.SYSTEM else "escalation"
    return {Action.ASSIGN: "assign", Action.RETURN: "return", Action.HAND_OVER: "hand_over"}.get(action)


def task_recipients(con: duckdb.DuckDBPyConnection, task: Task) -> list[Recipient]:
    """The task's holder (their sign-in and e-mail), or every official of its township when nobody holds it
    or the holder has neither."""
    holder = grid_repo.read_person(con, task.holder) if task.holder else None
    if holder is not None and (holder["user_name"] or holder["email"]):
        return [Recipient(holder["user_name"], holder["email"])]
    return [Recipient(name) for name in user_repo.township_user_names(con, task.township_code)]


def notify_task_change(con: duckdb.DuckDBPyConnection, task: Task, action: Action, actor: User, now: datetime) -> None:
    """Queue the notice ``action`` by ``actor`` on ``task`` (as it stands after the change) sends, if any."""
    kind = notice_kind(action, actor)
    if kind is None:
        return
    place = grid_repo.read_task_place(con, task.id)
    holder = grid_repo.read_person(con, task.holder) if task.holder else None
    params = {"task": task.id, "title": task.title,
              "place": "·".join(part for part in (place["township_name"], place["cell_name"]) if part) or "—",
              "deadline": task.deadline.strftime(DEADLINE_FORMAT) if task.deadline else "—",
              "holder": holder["name"] if holder else "—",
              "lon": round(task.lon, 5) if task.lon is not None else None,
              "lat": round(task.lat, 5) if task.lat is not None else None}
    queue(con, task_recipients(con, task), kind, params, now, task_id=task.id)


def notify_appeal_decision(con: duckdb.DuckDBPyConnection, fire_point_id: str, township_code: str | None,
                           accepted: bool, now: datetime) -> None:
    """Tell the township's officials how their appeal against a fire point's confirmation was decided."""
    recipients = [Recipient(name) for name in user_repo.township_user_names(con, township_code)]
    queue(con, recipients, "appeal_accepted" if accepted else "appeal_rejected", {"fire_point": fire_point_id},
          now, fire_point_id=fire_point_id)
