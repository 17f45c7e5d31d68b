"""Store-backed assessment beyond the township ranking: rankings by level, targets and their progress,
through the public ranking functions (stations.assessment.rank_store, stations.ranking.rank_townships)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from core.errors import BadInputError
from core.policy import User, require_target_entry
from core.settings import get_settings
from core.timeutil import now_beijing
from data.stations import latest_observation_time, read_sand_dust_days, township_daily_aggregates
from data.store import Store
from data.targets import read_targets, save_target, unit_exists
from data.townships import read_admin_units, read_township_register
from stations.assessment import rank_store, ranking_version
from stations.daily import finish_daily
from stations.levels import LEVELS, rank_within, unit_daily
from stations.ranking import DEDUCTION_FIGURES, KEY, Period, rank_townships
from stations.standards import check_version
from stations.targets import check_metric, target_progress


def _parents(store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    with store.read() as con:
        return read_township_register(con), read_admin_units(con)


def rank_level(store: Store, period: Period, level: str = "township_in_county", *, by: str = "composite",
               version: str | None = None, as_of: dt.datetime | None = None) -> pd.DataFrame:
    """A ranking of ``period`` at ``level`` (stations.levels.LEVELS): townships within their county (a
    township directly under a city, within the city), townships within their city, or counties within
    their city. A county's values are the mean of its townships' daily values, ranked by
    stations.ranking.rank_townships under the same rules; its fire points and deductions are its
    townships' sums; only region-wide sand-dust days apply to it.

    Returns rank_townships' columns (township_code and township then hold the ranked unit's code and
    name) with level, parent_code, parent_name and level_rank (1 = best within the parent).
    """
    if level not in LEVELS:
        raise BadInputError("error.unknown_rank_level", field="level", level=level, known=list(LEVELS))
    register, units = _parents(store)
    names = units.set_index("code")["name"]
    townships = register.set_index("code")
    ranking = rank_store(store, period, by=by, version=version, as_of=as_of)
    unit, parent_column = LEVELS[level]
    if unit == "township":
        parent = townships[parent_column]
        if level == "township_in_county":
            parent = parent.fillna(townships["city_code"])
    else:
        ranking = _rank_counties(store, period, ranking, townships["county_code"], units, by=by,
                                 version=ranking["standard_version"].iloc[0])
        parent = units.set_index("code")["parent_code"]
    within = rank_within(ranking, parent, by)
    within["parent_name"] = within["parent_code"].map(names)
    within["level"] = level
    return within


def _rank_counties(store: Store, period: Period, township_ranking: pd.DataFrame, county_of: pd.Series,
                   units: pd.DataFrame, *, by: str, version: str) -> pd.DataFrame:
    span = period.data_span()
    with store.read() as con:
        aggregates = township_daily_aggregates(con, span.start, span.end)
        dust_days = read_sand_dust_days(con, span.start, span.end)
    counties = units[units["level"] == "county"].rename(columns={"code": KEY})[[KEY, "name"]]
    if counties.empty:
        raise BadInputError("error.no_counties")
    daily = unit_daily(finish_daily(aggregates, key=KEY), county_of)
    owed = (township_ranking.assign(**{KEY: township_ranking[KEY].map(county_of)}).dropna(subset=[KEY])
            .groupby(KEY, as_index=False)[list(DEDUCTION_FIGURES)].sum())
    settings = get_settings()
    region_dust = dust_days[dust_days[KEY].isna()] if KEY in dust_days else dust_days
    return rank_townships(daily, period, version, by=by, townships=counties, deductions=owed,
                          dust_days=region_dust, divisors=settings.composite_divisors,
                          weights=settings.composite_weights)


def set_target(store: Store, user: User, *, unit_code: str, year: int, metric: str, value: float,
               version: str | None = None) -> None:
    """Set (or replace) the target of a unit for a year and metric, judged under ``version`` (default:
    the edition in force at the end of the year). Only supervisors and administrators set targets."""
    require_target_entry(user)
    check_metric(metric)
    edition = check_version(version or ranking_version(Period.parse(str(year))))
    if value < 0 or (metric.endswith("_ratio") and value > 1):
        raise BadInputError("error.target_value_out_of_range", field="target_value", metric=metric, value=value)
    with store.acting_as(user).write() as con:
        if not unit_exists(con, unit_code):
            raise BadInputError("error.no_unit_in_store", field="unit_code", unit=unit_code)
        save_target(con, unit_code=unit_code, year=year, metric=metric, target_value=value, standard_version=edition,
                    set_by=user.name, set_at=now_beijing().replace(tzinfo=None))


def progress_of_targets(store: Store, year: int, as_of: dt.date | None = None) -> pd.DataFrame:
    """Every target of ``year`` as it stands on ``as_of`` (default: the last day with observations, at
    most 31 December): stations.targets.target_progress's columns with unit_name and unit_level
    (township, county, city). A county's and a city's daily values are the mean of their townships'."""
    with store.read() as con:
        targets = read_targets(con, year)
        latest = latest_observation_time(con)
        day = as_of or min((latest.date() if latest else dt.date(year, 12, 31)), dt.date(year, 12, 31))
        aggregates = township_daily_aggregates(con, dt.date(year, 1, 1), day)
        dust_days = read_sand_dust_days(con, dt.date(year, 1, 1), day)
    register, units = _parents(store)
    daily = finish_daily(aggregates, key=KEY)
    townships = register.set_index("code")
    city_of_county = units.set_index("code")["parent_code"]
    frames = [daily, unit_daily(daily, townships["county_code"]),
              unit_daily(daily, townships["city_code"].fillna(townships["county_code"].map(city_of_county)))]
    settings = get_settings()
    progress = target_progress(pd.concat(frames, ignore_index=True), targets, day, dust_days=dust_days,
                               divisors=settings.composite_divisors, weights=settings.composite_weights)
    names = pd.concat([townships["name"], units.set_index("code")["name"]])
    levels = pd.concat([pd.Series("township", index=townships.index), units.set_index("code")["level"]])
    progress["unit_name"] = progress["unit_code"].map(names)
    progress["unit_level"] = progress["unit_code"].map(levels)
    progress["as_of"] = day
    return progress
