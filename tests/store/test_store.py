"""The store: schema from migrations, offline spatial SQL, transactions and the write lock."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from core.errors import StoreBusyError
from data.store import Store

REPO = Path(__file__).resolve().parents[2]
EXPECTED_TABLES = {"townships", "stations", "observations", "zones", "fire_points", "dust_sources",
                   "dust_readings", "enterprises", "hotspots", "tasks", "task_events",
                   "schema_migrations"}


def test_migrations_create_every_table_once(store: Store):
    assert EXPECTED_TABLES <= set(store.row_counts())
    assert store.migrate() == []  # a second run applies nothing
    assert store.schema_version() >= 1


def test_spatial_sql_runs_offline_from_the_wheel(store: Store):
    with store.write(spatial=True) as con:
        con.execute("INSERT INTO zones (id, name, kind, geom) VALUES "
                    "('z1', '测试区', 'coal_ban', ST_GeomFromText('POLYGON((112 35, 112.1 35, 112.1 35.1, 112 35.1, 112 35))'))")
    with store.read(spatial=True) as con:
        inside = con.execute("SELECT ST_Contains(geom, ST_Point(112.05, 35.05)) FROM zones").fetchone()[0]
        area_km2 = con.execute(
            "SELECT ST_Area(ST_Transform(geom, 'EPSG:4326', 'EPSG:32649', always_xy := true)) / 1e6 "
            "FROM zones").fetchone()[0]
    assert inside is True
    # 0.1° × 0.1° at 35°N is about 9.1 km × 11.1 km
    assert 95 < area_km2 < 110


def test_failed_write_leaves_store_unchanged(store: Store):
    with pytest.raises(RuntimeError):
        with store.write() as con:
            con.execute("INSERT INTO stations (code, name, kind) VALUES ('S1', '站', 'micro')")
            raise RuntimeError("crash mid-import")
    assert store.row_counts()["stations"] == 0


def _hold_write_lock(path: Path, seconds: float) -> subprocess.Popen:
    script = textwrap.dedent(f"""
        import time, duckdb
        con = duckdb.connect({str(path)!r})
        print('locked', flush=True)
        time.sleep({seconds})
        print('releasing', time.time(), flush=True)
        con.close()
    """)
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_reader_waits_for_another_process_writer(store: Store):
    holder = _hold_write_lock(store.path, 1.5)
    assert store.row_counts()["stations"] == 0
    read_at = time.time()
    released_at = float(holder.stdout.readline().split()[1])
    assert read_at >= released_at  # it waited for the lock rather than failing
    holder.wait()


def test_store_busy_is_reported_clearly(store: Store):
    holder = _hold_write_lock(store.path, 4)
    impatient = Store(store.path, busy_timeout_s=0.5)
    with pytest.raises(StoreBusyError, match="busy"):
        impatient.row_counts()
    holder.wait()


def test_settings_command_documents_every_setting(capsys: pytest.CaptureFixture):
    import cli
    from core.settings import Settings

    assert cli.main(["settings"]) == 0
    printed = capsys.readouterr().out
    for name, field in Settings.model_fields.items():
        assert f"LANTIAN_{name.upper()} = " in printed
        assert field.description and field.description in printed
