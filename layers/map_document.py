"""A folium map rendered once into what the st_folium component draws, so one rendering serves every session.

st_folium renders the whole folium tree several times on every call (the figure, the map, its HTML, its
header, its Leaflet script) — about half a second of the server's CPU for the demo region, paid by every
session on every rerun. ``render_map_document`` does those steps once and keeps their results in an
immutable ``MapDocument`` that may be shared between sessions and threads; ``show_map_document`` hands it
to the same component st_folium uses, with the same arguments, so the browser sees no difference. Both
use streamlit_folium's own helpers (pinned in requirements.txt) rather than copies of them.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import branca
import folium
import folium.elements
import streamlit as st
import streamlit_folium


@dataclass(frozen=True)
class MapDocument:
    """The rendered parts of one folium map: the Leaflet script, the header and HTML around it, the map
    element's id, the CSS and JS files it needs, and the bounds and zoom it reports before any interaction."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    bounds: tuple[tuple[float | None, float | None], tuple[float | None, float | None]]
    zoom: int | None


def _asset_links(folium_map: folium.Map) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The CSS and JS files of every element of the map, in st_folium's order, without repeats (a branca
    colour map is refused: st_folium would have the browser fetch d3 from the internet for it)."""
    css: list[str] = []
    js: list[str] = []
    pending = [folium_map]
    while pending:
        element = pending.pop(0)
        if isinstance(element, branca.colormap.ColorMap):
            raise ValueError("branca colour maps load d3 from the internet; draw legends with layers.legend")
        if isinstance(element, folium.elements.JSCSSMixin):
            css += [href for _, href in getattr(element, "default_css", [])]
            js += [src for _, src in getattr(element, "default_js", [])]
        pending[:0] = list(getattr(element, "_children", {}).values())
    return tuple(dict.fromkeys(css)), tuple(dict.fromkeys(js))


def render_map_document(folium_map: folium.Map) -> MapDocument:
    """Render ``folium_map`` as st_folium does before it calls its component (the map is changed by it:
    render a map once, then share the document)."""
    folium_map.get_root().render()
    folium_map.render()
    # The HTML and header must be taken before the script: _get_map_string renames the map's elements.
    html = streamlit_folium._get_html(folium_map)
    header = streamlit_folium._get_header(folium_map)
    script = streamlit_folium._get_map_string(folium_map)
    map_id = streamlit_folium.get_full_id(folium_map)
    css_links, js_links = _asset_links(folium_map)
    south_west, north_east = folium_map.get_bounds()
    return MapDocument(script=script, header=header, html=html, map_id=map_id, css_links=css_links,
                       js_links=js_links, bounds=(tuple(south_west), tuple(north_east)),
                       zoom=folium_map.options.get("zoom"))


def show_map_document(document: MapDocument, key: str, height: int, returned_objects: Iterable[str],
                      center: list[float] | None = None, zoom: int | None = None) -> dict:
    """Draw ``document`` the width of its container, as ``st_folium(map, key=key, height=height,
    use_container_width=True, returned_objects=..., center=..., zoom=...)`` would; returns what the map
    reports (the ``returned_objects`` of st_folium's answer). The answer is also kept in
    ``st.session_state[key]``, as st_folium does."""
    returned = list(returned_objects)
    (south, west), (north, east) = document.bounds
    answers = {"last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": None,
               "last_object_clicked_tooltip": None, "last_object_clicked_popup": None, "all_drawings": None,
               "last_active_drawing": None,
               "bounds": {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}},
               "zoom": document.zoom, "last_circle_radius": None, "last_circle_polygon": None,
               "selected_layers": None, "selected_tags": None, "last_geocoder_result": None}
    component_key = streamlit_folium.generate_js_hash(document.script, key, False)

    def keep_answer() -> None:
        st.session_state[key] = st.session_state.get(component_key, {})

    return streamlit_folium._component_func(
        script=document.script, header=document.header, html=document.html, id=document.map_id,
        key=component_key, height=height, width=None, returned_objects=returned,
        default={name: value for name, value in answers.items() if name in returned}, zoom=zoom, center=center,
        feature_group=None, return_on_hover=False, layer_control=None, pixelated=False,
        css_links=list(document.css_links), js_links=list(document.js_links), on_change=keep_answer,
        wrap_longitude=False)
