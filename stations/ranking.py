"""The monthly/annual township ranking: composite index, PM, good days, year-on-year, fire points and deductions,
rank change."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from core.errors import BadInputError
from core.vocabulary import term
from stations.aqi import daily_aqi
from stations.composite import REASON_COLUMNS, aqi_day_counts, period_composite, reason_text
from stations.daily import daily_statistics
from stations.standards import POLLUTANTS, check_version

KEY = "township_code"
# Ranking keys: the column ranked and whether a larger value ranks better.
RANK_KEYS = {"composite": ("composite_index", False), "pm25": ("pm25", False), "pm10": ("pm10", False),
             "good_days": ("good_day_ratio", True), "yoy": ("composite_yoy_pct", False),
             "yoy_pm25": ("pm25_yoy_pct", False)}
RANKING_COLUMNS = ["rank", "township_code", "township", "composite_index", "pm25", "pm10", "so2", "no2",
                   "co_p95", "o3_8h_p90", "good_day_ratio", "heavy_days", "valid_days",
                   "composite_yoy_pct", "pm25_yoy_pct", "fire_points", "fire_points_pending", "fire_points_confirmed",
                   "fire_points_struck_off", "deduction_cny", "rank_change",
                   "primary_pollutant", "valid", "invalid_reason", "invalid_reason_zh", "standard_version",
                   "period"]

# What rank_townships takes from the deductions per township (fire points by review state, CNY owed).
DEDUCTION_FIGURES = ("fire_points", "fire_points_pending", "fire_points_confirmed", "fire_points_struck_off",
                     "deduction_cny")

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """An inclusive range of Beijing calendar dates that a ranking covers."""

    start: dt.date
    end: dt.date

    @classmethod
    def parse(cls, text: str) -> Period:
        """"2024-01" (a month), "2024" (a year), "2024-01..2024-03" (months) or
        "2024-01-05..2024-02-10" (days; months and days may be mixed)."""
        first, _, last = text.strip().partition("..")
        start = cls._bound(first, is_end=False, text=text)
        end = cls._bound(last or first, is_end=True, text=text)
        if end < start:
            raise BadInputError("error.period_ends_before_start", field="period", period=text)
        return cls(start, end)

    @staticmethod
    def _bound(part: str, is_end: bool, text: str) -> dt.date:
        try:
            if match := _YEAR.match(part):
                year = int(match[1])
                return dt.date(year, 12, 31) if is_end else dt.date(year, 1, 1)
            if match := _MONTH.match(part):
                year, month = int(match[1]), int(match[2])
                return _month_end(year, month) if is_end else dt.date(year, month, 1)
            if match := _DAY.match(part):
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError as error:
            raise BadInputError("error.period_not_a_date", field="period", period=text, detail=str(error)) from error
        raise BadInputError("error.period_format", field="period", period=text)

    @property
    def whole_months(self) -> int:
        """Number of calendar months covered when the period is whole months, else 0."""
        if self.start.day != 1 or self.end != _month_end(self.end.year, self.end.month):
            return 0
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        months = self.whole_months
        if months == 12 and self.start.month == 1:
            return f"{self.start.year}"
        if months == 1:
            return f"{self.start:%Y-%m}"
        if months:
            return f"{self.start:%Y-%m}..{self.end:%Y-%m}"
        return f"{self.start:%Y-%m-%d}..{self.end:%Y-%m-%d}"

    def shifted_months(self, months: int) -> Period:
        start = _add_months(self.start, months)
        end_month = _add_months(self.end.replace(day=1), months)
        return Period(start, _month_end(end_month.year, end_month.month))

    def previous(self) -> Period:
        """The period of the same length just before: the previous month(s) or year, else the
        preceding equal number of days."""
        if months := self.whole_months:
            return self.shifted_months(-months)
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))

    def year_ago(self) -> Period:
        """The same period one year earlier (29 February becomes the 28th)."""
        if self.whole_months:
            return self.shifted_months(-12)

        def back(day: dt.date) -> dt.date:
            return day.replace(year=day.year - 1, day=min(day.day, calendar.monthrange(day.year - 1, day.month)[1]))

        return Period(back(self.start), back(self.end))

    def data_span(self) -> Period:
        """Every date a ranking of this period reads: it, the previous period, and both a year back."""
        return Period(min(self.previous().year_ago().start, self.year_ago().start), self.end)


def township_hourly(hourly: pd.DataFrame, station_townships: pd.DataFrame) -> pd.DataFrame:
    """Hourly township means: the township stations' values averaged per hour before anything else.

    ``hourly``: station_code, time (Beijing), so2, no2, o3, pm10, pm25 µg/m³, co mg/m³.
    ``station_townships``: station_code, township_code (township stations only: national stations
    count for the city, not for a township). Returns township_code, time and the six pollutants.
    """
    joined = hourly.merge(station_townships[["station_code", KEY]], on="station_code", how="inner")
    return joined.groupby([KEY, "time"], as_index=False)[list(POLLUTANTS)].mean()


def township_composite(daily: pd.DataFrame, span: Period, version: str, codes: pd.Index,
                       dust_days: pd.DataFrame | None, divisors: dict | None, weights: dict | None) -> pd.DataFrame:
    """HJ 663 composite index of every township in ``codes`` (index) over ``span``; a township with no
    data is listed invalid with the reason 'no observations in the period'."""
    return listed(period_composite(daily, span.start, span.end, version, key=KEY, dust_days=dust_days,
                                   divisors=divisors, weights=weights), codes)


def listed(composite: pd.DataFrame, codes: pd.Index) -> pd.DataFrame:
    """A period's composite (stations.composite's columns, one row per township with data) indexed by
    every township in ``codes``; those without data invalid with the reason 'no observations in the period'."""
    composite = composite.set_index(KEY).reindex(codes)
    observed = composite["valid"].notna()
    for lang, column in REASON_COLUMNS.items():
        composite[column] = composite[column].where(
            observed, reason_text([term("reason.no_observations_in_period")], lang))
    composite["valid"] = composite["valid"].astype("boolean").fillna(False)
    return composite


# What a ranking needs of one period: (the composite of each township with data, stations.composite's
# columns; its valid_days, good_days, heavy_days and good_day_ratio indexed by township).
PeriodTables = Callable[[Period], tuple[pd.DataFrame, pd.DataFrame]]


def _assess(tables: PeriodTables, period: Period, codes: pd.Index) -> pd.DataFrame:
    """Composite index and day counts of every township in ``codes`` over one period, with
    year-on-year changes against the same period a year earlier."""
    def table(span: Period) -> pd.DataFrame:
        composite, counts = tables(span)
        return listed(composite, codes).join(counts)

    current, last_year = table(period), table(period.year_ago())
    for column, change in (("composite_index", "composite_yoy_pct"), ("pm25", "pm25_yoy_pct")):
        before = last_year[column].where(last_year["valid"])
        current[change] = (current[column].where(current["valid"]) - before) / before * 100
    return current


def rank_by(assessed: pd.DataFrame, by: str) -> pd.Series:
    """Rank (1 = best, ties share the lower rank) of the valid rows by one of RANK_KEYS; invalid rows get none."""
    column, larger_is_better = RANK_KEYS[by]
    values = assessed[column].where(assessed["valid"])
    return values.rank(method="min", ascending=not larger_is_better).astype("Int64")


def daily_tables(daily: pd.DataFrame, version: str, *, dust_days: pd.DataFrame | None = None,
                 divisors: dict | None = None, weights: dict | None = None) -> PeriodTables:
    """Each period's composite and day counts (PeriodTables) from township daily values."""
    aqi = daily_aqi(daily, version=version)["aqi"]

    def tables(span: Period) -> tuple[pd.DataFrame, pd.DataFrame]:
        composite = period_composite(daily, span.start, span.end, version, key=KEY, dust_days=dust_days,
                                     divisors=divisors, weights=weights)
        return composite, aqi_day_counts(daily, span.start, span.end, version, key=KEY, aqi=aqi).set_index(KEY)
    return tables


