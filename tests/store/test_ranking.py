"""The township ranking: Beijing's 12 stations against an independent calculation, SQL vs pure paths, CLI."""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import json

import numpy as np
import pandas as pd
import pytest

import cli
from data.deductions import township_deductions
from data.stations import read_hourly_observations, read_station_townships, township_daily_aggregates
from data.store import Store
from stations import assessment
from stations.assessment import monthly_trend, rank_store
from stations.ranking import Period, rank_from_hourly
from tests.ranking_support import beijing_hours, independent_composite, load_beijing

BEIJING_MONTH = "2016-01"


@pytest.fixture(scope="module")
def beijing(tmp_path_factory, real_data):
    store = Store(tmp_path_factory.mktemp("beijing") / "beijing.duckdb", busy_timeout_s=10)
    store.migrate()
    load_beijing(store, real_data)
    return store, beijing_hours(real_data)


def test_beijing_month_matches_an_independent_calculation(beijing):
    store, hours = beijing
    expected = independent_composite(hours, BEIJING_MONTH)
    ranking = rank_store(store, Period.parse(BEIJING_MONTH), version="2012")
    ranked = ranking[ranking["rank"].notna()]
    assert len(expected) >= 10  # most of the 12 stations have a valid January 2016
    assert ranked["township_code"].tolist() == expected.index.tolist()
    np.testing.assert_allclose(ranked["composite_index"].to_numpy(), expected.to_numpy(), rtol=1e-9)
    assert (ranking["standard_version"] == "2012").all()
    unranked = ranking[ranking["rank"].isna()]
    assert unranked["invalid_reason"].str.contains("required").all()


def _pure_ranking(store: Store, period: Period, by: str) -> pd.DataFrame:
    """The same ranking through the pure pandas path from hourly rows (fire points left out)."""
    span = period.data_span()
    with store.read() as con:
        hours = read_hourly_observations(con, dt.datetime.combine(span.start, dt.time()),
                                                    dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time()))
        station_townships = read_station_townships(con)
    townships = station_townships.drop_duplicates("township_code")[["township_code", "township"]] \
        .rename(columns={"township": "name"})
    return rank_from_hourly(hours, station_townships, period, "2012", by=by, townships=townships)


def _assert_same_ranking(store: Store, period: Period, by: str) -> None:
    fast = rank_store(store, period, by=by, version="2012")
    pd.testing.assert_frame_equal(_pure_ranking(store, period, by), fast, check_exact=False, rtol=1e-9)


def test_store_sql_path_agrees_with_pure_path(beijing):
    store, _ = beijing
    for by in ("composite", "yoy", "good_days"):
        _assert_same_ranking(store, Period.parse(BEIJING_MONTH), by)


def test_township_with_two_stations_averages_them_per_hour(tmp_path, real_data):
    store = Store(tmp_path / "shared.duckdb", busy_timeout_s=10)
    store.migrate()
    load_beijing(store, real_data, shared={"1004A": "1003A"})  # Tiantan counts for Dongsi's township
    ranking = rank_store(store, Period.parse(BEIJING_MONTH), version="2012").set_index("township_code")
    hours = beijing_hours(real_data)
    pair = hours[hours["station_code"].isin(["1003A", "1004A"])]
    averaged = pair.groupby("time", as_index=False)[["pm25", "pm10", "so2", "no2", "co", "o3"]].mean()
    expected = independent_composite(averaged.assign(station_code="1003A"), BEIJING_MONTH)
    assert ranking.loc["T1003A", "composite_index"] == pytest.approx(expected["T1003A"], rel=1e-9)
    assert len(ranking) == 11 and "T1004A" not in ranking.index
    _assert_same_ranking(store, Period.parse(BEIJING_MONTH), "composite")


def test_yoy_rank_change_and_fire_points(beijing):
    store, hours = beijing
    period = Period.parse(BEIJING_MONTH)
    ranking = rank_store(store, period, version="2012").set_index("township_code")
    last_year = independent_composite(hours, "2015-01")
    previous = independent_composite(hours, "2015-12")
    both = ranking.index.intersection(last_year.index)
    expected_yoy = (ranking.loc[both, "composite_index"] - last_year[both]) / last_year[both] * 100
    np.testing.assert_allclose(ranking.loc[both, "composite_yoy_pct"], expected_yoy, rtol=1e-9)
    previous_rank = previous.rank(method="min")
    ranked_both = ranking.index[ranking["rank"].notna()].intersection(previous_rank.index)
    assert (ranking.loc[ranked_both, "rank_change"] == previous_rank[ranked_both] - ranking.loc[ranked_both, "rank"]).all()
    assert (ranking["fire_points"] == 0).all()


