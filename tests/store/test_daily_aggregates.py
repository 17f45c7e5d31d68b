"""Daily aggregates kept by the importers (township_days) and Parquet imports read in slices."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from core.errors import BadInputError
from data.stations import (
    read_hourly_observations,
    read_station_townships,
    township_daily_aggregates,
    township_days_current,
)
from data.store import Store
from ingest import observations
from ingest.observations import import_observations
from stations.assessment import rank_store
from stations.daily import daily_statistics, finish_daily
from stations.ranking import KEY, Period, rank_from_hourly, township_hourly

STATIONS = {"S1": "T1", "S2": "T2", "S3": "T2"}   # T2 averages two stations per hour


def _hours(start: str, end: str, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    times = pd.date_range(start, end, freq="h", inclusive="left")
    frame = pd.DataFrame({"station_code": np.repeat(list(STATIONS), len(times)),
                          "time": np.tile(times.to_numpy(), len(STATIONS))})
    for name, mean in (("pm25", 50), ("pm10", 90), ("so2", 10), ("no2", 35), ("o3", 80), ("co", 0.8)):
        values = np.round(mean * rng.lognormal(0, 0.4, len(frame)), 3)
        values[rng.random(len(frame)) < 0.12] = np.nan
        frame[name] = values
    return frame


@pytest.fixture
def township_store(store: Store) -> Store:
    with store.write(spatial=True) as con:
        for index, code in enumerate(sorted(set(STATIONS.values()))):
            x = 112 + index * 0.1
            con.execute("INSERT INTO townships (code, name, geom) VALUES (?, ?, ST_GeomFromText(?))",
                        [code, f"镇{code}", f"POLYGON(({x} 35, {x + .1} 35, {x + .1} 35.1, {x} 35.1, {x} 35))"])
        for code, township in STATIONS.items():
            con.execute("INSERT INTO stations (code, name, kind, township_code) VALUES (?, ?, 'township', ?)",
                        [code, code, township])
    return store


def _import(store: Store, frame: pd.DataFrame, path) -> None:
    frame.to_parquet(path, index=False)
    import_observations(store, [path])


def _assert_matches_pure_path(store: Store, start: dt.date, end: dt.date) -> None:
    with store.read() as con:
        stored = finish_daily(township_daily_aggregates(con, start, end), key=KEY)
        hours = read_hourly_observations(con, dt.datetime.combine(start, dt.time()),
                                                    dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
        members = read_station_townships(con)
    expected = daily_statistics(township_hourly(hours, members), key=KEY)
    pd.testing.assert_frame_equal(stored.reset_index(drop=True), expected.reset_index(drop=True),
                                  check_dtype=False, check_exact=False, rtol=1e-12)


def test_imports_keep_township_days_equal_to_the_hourly_computation(township_store: Store, tmp_path):
    _import(township_store, _hours("2025-01-01", "2025-02-10", seed=1), tmp_path / "first.parquet")
    with township_store.read() as con:
        assert township_days_current(con)
    _assert_matches_pure_path(township_store, dt.date(2025, 1, 1), dt.date(2025, 2, 9))

    # An overlapping later delivery with different values: only its dates are rebuilt.
    _import(township_store, _hours("2025-02-05", "2025-02-20", seed=2), tmp_path / "second.parquet")
    with township_store.read() as con:
        assert township_days_current(con)
    _assert_matches_pure_path(township_store, dt.date(2025, 1, 1), dt.date(2025, 2, 19))


def test_rows_written_around_the_importers_fall_back_to_the_hourly_rows(township_store: Store, tmp_path):
    _import(township_store, _hours("2025-01-01", "2025-02-01", seed=3), tmp_path / "january.parquet")
    extra = _hours("2025-02-01", "2025-02-03", seed=4)
    with township_store.write() as con:
        con.register("extra", extra)
        con.execute("INSERT INTO observations (station_code, time, pm25, pm10, so2, no2, o3, co) "
                    "SELECT station_code, time, pm25, pm10, so2, no2, o3, co FROM extra")
    with township_store.read() as con:
        assert not township_days_current(con)
    _assert_matches_pure_path(township_store, dt.date(2025, 1, 1), dt.date(2025, 2, 2))


def test_station_moved_to_another_township_is_not_served_stale_aggregates(township_store: Store, tmp_path):
    _import(township_store, _hours("2025-01-01", "2025-02-01", seed=5), tmp_path / "january.parquet")
    with township_store.write() as con:
        con.execute("UPDATE stations SET township_code = 'T1' WHERE code = 'S3'")
    with township_store.read() as con:
        assert not township_days_current(con)
    _assert_matches_pure_path(township_store, dt.date(2025, 1, 1), dt.date(2025, 1, 31))


def test_ranking_from_township_days_agrees_with_the_pure_path(township_store: Store, tmp_path):
    _import(township_store, _hours("2024-12-01", "2025-02-01", seed=6), tmp_path / "winter.parquet")
    period = Period.parse("2025-01")
    span = period.data_span()
    with township_store.read() as con:
        assert township_days_current(con)
        hours = read_hourly_observations(con, dt.datetime.combine(span.start, dt.time()),
                                                    dt.datetime(2025, 2, 1))
        members = read_station_townships(con)
    townships = members.drop_duplicates(KEY)[[KEY, "township"]].rename(columns={"township": "name"})
    expected = rank_from_hourly(hours, members, period, "2012", townships=townships)
    pd.testing.assert_frame_equal(rank_store(township_store, period, version="2012"), expected,
                                  check_exact=False, rtol=1e-9)


def test_large_parquet_is_read_in_slices_with_file_row_numbers(township_store: Store, tmp_path, monkeypatch):
    monkeypatch.setattr(observations, "SLICE_ROWS", 500)
    frame = _hours("2025-01-01", "2025-01-15", seed=7)            # 1,008 rows: three slices
    path = tmp_path / "sliced.parquet"
    frame.to_parquet(path, index=False)
    report = import_observations(township_store, [path])
    assert (report.new, report.updated, report.unchanged) == (len(frame), 0, 0)
    with township_store.read() as con:
        stored = read_hourly_observations(con, dt.datetime(2025, 1, 1), dt.datetime(2025, 2, 1))
    assert len(stored) == len(frame)

    broken = frame.assign(station_code=frame["station_code"].astype(object))
    broken.loc[[10, 700], "station_code"] = "NOWHERE"             # one bad row in the first and third slice
    broken.to_parquet(path, index=False)
    with pytest.raises(BadInputError) as refused:
        import_observations(township_store, [path])
    assert refused.value.row == 11                                # Parquet rows count from 1
    skipped = import_observations(township_store, [path], skip_bad_rows=True)
    assert skipped.rejected == 2 and skipped.unchanged == len(frame) - 2
    rejected = pd.read_csv(skipped.rejected_files[0])
    assert rejected["row"].tolist() == [11, 701]


def test_days_built_before_the_insert_count_the_stored_hours_of_a_townships_other_station(township_store: Store,
                                                                                         tmp_path):
    """A delivery whose hours are all new is folded into township_days before it is inserted (from the
    stored hours plus the staged file): T2's day must average S3's new hours with S2's stored ones."""
    january = _hours("2025-01-01", "2025-02-01", seed=8)
    _import(township_store, january[january["station_code"] != "S3"], tmp_path / "without_s3.parquet")
    late = january[january["station_code"] == "S3"]
    february = _hours("2025-02-01", "2025-02-08", seed=9)
    report = import_observations(township_store, [_written(pd.concat([late, february]), tmp_path / "late.parquet")])
    assert (report.new, report.updated, report.unchanged) == (len(late) + len(february), 0, 0)
    with township_store.read() as con:
        assert township_days_current(con)
    _assert_matches_pure_path(township_store, dt.date(2025, 1, 1), dt.date(2025, 2, 7))


def _written(frame: pd.DataFrame, path):
    frame.to_parquet(path, index=False)
    return path
