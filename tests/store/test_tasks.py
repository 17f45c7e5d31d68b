"""The closed loop: state machine, every path through it, the event log, roles, townships, locking."""
from __future__ import annotations

import threading
from datetime import timedelta

import pandas as pd
import pytest

import cli
from core.errors import BadInputError, ConflictError, PermissionDeniedError
from core.policy import SYSTEM_USER, Role, User
from data import hotspots as hotspot_repo
from data import tasks as repo
from data.store import Store
from data.tasks import HandlingListFilter
from hotspots import task_service as ts
from hotspots.attachments import Upload
from hotspots.tasks import Action, TaskState, next_state
from tests.tasks_support import (
    ADMIN,
    INSPECTOR,
    KEJING,
    KEJING_OFFICIAL,
    SUPERVISOR,
    T0,
    ZHICHENG,
    ZHICHENG_OFFICIAL,
    photo,
    region,
)

HOUR = timedelta(hours=1)
__all__ = ["region"]  # the fixture is imported for pytest to find


def events(store: Store, task_id: str) -> list[tuple]:
    """(actor, role, action, from_state, to_state) of every event, oldest first."""
    history = ts.task_history(store, task_id)
    return [(row.actor, row.role, row.action, None if pd.isna(row.from_state) else row.from_state, row.to_state)
            for row in history.itertuples()]


def assigned_task(store: Store, hotspot_id: str = "H-KJ-PM25"):
    task = ts.create_task_from_hotspot(store, SUPERVISOR, hotspot_id, instructions="查明来源并整改", now=T0)
    return ts.assign(store, SUPERVISOR, task.id, department="生态环境分局", now=T0 + HOUR)


# --- the pure state machine -------------------------------------------------------------------

def test_state_machine_refuses_moves_that_make_no_sense_with_a_reason():
    with pytest.raises(ConflictError, match="已办结") as refused:
        next_state(TaskState.CLOSED, Action.SUBMIT_FEEDBACK, [], returns_for_accountability=2,
                   escalations_for_accountability=2)
    assert "closed" in str(refused.value)
    with pytest.raises(ConflictError, match="已反馈"):  # closing needs feedback first
        next_state(TaskState.ASSIGNED, Action.CLOSE, [], returns_for_accountability=2,
                   escalations_for_accountability=2)


def test_second_return_or_escalation_means_accountability():
    rule = {"returns_for_accountability": 2, "escalations_for_accountability": 2}
    assert next_state(TaskState.FEEDBACK_SUBMITTED, Action.RETURN, [Action.ASSIGN], **rule) is TaskState.RETURNED
    assert next_state(TaskState.FEEDBACK_SUBMITTED, Action.RETURN, [Action.RETURN], **rule) \
        is TaskState.ACCOUNTABILITY
    assert next_state(TaskState.ASSIGNED, Action.ESCALATE, [], **rule) is TaskState.ESCALATED
    assert next_state(TaskState.ESCALATED, Action.ESCALATE, [Action.ESCALATE], **rule) is TaskState.ACCOUNTABILITY


# --- the three paths through the loop, with the log checked after each step ---------------------

def test_closed_first_time(region: Store):
    task = ts.create_task_from_hotspot(region, SUPERVISOR, "H-KJ-PM25", now=T0)
    assert (task.state, task.township_code, task.grade, task.kind) == (TaskState.PENDING, KEJING, "I", "station")
    assert events(region, task.id) == [("王督办", "supervisor", "create", None, "pending")]

    task = ts.assign(region, SUPERVISOR, task.id, department="生态环境分局", now=T0 + HOUR)
    assert task.state is TaskState.ASSIGNED
    assert task.deadline == T0 + HOUR + timedelta(hours=24)  # grade I: 24 h from assignment
    assert events(region, task.id)[-1] == ("王督办", "supervisor", "assign", "pending", "assigned")

    task = ts.submit_feedback(region, KEJING_OFFICIAL, task.id, "已停产整治，加装喷淋", photos=[photo()],
                              now=T0 + 5 * HOUR)
    assert task.state is TaskState.FEEDBACK_SUBMITTED
    assert events(region, task.id)[-1] == ("李克井", "township", "submit_feedback", "assigned",
                                           "feedback_submitted")

    task = ts.review(region, SUPERVISOR, task.id, approve=True, comment="复核合格", now=T0 + 8 * HOUR)
    assert task.state is TaskState.CLOSED
    assert [event[2] for event in events(region, task.id)] == ["create", "assign", "submit_feedback", "close"]
    assert ts.get_task(region, task.id).version == 4
    history = ts.task_history(region, task.id)
    assert list(history["to_state"]) == ["pending", "assigned", "feedback_submitted", "closed"]
    assert list(history["attachments"]) == [0, 0, 1, 0]


