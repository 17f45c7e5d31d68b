"""Benchmark: observation import rows/s — the province's year from Parquet and the real Beijing year from CSV — against pandas.read_csv.

Usage: .venv/bin/python bench/bench_import.py [--quick] [--data-dir DIR]

Each contender runs in a fresh process (bench/report.py: wall time of the step, peak RSS):
  province Parquet — ingest.observations.import_observations of bench/province.py's hourly file
                     (validated, quality-flagged, upserted, daily aggregates refreshed) into a store that
                     already holds the townships and stations; baselines: pandas.read_csv of the first
                     month of the same rows written as CSV (parsing only: no checks, nothing stored), and
                     DuckDB's bare `INSERT INTO observations … FROM read_parquet` of the same file into
                     the same kind of store in one transaction (no checks, no flags, no daily tables:
                     the engine's own speed, the ceiling of any import).
  province CSV     — import_observations of the first month of the same rows written as CSV (1,488,000 rows)
                     into a store holding the townships and stations; baseline: pandas.read_csv of that file.
  Beijing CSV      — import_observations of one year (2014-03 to 2015-02) of the real UCI Beijing files;
                     baseline: pandas.read_csv of the same files.
"""
from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(Path(__file__).resolve().parent)]

import province  # noqa: E402
from report import Figure, measure, script_main, timed  # noqa: E402

REAL = REPO.parent / "shared" / "real" / "beijing_multisite"
BEIJING_START, BEIJING_END = "2014-03-01", "2015-03-01"
IMPORT_TARGET = "≥ 600,000 rows/s, ≤ 1.5 GB"
CSV_TARGET = "≥ 0.5× read_csv"


def import_province(scale_name: str, data_dir: str, db: str) -> dict:
    """Contender: the province's hourly Parquet into a fresh store at ``db`` (kept for later figures)."""
    from ingest.observations import import_observations

    data = province.ensure_data(_scale(scale_name), Path(data_dir))
    Path(db).unlink(missing_ok=True)
    store = province.load_store(data, Path(db), observations=False)
    seconds, report = timed(lambda: import_observations(store, [data.observations]))
    return {"seconds": seconds, "rows": report.stored}


def import_province_csv(scale_name: str, data_dir: str, db: str) -> dict:
    """Contender: the province's first month as CSV into a fresh store at ``db`` (deleted after)."""
    from ingest.observations import import_observations

    data = province.ensure_data(_scale(scale_name), Path(data_dir))
    Path(db).unlink(missing_ok=True)
    store = province.load_store(data, Path(db), observations=False)
    january = province_month_csv(data)   # written once, before the clock starts
    seconds, report = timed(lambda: import_observations(store, [january]))
    store.release()
    Path(db).unlink()
    return {"seconds": seconds, "rows": report.stored}


def bare_insert(scale_name: str, data_dir: str, db: str) -> dict:
    """Baseline: DuckDB's bare INSERT … FROM read_parquet of the province's hourly file, one transaction."""
    import pyarrow.parquet as pq

    from data.bulk import insert_relation, staged_parquet

    data = province.ensure_data(_scale(scale_name), Path(data_dir))
    Path(db).unlink(missing_ok=True)
    store = province.load_store(data, Path(db), observations=False)
    rows = staged_parquet(data.observations, pq.read_schema(data.observations).names)

    def insert() -> int:
        with store.write() as con:
            return insert_relation(con, "observations", rows)

    seconds, stored = timed(insert)
    Path(db).unlink()
    return {"seconds": seconds, "rows": stored}


def read_csv(*paths: str) -> dict:
    """Baseline: pandas.read_csv of the files (parse only)."""
    import pandas as pd

    seconds, rows = timed(lambda: sum(len(pd.read_csv(path)) for path in paths))
    return {"seconds": seconds, "rows": rows}


def import_beijing(stations_file: str, *paths: str) -> dict:
    """Contender: the Beijing CSV files into a fresh store beside them."""
    from data.store import Store
    from ingest.observations import import_observations

    store = Store(Path(paths[0]).with_name("beijing.duckdb"))
    store.migrate()
    seconds, report = timed(lambda: import_observations(store, list(paths), stations_file=stations_file))
    return {"seconds": seconds, "rows": report.stored}


