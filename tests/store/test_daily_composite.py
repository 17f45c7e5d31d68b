"""GB 3095 daily validity, the HJ 663 composite index and percentile, period validity, good days, dust days."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from data.stations import mark_sand_dust_day, read_sand_dust_days
from data.store import Store
from stations.composite import aqi_day_counts, period_composite, required_days
from stations.daily import daily_max_8h, daily_statistics

CLEAN = {"so2": 12.0, "no2": 30.0, "pm10": 70.0, "pm25": 35.0, "co": 0.8, "o3": 80.0}


def _hours(first: str, last: str, station: str = "S1", **values) -> pd.DataFrame:
    times = pd.date_range(first, last, freq="h")
    frame = pd.DataFrame({"station_code": station, "time": times})
    for pollutant, value in {**CLEAN, **values}.items():
        frame[pollutant] = value
    return frame


def test_daily_mean_needs_20_hours():
    hours = _hours("2024-01-01 00:00", "2024-01-02 23:00", pm25=np.arange(48, dtype=float))
    hours.loc[hours["time"].dt.day == 1, "pm25"] = hours["pm25"].where(hours["time"].dt.hour < 19)  # 19 hours
    hours.loc[hours["time"].dt.day == 2, "pm25"] = hours["pm25"].where(hours["time"].dt.hour < 20)  # 20 hours
    daily = daily_statistics(hours).set_index("date")
    assert np.isnan(daily.loc["2024-01-01", "pm25"])
    assert daily.loc["2024-01-02", "pm25"] == pytest.approx(np.mean(np.arange(24, 44)))
    assert daily["n_pm25"].tolist() == [19, 20]


def test_8h_mean_needs_6_hours():
    days = np.full((2, 24), np.nan)
    days[0, [0, 3, 4, 5, 6, 7]] = [300.0, 303.0, 304.0, 305.0, 306.0, 307.0]  # 6 of the 8 hours ending 07:00
    days[1, [0, 4, 5, 6, 7]] = [300.0, 304.0, 305.0, 306.0, 307.0]           # only 5
    best, windows = daily_max_8h(days)
    # Only the window ending 07:00 of the first day is valid; above 160 µg/m³ it counts on its own.
    assert windows.tolist() == [1, 0]
    assert best[0] == pytest.approx(np.mean([300, 303, 304, 305, 306, 307]))
    assert np.isnan(best[1])


def test_daily_max_8h_needs_14_windows_unless_above_limit():
    full = np.tile(np.arange(24, dtype=float), (2, 1))
    # Holes at 14–17 leave fewer than 6 values in the windows ending 16…22: 10 of 17 stay valid.
    full[1, 14:18] = np.nan
    best, windows = daily_max_8h(full)
    assert windows.tolist() == [17, 10]
    assert best[0] == pytest.approx(np.mean(np.arange(16, 24)))
    assert np.isnan(best[1])
    sparse = np.full((2, 24), np.nan)
    # Hours 0–7 only: the windows ending 07, 08 and 09 keep ≥ 6 values; too few, unless above 160 µg/m³
    sparse[:, 0:8] = [[10.0] * 8, [300.0] * 8]
    best, windows = daily_max_8h(sparse)
    assert windows.tolist() == [3, 3]
    assert np.isnan(best[0]) and best[1] == 300.0


def test_required_days():
    assert required_days(dt.date(2024, 1, 1), dt.date(2024, 1, 31)) == 27
    assert required_days(dt.date(2023, 2, 1), dt.date(2023, 2, 28)) == 25
    assert required_days(dt.date(2024, 2, 1), dt.date(2024, 2, 29)) == 25
    assert required_days(dt.date(2024, 1, 1), dt.date(2024, 12, 31)) == 324
    assert required_days(dt.date(2024, 1, 1), dt.date(2024, 3, 31)) == int(np.ceil(91 * 324 / 365))


def _month(first: str, last: str, valid_days: int, **values) -> pd.DataFrame:
    """A month of hours whose first ``valid_days`` days are complete and the rest empty."""
    hours = _hours(first, last, **values)
    day_number = (hours["time"] - hours["time"].iloc[0]).dt.days
    hours.loc[day_number >= valid_days, list(CLEAN)] = np.nan
    return daily_statistics(hours)


@pytest.mark.parametrize(("first", "last", "valid_days", "valid"), [
    ("2023-02-01", "2023-02-28 23:00", 25, True), ("2023-02-01", "2023-02-28 23:00", 24, False),
    ("2024-01-01", "2024-01-31 23:00", 27, True), ("2024-01-01", "2024-01-31 23:00", 26, False)])
def test_month_validity(first, last, valid_days, valid):
    daily = _month(first, last, valid_days)
    start, end = pd.Timestamp(first).date(), pd.Timestamp(last).date()
    result = period_composite(daily, start, end, "2012").iloc[0]
    assert bool(result["valid"]) is valid
    if valid:
        # Constant concentrations: I = 12/60 + 30/40 + 70/70 + 35/35 + 0.8/4 + 80/160
        assert result["composite_index"] == pytest.approx(0.2 + 0.75 + 1 + 1 + 0.2 + 0.5)
        assert pd.isna(result["invalid_reason"])
    else:
        assert np.isnan(result["composite_index"])
        assert f"{valid_days} valid days < " in result["invalid_reason"]


def test_percentiles_follow_hj663_formula():
    days = pd.date_range("2024-03-01", periods=20, freq="D")
    co = np.random.default_rng(3).permutation(np.arange(1, 21, dtype=float)) / 10
    o3 = np.random.default_rng(4).permutation(np.arange(101, 121, dtype=float))
    daily = pd.DataFrame({"station_code": "S1", "date": days, "so2": 10.0, "no2": 20.0, "pm10": 50.0,
                          "pm25": 30.0, "co": co, "o3_8h": o3})
    result = period_composite(daily, days[0].date(), days[-1].date(), "2026").iloc[0]
    # n = 20, p = 0.95: k = 1 + 19·0.95 = 19.05 → X19 + 0.05·(X20 − X19) = 1.9 + 0.005
    assert result["co_p95"] == pytest.approx(1.905)
    # p = 0.90: k = 18.1 → X18 + 0.1·(X19 − X18) = 118 + 0.1
    assert result["o3_8h_p90"] == pytest.approx(118.1)
    # 2026 divisors: PM10 60, PM2.5 30
    assert result["si_pm10"] == pytest.approx(50 / 60) and result["si_pm25"] == pytest.approx(1.0)
    # sub-indices: so2 1/6, no2 1/2, pm10 5/6, pm25 1, co 1.905/4, o3 118.1/160 → PM2.5 is largest
    assert result["primary_pollutant"] == "pm25"


def test_divisors_and_weights_are_configuration():
    daily = _month("2024-01-01", "2024-01-31 23:00", 31)
    weighted = period_composite(daily, dt.date(2024, 1, 1), dt.date(2024, 1, 31), "2012",
                                divisors={"2012": {"pm25": 70}}, weights={"pm25": 3}).iloc[0]
    assert weighted["si_pm25"] == pytest.approx(3 * 35 / 70)
    assert weighted["composite_index"] == pytest.approx(0.2 + 0.75 + 1 + 1.5 + 0.2 + 0.5)


def test_sand_dust_days_leave_pm_but_stay_in_good_days():
    hours = _hours("2024-04-01", "2024-04-30 23:00")
    dusty = hours["time"].dt.day.isin([10, 11, 12])
    hours.loc[dusty, ["pm10", "pm25"]] = [900.0, 200.0]
    hours.loc[hours["time"].dt.day.isin([20, 21]), list(CLEAN)] = np.nan   # 28 valid days
    daily = daily_statistics(hours)
    dust = pd.DataFrame({"date": pd.to_datetime(["2024-04-10", "2024-04-11", "2024-04-12"]),
                         "station_code": [None, None, "S1"]})
    start, end = dt.date(2024, 4, 1), dt.date(2024, 4, 30)
    plain = period_composite(daily, start, end, "2012").iloc[0]
    excluded = period_composite(daily, start, end, "2012", dust_days=dust).iloc[0]
    assert plain["pm10"] > 100
    assert excluded["pm10"] == pytest.approx(70.0) and excluded["pm25"] == pytest.approx(35.0)
    # 25 PM days remain: the 27 required drop by the 3 dust days, so the month stays valid.
    assert excluded["days_pm10"] == 25 and bool(excluded["valid"])
    counts = aqi_day_counts(daily, start, end, "2012").iloc[0]
    assert counts["valid_days"] == 28
    assert counts["heavy_days"] == 3 and counts["good_days"] == 25
    assert counts["good_day_ratio"] == pytest.approx(25 / 28)
    assert counts["days_level_6"] == 3 and counts["days_level_2"] == 25


def test_sand_dust_days_round_trip_the_store(store: Store):
    with store.write() as con:
        mark_sand_dust_day(con, dt.date(2024, 4, 10), None, "沙尘")
        mark_sand_dust_day(con, dt.date(2024, 4, 10), None, "沙尘 (复核)")
        mark_sand_dust_day(con, dt.date(2024, 4, 11), "T1")
    with store.read() as con:
        marked = read_sand_dust_days(con, dt.date(2024, 4, 1), dt.date(2024, 4, 30))
    assert len(marked) == 2
    assert marked["note"].iloc[0] == "沙尘 (复核)"
    assert marked["township_code"].isna().tolist() == [True, False]
