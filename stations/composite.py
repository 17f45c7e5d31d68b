"""HJ 663 period assessment: composite index, period validity, good-day ratio and days by level."""
from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.vocabulary import Term, term, translate
from stations.aqi import aqi_levels, daily_aqi
from stations.standards import POLLUTANTS, composite_config

MONTH_MIN_DAYS = 27
FEBRUARY_MIN_DAYS = 25
YEAR_MIN_DAYS = 324
PM_POLLUTANTS = ("pm10", "pm25")
# The daily column each pollutant's period statistic is taken from, and which statistic.
PERIOD_SOURCES = {"so2": ("so2", "mean"), "no2": ("no2", "mean"), "pm10": ("pm10", "mean"),
                  "pm25": ("pm25", "mean"), "co": ("co", 0.95), "o3": ("o3_8h", 0.90)}
STATISTIC_COLUMNS = {"so2": "so2", "no2": "no2", "pm10": "pm10", "pm25": "pm25", "co": "co_p95",
                     "o3": "o3_8h_p90"}
# Why a row is invalid, per language: English as the command line prints it, Chinese for the pages.
REASON_COLUMNS = {"en": "invalid_reason", "zh": "invalid_reason_zh"}


def required_days(start: dt.date, end: dt.date) -> int:
    """Daily values a period (inclusive dates) needs for a valid period statistic.

    A calendar month needs 27 (February 25) and a calendar year 324, as GB 3095 says. Any other range
    (year to date, several months, a week) is pro-rated at the annual rate, ⌈days × 324/365⌉, so a
    custom range is held to the same share of valid days as a full year.
    """
    days = (end - start).days + 1
    whole_month = start.day == 1 and end == start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if whole_month:
        return FEBRUARY_MIN_DAYS if start.month == 2 else MONTH_MIN_DAYS
    if start == dt.date(start.year, 1, 1) and end == dt.date(start.year, 12, 31):
        return YEAR_MIN_DAYS
    return math.ceil(days * YEAR_MIN_DAYS / 365 - 1e-9)


def reason_text(reasons: Sequence[Term], lang: str):
    """The reasons (``reason.*`` Terms) a row is invalid, joined, in ``lang``; NA when there are none."""
    return translate("reason.separator", lang).join(reason.render(lang) for reason in reasons) or pd.NA


