"""Store-backed entry points of the science: rank townships and score a station's AQI, reading via the repository."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from core.errors import BadInputError
from core.settings import get_settings
from data.deductions import township_deductions
from data.stations import (
    mark_sand_dust_day,
    read_hourly_observations,
    read_sand_dust_days,
    read_station_townships,
    township_daily_aggregates,
)
from data.store import Store
from data.townships import township_exists
from stations.aqi import daily_aqi, hourly_aqi
from stations.daily import daily_statistics, finish_daily, trailing_24h_means
from stations.day_values import daily_values_current, period_tables
from stations.ranking import KEY, Period, rank_by, rank_tables, rank_townships, township_composite
from stations.standards import check_version, version_in_force


def ranking_version(period: Period, version: str | None = None) -> str:
    """The one standard edition a ranking of ``period`` uses: the given one, else the setting
    standard_version, else the edition in force on the period's last day."""
    chosen = version or get_settings().standard_version or version_in_force(period.end)
    return check_version(chosen)


def rank_store(store: Store, period: Period, *, by: str = "composite", version: str | None = None,
               as_of: dt.datetime | None = None) -> pd.DataFrame:
    """The township ranking of ``period`` from the store (stations.ranking.rank_townships' columns).

    One query over the finished township-day values the importers keep (stations.day_values) gives
    every period statistic and day count; validity, ranks and year-on-year run on those few rows.
    When the finished values do not reflect the store (rows written some other way), the ranking is
    rank_store_from_aggregates'. Divisors and weights come from the settings; fire points by review
    state and the deductions from the dated ledger, as they stood at ``as_of`` (naive Beijing; None:
    now), so a period's amount can be read again after later reviews.
    """
    settings = get_settings()
    edition = ranking_version(period, version)
    with store.read() as con:
        if not daily_values_current(con):
            return _rank_from_aggregates(con, period, edition, by, as_of)
        townships = _ranked_townships(con)
        tables = period_tables(con, period, edition, divisors=settings.composite_divisors,
                               weights=settings.composite_weights)
        deductions = township_deductions(con, period.start, period.end, as_of)
    return rank_tables(tables, period, edition, by=by, townships=townships, deductions=deductions)


def rank_store_from_aggregates(store: Store, period: Period, *, by: str = "composite", version: str | None = None,
                               as_of: dt.datetime | None = None) -> pd.DataFrame:
    """rank_store's ranking the way it was computed before the finished values were stored (the
    benchmark's baseline and the fallback): the daily aggregates (township_days, else the hourly rows)
    read into pandas, then finish_daily and the pure rank_townships."""
    with store.read() as con:
        return _rank_from_aggregates(con, period, ranking_version(period, version), by, as_of)


def _ranked_townships(con) -> pd.DataFrame:
    station_townships = read_station_townships(con)
    if station_townships.empty:
        raise BadInputError("error.no_township_stations")
    return (station_townships.drop_duplicates(KEY)[[KEY, "township"]]
            .rename(columns={"township": "name"}))


def _rank_from_aggregates(con, period: Period, edition: str, by: str, as_of: dt.datetime | None) -> pd.DataFrame:
    settings = get_settings()
    span = period.data_span()
    townships = _ranked_townships(con)
    aggregates = township_daily_aggregates(con, span.start, span.end)
    deductions = township_deductions(con, period.start, period.end, as_of)
    dust_days = read_sand_dust_days(con, span.start, span.end)
    return rank_townships(finish_daily(aggregates, key=KEY), period, edition, by=by, townships=townships,
                          deductions=deductions, dust_days=dust_days, divisors=settings.composite_divisors,
                          weights=settings.composite_weights)


TREND_COLUMNS = ["month", "township_code", "township", "composite_index", "pm25", "pm10", "rank", "valid",
                 "invalid_reason", "invalid_reason_zh", "standard_version"]


