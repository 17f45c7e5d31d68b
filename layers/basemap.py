"""The folium base map: configurable tiles (OSM, Tianditu, Gaode, any XYZ/WMTS template, the app's own
local tiles, or none) fitted to a region, with a metric scale bar."""
from __future__ import annotations

from dataclasses import dataclass

import folium
from branca.element import MacroElement
from jinja2 import Template

from core.errors import BadInputError
from layers.assets import app_path

TILE_CHOICES = ("osm", "tianditu", "gaode", "custom", "local", "none")
TEMPLATE_FIELDS = ("{z}", "{x}", "{y}")
# serve.py answers tile requests for the store's imported tile sets under this path.
LOCAL_TILE_PREFIX = "/api/tiles"
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


def tile_sources(tiles: str, tianditu_key: str = "", url: str = "", attribution: str = "",
                 gcj02: bool = False) -> list[TileSource]:
    """The tile layers for ``tiles`` (one of TILE_CHOICES), bottom first.

    Tianditu (the official national map, WGS84/CGCS2000, no offset) needs a web key; it comes as a
    vector layer plus its Chinese annotation layer. 'custom' is any XYZ or WMTS (KVP) template ``url``
    with Leaflet's {z}/{x}/{y} fields (a city's own tile server, an intranet Tianditu node) and its
    ``attribution``; ``gcj02`` says its tiles are drawn in GCJ-02. 'local' is the app's own tile route
    for an imported tile set (``url``, see serve.py), Web Mercator in WGS84.
    """
    if tiles == "none":
        return []
    if tiles in ("custom", "local"):
        if not url or not all(field in url for field in TEMPLATE_FIELDS):
            raise BadInputError("error.tiles_url_template", field="tiles_url", url=url)
        if tiles == "custom" and not attribution.strip():
            raise BadInputError("error.tiles_attribution_missing", field="tiles_attribution")
        return [TileSource(attribution.split("|")[0].strip() or tiles, url, attribution, subdomains="abc",
                           gcj02=gcj02 and tiles == "custom", max_zoom=MAX_ZOOM)]
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


def local_tile_url(name: str, base_url_path: str = "") -> str:
    """The app's own Leaflet URL template for the imported tile set ``name`` (served by serve.py at
    local_tile_route(base_url_path)) on a server whose ``server.baseUrlPath`` is ``base_url_path``."""
    return app_path(base_url_path, LOCAL_TILE_PREFIX) + f"/{name}/{{z}}/{{x}}/{{y}}"


def local_tile_route(base_url_path: str = "") -> str:
    """The Starlette route path of the local tiles under ``server.baseUrlPath`` = ``base_url_path``:
    Streamlit mounts an st.App's own routes at the server's root, not under its base path."""
    return app_path(base_url_path, LOCAL_TILE_PREFIX) + "/{name}/{z:int}/{x:int}/{y:int}"


class MetricScale(MacroElement):
    """Leaflet's scale bar in kilometres and metres only (folium's control_scale adds miles)."""

    _template = Template("""{% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false, position: 'bottomleft'}).addTo({{ this._parent.get_name() }});
    {% endmacro %}""")


class KeptView(MacroElement):
    """Keeps the reader's view (centre and zoom) and which of ``layer_control``'s overlays are on in the
    browser tab's sessionStorage under ``storage_key``, and opens a newly drawn map that way: panning or
    switching a layer never reruns the page, and the view survives a change of hour, theme or language (a new
    map). An overlay the new map does not have is left alone. Add it last, after the map has been fitted and
    the layer control added."""

    _template = Template("""{% macro script(this, kwargs) %}
        (function (map, key, overlays) {
            const read = (name) => {
                try { return JSON.parse(window.sessionStorage.getItem(name) || "null"); }
                catch (error) { return null; }  /* no storage (private mode): the map opens as drawn */
            };
            const write = (name, value) => {
                try { window.sessionStorage.setItem(name, JSON.stringify(value)); }
                catch (error) { /* simply not kept */ }
            };
            const kept = read(key);
            if (kept) { map.setView([kept.lat, kept.lng], kept.zoom, {animate: false}); }
            const shown = read(key + ":overlays") || {};
            for (const [name, layer] of Object.entries(overlays)) {
                if (shown[name] === false && map.hasLayer(layer)) { map.removeLayer(layer); }
                if (shown[name] === true && !map.hasLayer(layer)) { map.addLayer(layer); }
            }
            map.on("moveend", function () {
                const centre = map.getCenter();
                write(key, {lat: centre.lat, lng: centre.lng, zoom: map.getZoom()});
            });
            map.on("overlayadd overlayremove", function (event) {
                const now = read(key + ":overlays") || {};
                now[event.name] = event.type === "overlayadd";
                write(key + ":overlays", now);
            });
        })({{ this._parent.get_name() }}, {{ this.storage_key|tojson }},
           {{ this.layer_control.get_name() + "_layers.overlays" if this.layer_control else "{}" }});
    {% endmacro %}""")

    def __init__(self, storage_key: str, layer_control: folium.LayerControl | None = None) -> None:
        super().__init__()
        self._name = "KeptView"
        self.storage_key = storage_key
        self.layer_control = layer_control


def build_basemap(bounds: tuple[float, float, float, float], sources: list[TileSource]) -> folium.Map:
    """An empty folium map fitted to ``bounds`` (min lon, min lat, max lon, max lat; EPSG:4326) with the
    tile layers ``sources`` (see tile_sources) and a metric scale; with no sources it needs no network."""
    min_lon, min_lat, max_lon, max_lat = bounds
    folium_map = folium.Map(location=[(min_lat + max_lat) / 2, (min_lon + max_lon) / 2],
                            zoom_start=10, tiles=None, control_scale=False, prefer_canvas=False,
                            **{"maxZoom": MAX_ZOOM})  # folium sets maxZoom only from tiles; clusters need one
    MetricScale().add_to(folium_map)
    for source in sources:
        folium.TileLayer(tiles=source.url, attr=source.attribution, name=source.name,
                         subdomains=source.subdomains, max_zoom=source.max_zoom,
                         overlay=source.overlay, control=True).add_to(folium_map)
    folium_map.fit_bounds([[min_lat, min_lon], [max_lat, max_lon]])
    return folium_map
