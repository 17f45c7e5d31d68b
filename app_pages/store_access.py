"""How pages reach the store: one prepared Store per process, cached reads, a 'store busy' guard.

The app never holds the DuckDB file open (Store opens a short-lived connection per unit of work),
so the CLI can import while the app runs. Reads are cached on plain arguments -- the file path and
its modification times -- so a write by any process shows up on the next rerun.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from app_pages.session import t
from core.errors import SetupError, StoreBusyError
from core.logs import configure_logging
from core.policy import User
from core.settings import Settings, get_settings
from data.hotspots import HotspotFilter
from data.rasters import read_rasters
from data.sources import read_dust_sources, read_fire_points
from data.stations import latest_observation_time, read_hourly_observations, read_quality_counts, read_stations
from data.store import Store, read_holdings
from data.townships import has_township_source, read_admin_units, read_township_register, read_townships
from data.zones import read_zones
from hotspots import fire_review, task_service
from hotspots.dispatch import daily_runs
from hotspots.grid_register import grid_cells, grid_people
from hotspots.service import visible_hotspots
from ingest.demo import build_demo_store
from ingest.demo.geography import TOWNSHIP_SOURCE
from notify import inbox
from notify.outbox import outbox_log
from reports.bulletin import build_bulletin
from reports.writers import docx_bytes, pdf_bytes
from stations.aqi import hourly_aqi
from stations.assessment import monthly_trend, rank_store
from stations.daily import trailing_24h_means
from stations.evaluation import progress_of_targets, rank_level
from stations.levels import period_of
from stations.ranking import Period


@st.cache_resource(show_spinner=False)
def _prepared_store(db_path: str) -> Store:
    store = Store(db_path)
    configure_logging(store.logs_dir)
    store.migrate()
    return store


# One first-start build per process, however many sessions open the app while it runs.
_DEMO_BUILD = threading.Lock()


def _build_demo(db_path: Path, seed: int, year: int, on_step: Callable[[str], None]) -> None:
    """Build the demo region at ``db_path`` unless another session's build made it while this one waited."""
    with _DEMO_BUILD:
        if not db_path.exists():
            build_demo_store(db_path, seed, year, on_step=on_step)


def may_build_demo(db_path: Path) -> bool:
    """Whether a missing store at ``db_path`` is built as the demo: only at the default path, or when
    LANTIAN_BUILD_DEMO asks, so a mistyped LANTIAN_DB never serves a demo with its public passwords."""
    default = Settings.model_fields["db"].default
    return db_path == Path(default).resolve() or get_settings().build_demo


def open_store() -> Store:
    """The store named by the settings (LANTIAN_DB), migrated once per process. When the file does not
    exist yet it is built as the demo region behind a spinner if may_build_demo allows; otherwise the page
    says there is no store there and how to make one, and stops."""
    settings = get_settings()
    db_path = Path(settings.db).expanduser().resolve()
    if db_path.exists():
        return _prepared_store(str(db_path))
    if not may_build_demo(db_path):
        st.error(t("no_store_at", path=str(db_path)))
        st.stop()
    # The first start takes a minute: each step of the build is shown as it begins. (Not inside the cached
    # _prepared_store: Streamlit would replay what it wrote on every later run.)
    with st.status(t("building_demo"), expanded=True) as status:
        _build_demo(db_path, settings.demo_seed, settings.demo_year, on_step=lambda key: st.write(t(key)))
        status.update(label=t("demo_built"), state="complete", expanded=False)
    return _prepared_store(str(db_path))


@st.cache_data(show_spinner=False, max_entries=4)
def _is_demo(db_path: str, version: tuple[int, int]) -> bool:
    with Store(db_path).read() as con:
        return has_township_source(con, TOWNSHIP_SOURCE)


def is_demo(store: Store) -> bool:
    """Whether the store holds the built-in demo region (illustrative data, public passwords)."""
    return _is_demo(str(store.path), store_version(store))


