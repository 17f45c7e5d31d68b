"""The folium base map: configurable tiles (OSM, Tianditu, Gaode or none) fitted to a region."""
from __future__ import annotations

from dataclasses import dataclass

import folium

from core.errors import BadInputError

TILE_CHOICES = ("osm", "tianditu", "gaode", "none")
MAX_ZOOM = 18


@dataclass(frozen=True)
class TileSource:
    """One base-map tile layer: URL template, attribution, subdomains, and its coordinate system."""
    name: str
    url: str
    attribution: str
    subdomains: str = "abc"
    gcj02: bool = False  # Gaode tiles are drawn in GCJ-02, so overlays must be shifted to match
    max_zoom: int = 18
    overlay: bool = False  # drawn over the base layer (labels), not instead of it


def tile_sources(tiles: str, tianditu_key: str = "") -> list[TileSource]:
    """The tile layers for ``tiles`` ('osm', 'tianditu', 'gaode' or 'none'), bottom first.

    Tianditu (the official national map, WGS84/CGCS2000, no offset) needs a web key; it comes as a
    vector layer plus its Chinese annotation layer.
    """
    if tiles == "none":
        return []
    if tiles == "osm":
        return [TileSource("OpenStreetMap", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                           "&copy; OpenStreetMap contributors", subdomains="abc", max_zoom=19)]
    if tiles == "tianditu":
        if not tianditu_key:
            raise BadInputError("error.tianditu_key_missing", field="tianditu_key")
        wmts = ("https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
                "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}")
        return [TileSource(f"天地图 {label}", wmts.format(s="{s}", layer=layer, key=tianditu_key),
                           "&copy; 天地图 Tianditu", subdomains="01234567", overlay=overlay)
                for layer, label, overlay in (("vec", "矢量", False), ("cva", "注记", True))]
    if tiles == "gaode":
        return [TileSource("高德 Gaode",
                           "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
                           "&style=8&x={x}&y={y}&z={z}",
                           "&copy; 高德 AutoNavi", subdomains="1234", gcj02=True)]
    raise BadInputError("error.unknown_tiles", field="tiles", tiles=tiles, known=list(TILE_CHOICES))


def build_basemap(bounds: tuple[float, float, float, float], tiles: str = "osm",
                  tianditu_key: str = "") -> folium.Map:
    """An empty folium map fitted to ``bounds`` (min lon, min lat, max lon, max lat; EPSG:4326)
    with the chosen tile layers; with tiles='none' the map has no base layer and needs no network."""
    min_lon, min_lat, max_lon, max_lat = bounds
    folium_map = folium.Map(location=[(min_lat + max_lat) / 2, (min_lon + max_lon) / 2],
                            zoom_start=10, tiles=None, control_scale=True, prefer_canvas=False,
                            **{"maxZoom": MAX_ZOOM})  # folium sets maxZoom only from tiles; clusters need one
    for source in tile_sources(tiles, tianditu_key):
        folium.TileLayer(tiles=source.url, attr=source.attribution, name=source.name,
                         subdomains=source.subdomains, max_zoom=source.max_zoom,
                         overlay=source.overlay, control=True).add_to(folium_map)
    folium_map.fit_bounds([[min_lat, min_lon], [max_lat, max_lon]])
    return folium_map
