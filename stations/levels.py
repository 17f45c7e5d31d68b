"""Rankings by level and period kind: the period a week, month, quarter, year to date, year or range
names, a county's daily values from its townships', and ranks within each parent unit."""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from core.errors import BadInputError
from stations.ranking import KEY, RANK_KEYS, Period

PERIOD_KINDS = ("week", "month", "quarter", "ytd", "year", "range")
# A level: which units are ranked and which parent they are ranked within.
LEVELS = {"township_in_county": ("township", "county_code"), "township_in_city": ("township", "city_code"),
          "county_in_city": ("county", "city_code")}
# Daily value columns (stations.daily.finish_daily) a unit takes as the mean of its townships'.
DAILY_MEANS = ("so2", "no2", "pm10", "pm25", "co", "o3_8h", "o3_1h")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


def _day_or_month_end(text: str) -> dt.date:
    """The date ``text`` names (YYYY-MM-DD), or the last day of the month it names (YYYY-MM)."""
    bounds = Period.parse(text)
    if bounds.days != 1 and bounds.whole_months != 1:
        raise BadInputError("error.period_format", field="period", period=text)
    return bounds.end


def period_of(kind: str, text: str) -> Period:
    """The Beijing dates a ranking of ``kind`` (PERIOD_KINDS) over ``text`` covers.

    week: the Monday–Sunday week containing the date (YYYY-MM-DD), or the last whole week ending in a
    month (YYYY-MM); month: YYYY-MM; quarter: YYYY-Q2 or the quarter of a month; ytd: 1 January to
    the date or the end of the month; year: YYYY; range: anything stations.ranking.Period.parse reads.

    >>> period_of("quarter", "2025-05").label
    '2025-04..2025-06'
    """
    text = text.strip()
    if kind not in PERIOD_KINDS:
        raise BadInputError("error.unknown_period_kind", field="kind", kind=kind, known=list(PERIOD_KINDS))
    if kind == "range":
        return Period.parse(text)
    if kind == "year":
        return Period.parse(text[:4])
    if kind == "quarter":
        match = _QUARTER.match(text)
        month = (int(match[2]) - 1) * 3 + 1 if match else (Period.parse(text).start.month - 1) // 3 * 3 + 1
        year = int(match[1]) if match else Period.parse(text).start.year
        return Period.parse(f"{year}-{month:02d}..{year}-{month + 2:02d}")
    end = _day_or_month_end(text)
    if kind == "month":
        return Period.parse(f"{end:%Y-%m}")
    if kind == "ytd":
        return Period(dt.date(end.year, 1, 1), end)
    names_a_day = Period.parse(text).days == 1
    sunday = end + dt.timedelta(days=6 - end.weekday()) if names_a_day else end - dt.timedelta(
        days=(end.weekday() + 1) % 7)
    return Period(sunday - dt.timedelta(days=6), sunday)


def unit_daily(daily: pd.DataFrame, parent_of: pd.Series) -> pd.DataFrame:
    """Daily values of each parent unit as the mean of its townships' valid daily values (a day counts
    when one township has it), keyed township_code = the unit's code, for stations.ranking's functions.

    ``daily``: township daily values (finish_daily, key township_code); ``parent_of``: township code →
    unit code (townships without one are left out).
    """
    units = daily[KEY].map(parent_of)
    known = units.notna()
    grouped = daily[known].assign(**{KEY: units[known]}).groupby([KEY, "date"], as_index=False)
    return grouped[list(DAILY_MEANS)].mean()


def rank_within(ranking: pd.DataFrame, parent: pd.Series, by: str) -> pd.DataFrame:
    """``ranking`` (stations.ranking.rank_townships' rows) with parent_code and level_rank: the rank
    (1 = best, ties share the lower rank) among the ranked rows of the same parent unit, by ``by``.
    ``parent``: township_code → parent unit code; rows without one form one group of their own."""
    column, larger_is_better = RANK_KEYS[by]
    ranked = ranking.assign(parent_code=ranking[KEY].map(parent).fillna(""))
    values = ranked[column].where(ranked["rank"].notna())
    ranked["level_rank"] = values.groupby(ranked["parent_code"]).rank(
        method="min", ascending=not larger_is_better).astype("Int64")
    ranked["parent_code"] = ranked["parent_code"].replace("", pd.NA)
    return ranked.sort_values(["parent_code", "level_rank", KEY], na_position="last").reset_index(drop=True)
