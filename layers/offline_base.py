"""The offline base layer: the region's own geography (outline, township boundaries, roads) and township
names, drawn under the tiles so the map is never a grey void when no tile server answers."""
from __future__ import annotations

import html
import json

import folium
import geopandas as gpd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from layers.overlays import DISPLAY_SIMPLIFY_DEG, display_geometries

# Leaflet's tile pane is at z-index 200 and its overlay pane at 400: the base sits under the tiles (tiles
# that load cover it; tiles that fail leave it visible), the names above the tiles, under every overlay.
BASE_PANE, BASE_PANE_Z = "lantianBase", 150
LABEL_PANE, LABEL_PANE_Z = "lantianLabels", 350
# Above this many townships the names appear only from LABEL_MIN_ZOOM on, so a province does not turn
# into a carpet of text at its first view.
LABELS_ALWAYS_UP_TO = 120
LABEL_MIN_ZOOM = 10
BASE_STYLES: dict[str, dict[str, object]] = {
    "land": {"color": "#b9b2a3", "weight": 0.8, "fillColor": "#f3efe6", "fillOpacity": 1.0},
    "outline": {"color": "#5d5a54", "weight": 2.5, "fill": False},
    "road": {"color": "#d9a441", "weight": 2.5, "opacity": 0.9},
    "river": {"color": "#6fa8dc", "weight": 2, "opacity": 0.9},
    "builtup": {"color": "#c9bfb3", "weight": 0.5, "fillColor": "#ddd3c7", "fillOpacity": 1.0},
}
LABEL_CSS = """<style>
.lantian-label span {position:absolute; transform:translate(-50%,-50%); white-space:nowrap;
  font:12px/1.2 "WenQuanYi Micro Hei","Noto Sans CJK SC","Microsoft YaHei",sans-serif; color:#3b3a36;
  text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff; pointer-events:none}
</style>"""


class OfflineBase(MacroElement):
    """Leaflet code drawing ``shapes`` (GeoJSON with a 'k' kind property, see BASE_STYLES) in the base
    pane and ``labels`` (GeoJSON points with an escaped name 'n') as text in the label pane."""

    _template = Template("""{% macro script(this, kwargs) %}
    (function () {
        var map = {{ this._parent.get_name() }};
        [["{{ this.base_pane }}", {{ this.base_z }}], ["{{ this.label_pane }}", {{ this.label_z }}]].forEach(
            function (pane) { var made = map.createPane(pane[0]); made.style.zIndex = pane[1];
                              made.style.pointerEvents = "none"; });
        var styles = {{ this.styles }};
        L.geoJSON({{ this.shapes }}, {pane: "{{ this.base_pane }}", interactive: false,
            style: function (feature) { return styles[feature.properties.k]; }}).addTo(map);
        var labelPane = map.getPane("{{ this.label_pane }}");
        L.geoJSON({{ this.labels }}, {pointToLayer: function (feature, latlng) {
            return L.marker(latlng, {pane: "{{ this.label_pane }}", interactive: false, keyboard: false,
                icon: L.divIcon({className: "lantian-label", iconSize: null,
                                 html: "<span>" + feature.properties.n + "</span>"})});
        }}).addTo(map);
        function showLabels() { labelPane.style.display = map.getZoom() >= {{ this.min_zoom }} ? "" : "none"; }
        map.on("zoomend", showLabels);
        showLabels();
    })();
    {% endmacro %}""")

    def __init__(self, shapes: dict, labels: dict, min_zoom: int):
        super().__init__()
        self._name = "OfflineBase"
        compact = {"ensure_ascii": False, "separators": (",", ":")}  # UTF-8, not 6-byte \\u escapes
        self.shapes, self.labels = json.dumps(shapes, **compact), json.dumps(labels, **compact)
        self.styles = json.dumps(BASE_STYLES, **compact)
        self.base_pane, self.base_z, self.label_pane, self.label_z = BASE_PANE, BASE_PANE_Z, LABEL_PANE, LABEL_PANE_Z
        self.min_zoom = min_zoom


def _features(geometries: gpd.GeoSeries, kind: str) -> list[dict]:
    shown = display_geometries(geometries, DISPLAY_SIMPLIFY_DEG)
    return [{"type": "Feature", "properties": {"k": kind}, "geometry": shapely.geometry.mapping(geometry)}
            for geometry in shown if geometry is not None and not geometry.is_empty]


def offline_base(townships: gpd.GeoDataFrame, lang: str = "zh", roads: gpd.GeoSeries | None = None,
                 rivers: gpd.GeoSeries | None = None, builtup: gpd.GeoSeries | None = None) -> OfflineBase:
    """The base layer of ``townships`` (EPSG:4326 polygons; columns name, name_en): land, built-up areas,
    rivers, roads, the region's outline and each township's name (English with ``lang='en'`` where it
    has one) at a point inside it. Missing parts are left out."""
    placed = townships[townships.geometry.notna() & ~townships.geometry.is_empty]
    outline = gpd.GeoSeries([shapely.union_all(placed.geometry.values)], crs=placed.crs) if len(placed) else None
    shapes: list[dict] = _features(placed.geometry, "land")
    for kind, geometries in (("builtup", builtup), ("river", rivers), ("road", roads), ("outline", outline)):
        if geometries is not None and len(geometries):
            shapes += _features(geometries.boundary if kind == "outline" else geometries, kind)
    names = placed["name"]
    if lang == "en" and "name_en" in placed:
        names = placed["name_en"].where(placed["name_en"].notna(), names)
    points = display_geometries(placed.geometry.representative_point(), 0.0)
    labels = [{"type": "Feature", "properties": {"n": html.escape(str(name))},
               "geometry": shapely.geometry.mapping(point)} for name, point in zip(names, points)]
    min_zoom = 0 if len(placed) <= LABELS_ALWAYS_UP_TO else LABEL_MIN_ZOOM
    return OfflineBase({"type": "FeatureCollection", "features": shapes},
                       {"type": "FeatureCollection", "features": labels}, min_zoom)


def add_offline_base(folium_map: folium.Map, base: OfflineBase) -> None:
    """Put ``base`` and its label style on ``folium_map``."""
    folium_map.get_root().header.add_child(folium.Element(LABEL_CSS))
    base.add_to(folium_map)
