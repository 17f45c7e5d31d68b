"""Unit tests of the hotspot maths: wind sectors across north, episode merging across gaps, the
persistent-heat rule, the SQL network median against the pandas reference, scoring and grid cells."""
from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from data.quality import EXCLUDED_FROM_STATISTICS
from data.stations import read_hourly_observations
from hotspots.attribution import angle_difference, attribute, bearing_distance, in_upwind_sector
from hotspots.config import HotspotConfig
from hotspots.episodes import MEDIAN_POLLUTANTS, circular_mean_wind, merge_runs, network_medians, station_episodes
from hotspots.fires import persistent_places
from hotspots.grid import grid_cells, idw_surface, top_cells
from zones.membership import points_frame, zones_containing

CONFIG = HotspotConfig()


def test_angle_difference_wraps_across_north():
    assert angle_difference(350.0, 10.0) == pytest.approx(20.0)
    assert angle_difference(10.0, 350.0) == pytest.approx(20.0)
    assert angle_difference(0.0, 180.0) == pytest.approx(180.0)
    assert angle_difference(720.0 + 5.0, 355.0) == pytest.approx(10.0)


def test_upwind_sector_spans_north():
    bearings = np.array([350.0, 10.0, 44.0, 46.0, 314.0, 316.0, 180.0])
    inside = in_upwind_sector(bearings, 0.0, 45.0)
    assert inside.tolist() == [True, True, True, False, False, True, False]
    # A wind from 350° takes in sources at 30° (40° away) but not at 40° (50° away).
    assert in_upwind_sector(np.array([30.0, 40.0]), 350.0, 45.0).tolist() == [True, False]


def test_circular_mean_across_north_weighted_by_speed():
    hours = pd.DataFrame({"episode": ["a", "a", "b", "b", "c", "c", "d"],
                          "wd": [350.0, 10.0, 350.0, 20.0, 90.0, 270.0, np.nan],
                          "ws": [1.0, 1.0, 1.0, 2.0, 3.0, 3.0, np.nan]})
    wind = circular_mean_wind(hours, "episode")
    # The arithmetic mean of 350 and 10 would be 180: due south, exactly wrong.
    assert angle_difference(wind.loc["a", "wind_from"], 0.0) < 1e-9
    assert angle_difference(wind.loc["b", "wind_from"], 10.0) < 1.0  # the faster hour weighs more
    assert np.isnan(wind.loc["c", "wind_from"])  # opposite winds cancel out
    assert np.isnan(wind.loc["d", "wind_from"]) and np.isnan(wind.loc["d", "wind_speed"])


def test_bearing_and_distance_on_the_ellipsoid():
    # One minute of latitude due north is about 1,852 m; due east the azimuth is 90°.
    north_bearing, north_m = bearing_distance(112.6, 35.0, np.array([112.6]), np.array([35.0 + 1 / 60]))
    east_bearing, _ = bearing_distance(112.6, 35.0, np.array([112.61]), np.array([35.0]))
    assert north_bearing[0] == pytest.approx(0.0, abs=1e-6) or north_bearing[0] == pytest.approx(360.0)
    assert 1840 < north_m[0] < 1860
    assert east_bearing[0] == pytest.approx(90.0, abs=0.01)


def _hours(station: str, stamps: list[str], pollutant: str = "so2") -> pd.DataFrame:
    return pd.DataFrame({"station_code": station, "pollutant": pollutant, "time": pd.to_datetime(stamps)})


def test_short_gap_does_not_split_an_episode_but_a_long_one_does():
    hours = pd.concat([
        _hours("A", ["2025-01-01 00:00", "2025-01-01 01:00", "2025-01-01 02:00",
                     "2025-01-01 05:00", "2025-01-01 06:00"]),           # gap of 2 missing hours: merged
        _hours("A", ["2025-01-01 10:00", "2025-01-01 11:00", "2025-01-01 12:00"]),  # gap of 3: new episode
        _hours("B", ["2025-01-01 03:00", "2025-01-01 04:00"]),           # too short: dropped
    ], ignore_index=True)
    episodes = merge_runs(hours, ["station_code", "pollutant"], max_gap_hours=2, min_run_hours=3)
    assert episodes.iloc[0] == episodes.iloc[4] != episodes.iloc[5]
    assert episodes.iloc[5] == episodes.iloc[7]
    assert (episodes.iloc[8:] == -1).all()
    # With no gap allowed the two-hour tail stands alone and is dropped for being short.
    strict = merge_runs(hours, ["station_code", "pollutant"], max_gap_hours=0, min_run_hours=3)
    assert strict.iloc[3] == strict.iloc[4] == -1 and strict.iloc[0] >= 0


def test_episode_needs_three_consecutive_hours_not_three_scattered_ones():
    scattered = _hours("A", ["2025-01-01 00:00", "2025-01-01 02:00", "2025-01-01 04:00", "2025-01-01 06:00"])
    assert (merge_runs(scattered, ["station_code"], 2, 3) == -1).all()


