"""A folium map rendered once into streamlit-folium's component payload, kept in a cache, and shown cheaply.

``streamlit_folium.st_folium`` renders the whole folium document on every call, and a map it has
rendered cannot be rendered again (its element names are rewritten in place). The map page calls the
component on every rerun of its fragment (each click), so it renders a map once with :func:`render_map`
(the same steps st_folium takes, with streamlit-folium's own helpers: pinned at 0.27.4 in
requirements.txt), keeps the result in a :class:`RenderedMaps` cache keyed by the store's version and
the view's inputs, and hands it to the component with :func:`show_map`. The browser keeps the drawn map
as long as the payload's script is the same, so a click reruns the page's panel and nothing else.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

import folium
import streamlit_folium


@dataclass(frozen=True)
class RenderedMap:
    """What the st_folium component draws: Leaflet's script, the document's header and body HTML, the
    map's element id, the browser files it loads, and the map's bounds and zoom as drawn."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    bounds: dict
    zoom: object

    @property
    def size_bytes(self) -> int:
        """UTF-8 bytes of the document parts sent to the browser (script, header, body)."""
        return sum(len(part.encode("utf-8")) for part in (self.script, self.header, self.html))


def render_map(folium_map: folium.Map) -> RenderedMap:
    """Render ``folium_map`` as st_folium does (it is spent afterwards: render each map once)."""
    folium_map.get_root().render()
    folium_map.render()
    html = streamlit_folium._get_html(folium_map)
    header = streamlit_folium._get_header(folium_map)
    script = streamlit_folium._get_map_string(folium_map)
    (south, west), (north, east) = folium_map.get_bounds()
    links = [element for element in _elements(folium_map) if isinstance(element, folium.elements.JSCSSMixin)]
    return RenderedMap(
        script=script, header=header, html=html, map_id=streamlit_folium.get_full_id(folium_map),
        css_links=tuple(dict.fromkeys(url for element in links for _, url in element.default_css)),
        js_links=tuple(dict.fromkeys(url for element in links for _, url in element.default_js)),
        bounds={"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}},
        zoom=folium_map.options.get("zoom"))


def _elements(element):
    yield element
    for child in element._children.values():
        yield from _elements(child)


def show_map(rendered: RenderedMap, key: str, height: int, returned_objects: Iterable[str],
             center: tuple[float, float] | None = None, zoom: int | None = None) -> dict:
    """Draw ``rendered`` in the page (full width, ``height`` px) and return what the reader did on it, as
    st_folium returns it (only ``returned_objects``, so nothing else reruns the page). ``center``/``zoom``
    move the drawn map without redrawing it."""
    returned = list(returned_objects)
    defaults = {"last_active_drawing": None, "last_object_clicked": None, "bounds": rendered.bounds,
                "zoom": rendered.zoom}
    return streamlit_folium._component_func(
        script=rendered.script, header=rendered.header, html=rendered.html, id=rendered.map_id,
        key=streamlit_folium.generate_js_hash(rendered.script, key, False), height=height, width=None,
        returned_objects=returned, default={name: value for name, value in defaults.items() if name in returned},
        zoom=zoom, center=center, feature_group=None, return_on_hover=False, layer_control=None,
        pixelated=False, css_links=list(rendered.css_links), js_links=list(rendered.js_links),
        on_change=None, wrap_longitude=False)


class RenderedMaps:
    """A small thread-safe cache of rendered maps, newest last, at most ``capacity`` of them. The key must
    name everything the map is drawn from: the store's version (data.store.Store.version) and the view's
    inputs (hour, theme, language, the reader, the base map)."""

    def __init__(self, capacity: int = 8) -> None:
        self.capacity = capacity
        self._maps: OrderedDict[Hashable, RenderedMap] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], folium.Map]) -> RenderedMap:
        """The map rendered for ``key``; ``build`` makes it when the cache has none."""
        with self._lock:
            if key in self._maps:
                self._maps.move_to_end(key)
                return self._maps[key]
        rendered = render_map(build())
        with self._lock:
            self._maps[key] = rendered
            while len(self._maps) > self.capacity:
                self._maps.popitem(last=False)
        return rendered

    def __len__(self) -> int:
        return len(self._maps)
