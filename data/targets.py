"""The targets table: air-quality targets per unit (township, county, city), year and metric."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

TARGET_COLUMNS = ["unit_code", "year", "metric", "target_value", "standard_version", "set_by", "set_at"]


def save_target(con: duckdb.DuckDBPyConnection, *, unit_code: str, year: int, metric: str, target_value: float,
                standard_version: str, set_by: str, set_at: dt.datetime) -> None:
    """Insert or replace the target of ``unit_code`` for ``year`` and ``metric``."""
    con.execute("INSERT OR REPLACE INTO targets (unit_code, year, metric, target_value, standard_version, set_by, "
                "set_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [unit_code, year, metric, float(target_value), standard_version, set_by, set_at])


def read_targets(con: duckdb.DuckDBPyConnection, year: int | None = None) -> pd.DataFrame:
    """Every stored target (of ``year`` when given), TARGET_COLUMNS, ordered by unit, year and metric."""
    return con.execute(
        "SELECT unit_code, year, metric, target_value, standard_version, set_by, set_at FROM targets "
        "WHERE $year IS NULL OR year = $year ORDER BY unit_code, year, metric", {"year": year}).df()


def unit_exists(con: duckdb.DuckDBPyConnection, code: str) -> bool:
    """Whether ``code`` is a stored township or admin unit."""
    return con.execute("SELECT EXISTS (SELECT 1 FROM townships WHERE code = $code) "
                       "OR EXISTS (SELECT 1 FROM admin_units WHERE code = $code)", {"code": code}).fetchone()[0]