def _in_period(daily: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    dates = pd.to_datetime(daily["date"])
    return daily[(dates >= pd.Timestamp(start)) & (dates <= pd.Timestamp(end))]


def _dust_flags(daily: pd.DataFrame, key: str, dust_days: pd.DataFrame | None) -> np.ndarray:
    """True for rows on a sand-dust day of their own key or of the whole region (key NULL)."""
    if dust_days is None or dust_days.empty:
        return np.zeros(len(daily), dtype=bool)
    dates = pd.to_datetime(daily["date"]).dt.normalize()
    marked = pd.to_datetime(dust_days["date"]).dt.normalize()
    region = marked[dust_days[key].isna()] if key in dust_days else marked
    flagged = dates.isin(set(region)).to_numpy()
    if key in dust_days:
        local = dust_days[key].notna()
        marked_pairs = pd.MultiIndex.from_arrays([dust_days.loc[local, key], marked[local]])
        flagged = flagged | pd.MultiIndex.from_arrays([daily[key], dates]).isin(marked_pairs)
    return flagged


def period_composite(daily: pd.DataFrame, start: dt.date, end: dt.date, version: str, *,
                     key: str = "station_code", dust_days: pd.DataFrame | None = None,
                     divisors: dict | None = None, weights: dict | None = None) -> pd.DataFrame:
    """HJ 663 composite index of each ``key`` over the inclusive dates start…end.

    ``daily`` is daily.daily_statistics' output (NaN = invalid day). Period statistics: means of daily
    so2, no2, pm10, pm25 (µg/m³); co_p95, the 95th percentile of daily CO (mg/m³); o3_8h_p90, the 90th
    percentile of the daily max 8-hour O3 (µg/m³), percentiles by HJ 663's formula (numpy's linear).
    Sub-index si_<pollutant> = weight × C / S from standards.composite_config (``divisors``/``weights``
    override it); composite_index = their sum; primary_pollutant = the largest sub-index.

    Sand-dust days (``dust_days``: date, and ``key`` NULL for the whole region) are left out of PM10
    and PM2.5, and the days a PM statistic needs drop by the number of dust days. A pollutant with
    fewer valid days than required_days makes the row invalid: ``valid`` False, ``invalid_reason``
    (English) and ``invalid_reason_zh`` say why, and composite_index is NaN (its statistics stay visible).
    """
    rows = _in_period(daily, start, end).copy()
    on_dust_day = _dust_flags(rows, key, dust_days)
    for pm in PM_POLLUTANTS:
        rows.loc[on_dust_day, pm] = np.nan
    grouped = rows.groupby(key)
    statistics = pd.DataFrame(index=pd.Index(sorted(rows[key].unique()), name=key))
    for pollutant in POLLUTANTS:
        column, statistic = PERIOD_SOURCES[pollutant]
        values = grouped[column]
        statistics[STATISTIC_COLUMNS[pollutant]] = values.mean() if statistic == "mean" else values.quantile(statistic)
        statistics[f"days_{pollutant}"] = values.count().reindex(statistics.index, fill_value=0)
    statistics["dust_days"] = pd.Series(on_dust_day, index=rows.index).groupby(rows[key]).sum() \
        .reindex(statistics.index, fill_value=0)
    return composite_from_statistics(statistics, required_days(start, end), version, divisors, weights)


def composite_from_statistics(statistics: pd.DataFrame, needed: int, version: str, divisors: dict | None = None,
                              weights: dict | None = None) -> pd.DataFrame:
    """period_composite's result from each key's period statistics (index: the key): the
    STATISTIC_COLUMNS values, days_<pollutant> (valid days, PM without sand-dust days) and dust_days;
    ``needed`` is required_days of the period. Shared by the pandas path and the store's SQL path."""
    config = composite_config(version, divisors, weights)
    dust_count = statistics["dust_days"].to_numpy()
    # In numpy, and reasons built only for the rows that have one: this runs four times per ranking on
    # every township, where pandas' fixed cost per operation and a list per row (the allocations set off
    # the garbage collector over a large heap) cost more than the figures.
    reasons: dict[int, list[Term]] = {}
    sub_indices = {}
    for pollutant in POLLUTANTS:
        count = statistics[f"days_{pollutant}"].to_numpy()
        need = np.maximum(needed - dust_count if pollutant in PM_POLLUTANTS else np.full(len(count), needed), 1)
        for row in np.flatnonzero(count < need).tolist():
            reasons.setdefault(row, []).append(term("reason.too_few_valid_days", pollutant=pollutant,
                                                    days=int(count[row]), required=int(need[row])))
        sub_indices[f"si_{pollutant}"] = (config.loc[pollutant, "weight"] * statistics[STATISTIC_COLUMNS[pollutant]]
                                          .to_numpy(dtype=float) / config.loc[pollutant, "divisor"])
    valid = np.ones(len(statistics), dtype=bool)
    valid[list(reasons)] = False
    texts = {column: np.full(len(statistics), pd.NA, dtype=object) for column in REASON_COLUMNS.values()}
    for row, found in reasons.items():
        for lang, column in REASON_COLUMNS.items():
            texts[column][row] = reason_text(found, lang)
    matrix = np.column_stack(list(sub_indices.values()))
    largest = np.argmax(np.where(np.isnan(matrix), -np.inf, matrix), axis=1)
    primary = pd.Series(np.array(POLLUTANTS)[largest], index=statistics.index, dtype="string")
    result = pd.concat([statistics.drop(columns="dust_days"), pd.DataFrame(
        {**sub_indices, "valid": valid, **texts, "composite_index": np.where(valid, matrix.sum(axis=1), np.nan),
         "primary_pollutant": primary.where(~np.isnan(matrix).all(axis=1)), "dust_days": dust_count,
         "required_days": needed}, index=statistics.index)], axis=1)
    return result.reset_index()


def aqi_day_counts(daily: pd.DataFrame, start: dt.date, end: dt.date, version: str, *,
                   key: str = "station_code", aqi: pd.Series | None = None) -> pd.DataFrame:
    """Good-day ratio and days by level of each ``key`` over start…end under one standard version.

    Daily AQI from daily.daily_statistics' output (aqi.daily_aqi, a day needs every item). Returns
    valid_days (days with an AQI), good_days (AQI ≤ 100), good_day_ratio (0–1), heavy_days
    (AQI > 200) and days_level_1 … days_level_6. Sand-dust days stay in, as national practice counts them.
    ``aqi``: the daily AQI of every row of ``daily`` under ``version``, when already computed.
    """
    rows = _in_period(daily, start, end)
    scores = (daily_aqi(rows, version=version)["aqi"] if aqi is None else aqi.loc[rows.index]).to_numpy(float)
    level = aqi_levels(scores)["level"].to_numpy(dtype=float, na_value=np.nan)
    frame = pd.DataFrame({key: rows[key].to_numpy(), "valid_days": ~np.isnan(scores), "good_days": scores <= 100,
                          "heavy_days": scores > 200}
                         | {f"days_level_{number}": level == number for number in range(1, 7)})
    return with_good_day_ratio(frame.groupby(key).sum()).reset_index()


def with_good_day_ratio(counts: pd.DataFrame) -> pd.DataFrame:
    """``counts`` (valid_days, good_days per key) with good_day_ratio (0–1; NaN without a valid day)."""
    counts["good_day_ratio"] = counts["good_days"] / counts["valid_days"].where(counts["valid_days"] > 0)
    return counts
