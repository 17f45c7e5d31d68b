"""The closed loop's service functions: each checks the acting user's permission and the task's state,
then changes the task under an optimistic lock and appends its event in the same transaction."""
from __future__ import annotations

import dataclasses
import math
import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd

from core.errors import BadInputError, ConflictError
from core.logs import logger
from core.policy import SYSTEM_USER, User, require_export
from core.settings import get_settings
from core.vocabulary import bilingual, label
from data import grid as grid_repo
from data import hotspots as hotspot_repo
from data import tasks as repo
from data import townships as township_repo
from data.store import Store
from data.tasks import HandlingListFilter
from hotspots.attachments import SavedAttachment, Upload
from hotspots.card import card_sentence
from hotspots.changes import change, clean_text, moment, save_photos, stored_photo
from hotspots.routing import route_place
from hotspots.task_notices import notify_task_change
from hotspots.tasks import (
    FIELD_KIND,
    GRADES,
    OWING_STATES,
    SWEPT_STATES,
    Action,
    Task,
    TaskState,
    authorise,
    deadline_for,
    next_state,
)
from notify.outbox import deliver_pending

# Stored in the event log as text, so in both languages.
LOG = logger("tasks")
SWEEP_COMMENT = bilingual("note.escalated_by_sweep")


def _task(row: dict | None, task_id: str) -> Task:
    """The Task a stored row describes; BadInputError when there is none."""
    if row is None:
        raise BadInputError("error.no_such_task", field="task_id", task=task_id)
    return Task(**{**row, "state": TaskState(row["state"])})


def _row(task: Task) -> dict:
    return {**dataclasses.asdict(task), "state": task.state.value}


def _log_action(user: User, action: Action, task: Task) -> None:
    """One log line per committed task action (who, what, which task, where it stands now)."""
    LOG.info("task %s: %s by %s (%s) -> %s", task.id, action.value, user.name, user.role.value, task.state.value)


def _new_task_id(now: datetime) -> str:
    return f"T{now:%Y%m%d}-{uuid.uuid4().hex[:8]}"


def _record_event(con: duckdb.DuckDBPyConnection, store: Store, written: list[SavedAttachment], task: Task,
                  user: User, action: Action, from_state: TaskState | None, comment: str | None,
                  photos: Sequence[Upload], now: datetime) -> None:
    """Append the event of ``action`` on ``task`` and the photos that came with it."""
    event_id = repo.append_event(con, task.id, actor=user.name, role=user.role.value, action=action.value,
                                 from_state=from_state.value if from_state else None, to_state=task.state.value,
                                 comment=comment, occurred_at=now)
    saved = save_photos(store, written, photos)
    if saved:
        repo.insert_attachments(con, task.id, event_id, saved, user.name, now)


def create_task_from_hotspot(store: Store, user: User, hotspot_id: str, *, department: str | None = None,
                             instructions: str | None = None, title: str | None = None,
                             township_code: str | None = None, grade: str | None = None,
                             now: datetime | None = None) -> Task:
    """Make a pending task (交办单) from a hotspot (supervisor). The township, grade and position come from
    the hotspot unless given; the deadline is proposed from the grade and set again on assignment.
    Refused (ConflictError) while the hotspot already has an open task. ``now`` is naive Beijing time."""
    authorise(user, Action.CREATE, None)
    settings = get_settings()
    now = moment(now)
    with change(store, user, spatial=True) as (con, written):
        hotspot = hotspot_repo.read_hotspot(con, hotspot_id)
        if hotspot is None:
            raise BadInputError("error.no_such_hotspot", field="hotspot_id", hotspot=hotspot_id)
        hotspot_repo.claim_hotspot(con, hotspot_id)
        existing = repo.open_task_of_hotspot(con, hotspot_id, TaskState.CLOSED.value)
        if existing is not None:
            raise ConflictError("error.hotspot_has_open_task", task=existing)
        grade = grade or hotspot["grade"]
        if grade is None:
            raise BadInputError("error.hotspot_without_grade", field="grade", known=list(GRADES))
        township_code = township_code or hotspot["township_code"]
        if township_code is None or not township_repo.township_exists(con, township_code):
            raise BadInputError("error.township_required", field="township_code")
        route = route_place(con, hotspot["kind"], hotspot["lon"], hotspot["lat"], township_code)
        kind_label = label("task_kind", hotspot["kind"], "zh")  # the stored title is Chinese, as officials file it
        pollutant = (hotspot["pollutant"] or "").upper()
        task = Task(id=_new_task_id(now), hotspot_id=hotspot_id, kind=hotspot["kind"], grade=grade,
                    township_code=township_code, department=clean_text(department, "department"),
                    title=clean_text(title, "title") or f"{kind_label}{pollutant}热点处置（{grade}级）",
                    instructions=clean_text(instructions, "instructions"), state=TaskState.PENDING,
                    deadline=deadline_for(grade, now, settings.task_deadline_hours),
                    lon=hotspot["lon"], lat=hotspot["lat"], version=1, created_at=now, updated_at=now,
                    holder=route.holder, grid_cell=route.cell)
        repo.insert_task(con, _row(task))
        _record_event(con, store, written, task, user, Action.CREATE, None, None, (), now)
    _log_action(user, Action.CREATE, task)
    return task