def test_fire_points_counted_by_polygon(store: Store):
    with store.write(spatial=True) as con:
        for code, x in (("A", 112.0), ("B", 113.0)):
            con.execute("INSERT INTO townships (code, name, geom) VALUES (?, ?, ST_GeomFromText(?))",
                        [code, f"镇{code}", f"POLYGON(({x} 35, {x + .1} 35, {x + .1} 35.1, {x} 35.1, {x} 35))"])
        points = [("f1", None, 112.05, "2024-06-03 13:00"), ("f2", None, 112.02, "2024-06-30 23:30"),
                  ("f3", "B", 112.05, "2024-06-10 10:00"),   # the official source named township B
                  ("f4", None, 112.05, "2024-07-01 00:10"),  # outside the period
                  ("f5", None, 150.0, "2024-06-10 10:00")]   # outside every township
        for fire_id, township, lon, time in points:
            con.execute("INSERT INTO fire_points (id, source, time, lon, lat, township_code, geom) "
                        "VALUES (?, 'official', ?, ?, 35.05, ?, ST_Point(?, 35.05))",
                        [fire_id, time, lon, township, lon])
    with store.read(spatial=True) as con:
        counts = township_deductions(con, dt.date(2024, 6, 1), dt.date(2024, 6, 30))
    assert dict(zip(counts["township_code"], counts["fire_points"])) == {"A": 2, "B": 1}