def test_returned_then_closed(region: Store):
    task = assigned_task(region)
    ts.submit_feedback(region, KEJING_OFFICIAL, task.id, "已清扫", now=T0 + 2 * HOUR)
    with pytest.raises(BadInputError) as refused:  # a return needs its reason
        ts.review(region, SUPERVISOR, task.id, approve=False, now=T0 + 3 * HOUR)
    assert refused.value.field == "comment"
    task = ts.review(region, SUPERVISOR, task.id, approve=False, comment="裸土未覆盖", now=T0 + 3 * HOUR)
    assert task.state is TaskState.RETURNED
    assert task.deadline == T0 + 3 * HOUR + timedelta(hours=24)  # rework gets a fresh period
    assert events(region, task.id)[-1] == ("王督办", "supervisor", "return", "feedback_submitted", "returned")

    ts.submit_feedback(region, KEJING_OFFICIAL, task.id, "已覆盖防尘网", now=T0 + 6 * HOUR)
    task = ts.review(region, SUPERVISOR, task.id, approve=True, now=T0 + 7 * HOUR)
    assert task.state is TaskState.CLOSED
    assert [e[2] for e in events(region, task.id)] == [
        "create", "assign", "submit_feedback", "return", "submit_feedback", "close"]
    row = ts.list_tasks(region, now=T0 + 7 * HOUR).set_index("id").loc[task.id]
    assert (row["returns"], row["escalations"], row["latest_feedback"]) == (1, 0, "已覆盖防尘网")


def test_returned_twice_is_marked_for_accountability(region: Store):
    task = assigned_task(region)
    for hour in (2, 4):
        ts.submit_feedback(region, KEJING_OFFICIAL, task.id, "已整改", now=T0 + hour * HOUR)
        task = ts.review(region, SUPERVISOR, task.id, approve=False, comment="未到位", now=T0 + (hour + 1) * HOUR)
    assert task.state is TaskState.ACCOUNTABILITY
    assert events(region, task.id)[-1] == ("王督办", "supervisor", "return", "feedback_submitted",
                                           "accountability")


def test_overdue_then_escalated_then_accountability(region: Store):
    task = assigned_task(region, "H-ZC-SO2")  # grade II: 48 h
    deadline = T0 + HOUR + timedelta(hours=48)
    assert task.deadline == deadline
    assert ts.sweep_overdue(region, now=deadline - timedelta(minutes=1)) == []

    assert ts.sweep_overdue(region, now=deadline + timedelta(minutes=1)) == [task.id]
    task = ts.get_task(region, task.id)
    assert task.state is TaskState.ESCALATED
    assert task.deadline == deadline + timedelta(minutes=1) + timedelta(hours=48)
    assert events(region, task.id)[-1] == ("system", "system", "escalate", "assigned", "escalated")
    assert ts.sweep_overdue(region, now=deadline + 2 * HOUR) == []  # the new deadline holds

    assert ts.sweep_overdue(region, now=task.deadline + HOUR) == [task.id]
    task = ts.get_task(region, task.id)
    assert task.state is TaskState.ACCOUNTABILITY
    assert events(region, task.id)[-1] == ("system", "system", "escalate", "escalated", "accountability")
    assert ts.sweep_overdue(region, now=task.deadline + 100 * HOUR) == []  # the end of the ladder

    # The township still has to rectify, and the supervisor still reviews.
    ts.submit_feedback(region, ZHICHENG_OFFICIAL, task.id, "已完成脱硫改造", now=task.deadline + 101 * HOUR)
    task = ts.review(region, SUPERVISOR, task.id, approve=True, now=task.deadline + 102 * HOUR)
    assert task.state is TaskState.CLOSED
    row = ts.list_tasks(region).set_index("id").loc[task.id]
    assert (row["escalations"], row["returns"]) == (2, 0)


def test_supervisor_escalates_by_hand_and_the_cli_sweeps(region: Store):
    pressed = ts.escalate(region, SUPERVISOR, assigned_task(region, "H-KJ-PM25").id, comment="现场督办",
                          now=T0 + 60 * HOUR)  # grade I: due again at T0 + 84 h
    assert pressed.state is TaskState.ESCALATED
    overdue = assigned_task(region, "H-ZC-FIRE")  # grade III: due at T0 + 73 h
    when = (overdue.deadline + HOUR).isoformat()
    assert cli.main(["tasks", "sweep", "--db", str(region.path), "--now", when]) == 0
    assert ts.get_task(region, overdue.id).state is TaskState.ESCALATED
    assert ts.get_task(region, pressed.id).state is TaskState.ESCALATED  # not due again yet


# --- roles and townships --------------------------------------------------------------------------

