"""The stations and observations tables, with what is derived from them: township days and sand-dust days."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data.bulk import Relation
from data.geo import frame_to_geodataframe
from data.quality import EXCLUDED_FROM_STATISTICS, PLAUSIBLE_MAXIMUM, QualityFlag, quality_flag_sql

# The station kinds the stations table allows (its CHECK constraint); labels: 'station_kind.<code>'.
STATION_KINDS = ("national", "provincial", "township", "micro")


def read_stations(con: duckdb.DuckDBPyConnection, kinds: tuple[str, ...] | None = None) -> gpd.GeoDataFrame:
    """Stations that have a position (EPSG:4326), optionally only the given kinds."""
    frame = con.execute(
        "SELECT code, name, kind, township_code, city, lon, lat, geom FROM stations "
        "WHERE geom IS NOT NULL AND ($kinds IS NULL OR list_contains($kinds, kind)) ORDER BY code",
        {"kinds": list(kinds) if kinds else None},
    ).df()
    return frame_to_geodataframe(frame)




def read_station_townships(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Township stations and the township each counts for: station_code, township_code, township
    (name). National, provincial and micro stations are left out: they do not rank a township."""
    return con.execute(
        "SELECT s.code AS station_code, s.township_code, t.name AS township FROM stations s "
        "JOIN townships t ON t.code = s.township_code WHERE s.kind = 'township' ORDER BY s.code"
    ).df()


def read_hourly_observations(con: duckdb.DuckDBPyConnection, start: dt.datetime, end: dt.datetime,
                             station_codes: list[str] | None = None, *, include_wind: bool = False) -> pd.DataFrame:
    """Hourly concentrations (µg/m³, CO mg/m³) with start ≤ time < end (naive Beijing time), of the
    given stations or all, by station then time; hours with an excluded quality bit are left out.
    With ``include_wind`` also ws (m/s) and wd (degrees the wind comes from)."""
    wind = ", ws, wd" if include_wind else ""  # constant column names, never input
    return con.execute(
        f"SELECT station_code, time, so2, no2, o3, pm10, pm25, co{wind} FROM observations "
        "WHERE time >= $start AND time < $end AND (quality_flag & $bits) = 0 "
        "AND ($codes IS NULL OR list_contains($codes, station_code)) ORDER BY station_code, time",
        {"start": start, "end": end, "bits": EXCLUDED_FROM_STATISTICS, "codes": station_codes},
    ).to_arrow_table().to_pandas()  # through Arrow: 2-3× faster than .df() for a province month's hours


_MEAN_POLLUTANTS = ("so2", "no2", "pm10", "pm25", "co", "o3")
# Built from constant names only, never from input. The day's O3 hours come back as two lists
# (hours, values): far cheaper in DuckDB than 24 filtered aggregates, spread into columns in numpy. In hour
# order, so the stored lists do not depend on the order DuckDB's parallel scan read the rows in: the
# (hour, value) pairs are collected and then sorted, since an ordered aggregate (list(... ORDER BY hour))
# keeps a sort buffer per township-day and ran out of the import's 512 MB on a province's month.
_O3_PAIRS = "list_sort(list({'hour': hour, 'o3': o3}) FILTER (WHERE o3 IS NOT NULL))"
_DAILY_COLUMNS = ", ".join(
    [f"sum({p}) AS sum_{p}, count({p}) AS n_{p}" for p in _MEAN_POLLUTANTS]
    + [f"list_transform({_O3_PAIRS}, pair -> pair.hour) AS o3_hours",
       f"list_transform({_O3_PAIRS}, pair -> pair.o3) AS o3_values"])


