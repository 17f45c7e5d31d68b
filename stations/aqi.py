"""IAQI and AQI after HJ 633 (2012 and 2026 editions), hourly and daily, vectorised over DataFrames."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.errors import BadInputError
from stations.standards import (
    BREAKPOINTS,
    DAILY_ITEMS,
    HOURLY_ITEMS,
    IAQI_STEPS,
    LEVELS,
    check_version,
    versions_in_force,
)

# 2012 items whose table stops below IAQI 500: above the end the 2012 edition switches to another
# item's IAQI (SO2 1h > 800 → SO2 24h; O3 8h > 800 → O3 1h); the 2026 edition holds the last IAQI.
_SUBSTITUTED_2012 = ("so2_1h", "o3_8h")


def iaqi(concentration, item: str, version: str, above_table=None) -> np.ndarray:
    """Individual AQI of one item (e.g. "pm25_24h", "o3_1h") under a standard version.

    Concentrations in µg/m³ (CO mg/m³). Linear interpolation between the HJ 633 breakpoints, rounded
    up to an integer. Missing or negative concentrations give NaN. Above a table's last breakpoint:
    IAQI 500 for the full tables; for SO2 1h and O3 8h the 2026 edition holds the last IAQI (200 and
    300) and the 2012 edition uses ``above_table`` (the substitute item's IAQI; NaN when not given).

    >>> iaqi([35, 35.5, 75], "pm25_24h", "2012").tolist()
    [50.0, 51.0, 100.0]
    """
    check_version(version)
    points = BREAKPOINTS[version].get(item)
    if points is None:
        raise ValueError(f"unknown AQI item {item!r}")
    values = np.asarray(concentration, dtype=float)
    segment = np.clip(np.searchsorted(points, values, side="left"), 1, len(points) - 1)
    low, high = points[segment - 1], points[segment]
    index_low, index_high = IAQI_STEPS[segment - 1], IAQI_STEPS[segment]
    linear = (index_high - index_low) / (high - low) * (values - low) + index_low
    # Rounding to 1e-9 first keeps float noise (e.g. 50.000000001) from being rounded up a whole unit.
    result = np.ceil(np.round(linear, 9))
    above = values > points[-1]
    if version == "2012" and item in _SUBSTITUTED_2012:
        substitute = np.full(values.shape, np.nan) if above_table is None else np.asarray(above_table, float)
        result = np.where(above, np.broadcast_to(substitute, values.shape), result)
    else:
        result = np.where(above, IAQI_STEPS[len(points) - 1], result)
    return np.where(np.isnan(values) | (values < 0), np.nan, result)


def aqi_levels(aqi) -> pd.DataFrame:
    """HJ 633 level (1–6), Chinese and English names and colour for each AQI value (NaN → missing).
    Names and colours are categoricals, so millions of days cost one small table of strings."""
    values = np.asarray(aqi, dtype=float)
    missing = np.isnan(values)
    codes = np.searchsorted(LEVELS["aqi_max"].to_numpy(), np.where(missing, 0, values), side="left")
    codes = np.where(missing, -1, codes)
    result = {"level": pd.array(np.where(missing, 0, codes + 1), dtype="Int64")}
    result["level"][missing] = pd.NA
    for column in ("name_zh", "name_en", "colour"):
        result[column] = pd.Categorical.from_codes(codes, categories=LEVELS[column])
    return pd.DataFrame(result)


def _combine(iaqis: pd.DataFrame, require_all: bool) -> pd.DataFrame:
    """AQI = max IAQI; primary pollutant(s) = every item at the max when AQI > 50, joined by ','."""
    matrix = iaqis.to_numpy(dtype=float)
    complete = ~np.isnan(matrix).any(axis=1)
    has_any = ~np.isnan(matrix).all(axis=1)
    top = np.full(len(matrix), np.nan)
    top[has_any] = np.nanmax(matrix[has_any], axis=1)
    if require_all:
        top[~complete] = np.nan
    names = np.array([column.removeprefix("iaqi_") for column in iaqis.columns])
    is_primary = (matrix == top[:, None]) & (top[:, None] > 50)
    # Encode each row's set of primaries as a bit mask, so only the distinct sets are joined as text.
    masks = is_primary.astype(np.int64) @ (1 << np.arange(len(names), dtype=np.int64))
    distinct, codes = np.unique(masks, return_inverse=True)
    labels = [",".join(names[[bool(mask >> i & 1) for i in range(len(names))]]) for mask in distinct]
    codes = np.where(distinct[codes] == 0, -1, codes)
    primary = pd.Categorical.from_codes(codes, categories=labels).remove_unused_categories()
    result = iaqis.copy()
    result["aqi"] = top
    result["primary_pollutant"] = primary
    levels = aqi_levels(top)
    levels.index = iaqis.index
    return pd.concat([result, levels], axis=1)


def _versions(frame: pd.DataFrame, version: str | None, time_column: str) -> np.ndarray:
    if version is not None:
        return np.full(len(frame), check_version(version))
    if time_column not in frame:
        raise BadInputError("error.column_needed_for_standard", field=time_column)
    return versions_in_force(frame[time_column])


def _iaqi_frame(frame: pd.DataFrame, items: dict[str, str], version: str,
                substitutes: dict[str, np.ndarray]) -> pd.DataFrame:
    columns = {}
    for column, item in items.items():
        values = frame[column] if column in frame else np.full(len(frame), np.nan)
        columns[f"iaqi_{column}"] = iaqi(values, item, version, substitutes.get(item))
    return pd.DataFrame(columns, index=frame.index)


def hourly_aqi(frame: pd.DataFrame, version: str | None = None, require_all: bool = False) -> pd.DataFrame:
    """Hourly (real-time) IAQI and AQI as the national network publishes them.

    ``frame`` holds 1-hour concentrations in columns so2, no2, o3, pm10, pm25 (µg/m³) and co (mg/m³);
    a missing column counts as missing values. SO2, NO2, CO and O3 use the 1-hour tables; PM10 and
    PM2.5 use the 24-hour tables applied to the hourly concentration: this reproduces 100 % of the
    AQI values the national network published for June 2019 in Henan and for 10–12 June 2019
    nationwide (146,350 station-hours; tests/test_aqi.py), while the 24-hour moving PM means match
    about a quarter of them. ``version`` None picks, row by row, the edition in force at
    ``frame["time"]`` (Beijing time). Under 2012, an SO2 1-hour value above 800 µg/m³ takes the IAQI
    of the trailing 24-hour mean in column ``so2_24h`` (see daily.trailing_24h_means).

    Returns the input's index with iaqi_<pollutant> columns, aqi (max IAQI; NaN when nothing was
    measured, or when any item is missing and ``require_all``), primary_pollutant (items at the max
    when AQI > 50, comma-joined), level, name_zh, name_en and colour.
    """
    versions = _versions(frame, version, "time")
    parts = []
    for edition in np.unique(versions):
        rows = frame[versions == edition]
        substitutes = {}
        if edition == "2012":
            needs_24h = (rows.get("so2", pd.Series(dtype=float)) > 800).any()
            if needs_24h and "so2_24h" not in rows:
                raise BadInputError("error.so2_24h_needed", field="so2_24h")
            if "so2_24h" in rows:
                substitutes["so2_1h"] = iaqi(rows["so2_24h"], "so2_24h", edition)
        parts.append(_combine(_iaqi_frame(rows, dict(HOURLY_ITEMS), edition, substitutes), require_all))
    return _ordered(parts, frame.index, list(HOURLY_ITEMS))


def daily_aqi(daily: pd.DataFrame, version: str | None = None, require_all: bool = True) -> pd.DataFrame:
    """Daily IAQI and AQI from daily values (daily.daily_statistics' columns).

    ``daily`` holds 24-hour means so2, no2, pm10, pm25 (µg/m³), co (mg/m³), o3_8h (daily max 8-hour
    mean) and, for the 2012 edition, o3_1h (daily max 1-hour value). ``version`` None picks the
    edition in force on ``daily["date"]``. 2012 uses seven items, 2026 six; an O3 8-hour value above
    800 takes the O3 1-hour IAQI under 2012 and IAQI 300 under 2026. With ``require_all`` (default) a
    day lacking any item has no AQI, so incomplete days never enter the good-day ratio.
    """
    versions = _versions(daily, version, "date")
    parts = []
    for edition in np.unique(versions):
        rows = daily[versions == edition]
        substitutes = {}
        if edition == "2012" and "o3_1h" in rows:
            substitutes["o3_8h"] = iaqi(rows["o3_1h"], "o3_1h", edition)
        parts.append(_combine(_iaqi_frame(rows, dict(DAILY_ITEMS[edition]), edition, substitutes),
                              require_all))
    return _ordered(parts, daily.index, list(DAILY_ITEMS["2012"]))


def _ordered(parts: list[pd.DataFrame], index: pd.Index, pollutants: list[str]) -> pd.DataFrame:
    iaqi_columns = [f"iaqi_{name}" for name in pollutants]
    columns = ["aqi", "primary_pollutant", "level", "name_zh", "name_en", "colour"] + iaqi_columns
    if not parts:
        return pd.DataFrame(columns=columns, index=index)
    combined = pd.concat(parts).reindex(index)
    for column in iaqi_columns:
        if column not in combined:
            combined[column] = np.nan
    combined["aqi"] = combined["aqi"].astype(float)
    return combined[columns]
