"""Every real sample in ../shared/real imports as is, with the right counts, values and idempotence."""
from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import shapely

from core.gcj02 import wgs84_to_gcj02
from data.store import Store
from ingest.cnemc import import_cnemc
from ingest.firms import import_firms
from ingest.observations import import_observations
from ingest.polygons import import_townships, import_zones
from ingest.stations import import_stations


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("real") / "real.duckdb", busy_timeout_s=30)
    store.migrate()
    return store


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_national_station_list_imports_as_is_and_reports_missing_positions(real_store: Store, real_data: Path):
    path = real_data / "cnemc_quotsoft" / "station_list_NewSiteList_utf8.csv"
    rows = _rows(path)[1:]
    without_position = [row[0] for row in rows if not row[3] or not row[4]]
    report = import_stations(real_store, [path])
    assert report.new == len(rows) and report.rejected == 0
    notes = [note.render("en") for note in report.notes]
    assert any(without_position[0] in note and str(len(without_position)) in note for note in notes)
    with real_store.read() as con:
        unplaced = con.execute("SELECT count(*) FROM stations WHERE geom IS NULL").fetchone()[0]
        kinds = con.execute("SELECT DISTINCT kind FROM stations").fetchall()
    assert unplaced == len(without_position)
    assert kinds == [("national",)]
    again = import_stations(real_store, [path])
    assert (again.new, again.updated, again.unchanged) == (0, 0, len(rows))


def test_beijing_files_import_without_editing(real_store: Store, real_data: Path):
    folder = real_data / "beijing_multisite"
    files = sorted(folder.glob("PRSA_Data_*.csv"))
    assert len(files) == 12
    report = import_observations(real_store, files, stations_file=folder / "stations.csv")
    expected = sum(len(_rows(path)) - 1 for path in files)
    assert report.new + report.updated == expected and report.rejected == 0

    aoti = _rows(folder / "PRSA_Data_Aotizhongxin_20130301-20170228.csv")
    header = aoti[0]
    code = next(row[1] for row in _rows(folder / "stations.csv") if row[0] == "Aotizhongxin")
    with real_store.read() as con:
        stored = con.execute("SELECT time, pm25, pm10, co, wd, temp FROM observations WHERE station_code = ? "
                             "ORDER BY time", [code]).df()
    assert len(stored) == len(aoti) - 1
    for raw, got in ((aoti[1], stored.iloc[0]), (aoti[-1], stored.iloc[-1])):
        value = dict(zip(header, raw))
        assert got["time"] == datetime(int(value["year"]), int(value["month"]), int(value["day"]), int(value["hour"]))
        assert got["pm25"] == float(value["PM2.5"]) and got["pm10"] == float(value["PM10"])
        assert got["co"] == pytest.approx(float(value["CO"]) / 1000)  # µg/m³ in the file, mg/m³ stored
        assert got["temp"] == float(value["TEMP"])
    assert stored.iloc[0]["wd"] == 337.5  # NNW

    again = import_observations(real_store, files, stations_file=folder / "stations.csv")
    assert (again.new, again.updated, again.unchanged) == (0, 0, expected)


def test_cnemc_daily_files_store_hourly_values_and_published_aqi(real_store: Store, real_data: Path):
    folder = real_data / "cnemc_quotsoft"
    files = sorted(folder.glob("china_sites_*.csv"))
    report = import_cnemc(real_store, files)
    assert report.rejected == 0
    # Expected: every station-hour with at least one hourly value, counted over the distinct hours.
    hourly = {"AQI", "PM2.5", "PM10", "SO2", "NO2", "O3", "CO"}
    filled: set[tuple[str, str, str]] = set()
    for path in files:
        rows = _rows(path)
        for row in rows[1:]:
            if row[2] in hourly:
                filled.update((code, row[0], row[1]) for code, cell in zip(rows[0][3:], row[3:]) if cell)
    assert report.new + report.updated == len(filled)

    henan = _rows(folder / "china_sites_201906_henan_subset.csv")
    column = henan[0].index("1828A")
    aqi_row = next(row for row in henan if row[2] == "AQI" and row[column])
    pm_row = next(row for row in henan if row[2] == "PM2.5" and row[:2] == aqi_row[:2])
    when = datetime.strptime(aqi_row[0], "%Y%m%d") + timedelta(hours=int(aqi_row[1]))
    with real_store.read() as con:
        aqi, pm25 = con.execute("SELECT aqi_published, pm25 FROM observations WHERE station_code = '1828A' "
                                "AND time = ?", [when]).fetchone()
    assert aqi == int(aqi_row[column]) and pm25 == float(pm_row[column])
    again = import_cnemc(real_store, files)
    assert again.new == 0 and again.updated == 0


