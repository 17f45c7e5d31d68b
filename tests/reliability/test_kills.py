"""Kill -9 during an import and during hotspot detection (issue 20's probe): the store is left with every
row of the interrupted command or none of them, still opens, and the PM2.5 surfaces are never half-written."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio

from core.logs import LOG_FILE
from core.policy import SYSTEM_USER
from data.store import Store
from ingest.service import import_files
from tests.app_support import REPO_ROOT

STATIONS = [f"K{n}" for n in range(24)]
HOURS = pd.date_range("2025-01-01", "2025-12-31 23:00", freq="h")
# Seconds after the import has logged its start (the interpreter and its imports take longer than that).
KILL_AFTER_S = (0.0, 0.7, 1.5)


def _observations_file(folder: Path) -> Path:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"station_code": np.repeat(STATIONS, len(HOURS)),
                          "time": np.tile(HOURS.strftime("%Y-%m-%d %H:%M"), len(STATIONS))})
    for column, scale in {"pm25": 40, "pm10": 80, "so2": 10, "no2": 30, "o3": 60, "co": 0.8}.items():
        frame[column] = rng.gamma(4, scale / 4, len(frame)).round(1)
    path = folder / "observations.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def stations_store(store: Store, tmp_path: Path) -> Store:
    from tests.tasks_support import seed_region

    seed_region(store)
    stations = tmp_path / "stations.csv"
    stations.write_text("code,name,kind,lon,lat\n" + "".join(
        f"{code},{code}站,township,112.{52 + n},35.1{n}\n" for n, code in enumerate(STATIONS)), encoding="utf-8")
    import_files(store, SYSTEM_USER, "stations", [stations])
    return store


def _run_and_kill(argv: list[str], after_s: float, log: Path | None = None) -> bool:
    """Run the CLI, send SIGKILL ``after_s`` seconds in (counted from the first line of ``log`` added after the
    start, when given); True when the kill came before the command ended."""
    logged = log.read_text(encoding="utf-8").count("\n") if log and log.exists() else 0
    process = subprocess.Popen([sys.executable, "cli.py", *argv], cwd=REPO_ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    while log is not None and process.poll() is None and (
            not log.exists() or log.read_text(encoding="utf-8").count("\n") <= logged):
        time.sleep(0.02)
    try:
        process.wait(timeout=after_s)
        return False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        return True


def _observation_rows(store: Store) -> int:
    with store.read() as con:
        return con.execute("SELECT count(*) FROM observations").fetchone()[0]


def test_an_import_killed_at_any_moment_leaves_all_rows_or_none(stations_store: Store, tmp_path: Path):
    source = _observations_file(tmp_path)
    expected = len(STATIONS) * len(HOURS)
    killed = 0
    for after_s in KILL_AFTER_S:
        assert _observation_rows(stations_store) == 0
        killed += _run_and_kill(["import", "observations", str(source), "--db", str(stations_store.path)], after_s,
                                log=stations_store.logs_dir / LOG_FILE)
        assert _observation_rows(stations_store) in (0, expected), f"killed after {after_s} s"
        if _observation_rows(stations_store):
            with stations_store.write() as con:
                con.execute("DELETE FROM township_days")
                con.execute("DELETE FROM township_days_state")
                con.execute("DELETE FROM observations")
    assert killed >= 2, "the import ended before most kills: make the file larger"


def test_detection_killed_at_any_moment_leaves_readable_surfaces(stations_store: Store, tmp_path: Path):
    import_files(stations_store, SYSTEM_USER, "observations", [_observations_file(tmp_path)])
    with stations_store.read() as con:
        before = con.execute("SELECT count(*) FROM hotspots").fetchone()[0]
    started = time.monotonic()
    subprocess.run([sys.executable, "cli.py", "hotspots", "detect", "--from", "2025-01-01", "--to", "2025-03-31",
                    "--db", str(stations_store.path)], cwd=REPO_ROOT, check=True, capture_output=True)
    whole_s = time.monotonic() - started
    with stations_store.read() as con:
        detected = con.execute("SELECT count(*) FROM hotspots").fetchone()[0]
    for fraction in (0.6, 0.9):
        _run_and_kill(["hotspots", "detect", "--from", "2025-01-01", "--to", "2025-03-31",
                       "--db", str(stations_store.path)], whole_s * fraction)
        with stations_store.read() as con:
            assert con.execute("SELECT count(*) FROM hotspots").fetchone()[0] in (before, detected)
        surfaces = list(stations_store.rasters_dir.glob("pm25_*.tif"))
        assert surfaces
        for surface in surfaces:
            with rasterio.open(surface) as raster:
                assert np.isfinite(raster.read(1)).any(), surface