def record_field_observation(store: Store, user: User, lon: float, lat: float, *, title: str,
                             description: str, grade: str = "III", township_code: str | None = None,
                             department: str | None = None, photos: Sequence[Upload] = (),
                             now: datetime | None = None) -> Task:
    """Record what an inspector saw at (lon, lat) in EPSG:4326 as a pending task with photos. The
    township is the one containing the position unless given. ``now`` is naive Beijing time."""
    authorise(user, Action.RECORD_OBSERVATION, None)
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise BadInputError("error.not_a_position", field="lon/lat", lon=lon, lat=lat)
    if grade not in GRADES:
        raise BadInputError("error.unknown_grade", field="grade", grade=grade, known=list(GRADES))
    settings = get_settings()
    now = moment(now)
    title = clean_text(title, "title", required=True)
    description = clean_text(description, "description", required=True)
    with change(store, user, spatial=True) as (con, written):
        township_code = township_code or township_repo.township_at(con, lon, lat)
        if township_code is None or not township_repo.township_exists(con, township_code):
            raise BadInputError("error.position_outside_townships", field="township_code")
        route = route_place(con, FIELD_KIND, lon, lat, township_code)
        task = Task(id=_new_task_id(now), hotspot_id=None, kind=FIELD_KIND, grade=grade,
                    township_code=township_code, department=clean_text(department, "department"), title=title,
                    instructions=None, state=TaskState.PENDING,
                    deadline=deadline_for(grade, now, settings.task_deadline_hours),
                    lon=lon, lat=lat, version=1, created_at=now, updated_at=now,
                    holder=route.holder, grid_cell=route.cell)
        repo.insert_task(con, _row(task))
        _record_event(con, store, written, task, user, Action.RECORD_OBSERVATION, None, description, photos, now)
    _log_action(user, Action.RECORD_OBSERVATION, task)
    return task


def _act(store: Store, user: User, task_id: str, action: Action, *, comment: str | None = None,
         photos: Sequence[Upload] = (), expected_version: int | None = None, now: datetime | None = None,
         deadline: datetime | None = None, department: str | None = None,
         instructions: str | None = None, holder: str | None = None) -> Task:
    """The one path every change to an existing task takes: permission, state, lock, update, event, and
    the notice it sends, queued in the same transaction and delivered after the commit."""
    settings = get_settings()
    now = moment(now)
    with change(store, user) as (con, written):
        task = _task(repo.read_task(con, task_id), task_id)
        authorise(user, action, task.township_code)
        if expected_version is not None and expected_version != task.version:
            raise ConflictError("error.changed_by_someone_else")
        target = next_state(task.state, action, [Action(code) for code in repo.read_actions(con, task_id)],
                            returns_for_accountability=settings.accountability_after_returns,
                            escalations_for_accountability=settings.accountability_after_escalations)
        if target in OWING_STATES and action not in (Action.ADD_EVIDENCE, Action.HAND_OVER):
            # Each time the township is (again) asked to act, it gets a fresh period for the grade.
            deadline = deadline or deadline_for(task.grade, now, settings.task_deadline_hours)
            if deadline <= now:
                raise BadInputError("error.deadline_not_in_future", field="deadline")
        else:
            deadline = task.deadline
        changed = dataclasses.replace(
            task, state=target, deadline=deadline, department=department or task.department,
            instructions=instructions or task.instructions, version=task.version + 1, updated_at=now)
        if action is Action.HAND_OVER:
            changed = dataclasses.replace(changed, **_handed_over(con, user, task, holder))
            grid_repo.set_task_holder(con, task_id, changed.holder, changed.grid_cell)
        if target in OWING_STATES and changed.department is None:
            raise BadInputError("error.department_required", field="department")
        if not repo.update_task_if_unchanged(con, task_id, task.version, state=changed.state.value,
                                             deadline=changed.deadline, department=changed.department,
                                             instructions=changed.instructions, updated_at=now):
            raise ConflictError("error.changed_by_someone_else")
        _record_event(con, store, written, changed, user, action, task.state, comment, photos, now)
        notify_task_change(con, changed, action, user, now)
    _log_action(user, action, changed)
    deliver_pending(store, now)
    return changed