def test_firms_times_become_beijing_time_and_overlaps_do_not_duplicate(real_store: Store, real_data: Path):
    folder = real_data / "firms"
    box, china = sorted(folder.glob("*box_110*.csv")), sorted(folder.glob("*bbox_73*.csv"))
    first = import_firms(real_store, box)
    box_rows = _rows(box[0])
    assert first.new == len(box_rows) - 1
    both = import_firms(real_store, box + china)
    china_rows = _rows(china[0])
    with real_store.read() as con:
        total = con.execute("SELECT count(*) FROM fire_points").fetchone()[0]
        header, late = china_rows[0], next(row for row in china_rows[1:] if int(row[6]) >= 1600)
        value = dict(zip(header, late))
        stored = con.execute("SELECT time, satellite, confidence, frp, daynight FROM fire_points "
                             "WHERE lat = ? AND lon = ?", [float(value["latitude"]), float(value["longitude"])]).df()
    assert total == len(china_rows) - 1  # the box file is a subset of the China file
    assert both.unchanged >= len(box_rows) - 1
    utc = datetime.strptime(value["acq_date"] + value["acq_time"], "%Y-%m-%d%H%M")
    assert stored["time"].iloc[0] == utc + timedelta(hours=8)
    assert stored["time"].iloc[0].date() > utc.date()  # 16:00 UTC or later is the next day in Beijing
    assert stored["satellite"].iloc[0] == value["satellite"] and stored["daynight"].iloc[0] == value["daynight"]
    assert stored["confidence"].iloc[0] == value["confidence"] and stored["frp"].iloc[0] == float(value["frp"])


def test_henan_polygons_are_repaired_reported_and_idempotent(real_store: Store, real_data: Path):
    counties = real_data / "boundaries" / "henan_410000_counties.geojson"
    report = import_townships(real_store, [counties])
    assert report.new + report.updated == 158
    notes = [note.render("en") for note in report.notes]
    for name in ("鲁山县", "建安区", "渑池县", "南召县", "方城县", "浉河区"):
        assert any(name in note and "make_valid" in note for note in notes)
    with real_store.read(spatial=True) as con:
        invalid = con.execute("SELECT count(*) FROM townships WHERE NOT ST_IsValid(geom)").fetchone()[0]
    assert invalid == 0
    again = import_townships(real_store, [counties])
    assert again.unchanged == 158
    prefectures = import_zones(real_store, [real_data / "boundaries" / "henan_410000_prefectures.geojson"],
                               kind="coal_ban")
    assert prefectures.new == 18 and sum("make_valid" in note.render("en") for note in prefectures.notes) == 3


def test_gcj02_option_moves_jiyuan_by_the_published_offset(real_store: Store, real_data: Path, tmp_path: Path):
    jiyuan = real_data / "boundaries" / "jiyuan_419001.geojson"
    plain = Store(tmp_path / "plain.duckdb")
    plain.migrate()
    import_townships(plain, [jiyuan])
    shifted = Store(tmp_path / "shifted.duckdb")
    shifted.migrate()
    import_townships(shifted, [jiyuan], crs="gcj02")
    vertices = []
    for store in (plain, shifted):
        with store.read(spatial=True) as con:
            wkb = con.execute("SELECT ST_AsWKB(geom) FROM townships").fetchone()[0]
        vertices.append(shapely.get_coordinates(shapely.from_wkb(bytes(wkb))))
    gcj_lon, gcj_lat = wgs84_to_gcj02(vertices[1][:, 0], vertices[1][:, 1])
    assert abs(gcj_lon - vertices[0][:, 0]).max() < 1e-7 and abs(gcj_lat - vertices[0][:, 1]).max() < 1e-7
    shift_m = abs(vertices[0] - vertices[1]).max(axis=0) * [91_000, 111_000]  # metres per degree at 35° N
    assert 100 < shift_m.max() < 1000  # a few hundred metres, as published for GCJ-02


def test_cli_import_prints_a_summary(real_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture):
    from cli import main

    db = tmp_path / "cli.duckdb"
    assert main(["import", "firms", "--db", str(db),
                 str(next((real_data / "firms").glob("*box_110*.csv")))]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "218 new" in out[0]
    assert pd.Series(Store(db).row_counts())["fire_points"] == 218
