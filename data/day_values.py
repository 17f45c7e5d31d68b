"""The township_day_values table: finished township-day values, and a ranking's period statistics over them in one query."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd
import pyarrow as pa

from data.stations import observation_state

# Stored per township-day besides township_code and date (see migration 0210).
DAY_VALUE_COLUMNS = ("so2", "no2", "pm10", "pm25", "co", "o3_8h", "o3_1h", "aqi_2012", "aqi_2026")
# The day's AQI column under each standard edition; the ranking query names one of these, never input.
AQI_COLUMNS = {"2012": "aqi_2012", "2026": "aqi_2026"}


def day_values_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether township_day_values was built from the store's observations and township stations as
    they are now."""
    state = con.execute("SELECT observation_rows, membership FROM township_day_values_state").fetchone()
    return state is not None and state == observation_state(con)


def replace_day_values(con: duckdb.DuckDBPyConnection, values: pd.DataFrame,
                       span: tuple[dt.date, dt.date] | None) -> None:
    """Store ``values`` (township_code, date, DAY_VALUE_COLUMNS; NaN = invalid) in place of the rows of
    the Beijing dates in ``span`` (inclusive; None: every row), then record the store's state as the
    one they were built from. Runs inside the caller's write transaction."""
    if span is None:
        con.execute("DELETE FROM township_day_values")
    else:
        con.execute("DELETE FROM township_day_values WHERE date BETWEEN $start AND $end",
                    {"start": span[0], "end": span[1]})
    columns = ["township_code", "date", *DAY_VALUE_COLUMNS]
    # Arrow from pandas turns NaN into NULL, so SQL aggregates skip invalid days as pandas does.
    staged = pa.Table.from_pandas(values[columns], preserve_index=False)
    con.register("staged_day_values", staged)
    try:
        con.execute(f"INSERT INTO township_day_values ({', '.join(columns)}) "
                    f"SELECT {', '.join(columns)} FROM staged_day_values")
    finally:
        con.unregister("staged_day_values")
    con.execute("DELETE FROM township_day_values_state")
    con.execute("INSERT INTO township_day_values_state VALUES ($rows, $membership)",
                dict(zip(("rows", "membership"), observation_state(con), strict=True)))


_PERIOD_STATISTICS = """
WITH periods AS (SELECT unnest($numbers) AS period, unnest($firsts)::DATE AS first, unnest($lasts)::DATE AS last),
region_dust AS (SELECT DISTINCT date FROM sand_dust_days WHERE township_code IS NULL),
local_dust AS (SELECT DISTINCT date, township_code FROM sand_dust_days WHERE township_code IS NOT NULL),
days AS (
    SELECT p.period, d.township_code, d.so2, d.no2, d.pm10, d.pm25, d.co, d.o3_8h, d.{aqi} AS aqi,
           (r.date IS NOT NULL OR l.date IS NOT NULL) AS dust
    FROM periods p JOIN township_day_values d ON d.date BETWEEN p.first AND p.last
    LEFT JOIN region_dust r ON r.date = d.date
    LEFT JOIN local_dust l ON l.date = d.date AND l.township_code = d.township_code)
SELECT period, township_code,
       avg(so2) AS so2, count(so2) AS days_so2, avg(no2) AS no2, count(no2) AS days_no2,
       avg(pm10) FILTER (WHERE NOT dust) AS pm10, count(pm10) FILTER (WHERE NOT dust) AS days_pm10,
       avg(pm25) FILTER (WHERE NOT dust) AS pm25, count(pm25) FILTER (WHERE NOT dust) AS days_pm25,
       quantile_cont(co, 0.95) AS co_p95, count(co) AS days_co,
       quantile_cont(o3_8h, 0.90) AS o3_8h_p90, count(o3_8h) AS days_o3,
       count(*) FILTER (WHERE dust) AS dust_days,
       count(aqi) AS valid_days, count(*) FILTER (WHERE aqi <= 100) AS good_days,
       count(*) FILTER (WHERE aqi > 200) AS heavy_days
FROM days GROUP BY period, township_code ORDER BY period, township_code
"""


def period_statistics(con: duckdb.DuckDBPyConnection, spans: Sequence[tuple[dt.date, dt.date]],
                      version: str) -> pd.DataFrame:
    """Per inclusive date span (``period``: its position in ``spans``) and township with a finished
    day in it: means of daily so2, no2 and (sand-dust days left out) pm10, pm25 (µg/m³); co_p95 and
    o3_8h_p90, the 95th and 90th percentiles (linear, HJ 663) of daily CO (mg/m³) and maximum 8-hour
    O3 (µg/m³); days_<pollutant>, the valid days behind each; dust_days; and valid_days, good_days
    (AQI ≤ 100) and heavy_days (AQI > 200) under standard edition ``version`` ('2012' or '2026')."""
    query = _PERIOD_STATISTICS.format(aqi=AQI_COLUMNS[version])  # a constant column name, never input
    return con.execute(query, {"numbers": list(range(len(spans))), "firsts": [span[0] for span in spans],
                               "lasts": [span[1] for span in spans]}).df()
