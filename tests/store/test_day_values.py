"""Finished township-day values: the one-query ranking equals the pandas ranking it replaced, on real Beijing hours."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data.store import Store
from stations.assessment import mark_dust_day, rank_store, rank_store_from_aggregates
from stations.day_values import daily_values_current, refresh_daily_values
from stations.ranking import Period
from tests.ranking_support import load_beijing

PERIODS = ("2016-01", "2016", "2016-02", "2015-06..2015-08", "2016-03-05..2016-04-20", "2017-02")


@pytest.fixture(scope="module")
def beijing(tmp_path_factory, real_data) -> Store:
    """Beijing's 12 stations as township stations (Tiantan sharing Dongsi's township), finished values
    built, and sand-dust days marked for the region and for one township."""
    store = Store(tmp_path_factory.mktemp("day-values") / "beijing.duckdb", busy_timeout_s=10)
    store.migrate()
    load_beijing(store, real_data, shared={"1004A": "1003A"})
    with store.read() as con:
        assert not daily_values_current(con)  # rows written by SQL: nothing derived yet
    with store.write() as con:
        refresh_daily_values(con, None)
    for day, township in ((dt.date(2016, 1, 10), None), (dt.date(2016, 1, 11), "T1003A"),
                          (dt.date(2015, 1, 20), None), (dt.date(2016, 3, 8), "T1011A")):
        mark_dust_day(store, day, township)
    return store


@pytest.mark.parametrize("version", ["2012", "2026"])
@pytest.mark.parametrize("period", PERIODS)
def test_the_stored_values_rank_as_the_pandas_path(beijing, period, version):
    with beijing.read() as con:
        assert daily_values_current(con)
    parsed = Period.parse(period)
    fast = rank_store(beijing, parsed, version=version)
    assert fast["rank"].notna().sum() >= 5
    pd.testing.assert_frame_equal(fast, rank_store_from_aggregates(beijing, parsed, version=version),
                                  check_exact=False, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("by", ["pm25", "good_days", "yoy", "yoy_pm25"])
def test_every_ranking_key_agrees(beijing, by):
    period = Period.parse("2016-01")
    pd.testing.assert_frame_equal(rank_store(beijing, period, by=by, version="2012"),
                                  rank_store_from_aggregates(beijing, period, by=by, version="2012"),
                                  check_exact=False, rtol=1e-9, atol=1e-9)


def test_dust_days_leave_pm_out(beijing):
    """The region's dust day (10 January) and Dongsi's own (11 January) leave Dongsi's January PM2.5."""
    ranked = rank_store(beijing, Period.parse("2016-01"), version="2012").set_index("township_code")
    with beijing.read() as con:
        days = con.execute("SELECT date, pm25 FROM township_day_values WHERE township_code = 'T1003A' "
                           "AND date BETWEEN '2016-01-01' AND '2016-01-31' AND pm25 IS NOT NULL").df()
    dust = days["date"].isin(pd.to_datetime(["2016-01-10", "2016-01-11"]))
    assert dust.sum() == 2
    assert ranked.loc["T1003A", "pm25"] == pytest.approx(days.loc[~dust, "pm25"].mean(), rel=1e-12)
    assert ranked.loc["T1003A", "pm25"] != pytest.approx(days["pm25"].mean(), rel=1e-6)


def test_a_refresh_of_some_days_keeps_the_ranking_equal(beijing):
    """Changed hours rebuilt for their dates only (as an import does): the ranking follows them."""
    with beijing.write() as con:
        con.execute("UPDATE observations SET pm25 = pm25 * 2 WHERE time >= '2016-01-05' AND time < '2016-01-07'")
        refresh_daily_values(con, (dt.date(2016, 1, 5), dt.date(2016, 1, 6)))
    period = Period.parse("2016-01")
    pd.testing.assert_frame_equal(rank_store(beijing, period, version="2012"),
                                  rank_store_from_aggregates(beijing, period, version="2012"),
                                  check_exact=False, rtol=1e-9, atol=1e-9)