def store_version(store: Store) -> tuple[int, int]:
    """A cache key that changes whenever any process writes the store (Store.version)."""
    return store.version()


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


@st.cache_data(show_spinner=False, max_entries=4)
def _latest_hour(db_path: str, version: tuple[int, int]) -> dt.datetime | None:
    with Store(db_path).read() as con:
        return latest_observation_time(con)


def latest_hour(store: Store) -> dt.datetime | None:
    """The newest observation hour in the store (naive Beijing time), or None."""
    return _latest_hour(str(store.path), store_version(store))


def _scored_hours(hours: pd.DataFrame) -> pd.DataFrame:
    """Hourly AQI (HJ 633, the edition in force at each hour) of ``hours`` (station_code, time, six
    factors, sorted by time) with the trailing 24-hour SO2 mean the 2012 rule needs."""
    hours = hours.copy()
    hours["so2_24h"] = trailing_24h_means(hours, "so2")
    return pd.concat([hours, hourly_aqi(hours)[["aqi", "primary_pollutant", "level", "colour"]]], axis=1)


@st.cache_data(show_spinner=False, max_entries=32)
def _stations_at_hour(db_path: str, version: tuple[int, int], hour: dt.datetime) -> pd.DataFrame:
    with Store(db_path).read() as con:
        hours = read_hourly_observations(con, hour - dt.timedelta(hours=23), hour + dt.timedelta(hours=1))
    scored = _scored_hours(hours.sort_values(["station_code", "time"]).reset_index(drop=True))
    return scored[scored["time"] == hour][["station_code", "aqi", "primary_pollutant", "level", "colour"]]


def stations_at_hour(store: Store, hour: dt.datetime) -> pd.DataFrame:
    """Each station's hourly AQI at ``hour`` (naive Beijing time): station_code, aqi, primary_pollutant,
    level, colour (HJ 633); stations without data that hour are absent."""
    return _stations_at_hour(str(store.path), store_version(store), hour)


@st.cache_data(show_spinner=False, max_entries=16)
def _station_detail(db_path: str, version: tuple[int, int], station_code: str, end: dt.datetime,
                    days: int) -> pd.DataFrame:
    with Store(db_path).read() as con:
        series = read_hourly_observations(con, end - dt.timedelta(days=days), end + dt.timedelta(hours=1),
                                                     [station_code], include_wind=True)
    return _scored_hours(series)


def station_detail(store: Store, station_code: str, end: dt.datetime, days: int = 7) -> pd.DataFrame:
    """A station's last ``days`` days of hours up to ``end`` (naive Beijing time): time, the six factors
    (µg/m³, CO mg/m³), ws (m/s), wd (degrees from), aqi and its colour."""
    return _station_detail(str(store.path), store_version(store), station_code, end, days)


