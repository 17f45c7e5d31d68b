"""Zone area statistics in km² (a local UTM projection, never degrees): zone areas, the fuel-ban area's
cover of the built-up land, and each township's coverage by each zone kind."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import rasterio
from rasterio.features import geometry_mask
from shapely.geometry import box
from shapely.ops import unary_union

from core.errors import BadInputError
from data.store import Store
from data.townships import read_townships
from data.zones import ZONE_KINDS, read_zones

BUILT_UP_NAME = "built-up"
BUILT_UP_CLASS = 2
FUEL_BAN_REQUIRED_SHARE = 0.8
"""The seeds require the 高污染燃料禁燃区 to cover at least 80 % of the built-up area."""
M2_PER_KM2 = 1e6
SEGMENT_DEG = 0.002
"""Edges are densified to this length (about 200 m) before projecting: a straight edge in degrees is
a curve in UTM, and two polygons sharing a line but not its vertices would otherwise disagree."""


def _projected(geometries: gpd.GeoSeries, crs: pyproj.CRS) -> gpd.GeoSeries:
    """EPSG:4326 geometries densified and projected to ``crs`` (metres)."""
    return geometries.segmentize(SEGMENT_DEG).to_crs(crs)


def local_crs(*frames: gpd.GeoDataFrame) -> pyproj.CRS:
    """The UTM zone of the frames' data (EPSG:32649 for Jiyuan), chosen with ``estimate_utm_crs``."""
    combined = pd.concat([frame.geometry for frame in frames if not frame.empty])
    return gpd.GeoSeries(combined, crs="EPSG:4326").estimate_utm_crs()


def zone_areas(zones: gpd.GeoDataFrame, crs: pyproj.CRS | None = None) -> pd.DataFrame:
    """id, name, kind, valid_from, valid_to and area_km2 of each zone (EPSG:4326 in, areas in km²
    measured in ``crs``, by default the data's UTM zone). Holes are not counted."""
    crs = crs or local_crs(zones)
    frame = pd.DataFrame(zones[["id", "name", "kind", "valid_from", "valid_to"]])
    frame["area_km2"] = _projected(zones.geometry, crs).area.to_numpy() / M2_PER_KM2
    return frame.reset_index(drop=True)


@dataclass(frozen=True)
class BuiltUpCoverage:
    """How much of the built-up area the fuel-ban zones cover (areas km²)."""

    definition: str
    builtup_km2: float
    covered_km2: float
    required_share: float = FUEL_BAN_REQUIRED_SHARE

    @property
    def share(self) -> float:
        return self.covered_km2 / self.builtup_km2 if self.builtup_km2 else float("nan")

    @property
    def meets_requirement(self) -> bool:
        return self.share >= self.required_share


def _built_up_class(raster: rasterio.DatasetReader) -> int:
    """The class value the raster's tags name 'built-up' (class_2=built-up), else 2."""
    for name, value in raster.tags(1).items():
        if name.startswith("class_") and value.strip().lower() == BUILT_UP_NAME:
            return int(name.removeprefix("class_"))
    return BUILT_UP_CLASS


def _cell_areas_m2(raster: rasterio.DatasetReader, crs: pyproj.CRS) -> np.ndarray:
    """Area of one cell in each raster row, m², measured in ``crs`` (cells of a lon/lat grid shrink
    towards the pole; within a row they are equal)."""
    transform = raster.transform
    if raster.crs is not None and raster.crs.is_projected:
        return np.full(raster.height, abs(transform.a * transform.e))
    rows = np.arange(raster.height)
    west = transform.c
    tops = transform.f + rows * transform.e
    cells = gpd.GeoSeries([box(west, top + transform.e, west + transform.a, top) for top in tops], crs="EPSG:4326")
    return _projected(cells, crs).area.to_numpy()


