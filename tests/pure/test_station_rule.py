"""The pollutant-aware station rule: a station several times its neighbours' SO2 (or NO2, CO) for a few
hours is a hotspot far below the IAQI-100 concentration; ordinary variation, and a network that is
spread out as a whole, is not."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hotspots.config import HotspotConfig
from hotspots.episodes import floor_values, network_medians, rule_of, station_episodes, thresholds

CONFIG = HotspotConfig()
STATIONS = [f"T{number:02d}" for number in range(8)]
START = pd.Timestamp("2025-11-20 00:00")


def _network(rng: np.random.Generator, hours: int = 48, so2: float = 10.0) -> pd.DataFrame:
    """Township stations with Henan-like levels (SO2 ≈ 10 µg/m³, NO2 ≈ 25, CO ≈ 0.7 mg/m³) and
    ordinary hour-to-hour noise (lognormal, σ 0.25), rounded as stations publish them."""
    times = pd.date_range(START, periods=hours, freq="h")
    frame = pd.DataFrame([(code, time) for code in STATIONS for time in times], columns=["station_code", "time"])
    noise = lambda: rng.lognormal(0.0, 0.25, len(frame))  # noqa: E731
    frame["so2"] = np.round(so2 * noise())
    frame["no2"] = np.round(25.0 * noise())
    frame["co"] = np.round(0.7 * noise(), 1)
    frame["pm25"] = np.round(45.0 * noise())
    frame["pm10"] = np.round(80.0 * noise())
    frame["o3"], frame["ws"], frame["wd"] = 60.0, 2.0, 300.0
    return frame


def _episodes(frame: pd.DataFrame, config: HotspotConfig = CONFIG) -> pd.DataFrame:
    return station_episodes(frame, network_medians(frame, config.pollutants), config)


def _raise(frame: pd.DataFrame, station: str, pollutant: str, first_hour: int, values: list[float]) -> pd.DataFrame:
    hours = START + pd.to_timedelta(np.arange(first_hour, first_hour + len(values)), unit="h")
    for hour, value in zip(hours, values):
        frame.loc[(frame["station_code"] == station) & (frame["time"] == hour), pollutant] = value
    return frame


def test_so2_several_times_the_neighbours_far_below_iaqi_100_is_found():
    frame = _raise(_network(np.random.default_rng(16)), "T03", "so2", 20, [52.0, 61.0, 58.0, 49.0])
    episodes = _episodes(frame)
    assert len(episodes) == 1
    found = episodes.iloc[0]
    assert (found["station_code"], found["pollutant"], found["kind"]) == ("T03", "so2", "station")
    assert (found["start"], found["end"]) == (START + pd.Timedelta(hours=20), START + pd.Timedelta(hours=23))
    assert found["high_hours"] == 4 and found["peak"] == 61.0
    assert found["peak"] < 500.0 / 8            # an eighth of the 1-hour IAQI-100 concentration
    assert found["peak_ratio"] >= CONFIG.ratio_to_median["so2"] and found["peak_z"] >= CONFIG.robust_z
    # The old floor (the IAQI-100 concentration) hides it: why the gases have floors of their own.
    assert _episodes(frame, CONFIG.with_overrides({"floors": {"so2": None}})).empty


def test_ordinary_so2_variation_is_not_a_hotspot():
    rng = np.random.default_rng(17)
    frame = _network(rng, hours=24 * 14)
    # One station beside a plant reads higher all the time and wanders: 1.5–3× its neighbours.
    beside_plant = frame["station_code"] == "T05"
    frame.loc[beside_plant, "so2"] = np.round(frame.loc[beside_plant, "so2"] * rng.uniform(1.5, 3.0, beside_plant.sum()))
    assert (frame.loc[beside_plant, "so2"] > 20).sum() > 24   # well above the floor for many hours
    assert _episodes(frame).empty


def test_two_hours_are_not_an_episode_and_a_spread_out_network_is_not_one_station():
    frame = _raise(_network(np.random.default_rng(18)), "T03", "so2", 20, [60.0, 62.0])
    assert _episodes(frame).empty
    # When half the network is high the median rises with it: the ratio alone would fire, the z-score
    # and the median do not.
    spread = _network(np.random.default_rng(19))
    for station in STATIONS[:4]:
        spread = _raise(spread, station, "so2", 10, [55.0, 60.0, 58.0, 57.0])
    assert _episodes(spread).empty


@pytest.mark.parametrize("pollutant, values", [("no2", [95.0, 110.0, 104.0]), ("co", [3.2, 3.6, 3.4])])
def test_no2_and_co_plumes_below_iaqi_100_are_found(pollutant: str, values: list[float]):
    frame = _raise(_network(np.random.default_rng(20)), "T06", pollutant, 30, values)
    episodes = _episodes(frame)
    assert episodes[["station_code", "pollutant"]].values.tolist() == [["T06", pollutant]]
    assert episodes.iloc[0]["hours"] == 3


def test_the_pm_floor_is_the_iaqi_100_concentration_of_the_edition_in_force_at_that_hour():
    times = pd.Series(pd.to_datetime(["2026-02-28 23:00", "2026-03-01 00:00", "2025-06-01 12:00"]))
    # PM2.5 75 / 60 and PM10 150 / 120 µg/m³ under the 2012 / 2026 editions (the switch on 2026-03-01).
    assert floor_values("pm25", times, CONFIG).tolist() == [75.0, 60.0, 75.0]
    assert floor_values("pm10", times, CONFIG).tolist() == [150.0, 120.0, 150.0]
    assert floor_values("so2", times, CONFIG).tolist() == [20.0] * 3


def test_threshold_is_the_largest_of_ratio_z_and_floor():
    times = pd.Series(pd.to_datetime(["2025-01-01 00:00"] * 3))
    medians = np.array([10.0, 2.0, 10.0])
    mads = np.array([1.0, 0.0, 20.0])
    got = thresholds("so2", medians, mads, times, CONFIG)
    # ratio 5 × 10 = 50; floor 20 (a median of 2 gives 10); 10 + 3.5 × 1.4826 × 20 = 113.8
    assert got == pytest.approx([50.0, 20.0, 10.0 + 3.5 * 1.4826 * 20.0])
    rule = rule_of("so2", CONFIG)
    assert rule["ratio_to_median"] == 5.0 and rule["floor"] == 20.0 and rule["unit"] == "µg/m³"
    assert rule_of("co", CONFIG)["unit"] == "mg/m³"


def test_median_of_others_leaves_the_station_out():
    from hotspots.episodes import HourLookup, median_of_others

    rng = np.random.default_rng(21)
    # Hours of 2 to 9 stations (even and odd counts), integer values so that ties are common.
    frame = pd.concat([pd.DataFrame({"station_code": [f"S{s}" for s in range(stations)], "time": time})
                       for time, stations in zip(pd.date_range("2025-01-01", periods=80, freq="h"),
                                                 rng.integers(2, 10, 80))], ignore_index=True)
    frame["so2"] = np.round(rng.lognormal(2.0, 0.6, len(frame)))
    frame.loc[rng.random(len(frame)) < 0.2, "so2"] = np.nan
    first_hour = frame["time"] == frame["time"].iloc[0]
    frame.loc[first_hour, "so2"] = np.nan
    frame.loc[0, "so2"] = 7.0                # an hour with one value: no others to compare with
    got = median_of_others(frame["so2"], HourLookup(network_medians(frame, ["so2"]), frame["time"]), "so2")
    for index, row in frame.iterrows():
        others = frame[(frame["time"] == row["time"]) & (frame.index != index)]["so2"].dropna()
        expected = np.nan if pd.isna(row["so2"]) or others.empty else others.median()
        assert got[index] == pytest.approx(expected, nan_ok=True), index
