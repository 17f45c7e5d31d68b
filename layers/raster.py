"""A single-band GeoTIFF (e.g. the PM2.5 surface) as a coloured folium image overlay, embedded as a PNG,
reprojected to Web Mercator first so each cell lands where it belongs on the map."""
from __future__ import annotations

import base64
import io
from functools import lru_cache
from pathlib import Path

import folium
import numpy as np
import rasterio
import rasterio.errors
from PIL import Image
from pyproj import Transformer
from rasterio.transform import from_origin
from rasterio.warp import transform_bounds

from core.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02
from layers.legend import CHOROPLETH_COLOURS


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def colour_grid(values: np.ndarray, edges: list[float]) -> np.ndarray:
    """An RGBA image (uint8, rows × cols × 4) of ``values`` classed by ``edges`` into
    CHOROPLETH_COLOURS; NaN cells are transparent."""
    palette = np.array([_rgb(colour) for colour in CHOROPLETH_COLOURS], dtype=np.uint8)
    classes = np.clip(np.searchsorted(edges, np.nan_to_num(values), side="right") - 1, 0, len(palette) - 1)
    image = np.zeros(values.shape + (4,), dtype=np.uint8)
    image[..., :3] = palette[classes]
    image[..., 3] = np.where(np.isnan(values), 0, 170)
    return image


def readable_raster(path: Path) -> bool:
    """Whether the GeoTIFF at ``path`` opens and its first band reads whole (a file cut short by a crash
    or a full disk does not), so a damaged one is left off the map instead of failing it."""
    try:
        with rasterio.open(path) as source:
            source.read(1)
    except rasterio.errors.RasterioError:
        return False
    return True


WEB_MERCATOR = "EPSG:3857"
# The warped image's pixel on the ground (m): nearest-neighbour resampling moves a cell's edge by at most
# half a pixel, so edges land within 30 m. An image side never exceeds MAX_IMAGE_PX (a province's
# surface gets coarser pixels rather than a huge image).
TARGET_PIXEL_M = 60.0
MAX_IMAGE_PX = 4096


def web_mercator_grid(path: Path) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """The first band of the GeoTIFF at ``path`` (any CRS) warped to Web Mercator (EPSG:3857, the grid a
    Leaflet image overlay is stretched over), nodata as NaN, and its lon/lat bounds (west, south, east,
    north; EPSG:4326). Cells are resampled by nearest neighbour onto TARGET_PIXEL_M pixels."""
    with rasterio.open(path) as source:
        values = source.read(1, masked=True).astype(float).filled(np.nan)
        west, south, east, north = transform_bounds(source.crs, "EPSG:4326", *source.bounds)
        left, bottom, right, top = transform_bounds(source.crs, WEB_MERCATOR, *source.bounds, densify_pts=101)
        # Web Mercator metres are ground metres divided by cos(latitude).
        resolution = TARGET_PIXEL_M / np.cos(np.radians((south + north) / 2))
        resolution *= max(1.0, max(right - left, top - bottom) / resolution / MAX_IMAGE_PX)
        width, height = (max(1, int(np.ceil(extent / resolution))) for extent in (right - left, top - bottom))
        transform = from_origin(left, top, (right - left) / width, (top - bottom) / height)
        # Each output pixel takes the source cell under its centre, located exactly with pyproj (GDAL's
        # warper placed 3 km cells 100 m off at this magnification).
        xs = transform.c + (np.arange(width) + 0.5) * transform.a
        ys = transform.f + (np.arange(height) + 0.5) * transform.e
        grid_x, grid_y = np.meshgrid(xs, ys)
        source_x, source_y = Transformer.from_crs(WEB_MERCATOR, source.crs, always_xy=True).transform(grid_x, grid_y)
        cols, rows = ~source.transform @ (source_x, source_y)
        cols, rows = np.floor(cols).astype(int), np.floor(rows).astype(int)
        inside = (cols >= 0) & (cols < source.width) & (rows >= 0) & (rows < source.height)
        warped = np.full((height, width), np.nan)
        warped[inside] = values[rows[inside], cols[inside]]
    return warped, transform_bounds(WEB_MERCATOR, "EPSG:4326", left, bottom, right, top)


def _mercator_y(lat: np.ndarray) -> np.ndarray:
    return np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


def gcj02_grid(values: np.ndarray, bounds: tuple[float, float, float, float]
               ) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """``values`` (a Web Mercator grid over WGS84 lon/lat ``bounds``, see web_mercator_grid) resampled
    onto a Web Mercator grid in GCJ-02, for Gaode tiles: every output cell takes the value at its own
    WGS84 position (the offset changes by tens of metres across a region, so one shift is not enough)."""
    west, south, east, north = bounds
    corners_lon, corners_lat = wgs84_to_gcj02(np.array([west, east, west, east]), np.array([south, south, north, north]))
    out_bounds = (corners_lon.min(), corners_lat.min(), corners_lon.max(), corners_lat.max())
    rows, cols = values.shape
    lon = out_bounds[0] + (np.arange(cols) + 0.5) / cols * (out_bounds[2] - out_bounds[0])
    top, bottom = _mercator_y(np.array([out_bounds[3], out_bounds[1]]))
    lat = np.degrees(2 * np.arctan(np.exp(top - (np.arange(rows) + 0.5) / rows * (top - bottom))) - np.pi / 2)
    grid_lon, grid_lat = np.meshgrid(lon, lat)
    source_lon, source_lat = gcj02_to_wgs84(grid_lon, grid_lat)
    source_top, source_bottom = _mercator_y(np.array([north, south]))
    col = np.floor((source_lon - west) / (east - west) * cols).astype(int)
    row = np.floor((source_top - _mercator_y(source_lat)) / (source_top - source_bottom) * rows).astype(int)
    inside = (col >= 0) & (col < cols) & (row >= 0) & (row < rows)
    shifted = np.full(values.shape, np.nan)
    shifted[inside] = values[row[inside], col[inside]]
    return shifted, out_bounds


@lru_cache(maxsize=8)
def _overlay_image(path: str, modified_ns: int, edges: tuple[float, ...], gcj02: bool
                   ) -> tuple[str, tuple[float, float, float, float]]:
    """The PNG data URL and lon/lat bounds of a surface, kept while the file is unchanged (the warp
    takes about a second for a county, and a rerun should not repeat it)."""
    values, bounds = web_mercator_grid(Path(path))
    if gcj02:
        values, bounds = gcj02_grid(values, bounds)
    buffer = io.BytesIO()
    Image.fromarray(colour_grid(values, list(edges)), mode="RGBA").save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"), bounds


def raster_overlay(path: Path, name: str, edges: list[float], gcj02: bool = False) -> folium.raster_layers.ImageOverlay:
    """The first band of the GeoTIFF at ``path`` (any CRS) coloured by ``edges`` (value class edges,
    ascending, in the raster's unit) as an image overlay in Web Mercator (web_mercator_grid); with
    ``gcj02`` (Gaode tiles) in GCJ-02 (gcj02_grid)."""
    url, (west, south, east, north) = _overlay_image(str(path), Path(path).stat().st_mtime_ns, tuple(edges), gcj02)
    return folium.raster_layers.ImageOverlay(url, bounds=[[south, west], [north, east]], name=name,
                                             opacity=0.7, interactive=False, cross_origin=False)
