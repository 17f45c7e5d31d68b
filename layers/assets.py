"""Points a folium map's Leaflet links at files the app serves itself, not CDNs, and drops those it does not use.

folium names every browser file it needs (``default_js``/``default_css``) and links it from a public
CDN, which an intranet cannot reach. scripts/install_assets.sh installs the packages the map uses from
the npm registry into static/node_modules (static/package.json pins them to folium 0.20's versions),
Streamlit serves ./static at /app/static, and :func:`localize_assets` rewrites the links to those files.
folium.Map also links jQuery, Bootstrap, Font Awesome and awesome-markers on every map; what we draw
(GeoJson features, circle markers, div icons, clusters, image overlays, the layer control) uses none of
them, so they are not sent.
"""
from __future__ import annotations

import sys
from pathlib import Path

import branca.colormap
import folium
from folium.elements import JSCSSMixin

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
PACKAGES_DIR = STATIC_DIR / "node_modules"
# Streamlit serves ./static at <baseUrlPath>/app/static; the map runs in a same-origin component
# iframe, so links must be absolute paths on the app's origin.
STATIC_URL_PATH = "app/static/node_modules"

# folium's asset name -> file under static/node_modules, or None for an asset this app does not send.
# A folium element whose asset is not listed makes localize_assets fail loudly: add its npm package
# to static/package.json and its file here.
LOCAL_ASSETS: dict[str, str | None] = {
    "leaflet": "leaflet/dist/leaflet.js",
    "leaflet_css": "leaflet/dist/leaflet.css",
    # Clustered fire points (folium.plugins.MarkerCluster, layers.sources.FirePoints).
    "markerclusterjs": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "markerclustercss": "leaflet.markercluster/dist/MarkerCluster.css",
    "markerclusterdefaultcss": "leaflet.markercluster/dist/MarkerCluster.Default.css",
    # Only folium.Popup and Map(keep_in_front) call jQuery, only folium.Icon markers need Bootstrap, Font
    # Awesome, awesome-markers or glyphicons: the map uses GeoJsonPopup and circle/div markers instead.
    "jquery": None,
    "bootstrap": None,
    "bootstrap_css": None,
    "awesome_markers": None,
    "awesome_markers_css": None,
    "awesome_markers_font_css": None,
    "glyphicons_css": None,
    "awesome_rotate_css": None,
}


def app_path(base_url_path: str, path: str) -> str:
    """The absolute URL path of ``path`` (relative to the app's root) on a Streamlit server whose
    ``server.baseUrlPath`` is ``base_url_path`` (empty when served at the root)."""
    return "/" + "/".join(part for part in (base_url_path.strip("/"), path.strip("/")) if part)


def asset_base_url(base_url_path: str = "") -> str:
    """The absolute URL path of static/node_modules for a server at ``base_url_path`` (see app_path)."""
    return app_path(base_url_path, STATIC_URL_PATH)


def _local_links(links: list[tuple[str, str]], base_url: str) -> list[tuple[str, str]]:
    local: list[tuple[str, str]] = []
    for name, url in links:
        if name not in LOCAL_ASSETS:
            raise ValueError(
                f"folium asset {name!r} ({url}) has no local copy: add its npm package to "
                "static/package.json and its file to layers.assets.LOCAL_ASSETS")
        relative = LOCAL_ASSETS[name]
        if relative is not None:
            local.append((name, f"{base_url}/{relative}"))
    return local


def _elements(element: folium.Element):
    yield element
    for child in element._children.values():
        yield from _elements(child)


def localize_assets(folium_map: folium.Map, base_url: str = asset_base_url()) -> folium.Map:
    """Rewrite the JS/CSS links of ``folium_map`` and every element on it to files under
    ``base_url`` (an absolute URL path such as '/app/static/node_modules'); returns the same map.

    Links are set on each element, never on folium's classes, so no other map is affected.
    Call it after the last layer is added. Branca colormaps pull d3 from a CDN through
    streamlit-folium and are refused; draw legends as HTML instead.
    """
    for element in _elements(folium_map):
        if isinstance(element, branca.colormap.ColorMap):
            raise ValueError("branca colormaps load d3 from a CDN; draw the legend as HTML")
        if isinstance(element, JSCSSMixin):
            element.default_js = _local_links(element.default_js, base_url)
            element.default_css = _local_links(element.default_css, base_url)
    return folium_map


def missing_asset_files(packages_dir: Path = PACKAGES_DIR) -> list[Path]:
    """The files LOCAL_ASSETS needs that are not installed under ``packages_dir``."""
    return [packages_dir / relative for relative in LOCAL_ASSETS.values()
            if relative is not None and not (packages_dir / relative).is_file()]


if __name__ == "__main__":
    missing = missing_asset_files()
    for path in missing:
        print(f"missing map asset: {path}", file=sys.stderr)
    sys.exit(1 if missing else 0)
