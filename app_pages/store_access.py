"""How pages reach the store: one prepared Store per process, cached reads, a 'store busy' guard.

The app never holds the DuckDB file open (Store opens a short-lived connection per unit of work),
so the CLI can import while the app runs. Reads are cached on plain arguments -- the file path and
its modification times -- so a write by any process shows up on the next rerun.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import streamlit as st

from app_pages.session import t
from core.errors import StoreBusyError
from core.settings import get_settings
from data.store import Store
from stations.repository import read_stations, read_townships
from zones.repository import read_zones


@st.cache_resource(show_spinner=False)
def _prepared_store(db_path: str, demo_seed: int, demo_year: int) -> Store:
    store = Store(db_path)
    if not store.exists():
        from data.demo import build_demo

        build_demo(store, seed=demo_seed, year=demo_year)
    store.migrate()
    return store


def open_store() -> Store:
    """The store named by the settings (LANTIAN_DB), migrated once per process; on first start,
    when the file does not exist yet, the demo region is built into it behind a spinner."""
    settings = get_settings()
    db_path = str(Path(settings.db).expanduser().resolve())
    if Path(db_path).exists():
        return _prepared_store(db_path, settings.demo_seed, settings.demo_year)
    with st.spinner(t("building_demo")):
        return _prepared_store(db_path, settings.demo_seed, settings.demo_year)


def store_version(store: Store) -> tuple[int, int]:
    """Modification times (ns) of the store file and its write-ahead log: a cache key that
    changes whenever any process writes."""
    wal = store.path.with_name(store.path.name + ".wal")
    return tuple(path.stat().st_mtime_ns if path.exists() else 0 for path in (store.path, wal))


@st.cache_data(show_spinner=False, max_entries=4)
def _region_frames(db_path: str, version: tuple[int, int]) -> tuple[gpd.GeoDataFrame, ...]:
    with Store(db_path).read() as con:
        return read_townships(con), read_stations(con), read_zones(con)


def region_frames(store: Store) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Townships, stations (with a position) and zones of the store, EPSG:4326."""
    return _region_frames(str(store.path), store_version(store))


@contextmanager
def store_busy_guard() -> Iterator[None]:
    """Inside it, a StoreBusyError (another process writing for longer than the busy timeout)
    ends the page with a clear message and a retry button instead of a traceback."""
    try:
        yield
    except StoreBusyError:
        st.warning(t("store_busy"), icon="⏳")
        st.button(t("retry"))
        st.stop()
