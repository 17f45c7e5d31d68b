"""A single-band GeoTIFF (e.g. the PM2.5 surface) as a coloured folium image overlay, embedded as a PNG."""
from __future__ import annotations

import base64
import io
from pathlib import Path

import folium
import numpy as np
import rasterio
import rasterio.errors
from PIL import Image
from rasterio.warp import transform_bounds

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


def raster_overlay(path: Path, name: str, edges: list[float]) -> folium.raster_layers.ImageOverlay:
    """The first band of the GeoTIFF at ``path`` (any CRS; drawn in its lon/lat bounds, EPSG:4326)
    coloured by ``edges`` (value class edges, ascending, in the raster's unit) as an image overlay."""
    with rasterio.open(path) as source:
        values = source.read(1, masked=True).astype(float).filled(np.nan)
        west, south, east, north = transform_bounds(source.crs, "EPSG:4326", *source.bounds)
    buffer = io.BytesIO()
    Image.fromarray(colour_grid(values, edges), mode="RGBA").save(buffer, format="PNG")
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    return folium.raster_layers.ImageOverlay(url, bounds=[[south, west], [north, east]], name=name,
                                             opacity=0.7, interactive=False, cross_origin=False)