def assess_townships(daily: pd.DataFrame, period: Period, version: str, codes: pd.Index, *,
                     dust_days: pd.DataFrame | None = None, divisors: dict | None = None,
                     weights: dict | None = None) -> pd.DataFrame:
    """Each township in ``codes`` assessed over ``period`` and over the period before it, one row per
    township and ``span`` ('current' or 'previous'), indexed by township_code.

    Every figure depends on the township's own days only, so townships can be assessed in groups (one
    machine or one Spark task each) and the rows put together for rank_assessed."""
    check_version(version)
    tables = daily_tables(daily, version, dust_days=dust_days, divisors=divisors, weights=weights)
    spans = {"current": period, "previous": period.previous()}
    return pd.concat([_assess(tables, span, codes).assign(span=name) for name, span in spans.items()])


def rank_townships(daily: pd.DataFrame, period: Period, version: str, *, by: str = "composite",
                   townships: pd.DataFrame | None = None, deductions: pd.DataFrame | None = None,
                   dust_days: pd.DataFrame | None = None, divisors: dict | None = None,
                   weights: dict | None = None) -> pd.DataFrame:
    """Rank townships over ``period`` under one standard ``version`` (for every township and for the
    previous and year-ago periods alike).

    ``daily``: township daily values (daily.daily_statistics with key township_code) covering
    period.data_span(). ``townships``: township_code and name of every township to list (default:
    those in ``daily``). ``deductions``: one row per township (data.deductions.township_deductions):
    township_code, fire_points, fire_points_pending, fire_points_confirmed, fire_points_struck_off
    (the period's fire points by review state) and deduction_cny (what the period's confirmed problems
    cost it); townships without a row have none. ``dust_days``: date, township_code (NULL = whole region). ``by``: one of RANK_KEYS; lower
    concentrations, indices and changes rank better, a higher good-day ratio ranks better.

    Returns RANKING_COLUMNS, ranked rows first: rank 1 is the best; a township whose period fails
    the validity rules has no rank and says why in invalid_reason (English) and invalid_reason_zh.
    Concentrations µg/m³ (co_p95 mg/m³), ratios 0–1, yoy in percent (negative = improved), deduction
    in CNY, rank_change = previous period's rank − this rank (positive = moved up).
    """
    check_version(version)
    if townships is None:
        townships = pd.DataFrame({KEY: sorted(daily[KEY].unique()), "name": pd.NA})
    tables = daily_tables(daily, version, dust_days=dust_days, divisors=divisors, weights=weights)
    return rank_tables(tables, period, version, by=by, townships=townships, deductions=deductions)