def monthly_trend(store: Store, last_month: str, months: int = 12, *, version: str | None = None) -> pd.DataFrame:
    """Each township's composite index and composite rank in each of the ``months`` calendar months
    ending with ``last_month`` ('YYYY-MM'), oldest first.

    One read of the daily aggregates for the whole span and one finish_daily; then HJ 663's period
    composite of each month on those days (month validity rules as rank_store; sand-dust days left out
    of PM). One standard edition for the whole trend so the months compare: ranking_version of the
    span (the one in force on the last month's last day unless ``version`` or the setting forces
    one), named in standard_version. Divisors and weights come from the settings.

    Returns TREND_COLUMNS, one row per month and township with a township station: composite_index,
    pm25, pm10 (µg/m³, period means), rank 1 = lowest composite among that month's valid townships
    (none when invalid), valid, invalid_reason and invalid_reason_zh.
    """
    if months < 1:
        raise BadInputError("error.trend_months_too_few", field="months", months=months)
    last = Period.parse(last_month)
    if last.whole_months != 1:
        raise BadInputError("error.not_one_month", field="last_month", month=last_month)
    span = Period(last.shifted_months(1 - months).start, last.end)
    settings = get_settings()
    edition = ranking_version(span, version)
    with store.read() as con:
        station_townships = read_station_townships(con)
        aggregates = township_daily_aggregates(con, span.start, span.end)
        dust_days = read_sand_dust_days(con, span.start, span.end)
    if station_townships.empty:
        raise BadInputError("error.no_township_stations")
    names = station_townships.drop_duplicates(KEY).set_index(KEY)["township"]
    daily = finish_daily(aggregates, key=KEY)
    frames = []
    for offset in range(months):
        month = last.shifted_months(offset - months + 1)
        composite = township_composite(daily, month, edition, names.index, dust_days,
                                       settings.composite_divisors, settings.composite_weights)
        composite["rank"] = rank_by(composite, "composite")
        composite["month"] = month.label
        frames.append(composite)
    trend = pd.concat(frames).reset_index()
    trend["township"] = trend[KEY].map(names)
    trend["standard_version"] = edition
    return trend[TREND_COLUMNS]


def station_aqi(store: Store, station_code: str, day: dt.date, *, hourly: bool = False) -> pd.DataFrame:
    """A station's daily AQI for ``day`` (one row), or each hour's AQI, under the edition in force
    then. Columns: time, aqi, level, primary_pollutant, iaqi_<item>…, name_zh, name_en, colour."""
    start = dt.datetime.combine(day, dt.time())
    with store.read() as con:
        # The day before feeds the trailing 24-hour SO2 mean of the 2012 SO2 > 800 rule.
        hours = read_hourly_observations(con, start - dt.timedelta(days=1),
                                                    start + dt.timedelta(days=1), [station_code])
    hours = hours.sort_values("time").reset_index(drop=True)
    if not (hours["time"] >= start).any():
        raise BadInputError("error.no_station_observations", field="station", station=station_code,
                            day=f"{day:%Y-%m-%d}")
    if hourly:
        hours["so2_24h"] = trailing_24h_means(hours, "so2")
        hours = hours[hours["time"] >= start].reset_index(drop=True)
        scored = hourly_aqi(hours)
        times = hours["time"].dt.strftime("%Y-%m-%d %H:%M")
    else:
        daily = daily_statistics(hours[hours["time"] >= start])
        scored = daily_aqi(daily)
        times = daily["date"].dt.strftime("%Y-%m-%d")
    frame = pd.concat([times.rename("time").reset_index(drop=True), scored.reset_index(drop=True)], axis=1)
    frame["aqi"] = frame["aqi"].astype("Int64")
    iaqi_columns = [column for column in frame if column.startswith("iaqi_")]
    frame[iaqi_columns] = frame[iaqi_columns].astype("Int64")
    lead = ["time", "aqi", "level", "primary_pollutant"]
    return frame[lead + iaqi_columns + ["name_zh", "name_en", "colour"]]


def mark_dust_day(store: Store, day: dt.date, township: str | None = None, note: str | None = None) -> None:
    """Mark ``day`` (Beijing date) as a sand-dust day (例外事件) for the township with code ``township``, or for
    the whole region with None; marking it again replaces the note."""
    with store.write() as con:
        if township is not None and not township_exists(con, township):
            raise BadInputError("error.no_township_in_store", field="township", township=township)
        mark_sand_dust_day(con, day, township, note)
