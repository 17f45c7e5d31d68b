"""Daily dispatch (每日交办) and the scheduled daily run: detect the previous day, sweep overdue tasks (督办),
turn the day's grade-I (by setting also grade-II) hotspots into tasks assigned to the person on duty, send
the notifications; idempotent, each run logged in daily_runs. Also the weekly summary per township."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta

from core.errors import ConflictError
from core.logs import logger
from core.policy import SYSTEM_USER, User
from core.settings import get_settings
from data import grid as grid_repo
from data import hotspots as hotspot_repo
from data import notices as notice_repo
from data import users as user_repo
from data.store import Store
from hotspots import task_service
from hotspots.changes import moment
from hotspots.engine import check_zones, detect_and_store
from hotspots.tasks import OWING_STATES, Task
from notify.outbox import Recipient, deliver_pending, queue

LOG = logger("daily")
SUNDAY = 6  # date.weekday(): the week (Monday to Sunday) is summarised by the run for its Sunday


def _department(store: Store, task: Task) -> str:
    """The unit a dispatched task is addressed to: its grid cell, else its township (as the register names them)."""
    with store.read() as con:
        place = grid_repo.read_task_place(con, task.id)
    return place["cell_name"] or place["township_name"] or task.township_code


def dispatch(store: Store, user: User, hotspot_ids: Sequence[str], now: datetime | None = None) -> list[Task]:
    """Make a task from each hotspot and assign it at once to the person on duty of its grid cell (or its
    township), who is told. A hotspot that already has a task is skipped, so a repeated dispatch makes
    each task once. Returns the tasks assigned."""
    now = moment(now)
    assigned = []
    for hotspot_id in hotspot_ids:
        try:
            task = task_service.create_task_from_hotspot(store, user, hotspot_id, now=now)
        except ConflictError:
            continue  # someone made its task meanwhile
        assigned.append(task_service.assign(store, user, task.id, department=_department(store, task), now=now))
    return assigned


@dataclass
class DailyRun:
    """What one daily run did (stored as the run's summary)."""

    day: date
    detected: int = 0
    escalated: list[str] = field(default_factory=list)
    dispatched: list[str] = field(default_factory=list)
    delivered: int = 0
    retrying: int = 0
    given_up: int = 0
    weekly: str | None = None  # the first day of the week whose summary this run sent (on Sundays)

    def summary(self) -> dict:
        return {**asdict(self), "day": self.day.isoformat()}


def run_daily(store: Store, day: date | None = None, now: datetime | None = None, progress: bool = False) -> DailyRun:
    """The daily run for ``day`` (default: yesterday, Beijing time), in order: detect the day's hotspots and
    zone violations (re-detection updates), sweep overdue tasks, dispatch the day's hotspots of the
    settings' dispatch grades, deliver the outbox. Run twice, it makes each task once and sends each
    notice once. Logged in daily_runs (outcome failed with the error when a step raises). ``progress``
    shows detection's steps on stderr."""
    now = moment(now)
    day = day or (now.date() - timedelta(days=1))
    store.migrate()
    with store.write() as con:
        run_id = notice_repo.start_run(con, day, now)
    run = DailyRun(day)
    try:
        counts = detect_and_store(store, day, day, progress=progress)
        zones = check_zones(store, day, day)
        run.detected = counts["new"] + counts["updated"] + zones.new + zones.updated
        run.escalated = task_service.sweep_overdue(store, now=now)
        with store.read() as con:
            due = hotspot_repo.untasked_hotspots(con, datetime.combine(day, time.min),
                                                 datetime.combine(day + timedelta(days=1), time.min),
                                                 list(get_settings().dispatch_grades))
        run.dispatched = [task.id for task in dispatch(store, SYSTEM_USER, due, now=now)]
        if day.weekday() == SUNDAY:
            run.weekly = send_weekly(store, day, now)
        delivery = deliver_pending(store, now)
        run.delivered, run.retrying, run.given_up = delivery.delivered, delivery.retrying, delivery.given_up
    except Exception as error:
        with store.write() as con:
            notice_repo.finish_run(con, run_id, "failed", json.dumps({**run.summary(), "error": str(error)},
                                                                      ensure_ascii=False), moment(None))
        LOG.error("daily run for %s failed: %s", day, error)
        raise
    with store.write() as con:
        notice_repo.finish_run(con, run_id, "done", json.dumps(run.summary(), ensure_ascii=False), moment(None))
    LOG.info("daily run for %s: %s", day, run.summary())
    return run


def send_weekly(store: Store, week_end: date, now: datetime) -> str | None:
    """Queue each township's weekly summary (周报) of the Monday-to-Sunday week ending ``week_end``: tasks
    opened, closed and overdue, hotspots and fire points; for its officials and its 网格长. Returns the
    week's first day (YYYY-MM-DD), or None when a finished run sent it already."""
    start = week_end - timedelta(days=6)
    with store.write() as con:
        if notice_repo.weekly_sent(con, start.isoformat()):
            return None
        figures = notice_repo.read_week_figures(con, datetime.combine(start, time.min),
                                                datetime.combine(week_end + timedelta(days=1), time.min),
                                                [state.value for state in OWING_STATES])
        for row in figures.itertuples():
            chiefs = grid_repo.chiefs_of_township(con, row.township_code)
            recipients = [Recipient(name) for name in user_repo.township_user_names(con, row.township_code)]
            recipients += [Recipient(user or None, email or None) for user, email in
                           zip(chiefs["user_name"].fillna(""), chiefs["email"].fillna(""))]
            params = {"township": row.township_name, "start": start.isoformat(), "end": week_end.isoformat(),
                      **{name: int(getattr(row, name)) for name in ("opened", "closed", "overdue", "hotspots", "fires")}}
            queue(con, recipients, "weekly", params, now)
    return start.isoformat()


def daily_runs(store: Store, limit: int = 30):
    """The newest daily runs (data.notices.read_runs' columns; summary as JSON text)."""
    with store.read() as con:
        return notice_repo.read_runs(con, limit)