def builtup_coverage_from_raster(zones: gpd.GeoDataFrame, raster_path: Path, crs: pyproj.CRS) -> BuiltUpCoverage:
    """Built-up area = the land-cover raster's built-up cells; covered = those whose centre lies in a
    fuel-ban zone. ``zones``: the fuel-ban zones in force (EPSG:4326); the raster in EPSG:4326 or a
    projected CRS (then zones are reprojected to it)."""
    with rasterio.open(raster_path) as raster:
        classes = raster.read(1)
        built = classes == _built_up_class(raster)
        cell_m2 = _cell_areas_m2(raster, crs)[:, None]
        shapes = zones.geometry.to_crs(raster.crs) if raster.crs is not None else zones.geometry
        covered = (~geometry_mask(list(shapes), out_shape=classes.shape, transform=raster.transform)
                   if len(shapes) else np.zeros(classes.shape, dtype=bool))
    return BuiltUpCoverage(f"land-cover raster class '{BUILT_UP_NAME}' ({raster_path.name})",
                           float((built * cell_m2).sum() / M2_PER_KM2),
                           float(((built & covered) * cell_m2).sum() / M2_PER_KM2))


def builtup_coverage_from_townships(zones: gpd.GeoDataFrame, townships: gpd.GeoDataFrame,
                                    crs: pyproj.CRS) -> BuiltUpCoverage:
    """Built-up area = the urban-terrain townships (streets); covered = their intersection with the
    fuel-ban zones. The coarser definition, used when there is no land-cover raster."""
    urban = unary_union(townships.loc[townships["terrain"] == "urban"].geometry.to_list())
    fuel = unary_union(zones.geometry.to_list())
    areas = _projected(gpd.GeoSeries([urban, urban.intersection(fuel)], crs="EPSG:4326"), crs).area.to_numpy()
    return BuiltUpCoverage("urban-terrain townships", float(areas[0] / M2_PER_KM2), float(areas[1] / M2_PER_KM2))


def builtup_coverage(zones: gpd.GeoDataFrame, townships: gpd.GeoDataFrame, raster_path: Path | None,
                     crs: pyproj.CRS | None = None) -> BuiltUpCoverage:
    """The fuel-ban zones' cover of the built-up area: from the land-cover raster when it exists (the
    better definition: villages, town seats and industrial land are built-up too), else from the
    urban townships. ``zones`` may hold every kind; only fuel_ban zones count."""
    crs = crs or local_crs(townships, zones)
    fuel = zones[zones["kind"] == "fuel_ban"]
    if raster_path is not None and Path(raster_path).exists():
        return builtup_coverage_from_raster(fuel, Path(raster_path), crs)
    return builtup_coverage_from_townships(fuel, townships, crs)


def township_coverage(townships: gpd.GeoDataFrame, zones: gpd.GeoDataFrame,
                      crs: pyproj.CRS | None = None) -> pd.DataFrame:
    """One row per township: code, name, area_km2 and, for each zone kind, ``<kind>_km2`` (area of
    the township inside the union of that kind's zones) and ``<kind>_share`` (0–1)."""
    crs = crs or local_crs(townships, zones)
    projected = _projected(townships.geometry, crs)
    frame = pd.DataFrame({"code": townships["code"].to_numpy(), "name": townships["name"].to_numpy(),
                          "area_km2": projected.area.to_numpy() / M2_PER_KM2})
    for kind in ZONE_KINDS:
        mine = zones[zones["kind"] == kind]
        if mine.empty:
            covered = np.zeros(len(frame))
        else:
            union = unary_union(_projected(mine.geometry, crs).to_list())
            covered = projected.intersection(union).area.to_numpy() / M2_PER_KM2
        frame[f"{kind}_km2"] = covered
        frame[f"{kind}_share"] = covered / frame["area_km2"].to_numpy()
    return frame


@dataclass
class ZoneStats:
    """Area statistics of the zones in force on ``on`` (areas km², in the data's UTM zone)."""

    on: date
    crs: str
    zones: pd.DataFrame
    built_up: BuiltUpCoverage
    townships: pd.DataFrame


def zone_stats(store: Store, on: date) -> ZoneStats:
    """Zone areas, the fuel-ban cover of the built-up area (from the store's land-cover raster,
    Store.landcover_path, when present, else urban townships) and township coverage."""
    with store.read(spatial=True) as con:
        zones = read_zones(con, on=on)
        townships = read_townships(con)
    if townships.empty and zones.empty:
        raise BadInputError("error.no_townships_or_zones")
    crs = local_crs(townships, zones)
    raster = store.landcover_path
    return ZoneStats(on, crs.to_string(), zone_areas(zones, crs), builtup_coverage(zones, townships, raster, crs),
                     township_coverage(townships, zones, crs))
