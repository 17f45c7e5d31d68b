"""Quality bits of an hourly observation (observations.quality_flag) and the rules that set them, as SQL the importers run."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import IntFlag

import duckdb
import numpy as np
import pandas as pd

from core.timeutil import now_beijing


class QualityFlag(IntFlag):
    """Bits of observations.quality_flag; 0 means no rule found anything wrong.

    New bits (e.g. FLATLINE from the hotspot engine) are appended with the next free power of
    two and a rule in quality_flag_sql; stored values never change meaning.
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


def _any_sql(conditions: list[str]) -> str:
    # A missing value makes a comparison NULL, which must never set a bit.
    return f"coalesce({' OR '.join(conditions)}, false)" if conditions else "false"


def quality_flag_sql(columns: Iterable[str]) -> str:
    """The quality bit mask as one SQL expression (INTEGER) over a relation with a ``time`` column
    (naive Beijing time) and the observation ``columns`` it holds (any of pm25, pm10, so2, no2, o3
    µg/m³, co mg/m³, ws m/s, wd degrees, temp °C, rh %); ``$now`` is the current Beijing time. The
    column names come from the constants above, never from a file."""
    present = set(columns)
    rules = {
        QualityFlag.NEGATIVE: _any_sql([f"{name} < 0" for name in NON_NEGATIVE if name in present]),
        QualityFlag.PM25_ABOVE_PM10: _any_sql(
            [f"(pm25 > pm10 * {PM25_EXCESS_RATIO} AND pm25 - pm10 > {PM25_EXCESS_MIN_UGM3})"]
            if {"pm25", "pm10"} <= present else []),
        QualityFlag.FUTURE_TIME: _any_sql([f"time > $now + INTERVAL {int(FUTURE_TOLERANCE.total_seconds())} SECOND"]),
        QualityFlag.OUT_OF_RANGE: _any_sql(
            [f"{name} > {maximum}" for name, maximum in PLAUSIBLE_MAXIMUM.items() if name in present]
            + [f"{name} < {minimum}" for name, minimum in PLAUSIBLE_MINIMUM.items() if name in present]),
    }
    return "(" + " + ".join(f"CASE WHEN {condition} THEN {int(flag)} ELSE 0 END"
                            for flag, condition in rules.items()) + ")::INTEGER"


def quality_flags(frame: pd.DataFrame, now: datetime | None = None) -> pd.Series:
    """The quality bit mask (int32) of each row of an hourly observation frame: quality_flag_sql
    evaluated over ``frame`` (in a private in-memory DuckDB), the rules the importers store.

    ``frame`` has a ``time`` column (naive Beijing time) and any of quality_flag_sql's columns. ``now``
    (naive Beijing time) defaults to the current time. Missing values never set a bit.
    """
    now = now_beijing() if now is None else now
    measured = [name for name in PLAUSIBLE_MAXIMUM if name in frame]
    rows = frame[["time", *measured]].astype({name: float for name in measured})
    with duckdb.connect() as con:
        con.register("observation_rows", rows)
        flags = con.execute(f"SELECT {quality_flag_sql(measured)} FROM observation_rows",
                            {"now": now}).fetchnumpy()
    return pd.Series(next(iter(flags.values())).astype(np.int32), index=frame.index, name="quality_flag")


def describe_flags(value: int) -> list[str]:
    """Names of the bits set in a stored quality_flag value, e.g. ['NEGATIVE', 'FUTURE_TIME']."""
    return [flag.name for flag in QualityFlag if flag and value & flag]
