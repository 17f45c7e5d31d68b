"""A point on the border of two townships belongs to one of them, the same one on every path:
the importers' township fill, the ranking's fire-point count and the hotspot engine's placement."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from data.deductions import township_deductions
from data.store import Store
from data.townships import read_townships
from ingest.firms import import_firms
from ingest.polygons import import_townships
from zones.membership import points_frame, township_containing

WEST, EAST, NEW = "419001100", "419001102", "419001104"
FIRMS_HEADER = "latitude,longitude,brightness,scan,track,acq_date,acq_time,satellite,confidence,version,bright_t31,frp,daynight\n"


def _two_townships(store: Store) -> None:
    with store.write(spatial=True) as con:
        for code, name, west in ((WEST, "克井镇", 112.5), (EAST, "轵城镇", 112.6)):
            con.execute("INSERT INTO townships (code, name, geom) VALUES (?, ?, ST_GeomFromText(?))",
                        [code, name, f"POLYGON(({west} 35, {west + 0.1} 35, {west + 0.1} 35.1, {west} 35.1, {west} 35))"])


def test_border_point_goes_to_the_lowest_code_on_every_path(store: Store, tmp_path: Path):
    _two_townships(store)
    firms = tmp_path / "fires.csv"
    firms.write_text(FIRMS_HEADER
                     + "35.05,112.6,320.1,1.0,1.0,2024-06-10,0530,T,80,6.1NRT,290.0,12.5,D\n"   # on the border
                     + "35.05,112.65,320.1,1.0,1.0,2024-06-10,0530,T,80,6.1NRT,290.0,12.5,D\n"  # inside 轵城
                     + "35.05,112.9,320.1,1.0,1.0,2024-06-10,0530,T,80,6.1NRT,290.0,12.5,D\n",  # outside both
                     encoding="utf-8")
    import_firms(store, [firms])
    with store.read(spatial=True) as con:
        stored = dict(con.execute("SELECT lon, township_code FROM fire_points").fetchall())
        counted = township_deductions(con, dt.date(2024, 6, 10), dt.date(2024, 6, 10))
        townships = read_townships(con)
    assert stored == {112.6: WEST, 112.65: EAST, 112.9: None}
    assert dict(zip(counted["township_code"], counted["fire_points"])) == {WEST: 1, EAST: 1}
    engine_placed = township_containing(points_frame([112.6, 112.65, 112.9], [35.05] * 3), townships)
    assert engine_placed.tolist()[:2] == [WEST, EAST] and engine_placed.isna().tolist() == [False, False, True]


def test_ranking_count_places_points_stored_without_a_township_once(store: Store):
    _two_townships(store)
    with store.write(spatial=True) as con:
        con.execute("INSERT INTO fire_points (id, source, time, lon, lat, geom) VALUES "
                    "('f1', 'official', TIMESTAMP '2024-06-10 13:30', 112.6, 35.05, ST_Point(112.6, 35.05))")
    with store.read(spatial=True) as con:
        counted = township_deductions(con, dt.date(2024, 6, 10), dt.date(2024, 6, 10))
    assert dict(zip(counted["township_code"], counted["fire_points"])) == {WEST: 1}


def _spatial_loaded(con) -> bool:
    return con.execute("SELECT loaded FROM duckdb_extensions() WHERE extension_name = 'spatial'").fetchone()[0]


def test_points_placed_at_import_are_counted_without_the_spatial_extension(store: Store, tmp_path: Path):
    """Every imported point, the one outside both townships too, is placed once at import; the count then
    reads the stored townships only. New outlines place the points that were outside the old ones."""
    _two_townships(store)
    firms = tmp_path / "fires.csv"
    firms.write_text(FIRMS_HEADER
                     + "35.05,112.65,320.1,1.0,1.0,2024-06-10,0530,T,80,6.1NRT,290.0,12.5,D\n"  # inside 轵城
                     + "35.05,112.75,320.1,1.0,1.0,2024-06-10,0530,T,80,6.1NRT,290.0,12.5,D\n",  # outside both
                     encoding="utf-8")
    import_firms(store, [firms])
    with store.read() as con:
        counted = township_deductions(con, dt.date(2024, 6, 10), dt.date(2024, 6, 10))
        assert not _spatial_loaded(con)
        assert con.execute("SELECT count(*) FROM fire_points WHERE NOT township_placed").fetchone()[0] == 0
    assert dict(zip(counted["township_code"], counted["fire_points"])) == {EAST: 1}

    outline = tmp_path / "new_township.geojson"
    outline.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"code": NEW, "name": "大峪镇"},
        "geometry": {"type": "Polygon", "coordinates": [[[112.7, 35], [112.8, 35], [112.8, 35.1], [112.7, 35.1],
                                                         [112.7, 35]]]}}]}), encoding="utf-8")
    import_townships(store, [outline])
    with store.read() as con:
        counted = township_deductions(con, dt.date(2024, 6, 10), dt.date(2024, 6, 10))
        assert not _spatial_loaded(con)
    assert dict(zip(counted["township_code"], counted["fire_points"])) == {EAST: 1, NEW: 1}
