"""The demo as files, and back: `demo --files DIR` then `import folder DIR` into an empty store gives the demo
store table by table (users, tasks and events aside), the same ranking and the same hotspots with the same
likely sources; `templates DIR` writes templates whose CSV and Excel import to the same rows."""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

import cli
from data.store import Store
from hotspots.engine import check_zones, detect_and_store
from ingest.templates import TEMPLATES
from stations.assessment import rank_store
from stations.ranking import Period
from tests.conftest import DEMO_SEED, DEMO_YEAR

# Not registers: who signs in, and the closed loop's records.
NOT_REGISTERS = {"users", "tasks", "task_events", "task_attachments", "schema_migrations", "alerts", "alert_events",
                 "emergency_checks", "emergency_tasks"}
# Columns that say which file a row came from (the demo writes 'demo'), or when the engine ran (detection,
# and the fire review's automatic proposals, are stamped with the clock at build time).
PROVENANCE = {"source": {"townships", "stations", "station_aliases", "observations", "zones", "grid_cells",
                         "grid_people"},
              "detected_at": {"hotspots"}, "updated_at": {"hotspots", "fire_reviews"}, "occurred_at": {"fire_review_events"}}


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _cell(value) -> str:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        return str(list(value))
    if isinstance(value, float) and not pd.isna(value):
        # Derived daily values are sums DuckDB adds in parallel, in no fixed order: equal to 10 digits.
        return f"{value:.10g}"
    return "NULL" if pd.isna(value) else str(value)


def _table(store: Store, table: str, ignore: set[str]) -> pd.DataFrame:
    """Every row of ``table`` as canonical text (geometry as WKB hex), without the ``ignore`` columns,
    sorted; a grid hotspot's raster path is kept by its file name (each store writes its own)."""
    with store.read(spatial=True) as con:
        columns = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
                              "ORDER BY column_index", [table]).fetchall()
        # Table and column names come from the catalogue.
        select = ", ".join(f'ST_AsWKB("{name}") AS "{name}"' if kind == "GEOMETRY" else f'"{name}"'
                           for name, kind in columns if name not in ignore)
        frame = con.execute(f'SELECT {select} FROM "{table}"').df()
    if table == "hotspots":
        frame["context"] = frame["context"].map(lambda text: json.dumps(
            {key: Path(value).name if key == "raster" and value else value for key, value in json.loads(text).items()},
            sort_keys=True))
    return frame.map(_cell).sort_values(list(frame.columns)).reset_index(drop=True)


def _tables(store: Store) -> list[str]:
    with store.read() as con:
        return [row[0] for row in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]


def assert_same_stores(expected: Store, actual: Store, provenance: dict[str, set[str]]) -> list[str]:
    """Every table but NOT_REGISTERS equal row for row, but for the ``provenance`` columns; returns the
    tables compared."""
    compared = [table for table in _tables(expected) if table not in NOT_REGISTERS]
    assert set(compared) <= set(_tables(actual))
    for table in compared:
        ignore = {column for column, tables in provenance.items() if table in tables}
        pd.testing.assert_frame_equal(_table(actual, table, ignore), _table(expected, table, ignore),
                                      obj=f"table {table}")
    return compared


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Path]:
    """The demo written as files by the CLI, imported back by the CLI into an empty store, then run as
    the demo's build runs it: the year detected, the zones checked."""
    folder = tmp_path_factory.mktemp("demo_files")
    files = folder / "files"
    code, out, _ = _cli("demo", "--files", str(files), "--seed", str(DEMO_SEED), "--year", str(DEMO_YEAR))
    assert code == 0 and "import folder" in out
    db = folder / "imported.duckdb"
    code, out, err = _cli("import", "folder", str(files), "--db", str(db))
    assert code == 0, err
    assert "rejected" in out and "not recognised" not in err
    store = Store(db, busy_timeout_s=30)
    first, last = dt.date(DEMO_YEAR, 1, 1), dt.date(DEMO_YEAR, 12, 31)
    detect_and_store(store, first, last)
    check_zones(store, first, last)
    return store, files