def _network(hours: int = 12, stations: int = 6) -> pd.DataFrame:
    times = pd.date_range("2025-03-01", periods=hours, freq="h")
    rows = [{"station_code": f"S{s}", "time": t, "pm25": 40.0, "pm10": 80.0, "so2": 10.0 + s, "no2": 30.0,
             "co": 0.8, "o3": 60.0, "ws": 2.0, "wd": 350.0 if i % 2 else 10.0}
            for s in range(stations) for i, t in enumerate(times)]
    return pd.DataFrame(rows)


def test_station_episode_with_gap_wind_and_grade():
    frame = _network()
    spike = (frame["station_code"] == "S0") & frame["time"].dt.hour.isin([2, 3, 4, 7, 8])
    frame.loc[spike, "so2"] = 300.0
    frame.loc[(frame["station_code"] == "S0") & (frame["time"].dt.hour == 3), "so2"] = 450.0
    episodes = station_episodes(frame, network_medians(frame, CONFIG.pollutants), CONFIG)
    assert len(episodes) == 1
    episode = episodes.iloc[0]
    assert (episode["station_code"], episode["pollutant"], episode["kind"]) == ("S0", "so2", "station")
    assert episode["start"] == pd.Timestamp("2025-03-01 02:00") and episode["end"] == pd.Timestamp("2025-03-01 08:00")
    assert episode["hours"] == 7 and episode["high_hours"] == 5 and episode["peak"] == 450.0
    assert episode["peak_time"] == pd.Timestamp("2025-03-01 03:00")
    # High hours 2, 4, 8 had wind from 10°, hours 3 and 7 from 350°: the mean lies just east of
    # north (atan(tan 10° / 5) ≈ 2.02°), not south as an arithmetic mean of 350 and 10 would say.
    assert episode["wind_from"] == pytest.approx(np.degrees(np.arctan(np.tan(np.radians(10.0)) / 5.0)))
    assert episode["grade"] == "I"   # peak 450 against a median near 12.5


def test_floor_keeps_a_clean_network_quiet():
    frame = _network()
    # Twice the median but below the SO2 floor (100 µg/m³): not a hotspot.
    frame.loc[frame["station_code"] == "S0", "so2"] = 40.0
    assert station_episodes(frame, network_medians(frame, CONFIG.pollutants), CONFIG).empty


def test_persistent_heat_rule():
    base = pd.Timestamp("2025-01-10 13:00")
    plant = pd.DataFrame({"time": [base + pd.Timedelta(days=d) for d in (0, 20, 45, 80, 130)],
                          "lon": 112.676 + np.array([0, 0.001, -0.001, 0.0005, 0]), "lat": 35.110})
    burning = pd.DataFrame({"time": [pd.Timestamp("2025-06-08 13:00")] * 6,   # many points, one day
                            "lon": 112.714 + np.arange(6) * 0.001, "lat": 35.106})
    few_days = pd.DataFrame({"time": [base + pd.Timedelta(days=d) for d in (0, 40, 90)],  # 3 days only
                             "lon": 112.5, "lat": 35.0})
    points = pd.concat([plant, burning, few_days], ignore_index=True)
    persistent = persistent_places(points, CONFIG)
    assert persistent.tolist() == [True] * 5 + [False] * 6 + [False] * 3
    # The same five days inside one month are not enough: the rule asks for two months.
    one_month = plant.assign(time=[base + pd.Timedelta(days=d) for d in (0, 3, 6, 9, 12)])
    assert not persistent_places(one_month, CONFIG).any()


