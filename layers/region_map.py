"""The region map: base map, township/zone/station overlays, layer control, local browser assets."""
from __future__ import annotations

from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from core.gcj02 import wgs84_to_gcj02
from core.vocabulary import label, translate
from layers.assets import asset_base_url, localize_assets
from layers.basemap import KeptView, TileSource, build_basemap, tile_sources
from layers.legend import legend_html, legend_stack
from layers.offline_base import BASE_STYLES, add_offline_base, offline_base
from layers.overlays import POPUP_CSS, STATION_STYLES, ZONE_STYLES, station_layer, township_layer, zone_layer
from layers.raster import raster_overlay
from layers.sources import (
    DUST_STYLES,
    FIRE_COLOUR,
    HOTSPOT_GRADE_STYLES,
    HOTSPOT_TASK_RINGS,
    TASK_STATE_COLOURS,
    SpreadOverlaps,
    dust_layer,
    fire_layer,
    hotspot_layer,
    task_layer,
)

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


def layer_legends(lang: str, zones: gpd.GeoDataFrame, stations: gpd.GeoDataFrame,
                  dust: gpd.GeoDataFrame | None, fires: pd.DataFrame | None,
                  hotspots: gpd.GeoDataFrame | None, roads_drawn: bool,
                  tasks: gpd.GeoDataFrame | None = None) -> list[str]:
    """Legend sections (layers.legend.legend_html) for the layers region_map draws from these frames:
    station kinds (when the stations are not coloured by AQI), zone kinds, dust kinds, fire points,
    hotspot grades and task rings, the states of the open tasks drawn, and the base's roads; a missing or
    empty frame has none."""
    sections = []
    if not stations.empty and "colour" not in stations:
        kinds = [kind for kind in STATION_STYLES if kind in set(stations["kind"])]
        sections.append(legend_html(translate("legend_station_kinds", lang),
                                    [(STATION_STYLES[kind]["fillColor"], label("station_kind", kind, lang))
                                     for kind in kinds], "legend-station-kinds", shape="circle"))
    if not zones.empty:
        kinds = [kind for kind in ZONE_STYLES if kind in set(zones["kind"])]
        sections.append(legend_html(translate("layer_zones", lang),
                                    [(ZONE_STYLES[kind]["color"], label("zone_kind", kind, lang)) for kind in kinds],
                                    "legend-zones", shape="line"))
    if dust is not None and not dust.empty:
        kinds = [kind for kind in DUST_STYLES if kind in set(dust["kind"])]
        sections.append(legend_html(translate("layer_dust", lang),
                                    [(DUST_STYLES[kind].get("fillColor", DUST_STYLES[kind]["color"]),
                                      label("source_kind", kind, lang)) for kind in kinds],
                                    "legend-dust", shape="circle"))
    if fires is not None and not fires.empty:
        sections.append(legend_html(translate("layer_fires", lang),
                                    [(FIRE_COLOUR, translate("legend_fire_point", lang))], "legend-fires",
                                    shape="circle"))
    if hotspots is not None and not hotspots.empty:
        grades = [(style["fillColor"], label("grade", grade, lang)) for grade, style in HOTSPOT_GRADE_STYLES.items()]
        rings = [(colour, translate(f"legend_hotspot_ring_{state}", lang)) for state, colour in HOTSPOT_TASK_RINGS.items()]
        sections.append(legend_html(translate("legend_hotspot_grades", lang), grades + rings, "legend-hotspots",
                                    shape="circle"))
    if tasks is not None and not tasks.empty:
        states = [state for state in TASK_STATE_COLOURS if state in set(tasks["state"])]
        sections.append(legend_html(translate("legend_tasks", lang),
                                    [(TASK_STATE_COLOURS[state], label("task_state", state, lang)) for state in states],
                                    "legend-tasks"))
    if roads_drawn:
        sections.append(legend_html(translate("layer_townships", lang),
                                    [(BASE_STYLES["road"]["color"], translate("legend_base_roads", lang))],
                                    "legend-base", shape="line"))
    return sections