@st.cache_data(show_spinner=False, max_entries=16)
def _fire_points(db_path: str, version: tuple[int, int], start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    with Store(db_path).read() as con:
        return read_fire_points(con, start, end)


def fire_points(store: Store, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    """Fire points with start ≤ time < end (naive Beijing time); see read_fire_points."""
    return _fire_points(str(store.path), store_version(store), start, end)


@st.cache_data(show_spinner=False, max_entries=4)
def _dust_sources(db_path: str, version: tuple[int, int]) -> gpd.GeoDataFrame:
    with Store(db_path).read() as con:
        return read_dust_sources(con)


def dust_sources(store: Store) -> gpd.GeoDataFrame:
    """Dust sources (EPSG:4326): id, kind, name, township_code."""
    return _dust_sources(str(store.path), store_version(store))


@st.cache_data(show_spinner=False, max_entries=32)
def _ranking(db_path: str, version: tuple[int, int], period: str, by: str) -> pd.DataFrame:
    return rank_store(Store(db_path), Period.parse(period), by=by)


def ranking(store: Store, period: str, by: str = "composite") -> pd.DataFrame:
    """The township ranking of ``period`` ('YYYY-MM', 'YYYY', ...) by ``by`` (see stations.ranking)."""
    return _ranking(str(store.path), store_version(store), period, by)


@st.cache_data(show_spinner=False, max_entries=32)
def _level_ranking(db_path: str, version: tuple[int, int], kind: str, text: str, level: str, by: str) -> pd.DataFrame:
    return rank_level(Store(db_path), period_of(kind, text), level, by=by)


def level_ranking(store: Store, kind: str, text: str, level: str, by: str = "composite") -> pd.DataFrame:
    """The ranking of the ``kind`` period ``text`` names at ``level`` (stations.evaluation.rank_level)."""
    return _level_ranking(str(store.path), store_version(store), kind, text, level, by)


@st.cache_data(show_spinner=False, max_entries=4)
def _has_counties(db_path: str, version: tuple[int, int]) -> bool:
    with Store(db_path).read() as con:
        return bool((read_admin_units(con)["level"] == "county").any())


def has_counties(store: Store) -> bool:
    """Whether the store's region has counties between its townships and its city."""
    return _has_counties(str(store.path), store_version(store))


@st.cache_data(show_spinner=False, max_entries=8)
def _target_progress(db_path: str, version: tuple[int, int], year: int, as_of: dt.date) -> pd.DataFrame:
    return progress_of_targets(Store(db_path), year, as_of)


def target_progress(store: Store, year: int, as_of: dt.date) -> pd.DataFrame:
    """Every target of ``year`` as it stands on ``as_of`` (stations.evaluation.progress_of_targets)."""
    return _target_progress(str(store.path), store_version(store), year, as_of)


@st.cache_data(show_spinner=False, max_entries=4)
def _bulletin_files(db_path: str, version: tuple[int, int], kind: str, text: str,
                    lang: str) -> tuple[bytes, bytes | None, str | None]:
    document = build_bulletin(Store(db_path), text, kind, lang=lang)
    try:
        return docx_bytes(document), pdf_bytes(document), None
    except SetupError as error:
        return docx_bytes(document), None, error.render(lang)


def bulletin_files(store: Store, kind: str, text: str, lang: str) -> tuple[bytes, bytes | None, str | None]:
    """The bulletin of the ``kind`` period ``text`` as DOCX bytes, PDF bytes (None without a CJK font) and
    the message saying why there is no PDF."""
    return _bulletin_files(str(store.path), store_version(store), kind, text, lang)


@st.cache_data(show_spinner=False, max_entries=8)
def _trend(db_path: str, version: tuple[int, int], last_month: str, months: int) -> pd.DataFrame:
    return monthly_trend(Store(db_path), last_month, months)


def trend(store: Store, last_month: str, months: int = 12) -> pd.DataFrame:
    """Every township's composite index and composite rank in each of the ``months`` months ending
    with ``last_month`` ('YYYY-MM'), under one standard version (stations.assessment.monthly_trend)."""
    return _trend(str(store.path), store_version(store), last_month, months)


@st.cache_data(show_spinner=False, max_entries=4)
def _store_overview(db_path: str, version: tuple[int, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    with Store(db_path).read() as con:
        return read_holdings(con), read_quality_counts(con)


def store_overview(store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the store holds (read_holdings) and its flagged observation hours
    (read_quality_counts)."""
    return _store_overview(str(store.path), store_version(store))


@st.cache_data(show_spinner=False, max_entries=4)
def _latest_tasks(db_path: str, version: tuple[int, int]) -> pd.DataFrame:
    tasks = task_service.list_tasks(Store(db_path))
    return tasks.dropna(subset=["hotspot_id"]).drop_duplicates("hotspot_id", keep="last").set_index("hotspot_id")


def latest_tasks(store: Store) -> pd.DataFrame:
    """Each hotspot's latest task as a handling-list row (task_service.list_tasks), indexed by hotspot id."""
    return _latest_tasks(str(store.path), store_version(store))


@st.cache_data(show_spinner=False, max_entries=4)
def _open_tasks(db_path: str, version: tuple[int, int]) -> gpd.GeoDataFrame:
    return task_service.open_tasks_on_map(Store(db_path))


def open_tasks(store: Store) -> gpd.GeoDataFrame:
    """Every open task and field observation with a position, on points (task_service.open_tasks_on_map)."""
    return _open_tasks(str(store.path), store_version(store))


@st.cache_data(show_spinner=False, max_entries=16)
def _hotspots(db_path: str, version: tuple[int, int], user: User, selection: HotspotFilter,
              top: int | None) -> pd.DataFrame:
    ranked = visible_hotspots(Store(db_path), user, selection, top)
    latest = _latest_tasks(db_path, version)
    ranked["task_id"] = ranked["id"].map(latest["id"])
    ranked["task_state"] = ranked["id"].map(latest["state"])
    return ranked


def hotspots_for(store: Store, user: User, selection: HotspotFilter, top: int | None = None) -> pd.DataFrame:
    """Ranked hotspots matching ``selection`` that ``user`` may see (hotspots.service.visible_hotspots)
    with the id and state of each one's latest task (NaN: none yet)."""
    return _hotspots(str(store.path), store_version(store), user, selection, top)


@st.cache_data(show_spinner=False, max_entries=16)
def _fire_reviews(db_path: str, version: tuple[int, int], user: User, start: dt.date, end: dt.date,
                  township: str | None, state: str | None) -> pd.DataFrame:
    return fire_review.list_fire_points(Store(db_path), user, start, end, township=township, state=state)


def fire_reviews(store: Store, user: User, start: dt.date, end: dt.date, township: str | None = None,
                 state: str | None = None) -> pd.DataFrame:
    """The fire points dated start…end with their review, as ``user`` may see them
    (hotspots.fire_review.list_fire_points)."""
    return _fire_reviews(str(store.path), store_version(store), user, start, end, township, state)


@st.cache_data(show_spinner=False, max_entries=8)
def _deductions(db_path: str, version: tuple[int, int], start: dt.date, end: dt.date,
                township: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    store = Store(db_path)
    return (fire_review.township_deductions(store, start, end),
            fire_review.read_ledger(store, start, end, township))


def deductions(store: Store, start: dt.date, end: dt.date, township: str | None = None
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per township, the fire points of start…end by review state and the deductions, and the ledger
    rows dated in the period (of ``township`` when given)."""
    return _deductions(str(store.path), store_version(store), start, end, township)


@st.cache_data(show_spinner=False, max_entries=4)
def _register_overview(db_path: str, version: tuple[int, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    with Store(db_path).read() as con:
        return read_township_register(con), read_rasters(con)


def register_overview(store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every township, with or without a boundary (read_township_register), and the stored rasters
    (read_rasters), for the data page."""
    return _register_overview(str(store.path), store_version(store))


@st.cache_data(show_spinner=False, max_entries=64)
def _unread(db_path: str, version: tuple[int, int], user: User) -> int:
    return inbox.unread_count(Store(db_path), user)


def unread_for(store: Store, user: User) -> int:
    """How many of ``user``'s notices are unread (notify.inbox.unread_count)."""
    return _unread(str(store.path), store_version(store), user)


@st.cache_data(show_spinner=False, max_entries=4)
def _grid_overview(db_path: str, version: tuple[int, int]) -> tuple[pd.DataFrame, ...]:
    store = Store(db_path)
    return grid_cells(store), grid_people(store), daily_runs(store), outbox_log(store)


def grid_overview(store: Store) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The grid's cells and people (hotspots.grid_register), the daily runs (hotspots.dispatch.daily_runs)
    and the outbox (notify.outbox.outbox_log), for the data page."""
    return _grid_overview(str(store.path), store_version(store))
