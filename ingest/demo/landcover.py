"""The demo's land-cover raster: cropland on the plain, built-up city and seats, forest in the mountains."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import rasterio
from rasterio.features import rasterize
from rasterio.transform import from_origin
from scipy.ndimage import gaussian_filter
from shapely.geometry import Point

from ingest.demo.geography import OUTLINE, TOWNSHIPS, URBAN_AREA, circle, reservoir, town_centres, township_polygons
from ingest.demo.layout import ENTERPRISES

NODATA, CROPLAND, BUILT_UP, FOREST, WATER = 0, 1, 2, 3, 4
CLASS_NAMES = {CROPLAND: "cropland", BUILT_UP: "built-up", FOREST: "forest/mountain", WATER: "water"}
CELL_DEG = 0.002          # about 180 m east-west and 220 m north-south at 35° N
WEST, NORTH = 112.02, 35.30
WIDTH, HEIGHT = 385, 210  # to 112.79 E, 34.88 N
TRANSFORM = from_origin(WEST, NORTH, CELL_DEG, CELL_DEG)
_LAYOUT_SEED = 419001     # the layout is the same for every data seed
LANDCOVER_FILE = "landcover.tif"


def village_disks() -> list:
    """Village built-up disks (250 m) scattered over the plain townships, EPSG:4326."""
    rng = np.random.default_rng(_LAYOUT_SEED)
    polygons = township_polygons()
    villages = []
    for township in TOWNSHIPS:
        if township.terrain != "plain":
            continue
        area = polygons[township.code]
        west, south, east, north = area.bounds
        placed = 0
        while placed < 8:
            lon, lat = rng.uniform(west, east), rng.uniform(south, north)
            if area.contains(Point(lon, lat)):
                villages.append(circle(round(lon, 5), round(lat, 5), 250.0))
                placed += 1
    return villages


@lru_cache(maxsize=1)
def landcover_grid() -> np.ndarray:
    """The land-cover classes (uint8, HEIGHT × WIDTH) on the grid ``TRANSFORM`` (EPSG:4326)."""
    shape = (HEIGHT, WIDTH)
    polygons = township_polygons()
    terrain = {t.code: t.terrain for t in TOWNSHIPS}
    mountain = [polygons[code] for code, kind in terrain.items() if kind == "mountain"]
    grid = rasterize([(OUTLINE, CROPLAND)], out_shape=shape, transform=TRANSFORM, fill=NODATA,
                     dtype="uint8")
    mountain_mask = rasterize([(poly, 1) for poly in mountain], out_shape=shape, transform=TRANSFORM,
                              dtype="uint8").astype(bool)
    # Terraced valley fields cover about a fifth of the mountain townships.
    valleys = gaussian_filter(np.random.default_rng(_LAYOUT_SEED).normal(size=shape), sigma=4)
    grid[mountain_mask & (valleys < np.quantile(valleys, 0.8))] = FOREST
    built = ([URBAN_AREA.buffer(-0.003)] + town_centres() + village_disks()
             + [plant.footprint.buffer(0.002) for plant in ENTERPRISES])
    built_mask = rasterize([(poly, 1) for poly in built], out_shape=shape, transform=TRANSFORM,
                           dtype="uint8").astype(bool)
    water_mask = rasterize([(reservoir(), 1)], out_shape=shape, transform=TRANSFORM,
                           dtype="uint8").astype(bool)
    inside = grid != NODATA
    grid[built_mask & inside] = BUILT_UP
    grid[water_mask & inside] = WATER
    return grid


def landcover_at(lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """Land-cover class at each lon/lat (EPSG:4326); NODATA outside the grid."""
    grid = landcover_grid()
    rows, cols = rasterio.transform.rowcol(TRANSFORM, np.asarray(lons), np.asarray(lats))
    rows, cols = np.asarray(rows), np.asarray(cols)
    valid = (rows >= 0) & (rows < HEIGHT) & (cols >= 0) & (cols < WIDTH)
    classes = np.full(rows.shape, NODATA, dtype=np.uint8)
    classes[valid] = grid[rows[valid], cols[valid]]
    return classes


def write_landcover(path: Path) -> Path:
    """Write the land-cover GeoTIFF (EPSG:4326, 0.002° cells, classes in CLASS_NAMES, 0 = nodata)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    grid = landcover_grid()
    profile = {"driver": "GTiff", "height": HEIGHT, "width": WIDTH, "count": 1, "dtype": "uint8",
               "crs": "EPSG:4326", "transform": TRANSFORM, "nodata": NODATA, "compress": "deflate"}
    with rasterio.open(path, "w", **profile) as raster:
        raster.write(grid, 1)
        raster.update_tags(1, **{f"class_{value}": name for value, name in CLASS_NAMES.items()},
                           source="Lantian demo (illustrative)")
    return path
