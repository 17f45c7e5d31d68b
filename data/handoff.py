"""The store as partitioned Parquet for an engine beyond one machine: observations by province, city and month,
written incrementally with a manifest, plus the stations (with township and parent units), township days and
sand-dust days."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from core.errors import BadInputError
from core.timeutil import now_beijing

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
OBSERVATIONS_DIR = "observations"
# Hive-style partition folders: province=410000/city=419001/month=2025-01 (the unknown unit is 'none').
PARTITIONS = ("province", "city", "month")
UNKNOWN_UNIT = "none"
# Small tables are written whole on every export: name → the query that gives them.
WHOLE_TABLES = {
    "stations": "SELECT s.code, s.name, s.kind, s.township_code, t.name AS township, "
                "t.county_code, t.city_code, s.lon, s.lat FROM stations s "
                "LEFT JOIN townships t ON t.code = s.township_code ORDER BY s.code",
    "township_days": "SELECT * FROM township_days ORDER BY township_code, date",
    "sand_dust_days": "SELECT date, township_code, note FROM sand_dust_days ORDER BY date, township_code",
}
_UNITS = ("SELECT s.code AS station_code, coalesce(t.city_code, $unknown) AS city, "
          "coalesce(substr(t.city_code, 1, 2) || '0000', $unknown) AS province "
          "FROM stations s LEFT JOIN townships t ON t.code = s.township_code")
# What says whether a month changed since the last export: its row count and an order-free digest of its rows.
_MONTHS = ("SELECT strftime(time, '%Y-%m') AS month, count(*) AS rows, "
           "bit_xor(hash(station_code, time, pm25, pm10, so2, no2, o3, co, ws, wd, temp, rh, aqi_published, "
           "quality_flag)) AS digest FROM observations GROUP BY 1 ORDER BY 1")
_MONTH_ROWS = (f"WITH units AS ({_UNITS}) SELECT o.*, u.province, u.city, strftime(o.time, '%Y-%m') AS month "
               "FROM observations o JOIN units u USING (station_code) WHERE strftime(o.time, '%Y-%m') = $month "
               "ORDER BY o.station_code, o.time")


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the months (re)written, the months left as they were, rows written."""
    written: list[str]
    unchanged: list[str]
    rows: int
    directory: Path


def read_manifest(directory: Path) -> dict:
    """The manifest of an export folder ({} when the folder has none yet)."""
    path = Path(directory) / MANIFEST
    if not path.exists():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise BadInputError("error.handoff_manifest", file=str(path), detail=str(error)) from error
    if manifest.get("format") != FORMAT_VERSION:
        raise BadInputError("error.handoff_manifest", file=str(path), detail=f"format {manifest.get('format')}")
    return manifest


def export_parquet(con: duckdb.DuckDBPyConnection, directory: Path) -> ExportResult:
    """Write the store's observations under ``directory`` as Parquet partitioned by PARTITIONS, only the months
    that are new or changed since the manifest says they were written, then the WHOLE_TABLES and the manifest.

    Runs on one read connection, so every file describes the same state of the store. A month is rewritten
    whole (its old folders removed first), so a station that moved to another city leaves no stale copy."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    previous = read_manifest(directory).get("months", {})
    months = {month: {"rows": rows, "digest": str(digest)}
              for month, rows, digest in con.execute(_MONTHS).fetchall()}
    changed = [month for month, figures in months.items() if previous.get(month) != figures]
    root = directory / OBSERVATIONS_DIR
    for month in changed:
        for folder in root.glob(f"province=*/city=*/month={month}"):
            shutil.rmtree(folder)
        batches = con.execute(_MONTH_ROWS, {"month": month, "unknown": UNKNOWN_UNIT}).to_arrow_reader()
        ds.write_dataset(batches, root, format="parquet", partitioning=list(PARTITIONS),
                         partitioning_flavor="hive", existing_data_behavior="overwrite_or_ignore",
                         basename_template=f"{month}-part-{{i}}.parquet")
    for month in set(previous) - set(months):
        for folder in root.glob(f"province=*/city=*/month={month}"):
            shutil.rmtree(folder)
    for name, query in WHOLE_TABLES.items():
        pq.write_table(con.execute(query).to_arrow_table(), directory / f"{name}.parquet")
    manifest = {"format": FORMAT_VERSION, "written_at": now_beijing().isoformat(timespec="seconds"),
                "partitions": list(PARTITIONS), "months": months, "tables": sorted(WHOLE_TABLES)}
    temporary = directory / f".{MANIFEST}.tmp"
    temporary.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(directory / MANIFEST)
    return ExportResult(written=changed, unchanged=[month for month in months if month not in changed],
                        rows=sum(months[month]["rows"] for month in changed), directory=directory)


def observations_glob(directory: Path) -> str:
    """The file pattern of an export's observations, for read_parquet(..., hive_partitioning=true) or Spark."""
    return str(Path(directory) / OBSERVATIONS_DIR / "province=*" / "city=*" / "month=*" / "*.parquet")


def months_between(start: dt.date, end: dt.date) -> list[str]:
    """Every 'YYYY-MM' from start's month to end's, the month partitions a span reads."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
