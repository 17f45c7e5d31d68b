"""Identities that hold: every identifier a station list carries resolves later files; a township a station list
names exists by its name until its boundary arrives (ranking and hotspots work), and the boundary attaches."""
from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from accounts.users import add_user
from core.errors import BadInputError
from core.policy import Role, User
from data.store import Store
from hotspots.engine import detect_and_store
from ingest.observations import import_observations
from ingest.polygons import import_townships
from ingest.stations import import_stations
from stations.assessment import mark_dust_day, rank_store
from stations.ranking import Period
from tests.ranking_support import beijing_hours, independent_composite

BEIJING_MONTH = "2016-01"
ADMIN = User(name="test-admin", role=Role.ADMIN)


def _township_list(real_data: Path, target: Path) -> Path:
    """The real Beijing station list with two columns a city's list has: kind 乡镇站 and each station's own
    township, named by the station's Chinese name."""
    with (real_data / "beijing_multisite" / "stations.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(rows[0] + ["类型", "乡镇"])
        for row in rows[1:]:
            writer.writerow(row + ["乡镇站", row[2]])
    return target


@pytest.fixture(scope="module")
def beijing(tmp_path_factory: pytest.TempPathFactory, real_data: Path) -> Store:
    """The real Beijing list, then the real Beijing files as they are (no --stations), then the list again
    as township stations, each its own township without a boundary."""
    folder = tmp_path_factory.mktemp("beijing")
    store = Store(folder / "beijing.duckdb", busy_timeout_s=30)
    store.migrate()
    listed = import_stations(store, [real_data / "beijing_multisite" / "stations.csv"])
    assert (listed.new, listed.rejected) == (12, 0)
    files = sorted((real_data / "beijing_multisite").glob("PRSA_Data_*.csv"))
    report = import_observations(store, files)
    assert report.rejected == 0 and report.new == 12 * 35064
    townships = import_stations(store, [_township_list(real_data, folder / "township_stations.csv")])
    assert townships.updated == 12
    assert any("created by the name" in note.render("en") for note in townships.notes)
    return store


def test_observations_name_stations_by_the_english_id_their_list_gave(beijing: Store, real_data: Path):
    with beijing.read() as con:
        per_station = dict(con.execute("SELECT station_code, count(*) FROM observations GROUP BY 1").fetchall())
        aliases = dict(con.execute("SELECT alias, station_code FROM station_aliases WHERE alias = 'Aotizhongxin' "
                                   "OR alias = '奥体中心'").fetchall())
    assert per_station == {code: 35064 for code in pd.read_csv(real_data / "beijing_multisite" / "stations.csv")[
        "station_code"]}
    assert aliases == {"Aotizhongxin": "1011A", "奥体中心": "1011A"}


def test_a_ranking_of_townships_without_boundaries_equals_an_independent_hj663(beijing: Store, real_data: Path):
    names = pd.read_csv(real_data / "beijing_multisite" / "stations.csv").set_index("station_code")["name_zh"]
    expected = independent_composite(beijing_hours(real_data), BEIJING_MONTH, prefix="")
    expected.index = expected.index.map(names)
    ranking = rank_store(beijing, Period.parse(BEIJING_MONTH), version="2012")
    ranked = ranking[ranking["rank"].notna()]
    assert len(expected) >= 10 and len(ranking) == 12
    assert ranked["township_code"].tolist() == expected.index.tolist()
    assert ranked["township"].tolist() == expected.index.tolist()  # known by its name: code and name agree
    np.testing.assert_allclose(ranked["composite_index"].to_numpy(), expected.to_numpy(), rtol=1e-9)
    with beijing.read() as con:
        bare = con.execute("SELECT count(*) FROM townships WHERE geom IS NULL AND provisional").fetchone()[0]
    assert bare == 12


def test_station_hotspots_carry_the_township_known_by_name(beijing: Store, real_data: Path):
    detect_and_store(beijing, dt.date(2016, 1, 1), dt.date(2016, 1, 31))
    names = set(pd.read_csv(real_data / "beijing_multisite" / "stations.csv")["name_zh"])
    with beijing.read() as con:
        townships = con.execute("SELECT DISTINCT township_code FROM hotspots WHERE kind = 'station'").fetchall()
    assert townships and {row[0] for row in townships} <= names


KEJING = {"type": "Feature", "properties": {"乡镇代码": "419001100", "乡镇名称": "克井镇"},
          "geometry": {"type": "Polygon", "coordinates": [[[112.45, 35.13], [112.62, 35.13], [112.62, 35.24],
                                                           [112.45, 35.24], [112.45, 35.13]]]}}


def test_a_boundary_imported_later_attaches_to_the_township_known_by_name(store: Store, tmp_path: Path):
    stations = tmp_path / "stations.csv"
    stations.write_text("站点编码,站点名称,站点类型,乡镇,经度,纬度\nJY-T-06,克井镇站,乡镇站,克井镇,112.545,35.178\n"
                        "JY-T-07,五龙口镇站,乡镇站,五龙口镇,112.690,35.165\n", encoding="utf-8")
    import_stations(store, [stations])
    add_user(store, ADMIN, "kejing", "a-long-enough-password", Role.TOWNSHIP, township="克井镇")
    mark_dust_day(store, dt.date(2025, 3, 20), "克井镇", "沙尘")
    boundary = tmp_path / "townships.geojson"
    boundary.write_text(json.dumps({"type": "FeatureCollection", "features": [KEJING]}), encoding="utf-8")
    report = import_townships(store, [boundary])
    assert report.new == 1
    assert any("克井镇 → 419001100" in note.render("en") for note in report.notes)
    with store.read() as con:
        townships = con.execute("SELECT code, name, provisional, geom IS NOT NULL FROM townships ORDER BY code").fetchall()
        placed = dict(con.execute("SELECT code, township_code FROM stations").fetchall())
        user = con.execute("SELECT township_code FROM users WHERE name = 'kejing'").fetchone()[0]
        dust_day = con.execute("SELECT township_code FROM sand_dust_days").fetchone()[0]
    assert townships == [("419001100", "克井镇", False, True), ("五龙口镇", "五龙口镇", True, False)]
    assert placed == {"JY-T-06": "419001100", "JY-T-07": "五龙口镇"}
    assert user == dust_day == "419001100"
    again = import_townships(store, [boundary])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    relisted = import_stations(store, [stations])
    assert relisted.unchanged == 2  # the list's names now resolve to the codes


def test_a_station_named_inside_a_known_boundary_is_placed_there(store: Store, tmp_path: Path):
    boundary = tmp_path / "townships.geojson"
    boundary.write_text(json.dumps({"type": "FeatureCollection", "features": [KEJING]}), encoding="utf-8")
    import_townships(store, [boundary])
    stations = tmp_path / "stations.csv"
    stations.write_text("站点编码,站点名称,站点类型,乡镇,经度,纬度\nJY-M-01,克井微站,微站,克井,112.55,35.18\n", encoding="utf-8")
    report = import_stations(store, [stations])
    assert any("placed by their position" in note.render("en") for note in report.notes)
    with store.read() as con:
        assert con.execute("SELECT township_code FROM stations").fetchone()[0] == "419001100"
        assert con.execute("SELECT count(*) FROM townships").fetchone()[0] == 1


def test_a_name_two_stations_share_resolves_to_neither(store: Store, tmp_path: Path):
    stations = tmp_path / "stations.csv"
    stations.write_text("监测点编码,监测点名称,城市,经度,纬度\n1827A,市监测站,焦作,113.25,35.22\n"
                        "2396A,市监测站,许昌,113.83,34.03\n", encoding="utf-8")
    import_stations(store, [stations])
    hours = tmp_path / "hours.csv"
    hours.write_text("站点,时间,PM2.5\n市监测站,2025-01-01 00:00,40\n", encoding="utf-8")
    with pytest.raises(BadInputError) as caught:
        import_observations(store, [hours])
    assert (caught.value.row, caught.value.field) == (2, "站点") and "use the station code" in str(caught.value)
    hours.write_text("站点,时间,PM2.5\n1827A,2025-01-01 00:00,40\n", encoding="utf-8")
    assert import_observations(store, [hours]).new == 1