def test_the_demo_as_files_is_one_file_per_register(round_trip):
    _, files = round_trip
    names = sorted(path.name for path in files.iterdir())
    assert names == ["aqi_forecasts.csv", "coal_inspections.csv", "dust_readings.csv", "dust_sources.xlsx",
                     "enterprises.xlsx", "firms_modis.csv", "firms_viirs.csv", "grid_cells.xlsx", "grid_people.xlsx",
                     "landcover.tif", "machinery.xlsx", "machinery_gps.csv", "observations.csv", "reduction_list.xlsx",
                     "stations.xlsx", "townships.geojson", "truck_events.csv", "trucks.xlsx", "zones.geojson"]
    header = pd.read_excel(files / "enterprises.xlsx", nrows=0).columns.tolist()
    assert header[:4] == ["统一社会信用代码", "企业名称", "行业", "排放污染物"]


def test_importing_the_demo_files_gives_the_demo_store_table_by_table(round_trip, demo_store: Store):
    imported, _ = round_trip
    compared = assert_same_stores(demo_store, imported, PROVENANCE)
    assert {"townships", "stations", "observations", "enterprises", "dust_sources", "dust_readings", "fire_points",
            "zones", "machinery", "truck_events", "coal_inspections", "rasters", "hotspots", "township_days",
            "grid_cells", "grid_people"} <= set(compared)


def test_the_round_trip_ranks_and_finds_hotspots_as_the_demo_does(round_trip, demo_store: Store):
    imported, _ = round_trip
    for period in (f"{DEMO_YEAR}-03", str(DEMO_YEAR)):
        pd.testing.assert_frame_equal(rank_store(imported, Period.parse(period)), rank_store(demo_store, Period.parse(period)))
    with demo_store.read() as con:
        kinds = dict(con.execute("SELECT kind, count(*) FROM hotspots GROUP BY 1").fetchall())
        attributed = con.execute("SELECT count(*) FROM hotspots WHERE kind IN ('station', 'dust') "
                                 "AND sources <> '[]'").fetchone()[0]
    # What a store built from a city's files used to miss: dust-reading hotspots, likely sources, plants' heat.
    assert kinds["dust"] > 0 and kinds["fire"] > 0 and attributed > 0


def test_templates_import_as_a_folder_and_csv_and_excel_give_the_same_rows(tmp_path: Path):
    code, out, _ = _cli("templates", str(tmp_path / "templates"))
    assert code == 0 and f"{2 * len(TEMPLATES)} template files" in out
    stores = {}
    for suffix in (".csv", ".xlsx"):
        folder = tmp_path / suffix.strip(".")
        folder.mkdir()
        for path in (tmp_path / "templates").glob(f"*{suffix}"):
            shutil.copy(path, folder / path.name)
        db = tmp_path / f"{suffix.strip('.')}.duckdb"
        code, out, err = _cli("import", "folder", str(folder), "--db", str(db))
        assert code == 0, err
        stores[suffix] = Store(db)
    counts = stores[".csv"].row_counts()
    for table in ("townships", "stations", "observations", "enterprises", "dust_sources", "dust_readings", "zones",
                  "machinery", "machinery_positions", "trucks", "truck_events", "coal_inspections", "grid_cells",
                  "grid_people"):
        assert counts[table] == 1, table
    assert counts["fire_points"] == 2  # the official list's and the video alarms' examples
    assert counts["targets"] == 1
    # Imported targets are stamped with the file they came from.
    sources = {"source": {"townships", "stations", "station_aliases", "observations", "zones", "grid_cells",
                          "grid_people"}, "set_by": {"targets"}}
    assert_same_stores(stores[".csv"], stores[".xlsx"], sources)


def test_a_refused_file_stops_the_folder_and_says_what_was_not_imported(tmp_path: Path):
    _cli("templates", str(tmp_path))
    for path in tmp_path.glob("*.xlsx"):
        path.unlink()
    (tmp_path / "dust-sources.csv").write_text("编号,类型,名称,经度,纬度\nX-1,工厂,某厂,112.5,35.1\n", encoding="utf-8")
    (tmp_path / "readme.txt").write_text("说明", encoding="utf-8")
    db = tmp_path / "store.duckdb"
    code, out, err = _cli("import", "folder", str(tmp_path), "--db", str(db))
    assert code == 2
    assert "dust-sources.csv" in err and "row 2" in err and "类型" in err
    assert "dust-readings.csv" in err.split("were not imported")[-1]
    assert "readme.txt" in err  # not recognised by its name
    counts = Store(db).row_counts()
    assert counts["enterprises"] == 1 and counts["dust_sources"] == 0 and counts["dust_readings"] == 0
