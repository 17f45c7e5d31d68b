"""Quality bits of an hourly observation (observations.quality_flag) and the pure rules that set them."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import IntFlag

import numpy as np
import pandas as pd

from core.timeutil import now_beijing


class QualityFlag(IntFlag):
    """Bits of observations.quality_flag; 0 means no rule found anything wrong.

    New bits (e.g. FLATLINE from the hotspot engine) are appended with the next free power of
    two and a rule in QUALITY_RULES; stored values never change meaning.
    """

    GOOD = 0
    NEGATIVE = 1             # a concentration, wind speed or humidity below zero
    PM25_ABOVE_PM10 = 2      # PM2.5 above PM10 by more than measurement error allows
    FUTURE_TIME = 4          # the hour lies in the future (Beijing time)
    OUT_OF_RANGE = 8         # above what any analyser or weather records report


# Bits that keep an hour out of every statistic: values that cannot be air. PM2.5 above PM10 stays in,
# as the national network publishes such hours.
EXCLUDED_FROM_STATISTICS = int(QualityFlag.NEGATIVE | QualityFlag.FUTURE_TIME | QualityFlag.OUT_OF_RANGE)

CONCENTRATIONS = ("pm25", "pm10", "so2", "no2", "o3", "co")
NON_NEGATIVE = CONCENTRATIONS + ("ws", "rh")

# Upper bounds beyond which a value is an instrument or unit error, not air: µg/m³ except CO mg/m³.
# PM10 in sand-dust storms passes 3,000 µg/m³, so the dust bounds are generous.
PLAUSIBLE_MAXIMUM = {"pm25": 2000.0, "pm10": 10000.0, "so2": 10000.0, "no2": 4000.0, "o3": 2000.0,
                     "co": 150.0, "ws": 75.0, "wd": 360.0, "temp": 60.0, "rh": 100.0}
PLAUSIBLE_MINIMUM = {"temp": -60.0, "wd": 0.0}

# PM2.5 is part of PM10; both analysers carry roughly ±10 % and a few µg/m³ of error, so only a
# clear excess (over 20 % and over 10 µg/m³) is flagged.
PM25_EXCESS_RATIO = 1.2
PM25_EXCESS_MIN_UGM3 = 10.0

# Clocks of small vendor loggers drift; an hour stamped up to one hour ahead is not yet "future".
FUTURE_TOLERANCE = timedelta(hours=1)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        return pd.to_numeric(frame[name], errors="coerce")
    return pd.Series(np.nan, index=frame.index)


def _negative(frame: pd.DataFrame, now: datetime) -> pd.Series:
    present = [name for name in NON_NEGATIVE if name in frame]
    if not present:
        return pd.Series(False, index=frame.index)
    return (frame[present].apply(pd.to_numeric, errors="coerce") < 0).any(axis=1)


def _pm25_above_pm10(frame: pd.DataFrame, now: datetime) -> pd.Series:
    pm25, pm10 = _column(frame, "pm25"), _column(frame, "pm10")
    return ((pm25 > pm10 * PM25_EXCESS_RATIO) & (pm25 - pm10 > PM25_EXCESS_MIN_UGM3)).fillna(False)


def _future_time(frame: pd.DataFrame, now: datetime) -> pd.Series:
    return (pd.to_datetime(frame["time"]) > pd.Timestamp(now + FUTURE_TOLERANCE)).fillna(False)


def _out_of_range(frame: pd.DataFrame, now: datetime) -> pd.Series:
    out = pd.Series(False, index=frame.index)
    for name, maximum in PLAUSIBLE_MAXIMUM.items():
        if name in frame:
            out |= (_column(frame, name) > maximum).fillna(False)
    for name, minimum in PLAUSIBLE_MINIMUM.items():
        if name in frame:
            out |= (_column(frame, name) < minimum).fillna(False)
    return out


QUALITY_RULES: tuple[tuple[QualityFlag, Callable[[pd.DataFrame, datetime], pd.Series]], ...] = (
    (QualityFlag.NEGATIVE, _negative),
    (QualityFlag.PM25_ABOVE_PM10, _pm25_above_pm10),
    (QualityFlag.FUTURE_TIME, _future_time),
    (QualityFlag.OUT_OF_RANGE, _out_of_range),
)


def quality_flags(frame: pd.DataFrame, now: datetime | None = None) -> pd.Series:
    """The quality bit mask (int32) of each row of an hourly observation frame.

    ``frame`` has a ``time`` column (naive Beijing time) and any of pm25, pm10, so2, no2, o3 (µg/m³),
    co (mg/m³), ws (m/s), wd (degrees), temp (°C), rh (%). ``now`` (naive Beijing time) defaults to
    the current time. Missing values never set a bit.
    """
    now = now_beijing() if now is None else now
    flags = np.zeros(len(frame), dtype=np.int32)
    for flag, rule in QUALITY_RULES:
        flags[rule(frame, now).to_numpy(dtype=bool)] |= int(flag)
    return pd.Series(flags, index=frame.index, name="quality_flag")


def describe_flags(value: int) -> list[str]:
    """Names of the bits set in a stored quality_flag value, e.g. ['NEGATIVE', 'FUTURE_TIME']."""
    return [flag.name for flag in QualityFlag if flag and value & flag]