def region_map(townships: gpd.GeoDataFrame, stations: gpd.GeoDataFrame, zones: gpd.GeoDataFrame,
               lang: str = "zh", tiles: str | list[TileSource] = "osm", tianditu_key: str = "",
               asset_url: str = asset_base_url(), *, township_colours: pd.Series | None = None,
               township_values: pd.Series | None = None, value_label: str = "",
               fires: pd.DataFrame | None = None, dust: gpd.GeoDataFrame | None = None,
               hotspots: gpd.GeoDataFrame | None = None,
               hotspot_tasks: pd.DataFrame | None = None, tasks: gpd.GeoDataFrame | None = None,
               raster: tuple[Path, str, list[float]] | None = None,
               legends: tuple[str, ...] = ()) -> folium.Map:
    """A folium map of the region fitted to the townships (all frames EPSG:4326).

    Layers bottom to top: PM2.5 surface (``raster``: GeoTIFF path, layer name, class edges), townships
    (a choropleth with ``township_colours``; see layers.overlays.township_layer), zones, dust sources,
    clustered fire points (``fires``: lon, lat, time, frp), stations, hotspots (their tasks' state and
    feedback in the popups from ``hotspot_tasks``, see layers.sources.hotspot_layer), open tasks and field
    observations (``tasks``, see layers.sources.task_layer); a missing or empty frame adds no layer. ``legends`` are HTML boxes (layers.legend.legend_html) drawn over the map.
    ``tiles`` is a TILE_CHOICES name (with ``tianditu_key``) or the tile layers themselves
    (layers.basemap.tile_sources). Under the tiles lies the offline base (layers.offline_base: the
    townships, the dust register's roads and the township names), so the map shows the region's
    geography when no tile loads. On GCJ-02 tiles (Gaode) the overlays are shifted to line up with the
    tiles. Browser files load from ``asset_url`` (see layers.assets), so the map needs no internet. The
    reader's view is kept in the browser tab (layers.basemap.KeptView) for the next map of the same region.
    """
    sources = tile_sources(tiles, tianditu_key) if isinstance(tiles, str) else list(tiles)
    frames = {"dust": dust, "hotspots": hotspots, "tasks": tasks}
    if any(source.gcj02 for source in sources):
        townships, stations, zones = (frame_to_gcj02(frame) for frame in (townships, stations, zones))
        frames = {name: frame_to_gcj02(frame) if frame is not None else None for name, frame in frames.items()}
        fires = points_to_gcj02(fires) if fires is not None else None
    extent = townships if not townships.empty else stations
    bounds = tuple(extent.total_bounds) if not extent.empty else FALLBACK_BOUNDS
    folium_map = build_basemap(bounds, sources)
    roads = None
    if frames["dust"] is not None and not frames["dust"].empty:
        roads = frames["dust"].geometry[frames["dust"]["kind"] == "road"]
    add_offline_base(folium_map, offline_base(townships, lang, roads=roads))
    township_names = dict(zip(townships["code"], townships["name"]))
    if raster is not None:
        raster_overlay(*raster, gcj02=any(source.gcj02 for source in sources)).add_to(folium_map)
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
    hotspots_drawn = tasks_drawn = None
    if frames["hotspots"] is not None and not frames["hotspots"].empty:
        hotspots_drawn = hotspot_layer(frames["hotspots"], lang, hotspot_tasks).add_to(folium_map)
    if frames["tasks"] is not None and not frames["tasks"].empty:
        tasks_drawn = task_layer(frames["tasks"], lang).add_to(folium_map)
    if hotspots_drawn is not None:
        SpreadOverlaps(hotspots_drawn, tasks_drawn).add_to(folium_map)
    others = layer_legends(lang, zones, stations, frames["dust"], fires, frames["hotspots"],
                           roads is not None and len(roads) > 0, frames["tasks"])
    if legends or others:
        folium_map.get_root().html.add_child(folium.Element(
            legend_stack(list(legends), others, translate("legend_more", lang))))
    folium_map.get_root().header.add_child(folium.Element(POPUP_CSS))
    control = folium.LayerControl(collapsed=True).add_to(folium_map)
    KeptView("lantian.map.view:" + ",".join(f"{edge:.3f}" for edge in bounds), control).add_to(folium_map)
    return localize_assets(folium_map, asset_url)
