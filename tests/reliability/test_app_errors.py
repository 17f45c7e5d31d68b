"""Findings 3 and 4 of issue 20 in the app: no traceback reaches a page (a damaged or foreign store file, an
unexpected error), a mistyped LANTIAN_DB is reported instead of silently built as the demo, and a demo store
says so on every page."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from app_pages.sidebar import USER_KEY
from core.logs import LOG_FILE
from core.policy import Role, User
from core.settings import get_settings
from core.vocabulary import translate
from data.store import Store
from tests.app_support import REPO_ROOT, demo_copy

APP = str(REPO_ROOT / "app.py")
PAGES = ["app_pages/map_page.py", "app_pages/ranking_page.py", "app_pages/hotspots_page.py",
         "app_pages/fires_page.py", "app_pages/data_page.py"]


@pytest.fixture
def point_app_at(monkeypatch: pytest.MonkeyPatch):
    def point(db: Path) -> None:
        monkeypatch.setenv("LANTIAN_DB", str(db))
        monkeypatch.setenv("LANTIAN_TILES", "none")
        get_settings.cache_clear()

    yield point
    get_settings.cache_clear()


def _run(user: User | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    if user is not None:
        at.session_state[USER_KEY] = user
    return at.run()


def test_the_shipped_server_settings_hide_errors_and_bound_uploads():
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["maxUploadSize"] <= 64
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["enableWebsocketCompression"] is True
    assert config["browser"]["gatherUsageStats"] is False


def test_a_missing_store_away_from_the_default_path_is_reported_not_built(tmp_path: Path, point_app_at):
    missing = tmp_path / "typo" / "lantain.duckdb"
    point_app_at(missing)
    at = _run()
    assert not at.exception, at.exception
    assert [error.value for error in at.error] == [translate("no_store_at", "zh", path=str(missing))]
    assert "python cli.py demo --db" in at.error[0].value
    assert not missing.exists() and not Store(missing).files_dir.exists()


@pytest.mark.parametrize("damage", ["garbage", "empty", "sqlite", "truncated", "foreign"])
def test_a_damaged_or_foreign_store_gives_a_clear_message(damage: str, tmp_path: Path, point_app_at):
    path = tmp_path / "lantian.duckdb"
    if damage == "garbage":
        path.write_bytes(bytes(range(256)) * 400)
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "sqlite":
        import sqlite3

        with sqlite3.connect(path) as con:
            con.execute("CREATE TABLE t (a)")
    elif damage == "truncated":
        Store(path).migrate()
        whole = path.read_bytes()
        path.write_bytes(whole[: len(whole) // 3])
    else:
        with duckdb.connect(str(path)) as con:
            con.execute("CREATE TABLE inventory (item VARCHAR)")
    before = path.read_bytes()
    point_app_at(path)
    at = _run()
    assert not at.exception, at.exception
    [error] = at.error
    assert ("是其他程序的 DuckDB 数据库" if damage == "foreign" else "已损坏或不是 DuckDB 数据库") in error.value
    assert "Traceback" not in error.value
    assert path.read_bytes() == before  # nothing written to a file that is not ours
    assert not list(Path.home().glob(".duckdb/extensions/*/*/sqlite*"))  # no extension fetched


def test_an_unexpected_error_shows_a_reference_and_logs_the_traceback(store: Store, point_app_at):
    broken = store
    with broken.write() as con:
        con.execute("DROP TABLE zones")  # the map reads it: an error no page expects
    point_app_at(broken.path)
    at = _run()
    assert not at.exception, at.exception
    [error] = at.error
    reference = re.search(r"编号 ([0-9a-f]{8})", error.value).group(1)
    log = (broken.logs_dir / LOG_FILE).read_text(encoding="utf-8")
    assert f"unexpected error {reference}" in log and "Traceback" in log and "zones" in log


def test_a_demo_store_says_so_on_every_page(demo_store: Store, tmp_path: Path, point_app_at):
    point_app_at(demo_copy(demo_store, tmp_path))
    notice = translate("demo_store_notice", "zh")
    at = _run(User("duban", Role.SUPERVISOR))
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert any(notice in caption.value for caption in at.caption), page


def test_a_real_store_carries_no_demo_notice(store: Store, point_app_at):
    point_app_at(store.path)
    at = _run()
    assert not at.exception, at.exception
    assert not any(translate("demo_store_notice", "zh") in caption.value for caption in at.caption)
