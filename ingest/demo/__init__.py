"""The built-in Jiyuan-like demo region: build_demo_store() makes a store of a full year of illustrative data
with its hotspots detected, as the app, the CLI, the tests and the benchmarks use it."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from core.errors import ConflictError
from data.bulk import replace_demo_content
from data.sources import place_fire_points
from data.store import Store
from ingest.demo.accounts import add_demo_accounts
from ingest.demo.dust import dust_readings
from ingest.demo.emergency import emergency_frames
from ingest.demo.fires import fire_points
from ingest.demo.fleets import fleet_frames
from ingest.demo.geography import (
    CITY,
    CITY_CODE,
    DEMO_SOURCE,
    TOWNSHIP_BY_CODE,
    TOWNSHIP_SOURCE,
    TOWNSHIPS,
    rules_json,
    township_at,
    township_polygons,
    zones,
)
from ingest.demo.grid import grid_frames
from ingest.demo.landcover import LANDCOVER_FILE, write_landcover
from ingest.demo.layout import DUST_SOURCES, ENTERPRISES, stations
from ingest.demo.observations import simulate
from ingest.demo.planted import planted_events
from ingest.rasters import import_rasters
from stations.day_values import refresh_daily_values

# Each generator draws from its own stream, so changing one never reshuffles another.
_STREAM_OBSERVATIONS, _STREAM_FIRES, _STREAM_DUST, _STREAM_FLEETS = 1, 2, 3, 4


def _wkb(geometries) -> list[bytes]:
    return [bytes(wkb) for wkb in shapely.to_wkb(list(geometries), output_dimension=2)]


def demo_frames(seed: int, year: int) -> dict[str, pd.DataFrame]:
    """Every demo table's rows as DataFrames (geometry as WKB or lon/lat, EPSG:4326), in insert order."""
    events = planted_events(year)
    network = stations()
    polygons = township_polygons()
    townships = pd.DataFrame({
        "code": [t.code for t in TOWNSHIPS], "name": [t.name for t in TOWNSHIPS],
        "name_en": [t.name_en for t in TOWNSHIPS], "kind": [t.kind for t in TOWNSHIPS],
        "terrain": [t.terrain for t in TOWNSHIPS], "illustrative": True, "source": TOWNSHIP_SOURCE,
        "provisional": False, "county_code": None, "city_code": CITY_CODE,
        "geom_wkb": _wkb(polygons[t.code] for t in TOWNSHIPS)})
    station_frame = pd.DataFrame({
        "code": [s.code for s in network], "name": [s.name for s in network],
        "kind": [s.kind for s in network], "township_code": [s.township_code for s in network],
        "city": CITY, "lon": [s.lon for s in network], "lat": [s.lat for s in network],
        "source": DEMO_SOURCE})
    enterprises = pd.DataFrame({
        "id": [e.id for e in ENTERPRISES], "name": [e.name for e in ENTERPRISES],
        "industry": [e.industry for e in ENTERPRISES],
        "emits": [json.dumps(list(e.emits)) for e in ENTERPRISES],
        "township_code": [township_at(e.lon, e.lat) for e in ENTERPRISES],
        "lon": [e.lon for e in ENTERPRISES], "lat": [e.lat for e in ENTERPRISES],
        "permit_number": [e.permit_number for e in ENTERPRISES],
        "stack_height_m": [e.stack_height_m for e in ENTERPRISES],
        "performance_grade": [e.performance_grade for e in ENTERPRISES],
        "responsible_unit": [TOWNSHIP_BY_CODE[township_at(e.lon, e.lat)].name + "人民政府（示例）" for e in ENTERPRISES],
        "footprint_wkb": _wkb(e.footprint for e in ENTERPRISES)})
    zone_list = zones([e.footprint for e in ENTERPRISES])
    zone_frame = pd.DataFrame({
        "id": [z.id for z in zone_list], "name": [z.name for z in zone_list],
        "kind": [z.kind for z in zone_list], "rules": [rules_json(z) for z in zone_list],
        "valid_from": pd.to_datetime([z.valid_from for z in zone_list]).date,
        "valid_to": pd.Series([None] * len(zone_list), dtype="object"), "source": DEMO_SOURCE,
        "geom_wkb": _wkb(z.geom for z in zone_list)})
    dust_sources = pd.DataFrame({
        "id": [d.id for d in DUST_SOURCES], "kind": [d.kind for d in DUST_SOURCES],
        "name": [d.name for d in DUST_SOURCES],
        "township_code": [township_at(*d.anchor) for d in DUST_SOURCES],
        "attrs": [d.attrs_json() for d in DUST_SOURCES],
        "responsible_unit": [d.responsible_unit for d in DUST_SOURCES],
        "geom_wkb": _wkb(d.geometry for d in DUST_SOURCES)})
    return {
        "admin_units": pd.DataFrame({"code": [CITY_CODE], "name": [CITY], "level": ["city"],
                                     "parent_code": [CITY_CODE[:2] + "0000"]}),
        "townships": townships,
        "stations": station_frame,
        # The names a station list gives the stations (code and name), as an imported list keeps them.
        "station_aliases": pd.concat([pd.DataFrame({"alias": station_frame[column], "station_code": station_frame["code"],
                                                    "source": DEMO_SOURCE}) for column in ("code", "name")],
                                     ignore_index=True),
        "enterprises": enterprises,
        "zones": zone_frame,
        "dust_sources": dust_sources,
        "dust_readings": dust_readings(events, year, np.random.default_rng([seed, _STREAM_DUST])),
        "fire_points": fire_points(events, year, np.random.default_rng([seed, _STREAM_FIRES])),
        "observations": simulate(network, events, year, np.random.default_rng([seed, _STREAM_OBSERVATIONS])),
        **fleet_frames(zone_list, year, np.random.default_rng([seed, _STREAM_FLEETS])),
        **grid_frames(),
        **emergency_frames(year),
    }