def rank_tables(tables: PeriodTables, period: Period, version: str, *, by: str, townships: pd.DataFrame,
                deductions: pd.DataFrame | None) -> pd.DataFrame:
    """rank_townships' result from each period's composite and day counts (``tables``: the period,
    its previous period and both a year back), however they were computed."""
    if by not in RANK_KEYS:
        raise BadInputError("error.unknown_rank_key", field="by", by=by, known=list(RANK_KEYS))
    codes = pd.Index(townships[KEY], name=KEY)
    return _ranked(_assess(tables, period, codes), _assess(tables, period.previous(), codes), period, version,
                   by=by, townships=townships, deductions=deductions)


def rank_assessed(assessed: pd.DataFrame, period: Period, version: str, *, by: str = "composite",
                  townships: pd.DataFrame | None = None, deductions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ranking of ``period`` from assess_townships' rows (of every township, in any order); see
    rank_townships for the arguments and the columns."""
    if by not in RANK_KEYS:
        raise BadInputError("error.unknown_rank_key", field="by", by=by, known=list(RANK_KEYS))
    current = assessed[assessed["span"] == "current"].drop(columns="span").sort_index()
    previous = assessed[assessed["span"] == "previous"].drop(columns="span").reindex(current.index)
    if townships is None:
        townships = pd.DataFrame({KEY: current.index, "name": pd.NA})
    return _ranked(current, previous, period, version, by=by, townships=townships, deductions=deductions)


def _ranked(current: pd.DataFrame, previous: pd.DataFrame, period: Period, version: str, *, by: str,
            townships: pd.DataFrame, deductions: pd.DataFrame | None) -> pd.DataFrame:
    """Ranks, rank change, deductions and names on the assessed ``current`` period (indexed by township)."""
    codes = current.index
    current["rank"] = rank_by(current, by)
    current["rank_change"] = rank_by(previous, by) - current["rank"]
    owed = (deductions.set_index(KEY) if deductions is not None else pd.DataFrame(columns=[KEY, *DEDUCTION_FIGURES])
            .set_index(KEY))[list(DEDUCTION_FIGURES)].reindex(codes).fillna(0)
    for column in DEDUCTION_FIGURES:
        current[column] = owed[column].astype("float64" if column == "deduction_cny" else "int64")
    current["township"] = townships.set_index(KEY)["name"].reindex(codes)
    current["standard_version"] = version
    current["period"] = period.label
    sort_column, larger_is_better = RANK_KEYS[by]
    ordered = current.reset_index().sort_values(
        ["rank", sort_column, KEY], ascending=[True, not larger_is_better, True], na_position="last")
    return ordered[RANKING_COLUMNS].reset_index(drop=True)


def rank_from_hourly(hourly: pd.DataFrame, station_townships: pd.DataFrame, period: Period, version: str,
                     **options) -> pd.DataFrame:
    """rank_townships from hourly station observations (township_hourly, then daily_statistics):
    the reference path, which the store's SQL path must agree with. ``options`` as rank_townships."""
    daily = daily_statistics(township_hourly(hourly, station_townships), key=KEY)
    return rank_townships(daily, period, version, **options)
