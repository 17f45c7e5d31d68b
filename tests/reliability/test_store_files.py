"""Finding 3 of issue 20 at the command line, and a boundary replacement: a damaged or foreign store file
gives a message and exit code 2, never a traceback or a download, and stays byte-identical; an import that
would redraw a stored township boundary is refused unless `--replace`."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import cli
from core.errors import BadInputError
from data.store import Store
from ingest.polygons import import_townships
from tests.app_support import REPO_ROOT

SQUARE = "POLYGON((112.50 35.10, 112.60 35.10, 112.60 35.20, 112.50 35.20, 112.50 35.10))"
MOVED = "POLYGON((112.50 35.10, 112.62 35.10, 112.62 35.20, 112.50 35.20, 112.50 35.10))"


def _damage(path: Path, how: str) -> None:
    if how == "garbage":
        path.write_bytes(bytes(range(256)) * 400)
    elif how == "sqlite":
        with sqlite3.connect(path) as con:
            con.execute("CREATE TABLE t (a)")
    elif how == "truncated":
        Store(path).migrate()
        whole = path.read_bytes()
        path.write_bytes(whole[: len(whole) // 3])
    elif how == "zeroed block":
        Store(path).migrate()
        damaged = bytearray(path.read_bytes())
        damaged[5000:9000] = bytes(4000)
        path.write_bytes(bytes(damaged))
    else:
        with duckdb.connect(str(path)) as con:
            con.execute("CREATE TABLE inventory (item VARCHAR)")


@pytest.mark.parametrize(("how", "command"), [("garbage", ["info"]), ("truncated", ["migrate"]),
                                             ("zeroed block", ["rank", "--period", "2025-01"]),
                                             ("foreign", ["info"]), ("foreign", ["migrate"])])
def test_the_cli_names_a_damaged_store_without_a_traceback(tmp_path: Path, capsys, how: str, command: list[str]):
    path = tmp_path / "lantian.duckdb"
    _damage(path, how)
    before = path.read_bytes()
    assert cli.main([*command, "--db", str(path)]) == 2
    said = capsys.readouterr()
    assert "Traceback" not in said.err + said.out
    assert ("是其他程序的 DuckDB 数据库" if how == "foreign" else "已损坏或不是 DuckDB 数据库") in said.err
    assert path.read_bytes() == before


def test_the_cli_process_given_a_sqlite_file_exits_2_without_a_traceback_or_a_download(tmp_path: Path):
    # The whole program, as an operator runs it: DuckDB would try to fetch a SQLite reader were it allowed.
    path = tmp_path / "lantian.duckdb"
    _damage(path, "sqlite")
    before = path.read_bytes()
    done = subprocess.run([sys.executable, "cli.py", "info", "--db", str(path)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout and "已损坏或不是 DuckDB 数据库" in done.stderr
    assert path.read_bytes() == before


def _boundary_file(folder: Path, polygon: str) -> Path:
    path = folder / "townships.csv"
    path.write_text(f'code,name,wkt\n419001101,克井镇,"{polygon}"\n', encoding="utf-8")
    return path


def test_a_boundary_replacement_is_refused_without_replace(store: Store, tmp_path: Path):
    import_townships(store, [_boundary_file(tmp_path, SQUARE)])
    assert import_townships(store, [_boundary_file(tmp_path, SQUARE)]).notes == []  # the same file: no change
    with pytest.raises(BadInputError, match="--replace") as refused:
        import_townships(store, [_boundary_file(tmp_path, MOVED)])
    assert "克井镇" in str(refused.value)
    with store.read(spatial=True) as con:
        assert con.execute("SELECT ST_AsText(geom) FROM townships").fetchone()[0].startswith("POLYGON ((112.5 35.1, 112.6")
    report = import_townships(store, [_boundary_file(tmp_path, MOVED)], replace=True)
    assert any("克井镇" in str(note) for note in report.notes)
    with store.read(spatial=True) as con:
        assert "112.62" in con.execute("SELECT ST_AsText(geom) FROM townships").fetchone()[0]