def test_each_role_is_refused_what_it_may_not_do_and_the_log_is_untouched(region: Store):
    task = ts.create_task_from_hotspot(region, SUPERVISOR, "H-KJ-PM25", now=T0)
    for user in (INSPECTOR, KEJING_OFFICIAL, ADMIN):
        with pytest.raises(PermissionDeniedError):
            ts.assign(region, user, task.id, department="环保所", now=T0 + HOUR)
    with pytest.raises(PermissionDeniedError):
        ts.create_task_from_hotspot(region, INSPECTOR, "H-KJ-DUST", now=T0)
    ts.assign(region, SUPERVISOR, task.id, department="环保所", now=T0 + HOUR)

    with pytest.raises(PermissionDeniedError, match="own township"):
        ts.submit_feedback(region, ZHICHENG_OFFICIAL, task.id, "不是我的", now=T0 + 2 * HOUR)
    for user in (SUPERVISOR, INSPECTOR, ADMIN):
        with pytest.raises(PermissionDeniedError):
            ts.submit_feedback(region, user, task.id, "代为反馈", now=T0 + 2 * HOUR)
    ts.submit_feedback(region, KEJING_OFFICIAL, task.id, "已整改", now=T0 + 2 * HOUR)

    for user in (KEJING_OFFICIAL, INSPECTOR, ADMIN, SYSTEM_USER):
        with pytest.raises(PermissionDeniedError):
            ts.review(region, user, task.id, approve=True, now=T0 + 3 * HOUR)
    for user in (KEJING_OFFICIAL, INSPECTOR):
        with pytest.raises(PermissionDeniedError):
            ts.escalate(region, user, task.id, now=T0 + 3 * HOUR)
    with pytest.raises(PermissionDeniedError):
        ts.add_evidence(region, KEJING_OFFICIAL, task.id, comment="补充", now=T0 + 3 * HOUR)
    with pytest.raises(PermissionDeniedError):
        ts.handling_list(region, KEJING_OFFICIAL)
    assert [e[2] for e in events(region, task.id)] == ["create", "assign", "submit_feedback"]
    assert ts.get_task(region, task.id).version == 3


def test_nonsense_transitions_are_refused_with_the_reason(region: Store):
    task = ts.create_task_from_hotspot(region, SUPERVISOR, "H-KJ-PM25", now=T0)
    with pytest.raises(ConflictError, match="待交办"):
        ts.review(region, SUPERVISOR, task.id, approve=True, now=T0 + HOUR)
    with pytest.raises(ConflictError, match="pending"):
        ts.submit_feedback(region, KEJING_OFFICIAL, task.id, "提前反馈", now=T0 + HOUR)
    with pytest.raises(ConflictError, match="open task"):
        ts.create_task_from_hotspot(region, SUPERVISOR, "H-KJ-PM25", now=T0)
    with pytest.raises(BadInputError, match="future"):
        ts.assign(region, SUPERVISOR, task.id, department="环保所", deadline=T0, now=T0 + HOUR)
    assert [e[2] for e in events(region, task.id)] == ["create"]


# --- field observations and evidence ------------------------------------------------------------

def test_inspector_records_a_field_observation_in_the_township_it_falls_in(region: Store):
    task = ts.record_field_observation(region, INSPECTOR, 112.66, 35.13, title="露天焚烧垃圾",
                                       description="村口空地焚烧生活垃圾，烟雾较大",
                                       photos=[photo("JPEG", "现场.jpg")], now=T0)
    assert (task.township_code, task.kind, task.hotspot_id, task.state) == (
        ZHICHENG, "field", None, TaskState.PENDING)
    assert events(region, task.id) == [("赵巡查", "inspector", "record_observation", None, "pending")]
    files = ts.task_attachments(region, task.id)
    assert list(files["media_type"]) == ["image/jpeg"] and list(files["original_name"]) == ["现场.jpg"]
    stored = ts.attachment_path(region, task.id, files["name"].iloc[0])
    assert stored.parent == region.attachments_dir and stored.read_bytes()[:2] == b"\xff\xd8"
    with pytest.raises(BadInputError, match="no known township"):
        ts.record_field_observation(region, INSPECTOR, 113.5, 35.0, title="界外", description="区外", now=T0)
    with pytest.raises(PermissionDeniedError):
        ts.record_field_observation(region, ZHICHENG_OFFICIAL, 112.66, 35.13, title="x", description="y", now=T0)
    with pytest.raises(BadInputError):
        ts.attachment_path(region, task.id, "../../lantian.duckdb")

    ts.add_evidence(region, INSPECTOR, task.id, photos=[photo()], comment="补拍", now=T0 + HOUR)
    assert ts.get_task(region, task.id).state is TaskState.PENDING  # evidence does not move the task
    assert len(ts.task_attachments(region, task.id)) == 2


