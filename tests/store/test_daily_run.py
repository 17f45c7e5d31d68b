"""`python cli.py daily` on a copy of the demo store: detect the day, sweep, dispatch grade I to the person on
duty of the grid cell, notify; run twice, each task is made once and each notice sent once; the run log
says what each run did."""
from __future__ import annotations

import contextlib
import io
import json
import shutil
from datetime import date, datetime

import pytest

import cli
from data import notices as notice_repo
from data.hotspots import untasked_hotspots
from data.store import Store
from hotspots import task_service as ts
from hotspots.dispatch import daily_runs

DAY = date(2025, 4, 9)  # the demo's dust episode at a site in 克井镇's eastern cell (ingest.demo.grid)
NEXT_MORNING = "2025-04-10T06:00"


def _daily(db, *extra: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["daily", "--db", str(db), "--date", DAY.isoformat(), *extra]) == 0
    return out.getvalue()


@pytest.fixture(scope="module")
def ran_twice(demo_store: Store, tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, list[str]]:
    """A copy of the demo store after two daily runs for DAY, and what each printed."""
    db = tmp_path_factory.mktemp("daily") / "demo.duckdb"
    shutil.copy(demo_store.path, db)
    printed = [_daily(db, "--now", NEXT_MORNING), _daily(db, "--now", NEXT_MORNING)]
    return Store(db, busy_timeout_s=30), printed


def test_two_runs_make_each_task_once(ran_twice):
    store, printed = ran_twice
    tasks = ts.list_tasks(store)
    dispatched = tasks[tasks["hotspot_id"].notna()]
    assert len(dispatched) >= 1 and dispatched["hotspot_id"].is_unique
    assert set(dispatched["grade"]) == {"I"} and set(dispatched["state"]) == {"assigned"}
    with store.read() as con:
        left = untasked_hotspots(con, datetime(2025, 4, 9), datetime(2025, 4, 10), ["I"])
    assert left == []
    assert f"{len(dispatched)} dispatched" in printed[0] and "0 dispatched" in printed[1]
    runs = daily_runs(store)
    assert list(runs["outcome"]) == ["done", "done"]
    summaries = [json.loads(text) for text in runs["summary"]]
    assert [len(s["dispatched"]) for s in summaries] == [0, len(dispatched)]  # newest first


def test_the_person_on_duty_of_the_village_cell_holds_the_dust_task_and_sees_it(ran_twice):
    store, _ = ran_twice
    tasks = ts.list_tasks(store)
    dust = tasks[(tasks["kind"] == "dust") & tasks["hotspot_id"].notna()]
    assert len(dust) == 1
    task = dust.iloc[0]
    assert (task["holder"], task["grid_cell_name"]) == ("demo-gp-419001100-02", "克井镇东片网格（示例）")
    assert task["holder_name"] == "王五（示例）" and task["department"] == "克井镇东片网格（示例）"
    with store.read() as con:
        inbox = notice_repo.read_inbox(con, "wangge")
    assigned = inbox[inbox["task_id"] == task["id"]]
    assert list(assigned["kind"]) == ["assign"]  # once, though the run ran twice
    params = json.loads(assigned.iloc[0]["params"])
    assert params["place"] == "克井镇·克井镇东片网格（示例）" and params["deadline"] == "2025-04-11 06:00"


def test_a_later_run_sweeps_the_overdue_tasks_once(ran_twice, tmp_path):
    store, _ = ran_twice
    db = tmp_path / "later.duckdb"
    shutil.copy(store.path, db)
    first = _daily(db, "--now", "2025-04-12T06:00")
    again = _daily(db, "--now", "2025-04-12T06:00")
    later = Store(db)
    tasks = ts.list_tasks(later)
    dispatched = tasks[tasks["hotspot_id"].notna()]
    assert set(dispatched["state"]) == {"escalated"} and (dispatched["escalations"] == 1).all()
    assert f"{len(dispatched)} overdue task(s) escalated" in first and "0 overdue task(s) escalated" in again
    with later.read() as con:
        kinds = notice_repo.read_inbox(con, "wangge")["kind"].tolist()
    assert kinds.count("overdue") >= 1 and kinds.count("assign") == kinds.count("overdue")


def test_the_sunday_run_sends_each_township_its_weekly_summary_once(ran_twice, tmp_path):
    store, _ = ran_twice
    db = tmp_path / "sunday.duckdb"
    shutil.copy(store.path, db)
    for _ in range(2):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert cli.main(["daily", "--db", str(db), "--date", "2025-04-13", "--now", "2025-04-14T06:00"]) == 0
    sunday = Store(db)
    with sunday.read() as con:
        weekly = notice_repo.read_inbox(con, "kejing")
    weekly = weekly[weekly["kind"] == "weekly"]
    assert len(weekly) == 1  # two runs, one summary
    params = json.loads(weekly.iloc[0]["params"])
    assert (params["township"], params["start"], params["end"]) == ("克井镇", "2025-04-07", "2025-04-13")
    assert params["opened"] >= 1 and params["hotspots"] >= 1  # the dust task dispatched on the 10th, its hotspot
    assert json.loads(daily_runs(sunday).iloc[1]["summary"])["weekly"] == "2025-04-07"
