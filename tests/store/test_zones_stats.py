"""Zone area statistics against independent area calculations (pyproj Geod on the ellipsoid) made here."""
from __future__ import annotations

import json
import shutil

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from pyproj import Geod
from rasterio.transform import from_origin
from shapely.geometry import Polygon, box
from shapely.geometry.polygon import orient

from cli import main
from zones.stats import builtup_coverage, township_coverage, zone_areas

GEOD = Geod(ellps="WGS84")
HOLED = Polygon([(112.50, 35.00), (112.60, 35.00), (112.60, 35.08), (112.50, 35.08)],
                holes=[[(112.53, 35.03), (112.56, 35.03), (112.56, 35.05), (112.53, 35.05)]])


def _geodesic_km2(geometry) -> float:
    # Geod subtracts a ring only when it winds opposite to the shell: orient shells CCW, holes CW.
    return abs(GEOD.geometry_area_perimeter(orient(geometry, 1.0))[0]) / 1e6


def _zones(geometries, kinds) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": [f"z{i}" for i in range(len(kinds))], "name": kinds, "kind": kinds,
                             "valid_from": None, "valid_to": None}, geometry=geometries, crs="EPSG:4326")


def test_zone_areas_match_the_ellipsoid_and_leave_holes_out():
    zones = _zones([HOLED, box(112.2, 35.1, 112.4, 35.2)], ["fuel_ban", "coal_ban"])
    areas = zone_areas(zones)["area_km2"].to_numpy()
    expected = np.array([_geodesic_km2(HOLED), _geodesic_km2(box(112.2, 35.1, 112.4, 35.2))])
    assert areas == pytest.approx(expected, rel=2e-3)
    assert areas[0] < _geodesic_km2(Polygon(HOLED.exterior)) * 0.95


def test_township_coverage_shares():
    townships = gpd.GeoDataFrame({"code": ["A", "B"], "name": ["甲", "乙"], "terrain": ["urban", "plain"]},
                                 geometry=[box(112.5, 35.0, 112.6, 35.1), box(112.6, 35.0, 112.7, 35.1)],
                                 crs="EPSG:4326")
    zone = box(112.5, 35.0, 112.65, 35.1)
    table = township_coverage(townships, _zones([zone], ["low_emission"])).set_index("code")
    assert table.at["A", "low_emission_share"] == pytest.approx(1.0, abs=1e-6)
    half = _geodesic_km2(box(112.6, 35.0, 112.65, 35.1)) / _geodesic_km2(box(112.6, 35.0, 112.7, 35.1))
    assert table.at["B", "low_emission_share"] == pytest.approx(half, rel=2e-3)
    assert table.at["B", "coal_ban_km2"] == 0


def test_builtup_coverage_from_a_raster(tmp_path):
    # A 10 × 10 grid of 0.01° cells; the western half of rows 0-4 is built-up (class 2).
    classes = np.ones((10, 10), dtype=np.uint8)
    classes[:5, :5] = 2
    path = tmp_path / "landcover.tif"
    with rasterio.open(path, "w", driver="GTiff", height=10, width=10, count=1, dtype="uint8", crs="EPSG:4326",
                       transform=from_origin(112.5, 35.1, 0.01, 0.01)) as raster:
        raster.write(classes, 1)
    townships = gpd.GeoDataFrame({"code": ["A"], "name": ["甲"], "terrain": ["urban"]},
                                 geometry=[box(112.5, 35.0, 112.6, 35.1)], crs="EPSG:4326")
    # The fuel-ban zone takes in the built-up cells of columns 0-2 (cell centres west of 112.53).
    zones = _zones([box(112.49, 35.0, 112.53, 35.11)], ["fuel_ban"])
    coverage = builtup_coverage(zones, townships, path)
    built = _geodesic_km2(box(112.5, 35.05, 112.55, 35.1))
    covered = _geodesic_km2(box(112.5, 35.05, 112.53, 35.1))
    assert coverage.builtup_km2 == pytest.approx(built, rel=2e-3)
    assert coverage.share == pytest.approx(covered / built, rel=2e-3)
    assert not coverage.meets_requirement and "raster" in coverage.definition
    fallback = builtup_coverage(zones, townships, tmp_path / "missing.tif")
    assert fallback.definition == "urban-terrain townships"
    assert fallback.share == pytest.approx(_geodesic_km2(box(112.5, 35.0, 112.53, 35.1)) / _geodesic_km2(townships.geometry[0]), rel=2e-3)


def test_demo_stats_cli_json(demo_store, tmp_path, capsys):
    shutil.copy(demo_store.path, tmp_path / demo_store.path.name)
    shutil.copytree(demo_store.files_dir, tmp_path / demo_store.files_dir.name)
    assert main(["zones", "stats", "--db", str(tmp_path / demo_store.path.name), "--on", "2025-06-01",
                 "--format", "json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["crs"] == "EPSG:32649"
    assert {zone["kind"] for zone in stats["zones"]} == {"low_emission", "nonroad_ban", "coal_ban", "fuel_ban"}
    assert stats["built_up"]["meets_requirement"] and stats["built_up"]["share"] >= 0.8
    streets = [row for row in stats["townships"] if row["code"].startswith("41900100")]
    assert all(row["fuel_ban_share"] > 0.99 for row in streets)