def _scale(name: str) -> province.Scale:
    return province.QUICK if name == province.QUICK.name else province.FULL


def province_month_csv(data: province.ProvinceData) -> Path:
    """The first month of the province's hourly rows as CSV (cached beside the Parquet)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    target = data.folder / "observations_january.csv"
    if not target.exists():
        february = pa.scalar(dt.datetime(data.scale.year, 2, 1), pa.timestamp("us"))
        january = pq.read_table(data.observations, filters=[("time", "<", february)])
        pacsv.write_csv(january, target)
    return target


def beijing_year_files(folder: Path, stations: int) -> list[Path]:
    """One year of the first ``stations`` Beijing stations, written as CSV in the original layout."""
    import pandas as pd

    written = []
    for source in sorted(REAL.glob("PRSA_Data_*.csv"))[:stations]:
        frame = pd.read_csv(source, keep_default_na=False, dtype=str)
        when = pd.to_datetime(frame[["year", "month", "day", "hour"]].astype(int))
        target = folder / source.name
        frame[(when >= BEIJING_START) & (when < BEIJING_END)].to_csv(target, index=False)
        written.append(target)
    return written


def province_figures(data: province.ProvinceData, db: Path) -> list[Figure]:
    """Import of the province's year from Parquet (leaves the store at ``db``), against both baselines."""
    ours = measure("bench_import:import_province", data.scale.name, str(data.folder.parent), str(db))
    january = province_month_csv(data)
    baseline = measure("bench_import:read_csv", str(january))
    bare = measure("bench_import:bare_insert", data.scale.name, str(data.folder.parent),
                   str(db.with_name("bare_insert.duckdb")))
    from_csv = measure("bench_import:import_province_csv", data.scale.name, str(data.folder.parent),
                       str(db.with_name("csv_import.duckdb")))
    name = f"import {ours.extra['rows']:,} hourly rows from Parquet"
    rate = ours.extra["rows"] / ours.seconds
    return [Figure(name, rate, "rows/s", baseline.extra["rows"] / baseline.seconds, "pandas.read_csv, 1 month as CSV",
                   ours.peak_mb, baseline.peak_mb, higher_is_better=True, target=IMPORT_TARGET),
            Figure(name, rate, "rows/s", bare.extra["rows"] / bare.seconds,
                   "bare INSERT … FROM read_parquet, same file", ours.peak_mb, bare.peak_mb, higher_is_better=True),
            Figure(f"import {from_csv.extra['rows']:,} hourly rows from CSV (1 month)",
                   from_csv.extra["rows"] / from_csv.seconds, "rows/s", baseline.extra["rows"] / baseline.seconds,
                   "pandas.read_csv, same file", from_csv.peak_mb, baseline.peak_mb, higher_is_better=True,
                   target=CSV_TARGET)]


def beijing_figure(quick: bool) -> Figure:
    """Import of a real year of Beijing stations from CSV."""
    stations = 3 if quick else 12
    with tempfile.TemporaryDirectory() as temporary:
        files = [str(path) for path in beijing_year_files(Path(temporary), stations)]
        ours = measure("bench_import:import_beijing", str(REAL / "stations.csv"), *files)
        baseline = measure("bench_import:read_csv", *files)
    return Figure(f"import {ours.extra['rows']:,} real Beijing rows from CSV", ours.extra["rows"] / ours.seconds,
                  "rows/s", baseline.extra["rows"] / baseline.seconds, "pandas.read_csv, same files",
                  ours.peak_mb, baseline.peak_mb, higher_is_better=True, target=CSV_TARGET)


def main() -> int:
    return script_main(__doc__.splitlines()[0],
                       lambda data, quick: [*province_figures(data, data.folder / "import.duckdb"), beijing_figure(quick)],
                       quick_help="the quick province scale and 3 Beijing stations")

if __name__ == "__main__":
    sys.exit(main())
