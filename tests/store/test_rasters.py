"""GeoTIFFs (satellite PM2.5 of a month, land cover) are checked — CRS, extent over the region, nodata, values —
kept with the store's files where the engine reads them, and recorded; a refused raster changes nothing."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from core.errors import BadInputError
from data.rasters import read_rasters
from data.store import Store
from ingest.polygons import import_townships
from ingest.rasters import import_rasters

KEJING = "乡镇代码,乡镇名称,边界(WKT)\n419001100,克井镇,\"POLYGON ((112.45 35.13, 112.62 35.13, 112.62 35.24, 112.45 35.24, 112.45 35.13))\"\n"


@pytest.fixture
def region(store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "townships.csv"
    path.write_text(KEJING, encoding="utf-8")
    import_townships(store, [path])
    return store


def _geotiff(path: Path, values: np.ndarray, *, west: float = 112.40, north: float = 35.30, crs: str | None = "EPSG:4326",
             nodata: float | None = -999.0, cell: float = 0.01) -> Path:
    profile = {"driver": "GTiff", "height": values.shape[0], "width": values.shape[1], "count": 1,
               "dtype": values.dtype.name, "transform": from_origin(west, north, cell, cell), "nodata": nodata}
    if crs:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as raster:
        raster.write(values, 1)
    return path


def test_a_monthly_pm25_raster_is_stored_where_the_engine_reads_it(region: Store, tmp_path: Path):
    values = np.full((30, 30), 55.5, dtype="float32")
    values[0, 0] = -999.0
    path = _geotiff(tmp_path / "CHAP_PM25_202503.tif", values)
    report = import_rasters(region, [path])
    assert (report.new, report.rejected) == (1, 0)
    stored = region.satellite_path("2025-03")
    assert stored.read_bytes() == path.read_bytes()
    with region.read() as con:
        row = read_rasters(con).iloc[0]
    assert (row["kind"], row["period"], row["source"], row["nodata"]) == ("satellite_pm25", "2025-03",
                                                                          "CHAP_PM25_202503.tif", -999.0)
    assert row["west"] == pytest.approx(112.40) and row["north"] == pytest.approx(35.30)
    again = import_rasters(region, [path])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)


def test_a_projected_land_cover_raster_overlapping_the_region_is_accepted(region: Store, tmp_path: Path):
    classes = np.random.default_rng(1).integers(0, 5, (40, 40)).astype("uint8")
    path = _geotiff(tmp_path / "landcover.tif", classes, west=625000.0, north=3905000.0, crs="EPSG:32649",
                    nodata=0, cell=500.0)
    import_rasters(region, [path])
    assert region.own_landcover_path.exists()
    with region.read() as con:
        assert read_rasters(con)["kind"].tolist() == ["landcover"]


@pytest.mark.parametrize(("change", "message"), [
    ({"crs": None}, "states no coordinate system"),
    ({"west": 100.0, "north": 40.0}, "does not overlap the region"),
    ({"values": np.full((30, 30), 5000.0, dtype="float32")}, "is the unit µg/m³"),
    ({"values": np.full((30, 30), -999.0, dtype="float32")}, "no valid cell"),
    ({"values": np.full((30, 30), 40, dtype="int16"), "nodata": None}, "must declare its nodata value"),
])
def test_a_bad_pm25_raster_is_refused_and_nothing_is_kept(region: Store, tmp_path: Path, change: dict, message: str):
    values = change.pop("values", np.full((30, 30), 40.0, dtype="float32"))
    path = _geotiff(tmp_path / "pm25_2025-04.tif", values, **change)
    with pytest.raises(BadInputError, match=message) as caught:
        import_rasters(region, [path])
    assert caught.value.file == str(path)
    assert not region.satellite_path("2025-04").exists()
    assert region.row_counts()["rasters"] == 0


def test_land_cover_with_classes_the_rules_do_not_know_is_refused(region: Store, tmp_path: Path):
    worldcover = np.full((30, 30), 40, dtype="uint8")  # ESA WorldCover's cropland is 40, not 1
    with pytest.raises(BadInputError, match="unknown land-cover classes 40; expected 1 cropland"):
        import_rasters(region, [_geotiff(tmp_path / "landcover.tif", worldcover, nodata=0)])
    assert not region.own_landcover_path.exists()


def test_a_pm25_raster_needs_its_month(region: Store, tmp_path: Path):
    path = _geotiff(tmp_path / "pm25.tif", np.full((30, 30), 40.0, dtype="float32"))
    with pytest.raises(BadInputError, match="--period 2025-03"):
        import_rasters(region, [path])
    report = import_rasters(region, [path], period="2025-05")
    assert report.new == 1 and region.satellite_path("2025-05").exists()
