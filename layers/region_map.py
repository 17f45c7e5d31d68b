"""The region map: base map, township/zone/station overlays, layer control, local browser assets."""
from __future__ import annotations

from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from core.gcj02 import wgs84_to_gcj02
from layers.assets import asset_base_url, localize_assets
from layers.basemap import build_basemap, tile_sources
from layers.overlays import station_layer, township_layer, zone_layer
from layers.raster import raster_overlay
from layers.sources import dust_layer, fire_layer, hotspot_layer

# Jiyuan's extent, for a store that holds no township yet (lon/lat, EPSG:4326).
FALLBACK_BOUNDS = (112.0, 34.9, 112.9, 35.4)


def frame_to_gcj02(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of ``frame`` (EPSG:4326, WGS84) with every vertex shifted to GCJ-02, for drawing on
    Gaode tiles. The CRS label stays EPSG:4326: GCJ-02 has no EPSG code."""
    def shift(coords: np.ndarray) -> np.ndarray:
        return np.column_stack(wgs84_to_gcj02(coords[:, 0], coords[:, 1]))

    shifted = frame.copy()
    shifted.geometry = shapely.transform(frame.geometry.values, shift)
    return shifted


def points_to_gcj02(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with its lon/lat columns (WGS84) shifted to GCJ-02 for Gaode tiles."""
    shifted = frame.copy()
    shifted["lon"], shifted["lat"] = wgs84_to_gcj02(frame["lon"].to_numpy(float), frame["lat"].to_numpy(float))
    return shifted


def region_map(townships: gpd.GeoDataFrame, stations: gpd.GeoDataFrame, zones: gpd.GeoDataFrame,
               lang: str = "zh", tiles: str = "osm", tianditu_key: str = "",
               asset_url: str = asset_base_url(), *, township_colours: pd.Series | None = None,
               township_values: pd.Series | None = None, value_label: str = "",
               fires: pd.DataFrame | None = None, dust: gpd.GeoDataFrame | None = None,
               hotspots: gpd.GeoDataFrame | None = None,
               hotspot_tasks: pd.DataFrame | None = None, raster: tuple[Path, str, list[float]] | None = None,
               legends: tuple[str, ...] = ()) -> folium.Map:
    """A folium map of the region fitted to the townships (all frames EPSG:4326).

    Layers bottom to top: PM2.5 surface (``raster``: GeoTIFF path, layer name, class edges), townships
    (a choropleth with ``township_colours``; see layers.overlays.township_layer), zones, dust sources,
    clustered fire points (``fires``: lon, lat, time, frp), stations, hotspots (their tasks' state and
    feedback in the popups from ``hotspot_tasks``, see layers.sources.hotspot_layer); a missing or
    empty frame adds no layer. ``legends`` are HTML boxes (layers.legend.legend_html) drawn over the map.
    On Gaode tiles the overlays are shifted to GCJ-02 to line up with the tiles. Browser files load
    from ``asset_url`` (see layers.assets), so the map draws with no internet when tiles='none'.
    """
    frames = {"dust": dust, "hotspots": hotspots}
    if any(source.gcj02 for source in tile_sources(tiles, tianditu_key)):
        townships, stations, zones = (frame_to_gcj02(frame) for frame in (townships, stations, zones))
        frames = {name: frame_to_gcj02(frame) if frame is not None else None for name, frame in frames.items()}
        fires = points_to_gcj02(fires) if fires is not None else None
    extent = townships if not townships.empty else stations
    bounds = tuple(extent.total_bounds) if not extent.empty else FALLBACK_BOUNDS
    folium_map = build_basemap(bounds, tiles=tiles, tianditu_key=tianditu_key)
    township_names = dict(zip(townships["code"], townships["name"]))
    if raster is not None:
        raster_overlay(*raster).add_to(folium_map)
    if not townships.empty:
        township_layer(townships, lang, township_colours, township_values, value_label).add_to(folium_map)
    if not zones.empty:
        zone_layer(zones, lang).add_to(folium_map)
    if frames["dust"] is not None and not frames["dust"].empty:
        dust_layer(frames["dust"], lang).add_to(folium_map)
    if fires is not None and not fires.empty:
        fire_layer(fires, lang).add_to(folium_map)
    if not stations.empty:
        station_layer(stations, lang, township_names).add_to(folium_map)
    if frames["hotspots"] is not None and not frames["hotspots"].empty:
        hotspot_layer(frames["hotspots"], lang, hotspot_tasks).add_to(folium_map)
    for legend in legends:
        folium_map.get_root().html.add_child(folium.Element(legend))
    folium.LayerControl(collapsed=False).add_to(folium_map)
    return localize_assets(folium_map, asset_url)
