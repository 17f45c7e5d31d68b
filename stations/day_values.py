"""Finished township-day values kept in the store, and the ranking's period tables read from them in one query."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from data.day_values import AQI_COLUMNS, DAY_VALUE_COLUMNS, day_values_current, period_statistics, replace_day_values
from data.stations import month_spans, refresh_township_days, township_daily_aggregates, township_days_current
from stations.aqi import daily_aqi
from stations.composite import composite_from_statistics, required_days, with_good_day_ratio
from stations.daily import finish_daily
from stations.ranking import KEY, Period, PeriodTables

COUNT_COLUMNS = ("valid_days", "good_days", "heavy_days")


def daily_values_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether both derived daily tables (township_days and township_day_values) reflect the store."""
    return township_days_current(con) and day_values_current(con)


def finished_days(aggregates: pd.DataFrame) -> pd.DataFrame:
    """township_days' shape (stations.daily.daily_aggregates) → the finished values of each
    township-day: stations.daily.finish_daily's means and O3 maxima with the day's AQI under every
    standard edition (aqi_2012, aqi_2026), as a ranking computes them."""
    daily = finish_daily(aggregates, key=KEY)
    for version, column in AQI_COLUMNS.items():
        daily[column] = daily_aqi(daily, version=version)["aqi"].to_numpy()
    return daily


def refresh_daily_values(con: duckdb.DuckDBPyConnection, span: tuple[dt.date, dt.date] | None) -> None:
    """Rebuild township_days and township_day_values for the Beijing dates in ``span`` (inclusive;
    what an import touched, valid when both were current before it) or, with None, for every date.
    Runs inside the caller's write transaction."""
    refresh_township_days(con, span)
    refresh_day_values(con, span)


def refresh_day_values(con: duckdb.DuckDBPyConnection, span: tuple[dt.date, dt.date] | None) -> None:
    """Rebuild township_day_values from township_days (current) for the Beijing dates in ``span``
    (inclusive) or, with None, for every date. Runs inside the caller's write transaction."""
    if span is None:
        replace_day_values(con, pd.DataFrame(columns=[KEY, "date", *DAY_VALUE_COLUMNS]), None)
        span = con.execute("SELECT min(date), max(date) FROM township_days").fetchone()
    for first, last in month_spans(*span):
        # A month at a time, so a province's year never sits in memory at once.
        replace_day_values(con, finished_days(township_daily_aggregates(con, first, last)), (first, last))


def period_tables(con: duckdb.DuckDBPyConnection, period: Period, version: str, *, divisors: dict | None,
                  weights: dict | None) -> PeriodTables:
    """stations.ranking.rank_tables' ``tables`` for ``period`` under ``version`` from the finished
    township-day values: one query for the period, the previous one and both a year back; sand-dust
    days (sand_dust_days) left out of PM as stations.composite.period_composite leaves them out."""
    # A year's previous period is its year back: each distinct span is computed once.
    spans = list({(span.start, span.end): span for span in (period, period.year_ago(), period.previous(),
                                                            period.previous().year_ago())}.values())
    statistics = period_statistics(con, [(span.start, span.end) for span in spans], version)
    tables = {}
    for number, span in enumerate(spans):
        rows = statistics[statistics["period"] == number].drop(columns="period").set_index(KEY)
        counts = with_good_day_ratio(rows[list(COUNT_COLUMNS)].copy())
        composite = composite_from_statistics(rows.drop(columns=list(COUNT_COLUMNS)),
                                              required_days(span.start, span.end), version, divisors, weights)
        tables[(span.start, span.end)] = (composite, counts)
    return lambda span: tables[(span.start, span.end)]
