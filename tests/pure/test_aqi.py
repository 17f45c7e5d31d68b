"""HJ 633 IAQI/AQI under both editions: every breakpoint, the above-800 rules, rounding, primaries, published AQI."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.errors import BadInputError
from stations.aqi import aqi_levels, daily_aqi, hourly_aqi, iaqi
from stations.standards import version_in_force

STEPS = [0, 50, 100, 150, 200, 300, 400, 500]
# The breakpoint table of HJ 633-2012, typed in again from the standard (DESIGN.md), not imported.
TABLE_2012 = {
    "so2_24h": [0, 50, 150, 475, 800, 1600, 2100, 2620], "so2_1h": [0, 150, 500, 650, 800],
    "no2_24h": [0, 40, 80, 180, 280, 565, 750, 940], "no2_1h": [0, 100, 200, 700, 1200, 2340, 3090, 3840],
    "pm10_24h": [0, 50, 150, 250, 350, 420, 500, 600], "co_24h": [0, 2, 4, 14, 24, 36, 48, 60],
    "co_1h": [0, 5, 10, 35, 60, 90, 120, 150], "o3_1h": [0, 160, 200, 300, 400, 800, 1000, 1200],
    "o3_8h": [0, 100, 160, 215, 265, 800], "pm25_24h": [0, 35, 75, 115, 150, 250, 350, 500],
}
TABLE_2026 = {**TABLE_2012, "pm10_24h": [0, 50, 120, 250, 350, 420, 500, 600],
              "pm25_24h": [0, 35, 60, 115, 150, 250, 350, 500]}
EDGE_CASES = [(version, item, position, concentration)
              for version, table in (("2012", TABLE_2012), ("2026", TABLE_2026))
              for item, points in table.items()
              for position, concentration in enumerate(points)]


@pytest.mark.parametrize(("version", "item", "position", "concentration"), EDGE_CASES)
def test_every_breakpoint_edge(version, item, position, concentration):
    at, below, above = iaqi([concentration, concentration - 1e-3, concentration + 1e-3], item, version)
    assert at == STEPS[position]
    if position > 0:
        assert below == STEPS[position]            # just under a breakpoint still rounds up to it
    if position < len(TABLE_2012[item] if version == "2012" else TABLE_2026[item]) - 1:
        assert above == STEPS[position] + 1         # just over it is already the next integer


def test_2026_tightens_pm_breakpoints():
    # PM2.5 60: 2012 → 50 + 50·25/40 = 81.25 → 82; 2026 → the new IAQI-100 breakpoint.
    assert iaqi([60], "pm25_24h", "2012")[0] == 82
    assert iaqi([60], "pm25_24h", "2026")[0] == 100
    # PM10 120: 2012 → 50 + 50·70/100 = 85; 2026 → 100.
    assert iaqi([120], "pm10_24h", "2012")[0] == 85
    assert iaqi([120], "pm10_24h", "2026")[0] == 100


def test_rounding_is_up_and_exact_integers_stay():
    # PM10 91 on the 24h table: 50 + 50·41/100 = 70.5 → 71; PM2.5 43: 50 + 50·8/40 = 60 exactly.
    assert iaqi([91], "pm10_24h", "2012")[0] == 71
    assert iaqi([43], "pm25_24h", "2012")[0] == 60
    # NO2 1h 101: 50 + 50·1/100 = 50.5 → 51
    assert iaqi([101], "no2_1h", "2012")[0] == 51
    assert np.isnan(iaqi([np.nan, -1], "so2_1h", "2012")).all()


def test_so2_hourly_above_800():
    hours = pd.DataFrame({"so2": [900.0, 800.0], "so2_24h": [300.0, 300.0]})
    # 2012: the SO2 IAQI of the 24-hour mean, 100 + 50·(300−150)/(475−150) = 123.08 → 124
    scored_2012 = hourly_aqi(hours, version="2012")
    assert scored_2012["iaqi_so2"].tolist() == [124, 200]
    # 2026: any 1-hour value above 800 is IAQI 200
    assert hourly_aqi(hours, version="2026")["iaqi_so2"].tolist() == [200, 200]
    with pytest.raises(BadInputError):
        hourly_aqi(hours.drop(columns="so2_24h"), version="2012")


def test_o3_8h_above_800():
    days = pd.DataFrame({"so2": [5.0], "no2": [5.0], "co": [0.5], "pm10": [20.0], "pm25": [10.0],
                         "o3_8h": [900.0], "o3_1h": [950.0]})
    # 2012: the O3 1-hour IAQI, 300 + 100·150/200 = 375
    assert daily_aqi(days, version="2012")["iaqi_o3_8h"].iloc[0] == 375
    assert daily_aqi(days, version="2012")["aqi"].iloc[0] == 375
    # 2026: IAQI 300, and the 1-hour O3 is no longer a daily item
    scored = daily_aqi(days, version="2026")
    assert scored["iaqi_o3_8h"].iloc[0] == 300 and np.isnan(scored["iaqi_o3_1h"].iloc[0])
    assert scored["aqi"].iloc[0] == 300


def test_daily_aqi_items_by_edition():
    # O3 1h max 250 → 2012 IAQI 150 + 50·50/100 = 125 is that day's AQI; 2026 ignores it.
    day = pd.DataFrame({"so2": [10.0], "no2": [30.0], "co": [0.8], "pm10": [60.0], "pm25": [30.0],
                        "o3_8h": [150.0], "o3_1h": [250.0]})
    assert daily_aqi(day, version="2012")["aqi"].iloc[0] == 125
    assert daily_aqi(day, version="2012")["primary_pollutant"].iloc[0] == "o3_1h"
    # 2026: O3 8h 150 → 50 + 50·50/60 = 91.67 → 92
    assert daily_aqi(day, version="2026")["aqi"].iloc[0] == 92
    incomplete = day.assign(co=np.nan)
    assert np.isnan(daily_aqi(incomplete, version="2026")["aqi"].iloc[0])


def test_several_primary_pollutants_and_none_when_excellent():
    hours = pd.DataFrame({"pm25": [75.0, 20.0], "pm10": [150.0, 40.0], "no2": [200.0, 10.0],
                          "so2": [5.0, 5.0], "co": [0.5, 0.3], "o3": [50.0, 60.0]})
    scored = hourly_aqi(hours, version="2012")
    assert scored["aqi"].tolist() == [100, 40]
    assert scored["primary_pollutant"].iloc[0] == "no2,pm10,pm25"
    assert pd.isna(scored["primary_pollutant"].iloc[1])


def test_levels_names_and_colours():
    levels = aqi_levels([0, 50, 51, 100, 101, 200, 201, 300, 301, np.nan])
    assert levels["level"].tolist()[:9] == [1, 1, 2, 2, 3, 4, 5, 5, 6]
    assert levels["name_zh"].tolist()[:9] == ["优", "优", "良", "良", "轻度污染", "中度污染", "重度污染", "重度污染", "严重污染"]
    assert levels["colour"].tolist()[:9] == ["#00E400", "#00E400", "#FFFF00", "#FFFF00", "#FF7E00",
                                             "#FF0000", "#99004C", "#99004C", "#7E0023"]
    assert pd.isna(levels["level"].iloc[9])


def test_edition_follows_the_observation_date():
    assert version_in_force("2026-02-28 23:00") == "2012"
    assert version_in_force("2026-03-01") == "2026"
    hours = pd.DataFrame({"time": pd.to_datetime(["2026-02-28 23:00", "2026-03-01 00:00"]),
                          "pm25": [60.0, 60.0]})
    assert hourly_aqi(hours)["aqi"].tolist() == [82, 100]


def _published(path) -> pd.DataFrame:
    wide = pd.read_csv(path)
    long = wide.melt(id_vars=["date", "hour", "type"], var_name="station").dropna(subset=["value"])
    return long.pivot_table(index=["station", "date", "hour"], columns="type", values="value").reset_index()


@pytest.mark.parametrize("name", ["china_sites_201906_henan_subset.csv", "china_sites_20190610.csv",
                                  "china_sites_20190611.csv", "china_sites_20190612.csv"])
def test_hourly_aqi_reproduces_published_values(real_data, name):
    """Every station-hour with a published AQI: 1-hour gases, hourly PM on the 24-hour tables, HJ 633-2012."""
    table = _published(real_data / "cnemc_quotsoft" / name)
    table = table[table["AQI"].notna()]
    hours = pd.DataFrame({"so2": table["SO2"], "no2": table["NO2"], "co": table["CO"], "o3": table["O3"],
                          "pm10": table["PM10"], "pm25": table["PM2.5"]})
    if "SO2_24h" in table:
        hours["so2_24h"] = table["SO2_24h"]
    scored = hourly_aqi(hours, version="2012")
    share = float((scored["aqi"] == table["AQI"]).mean())
    print(f"{name}: {len(table)} station-hours, {share:.4%} match the published AQI exactly")
    assert len(table) > 30_000
    assert share >= 0.999
