"""Finding 5 of issue 20: text a person typed or a register carried (a photo's file name, a township name)
is never run as Markdown on a page nor as a formula by a spreadsheet opening a CSV the CLI wrote."""
from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import cli
from app_pages.sidebar import USER_KEY
from core.policy import Role, User
from core.settings import get_settings
from data.store import Store
from hotspots import task_service
from tests.app_support import REPO_ROOT, demo_copy
from tests.tasks_support import photo

FORMULA = '=HYPERLINK("http://evil.example/x","点我")'
MARKDOWN_NAME = "[点我](http://evil.example/x) ![x](http://evil.example/i.png).png"


@pytest.fixture
def hostile_demo(demo_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A copy of the demo whose first township is named like a spreadsheet formula."""
    store = Store(demo_copy(demo_store, tmp_path), busy_timeout_s=30)
    with store.write() as con:
        con.execute("UPDATE townships SET name = ? WHERE code = (SELECT min(code) FROM townships "
                    "WHERE geom IS NOT NULL)", [FORMULA])
    monkeypatch.setenv("LANTIAN_DB", str(store.path))
    monkeypatch.setenv("LANTIAN_TILES", "none")
    get_settings.cache_clear()
    yield store
    get_settings.cache_clear()


def _cli_csv(*argv: str) -> list[list[str]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(list(argv)) == 0
    return list(csv.reader(io.StringIO(out.getvalue())))


@pytest.mark.parametrize("command", [["rank", "--period", "2025-01", "--format", "csv"],
                                     ["hotspots", "list", "--format", "csv"]])
def test_cli_csv_never_starts_a_cell_with_a_formula(hostile_demo: Store, command: list[str]):
    rows = _cli_csv(*command, "--db", str(hostile_demo.path))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + FORMULA in cells, "the township named like a formula should be listed, defused"
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@"))]


def test_a_photo_name_in_markdown_shows_as_text_on_the_supervisors_page(hostile_demo: Store):
    task_id = task_service.list_tasks(hostile_demo)["id"].iloc[0]
    task_service.add_evidence(hostile_demo, User("xuncha", Role.INSPECTOR), task_id,
                              photos=[photo(name=MARKDOWN_NAME)])
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
    at.session_state[USER_KEY] = User("duban", Role.SUPERVISOR)
    at.run()
    at.switch_page("app_pages/hotspots_page.py").run()
    at.selectbox(key="chosen_task").set_value(task_id).run()
    assert not at.exception, at.exception
    [image] = at.get("image")
    caption = image.proto.imgs[0].caption
    assert r"\[点我\]\(http\:" in caption and r"\!\[x\]" in caption