def _handed_over(con: duckdb.DuckDBPyConnection, user: User, task: Task, holder: str | None) -> dict:
    """The holder fields of ``task`` given to the grid person ``holder``: a person on duty of the task's own
    township (a township official may hand over only within it, and a supervisor keeps tasks with the
    township they are in)."""
    person = grid_repo.read_person(con, holder) if holder else None
    if person is None or not person["active"]:
        raise BadInputError("error.no_such_grid_person", field="holder", person=holder or "—")
    if person["township_code"] != task.township_code:
        raise BadInputError("error.holder_outside_township", field="holder", person=person["name"],
                            township=task.township_code or "—")
    return {"holder": person["id"], "grid_cell": person["cell_code"]}


def assign(store: Store, user: User, task_id: str, *, department: str | None = None,
           instructions: str | None = None, deadline: datetime | None = None, comment: str | None = None,
           expected_version: int | None = None, now: datetime | None = None) -> Task:
    """Assign a pending task to its township and department (supervisor). The deadline (naive Beijing
    time) defaults to now plus the grade's hours."""
    return _act(store, user, task_id, Action.ASSIGN, comment=clean_text(comment, "comment"),
                expected_version=expected_version, now=now, deadline=deadline,
                department=clean_text(department, "department"), instructions=clean_text(instructions, "instructions"))


def hand_over(store: Store, user: User, task_id: str, holder: str, *, comment: str | None = None,
              expected_version: int | None = None, now: datetime | None = None) -> Task:
    """Give the task to another person of the grid register (``holder``: grid_people.id) of its township
    (a supervisor, or the task's township official); the new holder is told."""
    return _act(store, user, task_id, Action.HAND_OVER, comment=clean_text(comment, "comment"),
                expected_version=expected_version, now=now, holder=holder)


def submit_feedback(store: Store, user: User, task_id: str, measures: str, *, photos: Sequence[Upload] = (),
                    expected_version: int | None = None, now: datetime | None = None) -> Task:
    """Report the measures taken, with photos (the task's township official only)."""
    return _act(store, user, task_id, Action.SUBMIT_FEEDBACK, comment=clean_text(measures, "measures", required=True),
                photos=photos, expected_version=expected_version, now=now)


def review(store: Store, user: User, task_id: str, *, approve: bool, comment: str | None = None,
           deadline: datetime | None = None, expected_version: int | None = None,
           now: datetime | None = None) -> Task:
    """Close the task after review, or return it for rework with a reason (supervisor) by ``deadline``
    (naive Beijing time; the grade's period from now unless given). The return that reaches the configured
    count marks it for accountability instead."""
    if approve:
        return _act(store, user, task_id, Action.CLOSE, comment=clean_text(comment, "comment"),
                    expected_version=expected_version, now=now)
    return _act(store, user, task_id, Action.RETURN, comment=clean_text(comment, "comment", required=True),
                expected_version=expected_version, now=now, deadline=deadline)


def escalate(store: Store, user: User, task_id: str, *, comment: str | None = None,
             deadline: datetime | None = None, expected_version: int | None = None,
             now: datetime | None = None) -> Task:
    """Press the township (督办) with a fresh deadline (``deadline``, else the grade's period from now;
    supervisor, or the sweep). The escalation that reaches the configured count marks the task for
    accountability instead."""
    return _act(store, user, task_id, Action.ESCALATE, comment=clean_text(comment, "comment"),
                expected_version=expected_version, now=now, deadline=deadline)