def build_demo(store: Store, seed: int, year: int) -> dict[str, int]:
    """Build the demo region into ``store`` and return the rows written per table.

    Migrates the store, replaces all demo content in one write transaction (a rebuild gives the same
    result, never duplicates) and writes the land-cover GeoTIFF (EPSG:4326, classes 1 cropland,
    2 built-up, 3 forest/mountain, 4 water) to ``store.own_landcover_path``. The same seed and year give
    identical table contents; what was planted for detection to find is in ingest.demo.planted.
    """
    store.migrate()
    frames = demo_frames(seed, year)
    with store.write(spatial=True) as con:
        replace_demo_content(con, frames)
        place_fire_points(con)
        refresh_daily_values(con, None)  # the daily aggregates rankings read, as importers keep them
    with tempfile.TemporaryDirectory(prefix="lantian-demo-") as folder:
        # Through the raster importer, as a city's land cover arrives: checked, stored, recorded.
        import_rasters(store, [write_landcover(Path(folder) / LANDCOVER_FILE)], kind="landcover")
    add_demo_accounts(store)
    return {table: len(frame) for table, frame in frames.items()}


def build_demo_store(path: Path, seed: int, year: int, *, replace: bool = False,
                     on_step: Callable[[str], None] | None = None) -> dict[str, int]:
    """A new store at ``path`` holding the demo region (build_demo) with its year's hotspots detected and
    its zones checked, as the daily runs would leave it; returns the rows written per table and
    ``hotspots`` (all kinds, zone violations included).

    Built atomically: everything is written in a private folder beside ``path`` and the database file
    takes its real name only once complete, so a build that dies half-way leaves no store that a later
    start would take for a finished one. An existing store is refused unless ``replace``; then it is
    swapped for the new one (its users, tasks and imports are gone). ``on_step`` is called with the
    vocabulary key of each step as it begins (progress.demo.*, and detection's progress.detect.*)."""
    from hotspots.engine import check_zones, detect_and_store

    path = Path(path)
    target = Store(path)
    if target.exists() and not replace:
        raise ConflictError("error.store_exists", path=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.building-"))
    try:
        step = on_step or (lambda _key: None)
        staged = Store(building / path.name)
        step("progress.demo.region")
        written = build_demo(staged, seed=seed, year=year)
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        detected = detect_and_store(staged, first, last, on_step=step)
        step("progress.demo.zones")
        violations = check_zones(staged, first, last)
        written["hotspots"] = detected["new"] + violations.new
        if replace:
            target.wal_path.unlink(missing_ok=True)
            shutil.rmtree(target.files_dir, ignore_errors=True)
        if staged.files_dir.exists():
            shutil.copytree(staged.files_dir, target.files_dir, dirs_exist_ok=True)
        if staged.wal_path.exists():
            os.replace(staged.wal_path, target.wal_path)
        # The database file is moved last: its name appearing is what marks the build as complete.
        os.replace(staged.path, path)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return written