def test_network_medians_match_duckdb_and_a_groupby_on_the_stored_hours(store):
    rng = np.random.default_rng(5)
    times = pd.date_range("2025-02-01", periods=30, freq="h")
    frame = pd.DataFrame([{"station_code": f"S{s:02d}", "time": t} for s in range(9) for t in times])
    for pollutant in MEDIAN_POLLUTANTS:
        values = rng.lognormal(3, 0.5, len(frame))
        values[rng.random(len(frame)) < 0.15] = np.nan
        frame[pollutant] = values
    frame.loc[frame["time"] == times[3], "so2"] = np.nan         # an hour without any SO2
    frame["quality_flag"] = np.where(rng.random(len(frame)) < 0.05, 8, 0)   # out-of-range hours are left out
    with store.write() as con:
        con.register("rows", frame)
        con.execute("INSERT INTO observations (station_code, time, pm25, pm10, so2, no2, o3, co, quality_flag) "
                    "SELECT station_code, time, pm25, pm10, so2, no2, o3, co, quality_flag FROM rows")
    start, end = dt.datetime(2025, 2, 1), dt.datetime(2025, 2, 3)
    columns = ", ".join(f"median({p}) AS {p}_median, mad({p}) AS {p}_mad, count({p}) AS {p}_count"
                        for p in MEDIAN_POLLUTANTS)
    with store.read() as con:
        observations = read_hourly_observations(con, start, end, include_wind=True)
        by_duckdb = con.execute(f"SELECT time, {columns} FROM observations WHERE (quality_flag & $bits) = 0 "
                                "GROUP BY time ORDER BY time", {"bits": EXCLUDED_FROM_STATISTICS}).df()
    assert len(observations) == (frame["quality_flag"] == 0).sum()
    got = network_medians(observations.sample(frac=1.0, random_state=1), MEDIAN_POLLUTANTS)
    pd.testing.assert_frame_equal(got[by_duckdb.columns], by_duckdb, check_dtype=False)
    grouped = observations.groupby("time")
    for pollutant in MEDIAN_POLLUTANTS:
        deviation = (observations[pollutant] - grouped[pollutant].transform("median")).abs()
        np.testing.assert_allclose(got[f"{pollutant}_mad"], deviation.groupby(observations["time"]).median())
        ordered = grouped[pollutant].apply(lambda values: np.sort(values.dropna().to_numpy()))
        for name, rank in (("below", lambda n: (n - 2) // 2), ("middle", lambda n: (n - 1) // 2),
                           ("above", lambda n: (n + 1) // 2)):
            expected = [values[rank(len(values))] if 0 <= rank(len(values)) < len(values) else np.nan
                        for values in ordered]
            np.testing.assert_array_equal(got[f"{pollutant}_{name}"], expected)


def test_attribution_keeps_upwind_sources_nearest_first():
    station = {"lon": 112.6, "lat": 35.1, "wind_from": 355.0, "wind_speed": 2.5, "pollutant": "so2",
               "start_time": pd.Timestamp("2025-01-01 01:00"), "end_time": pd.Timestamp("2025-01-01 06:00")}
    sources = gpd.GeoDataFrame({
        "id": ["north-far", "north-near", "nne", "south", "too-far", "dust-north", "close-east"],
        "kind": ["enterprise", "enterprise", "enterprise", "enterprise", "enterprise", "site", "enterprise"],
        "name": list("abcdefg"),
        "emits": [["so2"], ["so2"], ["so2"], ["so2"], ["so2"], ["pm10"], ["so2"]],
        "start_time": pd.NaT, "end_time": pd.NaT},
        geometry=gpd.points_from_xy([112.6, 112.6, 112.62, 112.6, 112.6, 112.6, 112.603],
                                    [35.13, 35.11, 35.13, 35.07, 35.2, 35.11, 35.1]), crs="EPSG:4326")
    found = attribute(pd.DataFrame([station]), sources, CONFIG).iloc[0]
    # close-east is 270 m away: within the near field whatever the wind.
    assert [source["id"] for source in found] == ["close-east", "north-near", "north-far", "nne"]
    assert found[1]["upwind"] and not found[0]["upwind"]
    assert found[1]["distance_m"] == pytest.approx(1110, rel=0.01)


def test_zones_honour_effective_dates():
    zones = gpd.GeoDataFrame({"id": ["z1", "z2"], "kind": ["coal_ban", "low_emission"], "name": ["a", "b"],
                              "valid_from": [dt.date(2020, 1, 1), dt.date(2025, 6, 1)], "valid_to": [None, None]},
                             geometry=[box(112, 35, 113, 36), box(112, 35, 113, 36)], crs="EPSG:4326")
    points = points_frame([112.5, 112.5, 120.0], [35.5, 35.5, 35.5])
    when = pd.Series(pd.to_datetime(["2025-03-01", "2025-07-01", "2025-07-01"]))
    found = zones_containing(points, zones, when)
    assert [zone["id"] for zone in found[0]] == ["z1"]
    assert [zone["id"] for zone in found[1]] == ["z1", "z2"]
    assert found[2] == []


def test_grid_cells_find_the_polluted_corner():
    region = box(112.4, 34.95, 112.8, 35.25)
    lons = np.array([112.45, 112.75, 112.45, 112.75, 112.6])
    lats = np.array([35.0, 35.0, 35.2, 35.2, 35.1])
    values = np.array([40.0, 40.0, 40.0, 120.0, 45.0])
    surface = idw_surface(lons, lats, values, region, CONFIG)
    assert surface.crs.to_epsg() == 32649          # Jiyuan's UTM zone, chosen from the data
    cells = grid_cells(surface, CONFIG.grid_cell_m)
    top = top_cells(cells, CONFIG)
    assert len(top) >= 1 and top["value"].is_monotonic_decreasing
    first = top.iloc[0]
    assert first["lon"] > 112.65 and first["lat"] > 35.12     # next to the 120 µg/m³ station
    assert np.nanmax(surface.values) <= 120.0 + 1e-9 and np.nanmin(surface.values) >= 40.0 - 1e-9