def add_evidence(store: Store, user: User, task_id: str, *, photos: Sequence[Upload] = (),
                 comment: str | None = None, expected_version: int | None = None,
                 now: datetime | None = None) -> Task:
    """Attach photos and/or a note to an open task without moving it (inspector, supervisor)."""
    comment = clean_text(comment, "comment")
    if not photos and comment is None:
        raise BadInputError("error.evidence_empty", field="photos")
    return _act(store, user, task_id, Action.ADD_EVIDENCE, comment=comment, photos=photos,
                expected_version=expected_version, now=now)


def sweep_overdue(store: Store, now: datetime | None = None) -> list[str]:
    """Escalate every task past its deadline (as the system user) and return their ids. A task someone
    changes meanwhile is left for the next sweep. ``now`` is naive Beijing time."""
    now = moment(now)
    with store.read() as con:
        candidates = repo.read_sweepable(con, now, [state.value for state in SWEPT_STATES])
    escalated = []
    for task_id in candidates:
        try:
            escalate(store, SYSTEM_USER, task_id, comment=SWEEP_COMMENT, now=now)
        except ConflictError:
            continue
        escalated.append(task_id)
    return escalated


def get_task(store: Store, task_id: str) -> Task:
    """The task with this id (any signed-in role may look)."""
    with store.read() as con:
        return _task(repo.read_task(con, task_id), task_id)


def task_history(store: Store, task_id: str) -> pd.DataFrame:
    """The task's event log, oldest first (data.tasks.read_history's columns; action and states as codes,
    labelled in core.vocabulary); times naive Beijing time."""
    with store.read() as con:
        return repo.read_history(con, task_id)


def task_attachments(store: Store, task_id: str) -> pd.DataFrame:
    """The task's attachments (generated name, event, original name, media type, size in bytes, ...)."""
    with store.read() as con:
        return repo.read_attachments(con, task_id)


def attachment_path(store: Store, task_id: str, name: str) -> Path:
    """Where the attachment ``name`` of ``task_id`` is on disk; BadInputError for any other name."""
    return stored_photo(store, set(task_attachments(store, task_id)["name"]), name, task_id)


def list_tasks(store: Store, selection: HandlingListFilter = HandlingListFilter(),
               now: datetime | None = None) -> pd.DataFrame:
    """Tasks matching ``selection`` as handling-list rows (any role may browse); see
    ``data.tasks.read_handling_list`` for the columns."""
    with store.read() as con:
        return repo.read_handling_list(con, selection, moment(now), [state.value for state in OWING_STATES])


def open_tasks_on_map(store: Store, now: datetime | None = None) -> gpd.GeoDataFrame:
    """Every task not yet closed that has a position (hotspot tasks and field observations alike), as
    list_tasks' handling-list rows on points (EPSG:4326), for the map's task layer."""
    rows = list_tasks(store, now=now)
    placed = rows[(rows["state"] != TaskState.CLOSED.value) & rows["lon"].notna() & rows["lat"].notna()]
    return gpd.GeoDataFrame(placed.reset_index(drop=True), crs="EPSG:4326",
                            geometry=gpd.points_from_xy(placed["lon"], placed["lat"]))


def handling_list(store: Store, user: User, selection: HandlingListFilter = HandlingListFilter(),
                  now: datetime | None = None) -> pd.DataFrame:
    """The handling list (处置清单) for export (supervisor or the CLI), each task with its hotspot's card
    sentence in Chinese (``card``; '—' for a field observation)."""
    require_export(user)
    return with_card_sentences(list_tasks(store, selection, now))


def with_card_sentences(rows: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Handling-list rows with ``card`` (the hotspot card's sentence in ``lang``) in place of the hotspot
    fields it is written from."""
    cards = [card_sentence({**row, "kind": row["hotspot_kind"], "start_time": row["hotspot_start"]}, lang)
             for row in rows.to_dict("records")]
    return rows.drop(columns=list(repo.HOTSPOT_CARD_FIELDS)).assign(card=cards)
