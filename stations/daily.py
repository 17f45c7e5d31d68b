"""Daily statistics with GB 3095 validity: 24-hour means, 8-hour O3 means, daily maximum 8-hour O3."""
from __future__ import annotations

import numpy as np
import pandas as pd

from stations.standards import O3_1H_LIMIT, O3_8H_LIMIT

MEAN_POLLUTANTS = ("so2", "no2", "pm10", "pm25", "co")
MIN_HOURS_PER_DAY = 20          # GB 3095: a 24-hour mean needs at least 20 hourly values
MIN_HOURS_PER_8H = 6            # an 8-hour mean needs at least 6
MIN_8H_MEANS_PER_DAY = 14       # the daily max 8-hour O3 needs 14 of the day's 17 valid 8-hour means
HOUR_COLUMNS = tuple(f"o3_h{hour:02d}" for hour in range(24))


def trailing_24h_means(hourly: pd.DataFrame, column: str = "so2", key: str = "station_code") -> pd.Series:
    """24-hour moving mean of ``column`` ending at each row's hour, per ``key``, valid with at least 20
    hourly values (the 2012 standard's SO2 1-hour > 800 µg/m³ rule needs it). Index as ``hourly``."""
    return _trailing_means(hourly, column, "24h", MIN_HOURS_PER_DAY, key)


def _trailing_means(hourly: pd.DataFrame, column: str, window: str, min_values: int, key: str) -> pd.Series:
    ordered = hourly[[key, "time", column]].sort_values([key, "time"])
    rolled = (ordered.set_index("time").groupby(key, sort=False)[column]
              .rolling(window, min_periods=min_values).mean())
    return pd.Series(rolled.to_numpy(), index=ordered.index).reindex(hourly.index)


def daily_max_8h(hour_matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Daily maximum 8-hour O3 from one row of 24 hourly values per day (hours 00–23, NaN = missing).

    The 17 windows ending at 07:00 … 23:00 (HJ 663's "8 h to 24 h") each need ≥ 6 values; the daily
    maximum needs ≥ 14 valid windows, unless fewer already exceed the 160 µg/m³ limit. Returns
    (daily max in µg/m³, NaN where invalid; number of valid windows).
    """
    values = np.asarray(hour_matrix, dtype=float)
    present = ~np.isnan(values)
    filled = np.where(present, values, 0.0)
    # Eight shifted slices added in hour order: each window's sum is exact, no running-sum drift.
    # Accumulated in place: a province's year is ~650,000 township-days.
    window_sums = filled[:, 0:17].copy()
    window_counts = present[:, 0:17].astype(np.int8)
    for shift in range(1, 8):
        window_sums += filled[:, shift:shift + 17]
        window_counts += present[:, shift:shift + 17]
    valid = window_counts >= MIN_HOURS_PER_8H
    means = np.where(valid, window_sums / np.maximum(window_counts, 1), np.nan)
    n_valid = valid.sum(axis=1)
    best = np.fmax.reduce(means, axis=1)   # NaN only where no window is valid
    keep = (n_valid >= MIN_8H_MEANS_PER_DAY) | (best > O3_8H_LIMIT)
    return np.where(keep, best, np.nan), n_valid


def daily_aggregates(hourly: pd.DataFrame, key: str = "station_code") -> pd.DataFrame:
    """Per ``key`` and Beijing calendar date: the sum and count of each pollutant's hourly values and
    the day's 24 O3 hours as columns o3_h00…o3_h23 — the raw material of finish_daily, which the
    store's SQL (repository.township_daily_aggregates) produces in the same shape."""
    frame = hourly.assign(date=hourly["time"].dt.normalize(), hour=hourly["time"].dt.hour)
    grouped = frame.groupby([key, "date"])
    parts = [grouped[list(MEAN_POLLUTANTS) + ["o3"]].sum(min_count=1).add_prefix("sum_"),
             grouped[list(MEAN_POLLUTANTS) + ["o3"]].count().add_prefix("n_")]
    hours = frame.set_index([key, "date", "hour"])["o3"].unstack("hour").reindex(columns=range(24))
    hours.columns = list(HOUR_COLUMNS)
    return pd.concat(parts + [hours], axis=1).reset_index()


def finish_daily(aggregates: pd.DataFrame, key: str = "station_code") -> pd.DataFrame:
    """Daily values with validity from daily_aggregates' shape.

    Returns per ``key`` and date: so2, no2, pm10, pm25 (µg/m³) and co (mg/m³) 24-hour means, NaN
    with fewer than 20 hourly values; o3_8h, the daily maximum 8-hour mean (daily_max_8h's rules);
    o3_1h, the daily maximum hourly O3, valid with ≥ 20 hours or when above the 200 µg/m³ limit;
    and n_<pollutant> hour counts and n_o3_8h valid 8-hour windows.
    """
    result = aggregates[[key, "date"]].copy()
    result["date"] = pd.to_datetime(result["date"])
    for pollutant in MEAN_POLLUTANTS:
        count = aggregates[f"n_{pollutant}"].to_numpy()
        means = aggregates[f"sum_{pollutant}"].to_numpy(dtype=float) / np.maximum(count, 1)
        result[pollutant] = np.where(count >= MIN_HOURS_PER_DAY, means, np.nan)
        result[f"n_{pollutant}"] = count
    hours = aggregates[list(HOUR_COLUMNS)].to_numpy(dtype=float)
    result["o3_8h"], result["n_o3_8h"] = daily_max_8h(hours)
    n_o3 = aggregates["n_o3"].to_numpy()
    peak = np.fmax.reduce(hours, axis=1)
    result["o3_1h"] = np.where((n_o3 >= MIN_HOURS_PER_DAY) | (peak > O3_1H_LIMIT), peak, np.nan)
    result["n_o3"] = n_o3
    return result


def daily_statistics(hourly: pd.DataFrame, key: str = "station_code") -> pd.DataFrame:
    """Daily values with GB 3095 validity from hourly observations (one row per ``key`` and hour;
    columns time (Beijing), so2, no2, o3, pm10, pm25 µg/m³, co mg/m³). See finish_daily."""
    return finish_daily(daily_aggregates(hourly, key), key)
