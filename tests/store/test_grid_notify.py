"""The grid register routes tasks to people, and people hear of them: a real SMTP server (aiosmtpd) and a real
HTTP server (http.server) on 127.0.0.1 receive the mail and the webhook call of an assignment; a refusing
server is retried and logged while the task action succeeds; the grid import is idempotent and names bad rows."""
from __future__ import annotations

import json
import threading
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest
from aiosmtpd.controller import Controller

from core.errors import BadInputError, PermissionDeniedError
from core.logs import configure_logging
from core.policy import Role, User
from core.settings import get_settings
from data import notices as notice_repo
from data.store import Store
from hotspots import task_service as ts
from hotspots.grid_register import grid_people, update_people
from ingest.grid import import_grid_cells, import_grid_people
from notify.outbox import deliver_pending
from tests.app_support import free_port
from tests.tasks_support import INSPECTOR, KEJING, KEJING_OFFICIAL, SUPERVISOR, T0, ZHICHENG, region

__all__ = ["region"]
HOUR = timedelta(hours=1)
# 克井镇 (112.50–112.60) split at 112.54: the west village holds H-KJ-DUST (112.52), the east H-KJ-PM25 (112.55).
CELLS_CSV = (
    "网格编码,网格名称,层级,乡镇,上级网格编码,边界(WKT)\n"
    "KJ-00,克井镇,乡镇,克井镇,,\n"
    "KJ-W,西村,村,克井镇,KJ-00,\"POLYGON ((112.50 35.10, 112.54 35.10, 112.54 35.20, 112.50 35.20, 112.50 35.10))\"\n"
    "KJ-E,东村,村,克井镇,KJ-00,\"POLYGON ((112.54 35.10, 112.60 35.10, 112.60 35.20, 112.54 35.20, 112.54 35.10))\"\n"
    f"ZC-00,轵城镇,乡镇,{ZHICHENG},,\n")
PEOPLE_CSV = (
    "人员编号,所属网格编码,姓名,职务,联系电话,电子邮箱,负责类别,系统账号\n"
    "P-CHIEF,KJ-00,赵网格长,网格长,13800000000,chief@example.gov.cn,全部,\n"
    "P-WEST,KJ-W,钱网格员,网格员,13800000001,west@example.gov.cn,扬尘,\n"
    "P-EAST,KJ-E,孙网格员,网格员,13800000002,east@example.gov.cn,站点高值、火点,sunwg\n"
    "P-ZC,ZC-00,周网格长,网格长,,,全部,\n")
SUN = User("sunwg", Role.TOWNSHIP, KEJING)


class Mailbox:
    """An aiosmtpd handler keeping every accepted message; refuses with 554 while ``refusing``."""

    def __init__(self):
        self.messages, self.refusing = [], False

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "554 Transaction failed: refused by the test"
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


class Hook:
    """What the webhook server received, and whether it answers 503."""

    def __init__(self):
        self.calls, self.refusing = [], False


@pytest.fixture
def servers(monkeypatch):
    """A real SMTP server and a real webhook server on 127.0.0.1, configured in the settings."""
    mailbox, hook = Mailbox(), Hook()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if hook.refusing:
                self.send_response(503)
            else:
                hook.calls.append(json.loads(body))
                self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    web = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    monkeypatch.setenv("LANTIAN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LANTIAN_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("LANTIAN_WEBHOOK_URL", f"http://127.0.0.1:{web.server_address[1]}/robot")
    get_settings.cache_clear()
    yield mailbox, hook
    web.shutdown()
    web.server_close()
    smtp.stop()
    get_settings.cache_clear()


@pytest.fixture
def grid(region: Store, tmp_path: Path) -> Store:
    """The closed-loop region with the two-village grid of 克井镇 and a township cell for 轵城镇."""
    (tmp_path / "grid_cells.csv").write_text(CELLS_CSV, encoding="utf-8")
    (tmp_path / "grid_people.csv").write_text(PEOPLE_CSV, encoding="utf-8")
    import_grid_cells(region, [tmp_path / "grid_cells.csv"])
    import_grid_people(region, [tmp_path / "grid_people.csv"])
    return region


def test_grid_import_is_idempotent_and_names_the_bad_row(grid: Store, tmp_path: Path):
    again = import_grid_cells(grid, [tmp_path / "grid_cells.csv"])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)
    again = import_grid_people(grid, [tmp_path / "grid_people.csv"])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)
    broken = tmp_path / "people_broken.csv"
    broken.write_text(PEOPLE_CSV.replace("KJ-W,钱网格员,网格员", "KJ-X,钱网格员,网格员").replace("站点高值、火点", "站点高值、烧烤"),
                      encoding="utf-8")
    with pytest.raises(BadInputError) as refused:
        import_grid_people(grid, [broken])
    message = refused.value.render("zh")
    assert "people_broken.csv" in message and "所属网格编码" in message and "第 3 行" in message
    assert "另有 1 处问题" in message  # the unknown duty word on row 4
    kept = import_grid_people(grid, [broken], skip_bad_rows=True)
    assert (kept.rejected, kept.new, kept.updated) == (2, 0, 2)  # the two good rows now name this file


