"""Grid hotspots (热点网格): a PM2.5 surface on a regular projected grid, 3 km cells, the top cells, GeoTIFF output."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
from pyproj import CRS
from rasterio.features import geometry_mask
from rasterio.transform import Affine
from rasterio.warp import Resampling, reproject
from scipy.spatial import cKDTree

from core.errors import BadInputError
from hotspots.config import HotspotConfig


@dataclass(frozen=True)
class Surface:
    """A PM2.5 surface (µg/m³, NaN outside the region) on a north-up grid in a projected CRS."""

    values: np.ndarray
    transform: Affine
    crs: CRS


def region_grid(region, crs: CRS, resolution_m: float, cell_m: float) -> tuple[Affine, tuple[int, int]]:
    """A north-up grid of ``resolution_m`` pixels covering ``region`` (shapely geometry, EPSG:4326) in
    the projected ``crs``, its edges snapped to multiples of ``cell_m`` so cells stay put from run to
    run. Returns the affine transform and (rows, columns)."""
    if cell_m % resolution_m:
        raise BadInputError("error.grid_cell_not_multiple", field="grid_cell_m")
    west, south, east, north = gpd.GeoSeries([region], crs="EPSG:4326").to_crs(crs).total_bounds
    west, south = np.floor(west / cell_m) * cell_m, np.floor(south / cell_m) * cell_m
    east, north = np.ceil(east / cell_m) * cell_m, np.ceil(north / cell_m) * cell_m
    shape = (int(round((north - south) / resolution_m)), int(round((east - west) / resolution_m)))
    return Affine(resolution_m, 0.0, west, 0.0, -resolution_m, north), shape


def idw_surface(lons: np.ndarray, lats: np.ndarray, values: np.ndarray, region, config: HotspotConfig,
                crs: CRS | None = None) -> Surface:
    """Inverse-distance-weighted surface of point values (station means, EPSG:4326) over ``region``:
    each pixel weighs its ``grid_idw_neighbours`` nearest stations by distance^-grid_idw_power.
    ``crs`` defaults to the region's UTM zone (EPSG:32649 for Jiyuan)."""
    valid = ~np.isnan(values)
    lons, lats, values = np.asarray(lons)[valid], np.asarray(lats)[valid], np.asarray(values, float)[valid]
    if len(values) == 0:
        raise BadInputError("error.no_station_values", field="pm25")
    crs = crs or gpd.GeoSeries([region], crs="EPSG:4326").estimate_utm_crs()
    transform, shape = region_grid(region, crs, config.grid_resolution_m, config.grid_cell_m)
    stations = gpd.GeoSeries.from_xy(lons, lats, crs="EPSG:4326").to_crs(crs)
    rows, cols = np.indices(shape)
    xs, ys = transform @ (cols.ravel() + 0.5, rows.ravel() + 0.5)
    tree = cKDTree(np.column_stack([stations.x, stations.y]))
    k = min(config.grid_idw_neighbours, len(values))
    distance, nearest = tree.query(np.column_stack([xs, ys]), k=k, workers=-1)   # every core; same result
    distance, nearest = distance.reshape(len(xs), k), nearest.reshape(len(xs), k)
    weights = 1.0 / np.maximum(distance, 1.0) ** config.grid_idw_power
    surface = (weights * values[nearest]).sum(axis=1) / weights.sum(axis=1)
    return Surface(_masked(surface.reshape(shape), region, transform, crs), transform, CRS.from_user_input(crs))


def raster_surface(path: Path, region, config: HotspotConfig, crs: CRS | None = None) -> Surface:
    """A satellite PM2.5 GeoTIFF (any CRS, µg/m³) resampled (average) onto the region's grid."""
    crs = crs or gpd.GeoSeries([region], crs="EPSG:4326").estimate_utm_crs()
    transform, shape = region_grid(region, crs, config.grid_resolution_m, config.grid_cell_m)
    values = np.full(shape, np.nan, dtype="float64")
    with rasterio.open(path) as source:
        reproject(rasterio.band(source, 1), values, dst_transform=transform, dst_crs=crs,
                  dst_nodata=np.nan, resampling=Resampling.average)
    return Surface(_masked(values, region, transform, crs), transform, CRS.from_user_input(crs))


def _masked(values: np.ndarray, region, transform: Affine, crs) -> np.ndarray:
    outside = geometry_mask([gpd.GeoSeries([region], crs="EPSG:4326").to_crs(crs).iloc[0]],
                            out_shape=values.shape, transform=transform)
    return np.where(outside, np.nan, values)


def write_surface(surface: Surface, path: Path) -> Path:
    """Write the surface as a float32 GeoTIFF (its projected CRS, NaN nodata) for the map."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows, cols = surface.values.shape
    profile = {"driver": "GTiff", "height": rows, "width": cols, "count": 1, "dtype": "float32",
               "crs": surface.crs, "transform": surface.transform, "nodata": np.nan, "compress": "deflate"}
    # Written under a temporary name and renamed: a reader never sees a half-written file, and a crash
    # leaves the previous surface in place.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.writing")
    try:
        with rasterio.open(temporary, "w", **profile) as raster:
            raster.write(surface.values.astype("float32"), 1)
            raster.update_tags(1, quantity="PM2.5", unit="µg/m³")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def grid_cells(surface: Surface, cell_m: float) -> pd.DataFrame:
    """Mean of the surface over ``cell_m`` cells (pixels outside the region ignored; cells wholly
    outside dropped): cell (key from the cell's south-west corner in the projected CRS), value
    (µg/m³), pixels, lon, lat (cell centre, EPSG:4326)."""
    factor = int(round(cell_m / surface.transform.a))
    rows, cols = surface.values.shape
    blocks = surface.values[: rows - rows % factor, : cols - cols % factor]
    blocks = blocks.reshape(rows // factor, factor, cols // factor, factor).swapaxes(1, 2).reshape(
        rows // factor, cols // factor, factor * factor)
    pixels = np.sum(~np.isnan(blocks), axis=2)
    with np.errstate(invalid="ignore"):
        means = np.nansum(blocks, axis=2) / pixels
    cell_rows, cell_cols = np.nonzero(pixels > 0)
    west = surface.transform.c + cell_cols * cell_m
    north = surface.transform.f - cell_rows * cell_m
    centres = gpd.GeoSeries.from_xy(west + cell_m / 2, north - cell_m / 2, crs=surface.crs).to_crs("EPSG:4326")
    keys = [f"E{int(x)}N{int(y)}" for x, y in zip(west, north - cell_m)]
    return pd.DataFrame({"cell": keys, "value": means[cell_rows, cell_cols],
                         "pixels": pixels[cell_rows, cell_cols], "lon": centres.x.to_numpy(),
                         "lat": centres.y.to_numpy()})


def top_cells(cells: pd.DataFrame, config: HotspotConfig) -> pd.DataFrame:
    """The grid hotspots: the ``grid_top_n`` highest cells that exceed the regional mean (pixel-weighted)
    by at least ``grid_min_excess``; adds regional_mean and excess (value / regional mean − 1)."""
    if cells.empty:
        return cells.assign(regional_mean=[], excess=[])
    regional = float(np.average(cells["value"], weights=cells["pixels"]))
    ranked = cells.assign(regional_mean=regional, excess=cells["value"] / regional - 1.0)
    ranked = ranked.sort_values(["value", "cell"], ascending=[False, True]).head(config.grid_top_n)
    return ranked[ranked["excess"] >= config.grid_min_excess].reset_index(drop=True)