# Township hours → township days: the one definition of that step, also run on Spark (stations/spark.py
# transpiles it with sqlglot), so it stays within SQL both engines have.
TOWNSHIP_HOURS_TO_DAYS = (
    "WITH members AS (SELECT code, township_code, count(*) OVER (PARTITION BY township_code) AS stations "
    "FROM stations WHERE kind = 'township' AND township_code IS NOT NULL), "
    "readings AS NOT MATERIALIZED (SELECT m.township_code, m.stations, o.time, o.so2, o.no2, o.pm10, "
    "o.pm25, o.co, o.o3 FROM observations o JOIN members m ON m.code = o.station_code "
    "WHERE o.time >= $start AND o.time < $end AND (o.quality_flag & $bits) = 0), "
    "hourly AS (SELECT township_code, time, so2, no2, pm10, pm25, co, o3 FROM readings WHERE stations = 1 "
    "UNION ALL SELECT township_code, time, avg(so2), avg(no2), avg(pm10), avg(pm25), avg(co), avg(o3) "
    "FROM readings WHERE stations > 1 GROUP BY township_code, time) "
    f"SELECT township_code, CAST(time AS DATE) AS date, {_DAILY_COLUMNS} "
    "FROM (SELECT *, CAST(hour(time) AS TINYINT) AS hour FROM hourly) "
    "GROUP BY township_code, CAST(time AS DATE)")
_DAY_COLUMNS = ("township_code, date, " + ", ".join(f"sum_{p}, n_{p}" for p in _MEAN_POLLUTANTS)
                + ", o3_hours, o3_values")
_MEMBERSHIP = ("SELECT coalesce(bit_xor(hash(code, township_code)), 0) FROM stations "
               "WHERE kind = 'township' AND township_code IS NOT NULL")


def day_bounds(start: dt.date, end: dt.date) -> dict:
    """TOWNSHIP_HOURS_TO_DAYS' parameters for the Beijing dates start…end (inclusive)."""
    return {"start": dt.datetime.combine(start, dt.time()),
            "end": dt.datetime.combine(end + dt.timedelta(days=1), dt.time()), "bits": EXCLUDED_FROM_STATISTICS}