def test_a_hotspot_in_a_village_cell_goes_to_that_cells_person_on_duty(grid: Store):
    east = ts.create_task_from_hotspot(grid, SUPERVISOR, "H-KJ-PM25", now=T0)   # station, in the east village
    west = ts.create_task_from_hotspot(grid, SUPERVISOR, "H-KJ-DUST", now=T0)   # dust, in the west village
    other = ts.create_task_from_hotspot(grid, SUPERVISOR, "H-ZC-FIRE", now=T0)  # 轵城镇: township cell only
    assert (east.holder, east.grid_cell) == ("P-EAST", "KJ-E")
    assert (west.holder, west.grid_cell) == ("P-WEST", "KJ-W")
    assert (other.holder, other.grid_cell) == ("P-ZC", "ZC-00")
    listed = ts.list_tasks(grid).set_index("id")
    assert listed.loc[east.id, "holder_name"] == "孙网格员" and listed.loc[east.id, "grid_cell_name"] == "东村"


def test_assigning_delivers_one_mail_and_one_webhook_call_with_place_and_deadline(grid: Store, servers):
    mailbox, hook = servers
    task = ts.create_task_from_hotspot(grid, SUPERVISOR, "H-KJ-PM25", now=T0)
    assert not mailbox.messages and not hook.calls  # making a task tells nobody yet
    assigned = ts.assign(grid, SUPERVISOR, task.id, department="东村", now=T0 + HOUR)
    deadline = f"{assigned.deadline:%Y-%m-%d %H:%M}"
    assert len(mailbox.messages) == 1 and len(hook.calls) == 1
    mail = mailbox.messages[0]
    assert mail["To"] == "east@example.gov.cn"
    body = mail.get_content()
    assert "克井镇·东村" in body and deadline in body and task.title in body
    call = hook.calls[0]
    assert call["msgtype"] == "text" and deadline in call["text"]["content"]
    assert call["lantian"]["place"] == "克井镇·东村" and call["lantian"]["deadline"] == deadline
    assert call["lantian"]["task_id"] == task.id
    with grid.read() as con:
        inbox = notice_repo.read_inbox(con, "sunwg")
    assert list(inbox["kind"]) == ["assign"] and inbox.loc[0, "task_id"] == task.id


def test_a_refusing_server_is_retried_and_logged_and_the_action_still_succeeds(grid: Store, servers):
    mailbox, hook = servers
    mailbox.refusing = hook.refusing = True
    configure_logging(grid.logs_dir)  # as the app and the CLI do
    try:
        task = ts.create_task_from_hotspot(grid, SUPERVISOR, "H-KJ-PM25", now=T0)
        assigned = ts.assign(grid, SUPERVISOR, task.id, department="东村", now=T0 + HOUR)
    finally:
        configure_logging(None)
    assert ts.get_task(grid, task.id).state.value == "assigned" == assigned.state.value
    with grid.read() as con:
        outbox = notice_repo.read_outbox(con)
    assert set(outbox["channel"]) == {"email", "webhook"}
    assert (outbox["attempts"] == 1).all() and outbox["delivered_at"].isna().all()
    assert outbox["last_error"].str.contains("554|503").all()
    log = (grid.logs_dir / "lantian.log").read_text(encoding="utf-8")
    assert "failed (attempt 1)" in log and "retry in" in log

    # Not due yet: the retry waits for the first interval (5 minutes).
    assert deliver_pending(grid, T0 + HOUR + timedelta(minutes=1)).delivered == 0
    mailbox.refusing = hook.refusing = False
    report = deliver_pending(grid, T0 + HOUR + timedelta(minutes=6))
    assert report.delivered == 2 and len(mailbox.messages) == 1 and len(hook.calls) == 1
    assert deliver_pending(grid, T0 + 5 * HOUR).delivered == 0  # delivered once, never again


