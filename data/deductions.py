"""The deduction ledger (dated charges and reversals, never updated) and what a township owes for a period."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from data.sources import day_bounds, placed_fire_points

# The review states a fire point is counted under in a township's figures (hotspots.fire_review's
# states): an appealed point stays charged until the appeal is decided; a merged one is another
# source's report of a fire already counted, so it is not a fire point of its own.
CONFIRMED_STATES = ("confirmed", "appealed")
DEDUCTION_COLUMNS = ["township_code", "township_name", "fire_points", "fire_points_pending", "fire_points_confirmed",
                     "fire_points_struck_off", "deduction_cny"]


def append_deduction(con: duckdb.DuckDBPyConnection, *, problem_type: str, township_code: str,
                     incurred_on: dt.date, amount_cny: float, recorded_at: dt.datetime, recorded_by: str,
                     fire_point_id: str | None = None, event_id: int | None = None, basis: str | None = None,
                     note: str | None = None) -> int:
    """Append one charge (amount > 0) or reversal (< 0) to the ledger and return its id."""
    return con.execute(
        "INSERT INTO deductions (problem_type, township_code, incurred_on, amount_cny, fire_point_id, event_id, "
        "basis, note, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [problem_type, township_code, incurred_on, amount_cny, fire_point_id, event_id, basis, note, recorded_at,
         recorded_by]).fetchone()[0]


def net_charge(con: duckdb.DuckDBPyConnection, fire_point_id: str) -> float:
    """What the ledger holds against one fire point now (its charges less its reversals), CNY."""
    return float(con.execute("SELECT coalesce(sum(amount_cny), 0) FROM deductions WHERE fire_point_id = ?",
                             [fire_point_id]).fetchone()[0])


def standing_charges(con: duckdb.DuckDBPyConnection, problem_type: str, township_code: str, year: int) -> int:
    """How many problems of ``problem_type`` dated in ``year`` the township stands charged for now
    (a reversed charge no longer counts): which charge is a township's first in a year."""
    return con.execute(
        "SELECT count(*) FROM (SELECT coalesce(fire_point_id, id::VARCHAR) AS problem FROM deductions "
        "WHERE problem_type = $type AND township_code = $township AND year(incurred_on) = $year "
        "GROUP BY ALL HAVING sum(amount_cny) > 0)",
        {"type": problem_type, "township": township_code, "year": year}).fetchone()[0]


def township_deductions(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date,
                        as_of: dt.datetime | None = None) -> pd.DataFrame:
    """Per township, the fire points dated start…end (Beijing, inclusive) by review state and the
    deductions dated in the period, as they stood at ``as_of`` (naive Beijing; None: now): a point's
    state is the one its last review event before ``as_of`` left it in (pending when none), the
    amount the sum of the ledger rows recorded by then.

    Returns DEDUCTION_COLUMNS, one row per township with a fire point or a deduction (its code and
    Chinese name): fire_points
    (pending + confirmed + struck off; merged duplicates are not counted again), and deduction_cny
    (CNY, every problem type). Points outside every township are left out. Loads the spatial
    extension only when a point must be placed by the polygons.
    """
    params = {**day_bounds(start, end), "ids": None, "as_of": as_of, "confirmed": list(CONFIRMED_STATES),
              "first": start, "last": end}
    return con.execute(
        f"WITH placed AS ({placed_fire_points(con, params)}), "
        "states AS (SELECT fire_point_id, arg_max(to_state, id) AS state FROM fire_review_events "
        "           WHERE $as_of IS NULL OR occurred_at <= $as_of GROUP BY 1), "
        "counted AS (SELECT p.township_code, coalesce(s.state, 'pending') AS state FROM placed p "
        "            LEFT JOIN states s ON s.fire_point_id = p.id WHERE p.township_code IS NOT NULL), "
        "fires AS (SELECT township_code, count_if(state <> 'merged') AS fire_points, "
        "          count_if(state = 'pending') AS fire_points_pending, "
        "          count_if(list_contains($confirmed, state)) AS fire_points_confirmed, "
        "          count_if(state = 'struck_off') AS fire_points_struck_off FROM counted GROUP BY 1), "
        "money AS (SELECT township_code, sum(amount_cny) AS deduction_cny FROM deductions "
        "          WHERE incurred_on BETWEEN $first AND $last AND ($as_of IS NULL OR recorded_at <= $as_of) "
        "          GROUP BY 1) "
        "SELECT township_code, t.name AS township_name, coalesce(fire_points, 0)::BIGINT AS fire_points, "
        "       coalesce(fire_points_pending, 0)::BIGINT AS fire_points_pending, "
        "       coalesce(fire_points_confirmed, 0)::BIGINT AS fire_points_confirmed, "
        "       coalesce(fire_points_struck_off, 0)::BIGINT AS fire_points_struck_off, "
        "       coalesce(deduction_cny, 0.0) AS deduction_cny "
        "FROM fires FULL JOIN money USING (township_code) LEFT JOIN townships t ON t.code = township_code "
        "ORDER BY township_code", params).df()


def read_deductions(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date,
                    township: str | None = None) -> pd.DataFrame:
    """The ledger rows dated start…end (inclusive), optionally of one township (code or Chinese name), in
    the order recorded: id, problem_type, township_code, township_name, incurred_on, amount_cny,
    fire_point_id, event_id, basis, note, recorded_at, recorded_by."""
    return con.execute(
        "SELECT d.id, d.problem_type, d.township_code, t.name AS township_name, d.incurred_on, d.amount_cny, "
        "       d.fire_point_id, d.event_id, d.basis, d.note, d.recorded_at, d.recorded_by "
        "FROM deductions d LEFT JOIN townships t ON t.code = d.township_code "
        "WHERE d.incurred_on BETWEEN $first AND $last "
        "AND ($township IS NULL OR d.township_code = $township OR t.name = $township) ORDER BY d.id",
        {"first": start, "last": end, "township": township}).df()