def test_attachments_are_checked_by_content_and_size(region: Store, monkeypatch: pytest.MonkeyPatch):
    from core.settings import get_settings

    task = assigned_task(region)
    disguised = Upload(original_name="photo.jpg", content=b"MZ\x90\x00 this is not a picture at all")
    with pytest.raises(BadInputError, match="photo.jpg"):
        ts.submit_feedback(region, KEJING_OFFICIAL, task.id, "附照片", photos=[photo(), disguised],
                           now=T0 + 2 * HOUR)
    gif = photo("GIF", "anim.gif")
    with pytest.raises(BadInputError, match="GIF"):
        ts.submit_feedback(region, KEJING_OFFICIAL, task.id, "附照片", photos=[gif], now=T0 + 2 * HOUR)
    monkeypatch.setenv("LANTIAN_ATTACHMENT_MAX_BYTES", "2000")
    get_settings.cache_clear()
    try:
        with pytest.raises(BadInputError, match="allowed"):
            ts.submit_feedback(region, KEJING_OFFICIAL, task.id, "大图", photos=[photo("PNG", size=(400, 400))],
                               now=T0 + 2 * HOUR)
    finally:
        monkeypatch.delenv("LANTIAN_ATTACHMENT_MAX_BYTES")
        get_settings.cache_clear()
    assert ts.get_task(region, task.id).state is TaskState.ASSIGNED
    assert [e[2] for e in events(region, task.id)] == ["create", "assign"]
    folder = region.attachments_dir
    assert not folder.exists() or not any(folder.iterdir())  # refused uploads leave no files behind


# --- two people at once -------------------------------------------------------------------------

def test_two_threads_acting_on_one_task_one_wins_and_no_event_is_lost(region: Store):
    task = assigned_task(region)
    task = ts.submit_feedback(region, KEJING_OFFICIAL, task.id, "已整改", now=T0 + 2 * HOUR)
    seen_version = task.version  # both reviewers opened the task at this version
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def reviewer(name: str, approve: bool) -> None:
        start.wait()
        try:
            outcomes[name] = ts.review(region, User(name, Role.SUPERVISOR), task.id,
                                       approve=approve, comment=f"{name}复核", expected_version=seen_version,
                                       now=T0 + 3 * HOUR)
        except ConflictError as error:
            outcomes[name] = error

    threads = [threading.Thread(target=reviewer, args=("甲", True)),
               threading.Thread(target=reviewer, args=("乙", False))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    winners = [name for name, outcome in outcomes.items() if not isinstance(outcome, ConflictError)]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1
    assert "someone else" in str(losers[0]) and "已被他人修改" in str(losers[0])
    log = events(region, task.id)
    assert [e[2] for e in log[:-1]] == ["create", "assign", "submit_feedback"]
    assert log[-1][0] == winners[0]  # exactly the winner's event, nothing of the loser's
    assert ts.get_task(region, task.id).state is outcomes[winners[0]].state
    assert ts.get_task(region, task.id).version == seen_version + 1


def test_a_write_racing_an_open_transaction_is_reported_as_changed_by_someone_else(region: Store):
    task = assigned_task(region)
    # Someone else's transaction has moved the task on but not committed yet when ours runs.
    with region.write() as other:
        assert repo.update_task_if_unchanged(other, task.id, task.version, state=TaskState.ESCALATED.value,
                                             deadline=task.deadline + HOUR, department=task.department,
                                             instructions=task.instructions, updated_at=T0 + 2 * HOUR)
        repo.append_event(other, task.id, actor=SUPERVISOR.name, role=SUPERVISOR.role.value,
                          action=Action.ESCALATE.value, from_state=TaskState.ASSIGNED.value,
                          to_state=TaskState.ESCALATED.value, comment=None, occurred_at=T0 + 2 * HOUR)
        with pytest.raises(ConflictError, match="someone else"):
            ts.submit_feedback(region, KEJING_OFFICIAL, task.id, "同时反馈", now=T0 + 2 * HOUR)
    assert [e[2] for e in events(region, task.id)] == ["create", "assign", "escalate"]
    assert ts.list_tasks(region, HandlingListFilter(township=KEJING))["state"].tolist() == ["escalated"]


def test_two_tasks_racing_for_one_hotspot_make_only_one(region: Store):
    # Another supervisor's transaction has made a task from the hotspot but not committed yet.
    with region.write() as other:
        hotspot_repo.claim_hotspot(other, "H-KJ-PM25")
        with pytest.raises(ConflictError, match="someone else"):
            ts.create_task_from_hotspot(region, SUPERVISOR, "H-KJ-PM25", now=T0)
    ts.create_task_from_hotspot(region, SUPERVISOR, "H-KJ-PM25", now=T0)
    with pytest.raises(ConflictError, match="open task"):
        ts.create_task_from_hotspot(region, SUPERVISOR, "H-KJ-PM25", now=T0 + HOUR)
    assert len(ts.list_tasks(region, HandlingListFilter(township=KEJING))) == 1
