"""Hourly imports without a primary key: repeated, overlapping and changed files never store a station-hour twice."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import data.stations
import ingest.observations as observations
from core.vocabulary import term
from data.bulk import Relation, upsert_relation
from data.quality import QualityFlag
from data.store import Store
from ingest.observations import import_observations
from ingest.stations import import_stations

FILE = "PRSA_Data_Aotizhongxin_20130301-20170228.csv"
HOURS = 35064


def _repeated_station_hours(store: Store) -> int:
    with store.read() as con:
        return con.execute("SELECT count(*) FROM (SELECT station_code, time FROM observations "
                           "GROUP BY ALL HAVING count(*) > 1)").fetchone()[0]


def _stored(store: Store) -> int:
    with store.read() as con:
        return con.execute("SELECT count(*) FROM observations").fetchone()[0]


@pytest.fixture
def beijing_store(store: Store, real_data: Path) -> Store:
    import_stations(store, [real_data / "beijing_multisite" / "stations.csv"])
    return store


@pytest.fixture
def raw(real_data: Path) -> pd.DataFrame:
    return pd.read_csv(real_data / "beijing_multisite" / FILE)


def test_the_hourly_table_has_no_primary_key(beijing_store):
    with beijing_store.read() as con:
        keys = con.execute("SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'observations' "
                           "AND constraint_type = 'PRIMARY KEY'").fetchone()[0]
    assert keys == 0


def test_overlapping_and_repeated_imports_store_each_hour_once(beijing_store, raw, tmp_path):
    (tmp_path / "first").mkdir()
    first_half = tmp_path / "first" / FILE  # the same file name: the source column is the same too
    raw.iloc[:20000].to_csv(first_half, index=False)
    report = import_observations(beijing_store, [first_half])
    assert (report.new, report.updated, report.unchanged) == (20000, 0, 0)

    whole = tmp_path / FILE
    raw.to_csv(whole, index=False)
    report = import_observations(beijing_store, [whole])
    assert (report.new, report.updated, report.unchanged) == (HOURS - 20000, 0, 20000)
    assert _stored(beijing_store) == HOURS and _repeated_station_hours(beijing_store) == 0

    again = import_observations(beijing_store, [whole])
    assert (again.new, again.updated, again.unchanged) == (0, 0, HOURS)

    changed = raw.iloc[10000:11000].copy()
    changed["PM2.5"] = changed["PM2.5"] + 1
    measured = int(changed["PM2.5"].notna().sum())
    (tmp_path / "corrected").mkdir()
    corrected = tmp_path / "corrected" / FILE
    changed.to_csv(corrected, index=False)
    report = import_observations(beijing_store, [corrected])
    assert (report.new, report.updated, report.unchanged) == (0, measured, 1000 - measured)
    assert _stored(beijing_store) == HOURS and _repeated_station_hours(beijing_store) == 0
    with beijing_store.read() as con:
        stored = con.execute("SELECT pm25 FROM observations WHERE station_code = '1011A' "
                             "ORDER BY time LIMIT 1 OFFSET 10000").fetchone()[0]
    assert stored == pytest.approx(raw["PM2.5"].iloc[10000] + 1)


def test_batches_of_one_transaction_overlap_without_repeats(beijing_store, raw):
    """Two slices of one import (as ObservationWriter writes them) overlapping by 2,000 hours, half of
    which changed: the overlap is updated or left alone, never added again."""
    hours = pd.DataFrame({"station_code": "1011A", "time": pd.to_datetime(raw[["year", "month", "day", "hour"]]),
                          "pm25": raw["PM2.5"], "so2": raw["SO2"]})
    later = hours.iloc[6000:10000].copy()
    later.loc[later.index[:1000], "so2"] = -1.0
    with beijing_store.write() as con:
        first, second = (_upsert_frame(con, frame) for frame in (hours.iloc[:8000], later))
    assert (first.new, first.updated, first.unchanged) == (8000, 0, 0)
    assert (second.new, second.updated, second.unchanged) == (2000, 1000, 1000)
    assert _stored(beijing_store) == 10000 and _repeated_station_hours(beijing_store) == 0
    with beijing_store.read() as con:
        assert con.execute("SELECT count(*) FROM observations WHERE so2 = -1").fetchone()[0] == 1000


def _upsert_frame(con, frame: pd.DataFrame):
    con.register("slice_rows", frame)
    try:
        return upsert_relation(con, "observations", Relation("slice_rows", {}, tuple(frame.columns)),
                               ("station_code", "time"))
    finally:
        con.unregister("slice_rows")


def test_a_large_parquet_import_shows_its_slices(beijing_store, raw, tmp_path, monkeypatch, capsys):
    """The bar counts rows slice by slice as each is stored (tqdm on stderr, as the CLI's import shows it)."""
    monkeypatch.setattr(observations, "SLICE_ROWS", 10_000)
    path = tmp_path / "PRSA_Data_Aotizhongxin.parquet"
    raw.to_parquet(path, index=False)
    report = import_observations(beijing_store, [path], progress=True)
    assert report.new == HOURS
    bar = capsys.readouterr().err
    assert path.name in bar and "35.1k/35.1k" in bar and "10.0k/35.1k" in bar


def test_a_station_hour_repeated_in_a_later_slice_is_stored_once_with_its_last_values(beijing_store, raw,
                                                                                     tmp_path, monkeypatch):
    monkeypatch.setattr(observations, "SLICE_ROWS", 10_000)
    hours = raw.iloc[:12000]
    again = hours.iloc[3000:5000].assign(SO2=-1.0)               # back in the second slice, changed
    path = tmp_path / "PRSA_Data_Aotizhongxin.parquet"
    pd.concat([hours, again], ignore_index=True).to_parquet(path, index=False)
    report = import_observations(beijing_store, [path])
    assert (report.new, report.updated, report.unchanged) == (12000, 0, 0)
    assert term("note.repeated_station_hours", count=2000) in report.notes
    assert _stored(beijing_store) == 12000 and _repeated_station_hours(beijing_store) == 0
    with beijing_store.read() as con:
        negative = con.execute("SELECT count(*), count(*) FILTER (quality_flag & 1 = 1) FROM observations "
                               "WHERE so2 = -1").fetchone()
    assert negative == (2000, 2000)                               # the last row won, and is flagged NEGATIVE
    assert report.flagged >= 2000


def test_the_flag_count_is_the_stored_rows_with_a_flag(beijing_store, raw, tmp_path):
    path = tmp_path / FILE
    raw.iloc[:5000].assign(PM10=lambda rows: rows["PM10"].where(rows.index % 10 != 0, -5.0)).to_csv(path, index=False)
    report = import_observations(beijing_store, [path])
    with beijing_store.read() as con:
        flagged = con.execute("SELECT count(*) FROM observations WHERE quality_flag <> 0").fetchone()[0]
    assert report.flagged == flagged and flagged >= 500


def test_a_column_absent_from_one_file_of_an_import_leaves_its_stored_values_alone(beijing_store, raw, tmp_path):
    """Files of one import with different columns: the file without SO2 updates PM2.5 and keeps stored SO2."""
    whole = tmp_path / FILE
    raw.to_csv(whole, index=False)
    import_observations(beijing_store, [whole])
    (tmp_path / "corrected").mkdir()
    without_so2 = tmp_path / "corrected" / FILE
    raw.iloc[:1000].drop(columns=["SO2"]).assign(**{"PM2.5": lambda rows: rows["PM2.5"] + 1}).to_csv(
        without_so2, index=False)
    (tmp_path / "again").mkdir()
    complete = tmp_path / "again" / FILE
    raw.iloc[2000:3000].to_csv(complete, index=False)
    import_observations(beijing_store, [without_so2, complete])
    with beijing_store.read() as con:
        stored = con.execute("SELECT pm25, so2 FROM observations WHERE station_code = '1011A' "
                             "ORDER BY time LIMIT 1000").df()
    assert stored["so2"].tolist() == pytest.approx(raw["SO2"].iloc[:1000].tolist(), nan_ok=True)
    assert stored["so2"].notna().sum() == raw["SO2"].iloc[:1000].notna().sum() > 900
    assert stored["pm25"].tolist() == pytest.approx((raw["PM2.5"].iloc[:1000] + 1).tolist(), nan_ok=True)


def test_a_file_with_only_some_columns_keeps_the_flags_the_stored_values_set(beijing_store, raw, tmp_path):
    """A corrected PM2.5 file for hours whose stored SO2 is negative, and whose stored PM10 the new PM2.5
    exceeds: the hours keep their negative bit and gain the PM2.5-above-PM10 bit; a later PM10 file that
    clears the excess clears that bit only."""
    whole = tmp_path / FILE
    hours = raw.iloc[:200].assign(SO2=lambda rows: rows["SO2"].where(rows.index >= 50, -3.0),
                                  PM10=100.0, **{"PM2.5": 50.0})
    hours.to_csv(whole, index=False)
    import_observations(beijing_store, [whole])
    (tmp_path / "pm25").mkdir()
    only_pm25 = tmp_path / "pm25" / FILE
    hours.iloc[:100].drop(columns=["SO2", "PM10", "NO2", "CO", "O3"]).assign(**{"PM2.5": 180.0}).to_csv(
        only_pm25, index=False)
    import_observations(beijing_store, [only_pm25])

    def flags() -> pd.Series:
        with beijing_store.read() as con:
            return con.execute("SELECT quality_flag FROM observations WHERE station_code = '1011A' "
                               "ORDER BY time LIMIT 200").df()["quality_flag"]

    negative, excess = int(QualityFlag.NEGATIVE), int(QualityFlag.PM25_ABOVE_PM10)
    assert flags().tolist() == [negative | excess] * 50 + [excess] * 50 + [0] * 100
    (tmp_path / "pm10").mkdir()
    only_pm10 = tmp_path / "pm10" / FILE
    hours.iloc[:100].drop(columns=["SO2", "PM2.5", "NO2", "CO", "O3"]).assign(PM10=200.0).to_csv(
        only_pm10, index=False)
    import_observations(beijing_store, [only_pm10])
    assert flags().tolist() == [negative] * 50 + [0] * 150


def test_a_month_of_many_townships_imports_within_the_memory_bound(store, tmp_path, monkeypatch):
    # 400 single-station townships × 31 days: township_days' O3 lists for 12,400 township-days. An ordered
    # aggregate kept a sort buffer per day and ran out of a bound this size (a province's month of 512 MB).
    monkeypatch.setattr(observations, "IMPORT_DUCKDB_MEMORY_MB", 64)
    monkeypatch.setattr(data.stations, "TOWNSHIP_DAYS_PER_QUERY", 4000)  # 10 days a query: spans 1-10, 11-20, ...
    codes = [f"T{n:03d}" for n in range(400)]
    with store.write(spatial=True) as con:
        for code in codes:
            con.execute("INSERT INTO townships (code, name, geom) VALUES ($code, $code, ST_Point(113, 35))",
                        {"code": code})
            con.execute("INSERT INTO stations (code, name, kind, township_code) VALUES ($code, $code, 'township', "
                        "$code)", {"code": code})
    hours = pd.date_range("2025-01-01", "2025-01-31 23:00", freq="h")
    frame = pd.DataFrame({"station_code": [code for code in codes for _ in hours],
                          "time": list(hours.strftime("%Y-%m-%d %H:%M")) * len(codes)})
    frame["o3"] = (frame.index % 97 + 20).astype(float)
    path = tmp_path / "month.csv"
    frame.to_csv(path, index=False)

    report = import_observations(store, [path])

    assert report.new == len(frame)
    with store.read() as con:
        days, hours_listed, first_hours = con.execute(
            "SELECT count(*), sum(len(o3_hours)), count(*) FILTER (WHERE o3_hours[1] = 0) FROM township_days"
        ).fetchone()
    assert (days, hours_listed, first_hours) == (400 * 31, len(frame), 400 * 31)
