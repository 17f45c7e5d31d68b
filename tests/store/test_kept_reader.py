"""The read connection a process keeps: one per file, let go when another process waits to write, when idle,
before this process writes and when the file changes underneath it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import pytest

import data.store
from data.store import Store
from tests.app_support import REPO_ROOT

DUST_DAYS = "SELECT count(*) FROM sand_dust_days"


def _dust_days(store: Store) -> int:
    with store.read() as con:
        return con.execute(DUST_DAYS).fetchone()[0]


def _cli_marks_a_dust_day(store: Store, date: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LANTIAN_BUSY_TIMEOUT_S": "10"}
    return subprocess.run([sys.executable, "cli.py", "dust-day", "--db", str(store.path), "--date", date],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_cli_writes_while_this_process_keeps_reading(store: Store):
    reads: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def keep_reading() -> None:
        while not stop.is_set():
            try:
                reads.append(_dust_days(store))
            except BaseException as error:  # noqa: BLE001 - the test reports whatever a read raised
                errors.append(error)
                return

    reader = threading.Thread(target=keep_reading)
    reader.start()
    try:
        while not reads:
            time.sleep(0.01)
        done = _cli_marks_a_dust_day(store, "2025-03-05")
        after = len(reads)
        while len(reads) < after + 3 and reader.is_alive():
            time.sleep(0.01)
    finally:
        stop.set()
        reader.join(timeout=30)

    assert done.returncode == 0, done.stderr
    assert errors == []
    assert reads[0] == 0 and reads[-1] == 1  # the reads after the write opened the file again
    assert not store.waiting_writer_marker.exists()


def test_an_idle_reader_lets_a_writer_that_does_not_signal_in(store: Store, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(data.store, "KEEP_IDLE_S", 0.3)
    assert _dust_days(store) == 0
    # DuckDB's own client, as an administrator might use it: it knows nothing of the marker; it tries for 5 s.
    script = textwrap.dedent(f"""
        import time, duckdb
        deadline = time.monotonic() + 5
        while True:
            try:
                con = duckdb.connect({str(store.path)!r})
                break
            except duckdb.IOException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        con.execute("INSERT INTO sand_dust_days (date) VALUES ('2025-04-01')")
        con.close()
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    assert _dust_days(store) == 1


def test_reads_share_one_connection_until_the_file_changes(store: Store, monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path):
    opened: list[str] = []
    real_connect = duckdb.connect

    def counted_connect(database: str, *args, **kwargs):
        opened.append(database)
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", counted_connect)
    assert [_dust_days(store) for _ in range(5)] == [0] * 5
    with store.read(spatial=True) as con:
        assert con.execute("SELECT ST_X(ST_Point(1.5, 2))").fetchone()[0] == 1.5
    assert len(opened) == 1

    assert _cli_marks_a_dust_day(store, "2025-03-06").returncode == 0
    assert _dust_days(store) == 1
    assert len(opened) == 2

    # Another store put in its place (as the demo build does): the next read is of the new file.
    other = Store(tmp_path / "other.duckdb")
    other.migrate()
    with other.write() as con:
        con.execute("INSERT INTO sand_dust_days (date) VALUES ('2025-01-01'), ('2025-01-02'), ('2025-01-03')")
    shutil.copy(other.path, tmp_path / "staged.duckdb")
    os.replace(tmp_path / "staged.duckdb", store.path)
    assert _dust_days(store) == 3


def test_a_write_here_waits_for_the_reads_in_progress(store: Store):
    read_open = threading.Event()
    seen: list[int] = []

    def slow_read() -> None:
        with store.read() as con:
            read_open.set()
            time.sleep(0.5)
            seen.append(con.execute(DUST_DAYS).fetchone()[0])

    reader = threading.Thread(target=slow_read)
    reader.start()
    read_open.wait(timeout=30)
    with store.write() as con:
        con.execute("INSERT INTO sand_dust_days (date) VALUES ('2025-05-01')")
    reader.join(timeout=30)

    assert seen == [0]  # the read in progress ended before the write began
    assert _dust_days(store) == 1
