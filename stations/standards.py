"""The national air-quality standards as data: HJ 633 breakpoints, AQI levels, HJ 663 divisors, by version."""
from __future__ import annotations

import datetime as dt
from types import MappingProxyType

import numpy as np
import pandas as pd

from core.errors import BadInputError
from core.vocabulary import translate

VERSIONS = ("2012", "2026")
# GB 3095-2026, HJ 633-2026 and HJ 663-2026 replaced the 2012/2013 editions on this date.
SWITCH_DATE = dt.date(2026, 3, 1)
STANDARD_NAMES = MappingProxyType({
    "2012": "GB 3095-2012 / HJ 633-2012 / HJ 663-2013",
    "2026": "GB 3095-2026 / HJ 633-2026 / HJ 663-2026",
})

POLLUTANTS = ("so2", "no2", "pm10", "pm25", "co", "o3")

IAQI_STEPS = np.array([0, 50, 100, 150, 200, 300, 400, 500], dtype=float)

_TABLES_2012 = {
    "so2_24h": (0, 50, 150, 475, 800, 1600, 2100, 2620),
    "so2_1h": (0, 150, 500, 650, 800),
    "no2_24h": (0, 40, 80, 180, 280, 565, 750, 940),
    "no2_1h": (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    "pm10_24h": (0, 50, 150, 250, 350, 420, 500, 600),
    "co_24h": (0, 2, 4, 14, 24, 36, 48, 60),
    "co_1h": (0, 5, 10, 35, 60, 90, 120, 150),
    "o3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "o3_8h": (0, 100, 160, 215, 265, 800),
    "pm25_24h": (0, 35, 75, 115, 150, 250, 350, 500),
}
_TABLES_2026 = {**_TABLES_2012,
                "pm10_24h": (0, 50, 120, 250, 350, 420, 500, 600),
                "pm25_24h": (0, 35, 60, 115, 150, 250, 350, 500)}

# Concentration breakpoints (µg/m³, CO mg/m³) per version and item; the IAQI at each is IAQI_STEPS[i].
BREAKPOINTS = MappingProxyType({
    "2012": MappingProxyType({item: np.array(points, dtype=float) for item, points in _TABLES_2012.items()}),
    "2026": MappingProxyType({item: np.array(points, dtype=float) for item, points in _TABLES_2026.items()}),
})

# Items of the hourly (real-time) AQI, as the national network publishes it: 1-hour tables for the
# gases, the 24-hour tables applied to the hourly PM concentrations.
HOURLY_ITEMS = MappingProxyType({"so2": "so2_1h", "no2": "no2_1h", "co": "co_1h", "o3": "o3_1h",
                                 "pm10": "pm10_24h", "pm25": "pm25_24h"})
# Items of the daily AQI: 2012 has seven (O3 daily max 1-hour and max 8-hour), 2026 six.
DAILY_ITEMS = MappingProxyType({
    "2012": MappingProxyType({"so2": "so2_24h", "no2": "no2_24h", "co": "co_24h", "pm10": "pm10_24h",
                              "pm25": "pm25_24h", "o3_1h": "o3_1h", "o3_8h": "o3_8h"}),
    "2026": MappingProxyType({"so2": "so2_24h", "no2": "no2_24h", "co": "co_24h", "pm10": "pm10_24h",
                              "pm25": "pm25_24h", "o3_8h": "o3_8h"}),
})

# HJ 633 levels: upper AQI bound, number, Chinese and English names, the standard's RGB colour.
LEVELS = pd.DataFrame({
    "level": [1, 2, 3, 4, 5, 6],
    "aqi_max": [50, 100, 150, 200, 300, np.inf],
    "name_zh": [translate(f"aqi_level.{level}", "zh") for level in range(1, 7)],
    "name_en": [translate(f"aqi_level.{level}", "en") for level in range(1, 7)],
    "colour": ["#00E400", "#FFFF00", "#FF7E00", "#FF0000", "#99004C", "#7E0023"],
})

# GB 3095 Grade II limits used by the O3 daily-max validity exception (µg/m³), both versions.
O3_8H_LIMIT = 160.0
O3_1H_LIMIT = 200.0

# HJ 663 composite-index divisors S_i (µg/m³, CO mg/m³). 2012: the annual Grade II limits (CO and O3:
# the 24-hour and 8-hour limits, as HJ 663-2013 prescribes). 2026: the lowered PM2.5/PM10 annual limits
# in force until 2030; overridable through Settings.composite_divisors because the sources do not
# settle which divisors HJ 663-2026 uses.
DEFAULT_DIVISORS = MappingProxyType({
    "2012": MappingProxyType({"so2": 60.0, "no2": 40.0, "pm10": 70.0, "pm25": 35.0, "co": 4.0, "o3": 160.0}),
    "2026": MappingProxyType({"so2": 60.0, "no2": 40.0, "pm10": 60.0, "pm25": 30.0, "co": 4.0, "o3": 160.0}),
})


def check_version(version: str) -> str:
    """The version itself if it is one of VERSIONS; BadInputError otherwise."""
    if version not in VERSIONS:
        raise BadInputError("error.unknown_standard_version", field="version", version=version, known=list(VERSIONS))
    return version


def version_in_force(day: dt.date | dt.datetime | pd.Timestamp | str) -> str:
    """The standard version ("2012" or "2026") in force on a Beijing-time date."""
    return "2026" if pd.Timestamp(day).date() >= SWITCH_DATE else "2012"


def versions_in_force(times: pd.Series | pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    """Vectorised version_in_force over Beijing-time timestamps or dates: an array of "2012"/"2026"."""
    return np.where(under_2026(times), "2026", "2012")


def under_2026(times: pd.Series | pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    """Whether the 2026 edition is in force at each Beijing-time timestamp or date (booleans: cheaper
    than versions_in_force's texts where a million hours only pick a number)."""
    return (pd.to_datetime(pd.Series(np.asarray(times))) >= pd.Timestamp(SWITCH_DATE)).to_numpy()


def composite_config(version: str, divisors: dict | None = None,
                     weights: dict | None = None) -> pd.DataFrame:
    """The HJ 663 composite-index configuration table for a version: one row per pollutant with its
    divisor S_i (µg/m³, CO mg/m³) and weight (default 1), overridden by the given mappings.

    ``divisors`` may be flat ({"pm25": 35}) or keyed by version ({"2026": {"pm25": 35}}).
    """
    check_version(version)
    overrides = divisors or {}
    if version in overrides or any(key in VERSIONS for key in overrides):
        overrides = overrides.get(version, {})
    for table, name in ((overrides, "divisor"), (weights or {}, "weight")):
        unknown = set(table) - set(POLLUTANTS)
        if unknown:
            raise BadInputError("error.unknown_composite_pollutants", field=name, pollutants=sorted(unknown))
    frame = pd.DataFrame({"pollutant": list(POLLUTANTS)})
    frame["divisor"] = [float(overrides.get(p, DEFAULT_DIVISORS[version][p])) for p in POLLUTANTS]
    frame["weight"] = [float((weights or {}).get(p, 1.0)) for p in POLLUTANTS]
    if (frame["divisor"] <= 0).any() or (frame["weight"] < 0).any():
        raise BadInputError("error.composite_settings_invalid", field="divisor")
    return frame.set_index("pollutant")
