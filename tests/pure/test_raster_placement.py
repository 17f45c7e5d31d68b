"""The PM2.5 surface is drawn where its cells belong: a UTM GeoTIFF's known cell, found in the image the
map draws, lands within 50 m of its true place (in WGS84 on OSM/Tianditu, in GCJ-02 on Gaode tiles)."""
from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
import pytest
import rasterio
from PIL import Image
from pyproj import Geod, Transformer
from rasterio.transform import from_origin

from core.gcj02 import wgs84_to_gcj02
from layers.raster import raster_overlay

CELL_M = 3000.0
# A 3 km grid in UTM 49N over Jiyuan, as the hotspot engine writes its surface.
ORIGIN_E, ORIGIN_N, ROWS, COLS = 580_000.0, 3_920_000.0, 20, 30
MARKED = (7, 19)  # row, column of the one cell with a high value
EDGES = [0.0, 35.0, 75.0, 115.0, 150.0, 250.0]
GEOD = Geod(ellps="WGS84")
TO_LONLAT = Transformer.from_crs("EPSG:32649", "EPSG:4326", always_xy=True)
EARTH_RADIUS_M = 6378137.0


@pytest.fixture
def utm_surface(tmp_path: Path) -> Path:
    values = np.full((ROWS, COLS), 20.0, dtype="float32")
    values[MARKED] = 200.0
    path = tmp_path / "pm25_utm.tif"
    with rasterio.open(path, "w", driver="GTiff", width=COLS, height=ROWS, count=1, dtype="float32",
                       crs="EPSG:32649", transform=from_origin(ORIGIN_E, ORIGIN_N, CELL_M, CELL_M),
                       nodata=-9999.0) as target:
        target.write(values, 1)
    return path


def _marked_pixels_lonlat(overlay) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Lon/lat of the centres and outer corners of the image pixels coloured as the marked cell's class,
    read back from the overlay as Leaflet stretches it: linearly in Web Mercator between its bounds."""
    (south, west), (north, east) = overlay.bounds
    png = base64.b64decode(overlay.url.split(",", 1)[1])
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
    height, width = image.shape[:2]
    opaque = image[image[..., 3] > 0][:, :3]
    colours, counts = np.unique(opaque, axis=0, return_counts=True)
    marked_colour = colours[counts.argmin()]  # one cell of 200 among 599 of 20
    rows, cols = np.nonzero((image[..., :3] == marked_colour).all(axis=2) & (image[..., 3] > 0))
    merc_y = lambda lat: np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))  # noqa: E731
    top, bottom = merc_y(north), merc_y(south)

    def lonlat(col: np.ndarray, row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lon = west + col / width * (east - west)
        lat = np.degrees(2 * np.arctan(np.exp(top - row / height * (top - bottom))) - np.pi / 2)
        return lon, lat

    centre_lon, centre_lat = lonlat(cols + 0.5, rows + 0.5)
    corner_lon, corner_lat = lonlat(cols.astype(float), rows.astype(float))  # each pixel's north-west corner
    return centre_lon, centre_lat, corner_lon, corner_lat


@pytest.mark.parametrize("gcj02", [False, True])
def test_a_known_cell_lands_within_50_m(utm_surface: Path, gcj02: bool):
    overlay = raster_overlay(utm_surface, "PM2.5", EDGES, gcj02=gcj02)
    centre_lon, centre_lat, corner_lon, corner_lat = _marked_pixels_lonlat(overlay)
    row, col = MARKED
    true_west, true_north = ORIGIN_E + col * CELL_M, ORIGIN_N - row * CELL_M
    corner = np.array(TO_LONLAT.transform(true_west, true_north))
    centre = np.array(TO_LONLAT.transform(true_west + CELL_M / 2, true_north - CELL_M / 2))
    if gcj02:
        corner = np.array(wgs84_to_gcj02(corner[0], corner[1]), dtype=float)
        centre = np.array(wgs84_to_gcj02(centre[0], centre[1]), dtype=float)

    _, _, centre_miss = GEOD.inv(centre_lon.mean(), centre_lat.mean(), centre[0], centre[1])
    _, _, corner_misses = GEOD.inv(corner_lon, corner_lat, np.full(corner_lon.shape, corner[0]),
                                   np.full(corner_lat.shape, corner[1]))
    _, _, drawn_area_side = GEOD.inv(corner_lon.min(), corner_lat.mean(), corner_lon.max(), corner_lat.mean())

    assert centre_miss <= 50.0, f"the cell's centre is drawn {centre_miss:.0f} m from where it belongs"
    assert corner_misses.min() <= 50.0, f"the cell's north-west corner is drawn {corner_misses.min():.0f} m away"
    assert 2_900 <= drawn_area_side <= 3_300  # one 3 km cell, not a smear


def test_gcj02_moves_the_image_by_the_offset(utm_surface: Path):
    plain = raster_overlay(utm_surface, "PM2.5", EDGES).bounds
    shifted = raster_overlay(utm_surface, "PM2.5", EDGES, gcj02=True).bounds
    _, _, moved_m = GEOD.inv(plain[0][1], plain[0][0], shifted[0][1], shifted[0][0])
    assert 300 <= moved_m <= 900  # GCJ-02 is some 500-700 m off WGS84 around Jiyuan
