"""Targets (考核目标) as arithmetic: the year-to-date value of each target, whether it is on track, and the
allowance left for the rest of the year, under the standard edition the target is judged by."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from core.errors import BadInputError
from stations.composite import aqi_day_counts, period_composite
from stations.standards import POLLUTANTS, check_version

# Each target metric and whether the year's value must stay at or below it ("max") or reach it ("min").
TARGET_METRICS = {"pm25": "max", "pm10": "max", "good_day_ratio": "min", "heavy_day_ratio": "max",
                  "composite_index": "max"}
# What a metric's allowance counts: a concentration (µg/m³) for the PM means, days for the day ratios.
ALLOWANCE_UNITS = {"pm25": "ug_m3", "pm10": "ug_m3", "good_day_ratio": "days", "heavy_day_ratio": "days",
                   "composite_index": "index"}
PROGRESS_COLUMNS = ["unit_code", "metric", "target_value", "standard_version", "ytd_value", "on_track",
                    "allowance", "allowance_unit", "days_counted", "days_left"]


def check_metric(metric: str) -> str:
    """The metric itself if it is one of TARGET_METRICS; BadInputError otherwise."""
    if metric not in TARGET_METRICS:
        raise BadInputError("error.unknown_target_metric", field="metric", metric=metric, known=list(TARGET_METRICS))
    return metric


def days_left_in_year(as_of: dt.date) -> int:
    """Calendar days after ``as_of`` up to 31 December of its year."""
    return (dt.date(as_of.year, 12, 31) - as_of).days


def mean_allowance(ytd_mean: float, days_counted: int, days_left: int, target: float) -> float:
    """The largest mean concentration of the remaining ``days_left`` days that still brings the annual
    mean to ``target`` (µg/m³): (target·(n + r) − mean·n) / r with n = ``days_counted`` valid days so
    far and every remaining day assumed valid. Negative when the target can no longer be met; NaN
    when no day is left."""
    if days_left <= 0:
        return math.nan
    return (target * (days_counted + days_left) - ytd_mean * days_counted) / days_left


def heavy_days_allowed(heavy_so_far: int, days_counted: int, days_left: int, ratio: float) -> int:
    """Heavy-pollution days (AQI > 200) the rest of the year may still have with the year's heavy-day
    ratio at most ``ratio``: ⌊ratio·(n + r)⌋ − heavy so far, at most r (negative: already missed)."""
    return min(math.floor(ratio * (days_counted + days_left) + 1e-9) - heavy_so_far, days_left)


def non_good_days_allowed(good_so_far: int, days_counted: int, days_left: int, ratio: float) -> int:
    """Days the rest of the year may still miss 'good' (AQI > 100) with the year's good-day ratio at
    least ``ratio``: r − (⌈ratio·(n + r)⌉ − good so far) (negative: already missed)."""
    needed = math.ceil(ratio * (days_counted + days_left) - 1e-9) - good_so_far
    return days_left - max(needed, 0)


def target_progress(daily: pd.DataFrame, targets: pd.DataFrame, as_of: dt.date, *, key: str = "township_code",
                    dust_days: pd.DataFrame | None = None, divisors: dict | None = None,
                    weights: dict | None = None) -> pd.DataFrame:
    """Each target's standing on ``as_of`` (Beijing date, inclusive) of its year.

    ``daily``: daily values (stations.daily.finish_daily) per ``key`` covering 1 January…``as_of``.
    ``targets``: unit_code, year, metric, target_value, standard_version (data.targets.read_targets).
    Each target is computed under its own standard_version: PM means without sand-dust days, the
    composite index with the configured divisors and weights, good and heavy days by that edition's
    AQI. Returns PROGRESS_COLUMNS: ytd_value (µg/m³, a ratio 0–1 or the index), on_track, allowance
    (PM: the largest mean for the rest of the year, µg/m³; good-day ratio: days that may still fail
    'good'; heavy-day ratio: heavy days left; composite: the index's margin), days_counted (valid days
    of the metric so far), days_left.
    """
    rows = []
    left = days_left_in_year(as_of)
    for target in targets.itertuples(index=False):
        version = check_version(target.standard_version)
        metric = check_metric(target.metric)
        start = dt.date(int(target.year), 1, 1)
        end = min(as_of, dt.date(int(target.year), 12, 31))
        remaining = left if end == as_of else 0
        unit = daily[daily[key] == target.unit_code]
        value, counted, allowance = math.nan, 0, math.nan
        if not unit.empty:
            if metric in ("pm25", "pm10", "composite_index"):
                stats = period_composite(unit, start, end, version, key=key, dust_days=dust_days,
                                         divisors=divisors, weights=weights).iloc[0]
                if metric == "composite_index":
                    value = float(sum(stats[f"si_{pollutant}"] for pollutant in POLLUTANTS))
                    counted = int(min(stats[f"days_{pollutant}"] for pollutant in POLLUTANTS))
                    allowance = target.target_value - value
                else:
                    value, counted = float(stats[metric]), int(stats[f"days_{metric}"])
                    allowance = mean_allowance(value, counted, remaining, target.target_value)
            else:
                counts = aqi_day_counts(unit, start, end, version, key=key).iloc[0]
                counted = int(counts["valid_days"])
                if metric == "good_day_ratio":
                    value = float(counts["good_day_ratio"])
                    allowance = non_good_days_allowed(int(counts["good_days"]), counted, remaining,
                                                      target.target_value)
                else:
                    value = counts["heavy_days"] / counted if counted else math.nan
                    allowance = heavy_days_allowed(int(counts["heavy_days"]), counted, remaining,
                                                   target.target_value)
        better = TARGET_METRICS[metric] == "max"
        on_track = pd.NA if np.isnan(value) else bool(value <= target.target_value if better
                                                      else value >= target.target_value)
        rows.append({"unit_code": target.unit_code, "metric": metric, "target_value": float(target.target_value),
                     "standard_version": version, "ytd_value": value, "on_track": on_track,
                     "allowance": float(allowance), "allowance_unit": ALLOWANCE_UNITS[metric],
                     "days_counted": counted, "days_left": remaining})
    frame = pd.DataFrame(rows, columns=PROGRESS_COLUMNS)
    frame["on_track"] = frame["on_track"].astype("boolean")
    return frame
