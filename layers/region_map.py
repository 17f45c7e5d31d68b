"""The region map: base map, township/zone/station overlays, layer control, local browser assets."""
from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import shapely

from data.gcj02 import wgs84_to_gcj02
from layers.assets import asset_base_url, localize_assets
from layers.basemap import build_basemap, tile_sources
from layers.overlays import station_layer, township_layer, zone_layer

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


def region_map(townships: gpd.GeoDataFrame, stations: gpd.GeoDataFrame, zones: gpd.GeoDataFrame,
               lang: str = "zh", tiles: str = "osm", tianditu_key: str = "",
               asset_url: str = asset_base_url()) -> folium.Map:
    """A folium map of the region fitted to the townships (all frames EPSG:4326).

    Layers bottom to top: townships, zones, stations; empty frames add no layer. On Gaode tiles
    the overlays are shifted to GCJ-02 to line up with the tiles. Browser files load from
    ``asset_url`` (see layers.assets), so the map draws with no internet when tiles='none'.
    """
    if any(source.gcj02 for source in tile_sources(tiles, tianditu_key)):
        townships, stations, zones = (frame_to_gcj02(frame) for frame in (townships, stations, zones))
    extent = townships if not townships.empty else stations
    bounds = tuple(extent.total_bounds) if not extent.empty else FALLBACK_BOUNDS
    folium_map = build_basemap(bounds, tiles=tiles, tianditu_key=tianditu_key)
    township_names = dict(zip(townships["code"], townships["name"]))
    if not townships.empty:
        township_layer(townships, lang).add_to(folium_map)
    if not zones.empty:
        zone_layer(zones, lang).add_to(folium_map)
    if not stations.empty:
        station_layer(stations, lang, township_names).add_to(folium_map)
    folium.LayerControl(collapsed=False).add_to(folium_map)
    return localize_assets(folium_map, asset_url)