def test_a_closed_port_is_given_up_after_the_retries_and_never_blocks(grid: Store, monkeypatch):
    monkeypatch.setenv("LANTIAN_WEBHOOK_URL", f"http://127.0.0.1:{free_port()}/nobody")
    monkeypatch.setenv("LANTIAN_NOTIFY_RETRY_MINUTES", "[1]")
    get_settings.cache_clear()
    try:
        task = ts.create_task_from_hotspot(grid, SUPERVISOR, "H-KJ-PM25", now=T0)
        ts.assign(grid, SUPERVISOR, task.id, department="东村", now=T0 + HOUR)
        report = deliver_pending(grid, T0 + HOUR + timedelta(minutes=2))
    finally:
        get_settings.cache_clear()
    assert report.given_up == 1
    with grid.read() as con:
        row = notice_repo.read_outbox(con).iloc[0]
    assert row["attempts"] == 2 and row["given_up_at"] is not None and "Connection refused" in row["last_error"]


def test_township_official_hands_over_within_the_township_only(grid: Store):
    task = ts.create_task_from_hotspot(grid, SUPERVISOR, "H-KJ-PM25", now=T0)
    ts.assign(grid, SUPERVISOR, task.id, department="东村", now=T0 + HOUR)
    with pytest.raises(BadInputError, match="not of the task's township"):
        ts.hand_over(grid, KEJING_OFFICIAL, task.id, "P-ZC", now=T0 + 2 * HOUR)
    moved = ts.hand_over(grid, KEJING_OFFICIAL, task.id, "P-WEST", comment="西村人手多", now=T0 + 2 * HOUR)
    assert (moved.holder, moved.grid_cell, moved.state.value) == ("P-WEST", "KJ-W", "assigned")
    assert ts.task_history(grid, task.id)["action"].tolist() == ["create", "assign", "hand_over"]
    zhicheng_task = ts.create_task_from_hotspot(grid, SUPERVISOR, "H-ZC-FIRE", now=T0)
    with pytest.raises(PermissionDeniedError):
        ts.hand_over(grid, KEJING_OFFICIAL, zhicheng_task.id, "P-CHIEF", now=T0 + 2 * HOUR)
    with grid.read() as con:
        assert notice_repo.read_inbox(con, SUN.name)["kind"].tolist() == ["assign"]  # Sun is told only of his own


def test_a_supervisor_edits_people_in_one_transaction_and_others_may_not(grid: Store):
    change = {"id": "P-WEST", "phone": " 13900000009 ", "email": "", "duties": ["dust", "fire"], "user_name": "sunwg",
              "active": True}
    with pytest.raises(PermissionDeniedError):
        update_people(grid, INSPECTOR, [change])
    with pytest.raises(BadInputError, match="P-NOBODY"):
        update_people(grid, SUPERVISOR, [change, {**change, "id": "P-NOBODY"}])
    assert grid_people(grid).set_index("id").loc["P-WEST", "phone"] == "13800000001"  # nothing written
    assert update_people(grid, SUPERVISOR, [change]) == 1
    west = grid_people(grid).set_index("id").loc["P-WEST"]
    assert (west["phone"], west["duties"], west["user_name"]) == ("13900000009", ["dust", "fire"], "sunwg")
    assert pd.isna(west["email"])  # a blank is stored as none
    with pytest.raises(BadInputError, match="unknown duties"):
        update_people(grid, SUPERVISOR, [{**change, "duties": ["bbq"]}])