def township_days_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the township_days table reflects the store: built from as many observation rows as
    there are, with the township stations it was built with."""
    state = con.execute("SELECT observation_rows, membership FROM township_days_state").fetchone()
    return state is not None and state == observation_state(con)


def observation_state(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """What the daily tables are built from: the number of observation rows and a hash of which
    township stations count for which township."""
    rows = con.execute("SELECT count(*) FROM observations").fetchone()[0]
    return rows, con.execute(_MEMBERSHIP).fetchone()[0]


# Township-days one query builds at most (about 150 MB of DuckDB's memory at the province's scale).
TOWNSHIP_DAYS_PER_QUERY = 200_000


def day_spans(first: dt.date, last: dt.date, days: int) -> Iterator[tuple[dt.date, dt.date]]:
    """The inclusive date spans of at most ``days`` days that cut first…last."""
    while first <= last:
        yield first, min(last, first + dt.timedelta(days=days - 1))
        first += dt.timedelta(days=days)


def month_spans(first: dt.date | None, last: dt.date | None) -> Iterator[tuple[dt.date, dt.date]]:
    """The inclusive date spans that cut first…last at calendar-month ends (none when first is None)."""
    while first is not None and first <= last:
        month_end = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        yield first, min(last, month_end)
        first = min(last, month_end) + dt.timedelta(days=1)


def refresh_township_days(con: duckdb.DuckDBPyConnection, span: tuple[dt.date, dt.date] | None,
                          adding: Relation | None = None) -> None:
    """Rebuild township_days for the Beijing dates in ``span`` (inclusive) — what an import touched,
    valid when the table was current before it — or, with None, for every date; then record the
    store's state as current. ``adding``: hourly rows (station_code, time, the pollutants present,
    quality_flag) none of which is stored yet, which the caller inserts next in the same transaction:
    the days are built from the stored hours and these, and the state recorded is the one the store
    has once they are in. Building them before the insert reads them from the staged file rather than
    from the transaction's own uncommitted rows, several times slower to scan. Runs inside the
    caller's write transaction."""
    hours, bindings = "observations", {}
    if adding is not None:
        present = set(adding.columns)
        selected = ", ".join(["station_code", "time", *(name if name in present else f"NULL AS {name}"
                                                         for name in _MEAN_POLLUTANTS), "quality_flag"])
        hours = (f"(SELECT station_code, time, {', '.join(_MEAN_POLLUTANTS)}, quality_flag FROM observations "
                 f"UNION ALL SELECT {selected} FROM {adding.sql})")
        bindings = adding.parameters
    if span is None:
        span = con.execute(f"SELECT min(time)::DATE, max(time)::DATE FROM {hours}", bindings or None).fetchone()
        con.execute("DELETE FROM township_days")
    else:
        con.execute("DELETE FROM township_days WHERE date BETWEEN $start AND $end",
                    {"start": span[0], "end": span[1]})
    # As few queries as memory allows: each scan reads the transaction's uncommitted rows or the whole staged
    # file again (its row groups hold every month), so twelve monthly scans of a province's year took 26 s
    # against 10 s for one. But a query holds every township-day it builds until it ends, and a province's
    # year (657,000) overran the import's 512 MB (Store.bound_memory): a query builds TOWNSHIP_DAYS_PER_QUERY.
    if span[0] is not None:
        townships = con.execute("SELECT count(DISTINCT township_code) FROM stations WHERE kind = 'township'"
                                ).fetchone()[0]
        for first, last in day_spans(*span, max(1, TOWNSHIP_DAYS_PER_QUERY // max(townships, 1))):
            con.execute(f"INSERT INTO township_days ({_DAY_COLUMNS}) "
                        + TOWNSHIP_HOURS_TO_DAYS.replace("FROM observations o", f"FROM {hours} o", 1),
                        {**day_bounds(first, last), **bindings})
    added = 0 if adding is None else con.execute(f"SELECT count(*) FROM {adding.sql}", bindings or None).fetchone()[0]
    con.execute("DELETE FROM township_days_state")
    con.execute(f"INSERT INTO township_days_state SELECT (SELECT count(*) FROM observations) + $added, "
                f"({_MEMBERSHIP})", {"added": added})


def township_daily_aggregates(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per township and Beijing date in start…end (inclusive): township stations averaged per hour,
    then each pollutant's sum and count of hourly values and the 24 O3 hours (o3_h00…o3_h23) — the
    shape of stations.daily.daily_aggregates, for stations.daily.finish_daily. Read from
    township_days when it is current, else computed from the hourly rows by the same SQL (the
    hours of a township with a single station pass straight through; only shared townships are
    averaged)."""
    if township_days_current(con):
        query = (f"SELECT {_DAY_COLUMNS} FROM township_days WHERE date BETWEEN $start AND $end "
                 "ORDER BY township_code, date")
        table = con.execute(query, {"start": start, "end": end}).to_arrow_table()
    else:
        table = con.execute(f"{TOWNSHIP_HOURS_TO_DAYS} ORDER BY township_code, date",
                            day_bounds(start, end)).to_arrow_table()
    return spread_o3_hours(table)


def spread_o3_hours(table: pa.Table) -> pd.DataFrame:
    """township_days' rows (o3_hours and o3_values lists) as daily_aggregates' frame: the lists spread into
    the 24 columns o3_h00…o3_h23, NaN for an hour without a value."""
    hours, values = (table.column(name).combine_chunks() for name in ("o3_hours", "o3_values"))
    per_day = pc.list_value_length(hours).fill_null(0).to_numpy(zero_copy_only=False)
    o3 = np.full((table.num_rows, 24), np.nan)
    o3[np.repeat(np.arange(table.num_rows), per_day), pc.list_flatten(hours).to_numpy()] = \
        pc.list_flatten(values).to_numpy()
    frame = table.drop_columns(["o3_hours", "o3_values"]).to_pandas()
    return pd.concat([frame, pd.DataFrame(o3, columns=[f"o3_h{hour:02d}" for hour in range(24)])], axis=1)


def reflag_observations(con: duckdb.DuckDBPyConnection, rows: Relation, now: dt.datetime) -> None:
    """Recompute the quality bits of the stored hours ``rows`` (station_code, time) names from every
    column the hour holds: after a file that brought only some of them (PM2.5 alone, say), a bit a stored
    value sets (a negative SO2, PM2.5 above the stored PM10) must neither be lost nor missed. Runs inside
    the caller's write transaction; ``now`` is the import's Beijing time."""
    # The keys are renamed so that the rules' bare column names can only mean the stored hour's columns.
    con.execute(f"UPDATE observations SET quality_flag = {quality_flag_sql(PLAUSIBLE_MAXIMUM)} "
                f"FROM (SELECT station_code AS incoming_code, time AS incoming_time FROM {rows.sql}) incoming "
                "WHERE observations.station_code = incoming.incoming_code AND observations.time = incoming.incoming_time",
                {**rows.parameters, "now": now})


def read_sand_dust_days(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Sand-dust days marked within start…end: date, township_code (NULL = whole region), note."""
    return con.execute(
        "SELECT date, township_code, note FROM sand_dust_days WHERE date BETWEEN $start AND $end "
        "ORDER BY date, township_code", {"start": start, "end": end},
    ).df()


def mark_sand_dust_day(con: duckdb.DuckDBPyConnection, day: dt.date, township_code: str | None,
                       note: str | None = None) -> None:
    """Mark (or re-mark, replacing the note) a sand-dust day for a township or, with None, the region."""
    con.execute("DELETE FROM sand_dust_days WHERE date = $day AND township_code IS NOT DISTINCT FROM $code",
                {"day": day, "code": township_code})
    con.execute("INSERT INTO sand_dust_days (date, township_code, note) VALUES ($day, $code, $note)",
                {"day": day, "code": township_code, "note": note})


def latest_observation_time(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The newest observation hour in the store (naive Beijing time), or None when there is none. Hours
    flagged as lying in the future are left out: one mistyped clock must not become everyone's default date."""
    return con.execute("SELECT max(time) FROM observations WHERE quality_flag & ? = 0",
                       [int(QualityFlag.FUTURE_TIME)]).fetchone()[0]


def read_quality_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Observation hours carrying a non-zero quality flag: station_code, quality_flag, hours, first, last
    (naive Beijing time); see data.quality.QualityFlag for the bits."""
    return con.execute(
        "SELECT station_code, quality_flag, count(*) AS hours, min(time) AS first, max(time) AS last "
        "FROM observations WHERE quality_flag <> 0 GROUP BY ALL ORDER BY hours DESC, station_code"
    ).df()


def station_aliases(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every name by which files may call a stored station: alias, station_code — each station's code and
    name and every identifier its station lists carried (station_aliases), once per pair."""
    return con.execute(
        "SELECT code AS alias, code AS station_code FROM stations UNION SELECT name, code FROM stations "
        "UNION SELECT alias, station_code FROM station_aliases").df()


def assign_named_townships(con: duckdb.DuckDBPyConnection, named: pd.DataFrame) -> list[str]:
    """Give the stations of ``named`` (station_code, township_code) that still have no township the one
    named for them (after placement by position found none); returns the station codes given one."""
    con.register("named_station_townships", named[["station_code", "township_code"]])
    try:
        placed = [row[0] for row in con.execute(
            "SELECT s.code FROM stations s JOIN named_station_townships n ON n.station_code = s.code "
            "WHERE s.township_code IS NULL ORDER BY s.code").fetchall()]
        con.execute("UPDATE stations SET township_code = n.township_code FROM named_station_townships n "
                    "WHERE n.station_code = stations.code AND stations.township_code IS NULL")
    finally:
        con.unregister("named_station_townships")
    return placed


def add_missing_stations(con: duckdb.DuckDBPyConnection, codes: Sequence[str], kind: str,
                         source: str) -> list[str]:
    """Create bare stations (name = code, no position) for codes the store lacks; returns them."""
    frame = pd.DataFrame({"code": list(dict.fromkeys(codes))})
    con.register("import_codes", frame)
    try:
        missing = [row[0] for row in con.execute(
            "SELECT c.code FROM import_codes c ANTI JOIN stations s ON s.code = c.code ORDER BY c.code"
        ).fetchall()]
        con.execute("INSERT INTO stations (code, name, kind, source) "
                    "SELECT c.code, c.code, $kind, $source FROM import_codes c "
                    "ANTI JOIN stations s ON s.code = c.code", {"kind": kind, "source": source})
    finally:
        con.unregister("import_codes")
    return missing