def _run_cli(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(argv)
    return code, out.getvalue()


def test_cli_rank_csv_and_json(beijing):
    store, _ = beijing
    code, text = _run_cli(["rank", "--period", BEIJING_MONTH, "--format", "csv", "--db", str(store.path)])
    assert code == 0
    lines = text.splitlines()
    assert lines[0] == ("rank,township,composite_index,pm25,pm10,so2,no2,co_p95,o3_8h_p90,good_day_ratio,"
                        "heavy_days,valid_days,composite_yoy_pct,fire_points,fire_points_pending,"
                        "fire_points_confirmed,fire_points_struck_off,deduction_cny,rank_change")
    assert len(lines) == 13
    frame = pd.read_csv(io.StringIO(text))
    assert frame["good_day_ratio"].dropna().between(0, 1).all()
    code, text = _run_cli(["rank", "--period", "2015-11..2016-01", "--by", "good_days", "--format", "json",
                           "--db", str(store.path)])
    records = json.loads(text)
    ranked = [record for record in records if record["rank"] is not None]
    ratios = [record["good_day_ratio"] for record in ranked]
    assert ratios == sorted(ratios, reverse=True)
    assert {record["period"] for record in records} == {"2015-11..2016-01"}


def test_cli_aqi_hourly_csv(beijing):
    store, hours = beijing
    code, text = _run_cli(["aqi", "--station", "1003A", "--date", "2016-01-15", "--hourly", "--format", "csv",
                           "--db", str(store.path)])
    assert code == 0
    frame = pd.read_csv(io.StringIO(text))
    assert list(frame.columns[:4]) == ["time", "aqi", "level", "primary_pollutant"]
    assert all(column.startswith("iaqi_") for column in frame.columns[4:])
    assert len(frame) == 24
    assert (frame["aqi"] == frame[list(frame.columns[4:])].max(axis=1)).all()
    code, text = _run_cli(["aqi", "--station", "1003A", "--date", "2016-01-15", "--format", "csv",
                           "--db", str(store.path)])
    assert len(pd.read_csv(io.StringIO(text))) == 1


def test_period_parsing_previous_and_year_ago():
    month = Period.parse("2024-03")
    assert (month.start, month.end) == (dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    assert month.previous() == Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert Period.parse("2024-02").year_ago() == Period(dt.date(2023, 2, 1), dt.date(2023, 2, 28))
    quarter = Period.parse("2024-01..2024-03")
    assert quarter.previous() == Period(dt.date(2023, 10, 1), dt.date(2023, 12, 31))
    days = Period.parse("2024-02-20..2024-03-05")
    assert days.previous() == Period(dt.date(2024, 2, 5), dt.date(2024, 2, 19))
    assert Period.parse("2024").label == "2024"


def test_cli_ranks_the_demo_region(demo_store: Store):
    code, text = _run_cli(["rank", "--period", "2025-01", "--format", "csv", "--db", str(demo_store.path)])
    assert code == 0
    frame = pd.read_csv(io.StringIO(text))
    with demo_store.read() as con:
        station_townships = read_station_townships(con)
    assert sorted(frame["township"]) == sorted(station_townships["township"].unique())
    ranked = frame[frame["rank"].notna()]
    assert len(ranked) > 0
    assert ranked["composite_index"].is_monotonic_increasing
    # Nothing in the demo is confirmed yet: its fire points wait for review and cost nothing.
    states = frame["fire_points_pending"] + frame["fire_points_confirmed"] + frame["fire_points_struck_off"]
    assert (states == frame["fire_points"]).all() and frame["fire_points"].sum() > 0
    assert (frame["deduction_cny"] == 0).all()


def test_incomplete_townships_are_listed_unranked_with_the_reason():
    from stations.daily import daily_statistics
    from stations.ranking import rank_townships

    times = pd.date_range("2024-03-01", "2024-03-31 23:00", freq="h")
    hours = pd.concat([pd.DataFrame({"township_code": code, "time": times, "so2": 10.0, "no2": 30.0,
                                     "pm10": level, "pm25": level / 2, "co": 0.6, "o3": 90.0})
                       for code, level in (("A", 80.0), ("B", 60.0), ("D", 100.0))], ignore_index=True)
    hours.loc[(hours["township_code"] == "B") & (hours["time"].dt.day > 20), "pm25"] = np.nan
    daily = daily_statistics(hours, key="township_code")
    townships = pd.DataFrame({"township_code": ["A", "B", "C", "D"], "name": ["甲", "乙", "丙", "丁"]})
    ranking = rank_townships(daily, Period.parse("2024-03"), "2012", townships=townships).set_index("township_code")
    assert ranking["rank"].loc[["A", "D"]].tolist() == [1, 2]
    assert ranking["rank"].loc[["B", "C"]].isna().all()
    assert ranking.loc["B", "invalid_reason"] == "pm25: 20 valid days < 27 required"
    assert ranking.loc["C", "invalid_reason"] == "no observations in the period"
    assert ranking.index.tolist()[:2] == ["A", "D"]


def test_monthly_trend_agrees_with_each_months_ranking_from_one_read(demo_store: Store, monkeypatch):
    calls = {"reads": [], "finish_daily": 0}
    read, finish = township_daily_aggregates, assessment.finish_daily

    def counted_read(con, start, end):
        calls["reads"].append((start, end))
        return read(con, start, end)

    def counted_finish(*args, **kwargs):
        calls["finish_daily"] += 1
        return finish(*args, **kwargs)

    monkeypatch.setattr(assessment, "township_daily_aggregates", counted_read)
    monkeypatch.setattr(assessment, "finish_daily", counted_finish)
    trend = monthly_trend(demo_store, "2025-12")
    assert calls == {"reads": [(dt.date(2025, 1, 1), dt.date(2025, 12, 31))], "finish_daily": 1}
    monkeypatch.undo()

    assert trend["month"].unique().tolist() == [f"2025-{month:02d}" for month in range(1, 13)]
    assert (trend["standard_version"] == "2012").all()
    forced = monthly_trend(demo_store, "2025-12", 12, version="2026")
    for month, frame, version in (("2025-02", trend, None), ("2025-07", trend, None), ("2025-07", forced, "2026")):
        expected = rank_store(demo_store, Period.parse(month), version=version).set_index("township_code")
        got = frame[frame["month"] == month].set_index("township_code").reindex(expected.index)
        assert got["rank"].notna().sum() > 3
        assert (got["standard_version"] == expected["standard_version"]).all()
        np.testing.assert_allclose(got["composite_index"].to_numpy(float),
                                   expected["composite_index"].to_numpy(float), rtol=0, atol=1e-9)
        pd.testing.assert_series_equal(got["rank"], expected["rank"].astype("Int64"), check_names=False)
        assert got["valid"].tolist() == expected["valid"].tolist()
        pd.testing.assert_series_equal(got["invalid_reason"], expected["invalid_reason"], check_names=False,
                                       check_dtype=False)
