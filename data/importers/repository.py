"""The only place holding SQL for imports: staged upserts that count new, updated and unchanged rows."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
STAGE = "import_stage"


@dataclass(frozen=True)
class UpsertCounts:
    new: int
    updated: int
    unchanged: int


def _identifiers(names: Sequence[str]) -> list[str]:
    # Table and column names come from the importers' own constants, never from a file's headers;
    # this check keeps it that way.
    for name in names:
        if not _IDENTIFIER.match(name):
            raise ValueError(f"not a plain SQL identifier: {name!r}")
    return list(names)


def upsert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, key: Sequence[str], *,
           geometry: str | None = None, fill_township: bool = False) -> UpsertCounts:
    """Insert or update ``frame``'s rows in ``table`` on the natural ``key``, touching only the
    columns the frame has; rows equal to what is stored are left alone and counted unchanged.

    ``geometry``: None (no geom column), 'point' (geom = ST_Point(lon, lat), NULL without a
    position) or 'wkb' (the frame's ``geom`` column holds WKB in EPSG:4326). Spatial SQL needs a
    connection with the spatial extension loaded. ``fill_township`` sets a NULL township_code from
    the township polygon containing (lon, lat).
    """
    _identifiers([table, *key, *frame.columns])
    columns = [column for column in frame.columns if column != "geom"]
    con.register("import_incoming", frame)
    try:
        return _upsert_registered(con, table, columns, key, geometry, fill_township)
    finally:
        con.unregister("import_incoming")


def _upsert_registered(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], key: Sequence[str],
                       geometry: str | None, fill_township: bool) -> UpsertCounts:
    source = "import_incoming"
    if geometry or fill_township:
        select = [f'"{column}"' for column in columns]
        if geometry == "wkb":
            select.append('ST_GeomFromWKB("geom") AS geom')
        elif geometry == "point":
            select.append("CASE WHEN lon IS NOT NULL AND lat IS NOT NULL THEN ST_Point(lon, lat) END AS geom")
        con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGE} AS SELECT {', '.join(select)} FROM import_incoming")
        source = STAGE
    # Otherwise the frame is read in place: a staged copy dropped inside the transaction would stay
    # in memory until the commit, which for a province's year of hours is gigabytes.
    if fill_township:
        # A point on a shared border goes to the lowest code, as zones.membership places it.
        con.execute(f"UPDATE {STAGE} SET township_code = placed.code FROM ("
                    f"SELECT s.rowid AS row_id, min(t.code) AS code FROM {STAGE} s JOIN townships t "
                    f"ON ST_Intersects(t.geom, ST_Point(s.lon, s.lat)) "
                    f"WHERE s.township_code IS NULL AND s.lon IS NOT NULL GROUP BY s.rowid) placed "
                    f"WHERE {STAGE}.rowid = placed.row_id")
    stored = columns + (["geom"] if geometry else [])
    values = [column for column in stored if column not in key]
    joined = " AND ".join(f's."{column}" = t."{column}"' for column in key)
    column_list = ", ".join(f'"{column}"' for column in stored)
    # Keys are unique on both sides, so counting stored rows that match incoming keys counts the
    # incoming rows already stored; the hash table is then built on the (smaller) incoming side.
    stored_already = con.execute(f"SELECT count(*) FROM {table} t SEMI JOIN {source} s ON {joined}").fetchone()[0]
    if stored_already == 0:
        # All new (the usual bulk load): a plain insert, much faster than ON CONFLICT.
        new = con.execute(f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {source}").fetchone()[0]
        con.execute(f"DROP TABLE IF EXISTS {STAGE}")
        return UpsertCounts(new, 0, 0)
    same = " AND ".join(f's."{column}" IS NOT DISTINCT FROM t."{column}"' for column in values) or "TRUE"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGE}_status AS SELECT s.*, CASE "
        f"WHEN t.\"{key[0]}\" IS NULL THEN 'new' WHEN {same} THEN 'unchanged' ELSE 'updated' END AS import_status "
        f"FROM {source} s LEFT JOIN {table} t ON {joined}")
    counts = dict(con.execute(
        f"SELECT import_status, count(*) FROM {STAGE}_status GROUP BY import_status").fetchall())
    con.execute(f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {STAGE}_status "
                "WHERE import_status = 'new'")
    if counts.get("updated", 0):
        assignments = ", ".join(f'"{column}" = excluded."{column}"' for column in values)
        con.execute(f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {STAGE}_status "
                    f"WHERE import_status = 'updated' ON CONFLICT ({', '.join(key)}) DO UPDATE SET {assignments}")
    con.execute(f"DROP TABLE {STAGE}_status")
    con.execute(f"DROP TABLE IF EXISTS {STAGE}")
    return UpsertCounts(counts.get("new", 0), counts.get("updated", 0), counts.get("unchanged", 0))


def station_aliases(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """code and name of every stored station, for matching the station column of observations."""
    return con.execute("SELECT code, name FROM stations").df()


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


def township_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """township name or code → code, for files that name the township or give its code."""
    return dict(con.execute("SELECT name, code FROM townships UNION ALL SELECT code, code FROM townships").fetchall())
