"""A small map of one place for the task card: the region's offline base and the task's square, no tiles."""
from __future__ import annotations

import folium
import geopandas as gpd

from layers.assets import asset_base_url, localize_assets
from layers.basemap import build_basemap
from layers.offline_base import add_offline_base, offline_base
from layers.sources import TASK_STATE_COLOURS, task_marker

# About 15 km across the snippet (in degrees either side of the place): the place among the roads and the
# township names around it.
PLACE_HALF_SPAN = (0.07, 0.05)


def place_map(townships: gpd.GeoDataFrame, lon: float, lat: float, state: str, lang: str = "zh",
              roads: gpd.GeoSeries | None = None, asset_url: str = asset_base_url()) -> folium.Map:
    """A map centred on ``lon``/``lat`` (EPSG:4326) showing PLACE_HALF_SPAN either side, drawn from the region's own geography
    alone (layers.offline_base: ``townships``, ``roads``), so it needs no tile server; the place is the
    task's square in the colour of ``state`` (the card beside it names the place)."""
    half_lon, half_lat = PLACE_HALF_SPAN
    folium_map = build_basemap((lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat), [])
    add_offline_base(folium_map, offline_base(townships, lang, roads=roads))
    task_marker(TASK_STATE_COLOURS.get(state, TASK_STATE_COLOURS["pending"]), (lat, lon)).add_to(folium_map)
    return localize_assets(folium_map, asset_url)
