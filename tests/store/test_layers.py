"""Map tests without a browser: build the folium map from real GeoDataFrames and read its HTML."""
from __future__ import annotations

import re
from pathlib import Path

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from branca.colormap import LinearColormap
from pyproj import Geod
from shapely.geometry import box

from core.errors import BadInputError
from data.stations import STATION_KINDS
from data.zones import ZONE_KINDS
from layers.assets import STATIC_DIR, localize_assets, missing_asset_files
from layers.basemap import tile_sources
from layers.overlays import DISPLAY_GRID_DEG, DISPLAY_SIMPLIFY_DEG, display_geometries
from layers.region_map import region_map
from tests.app_support import real_region

LINK_PATTERN = re.compile(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"')


@pytest.fixture(scope="module")
def region(real_data: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Real county polygons and CNEMC stations around Jiyuan, one station re-labelled per kind so
    every style shows, and one zone of each kind with dates (a timestamp column, as the store gives)."""
    townships, stations = real_region(real_data)
    townships["name_en"] = [f"County {code}" for code in townships["code"]]
    townships["kind"] = "town"
    stations["kind"] = [STATION_KINDS[i % len(STATION_KINDS)] for i in range(len(stations))]
    lon, lat = townships.geometry.iloc[0].representative_point().coords[0]
    zones = gpd.GeoDataFrame({
        "id": [f"z-{kind}" for kind in ZONE_KINDS], "name": [f"区 {kind}" for kind in ZONE_KINDS],
        "kind": list(ZONE_KINDS),
        "valid_from": pd.to_datetime(["2024-01-01"] * len(ZONE_KINDS)),
        "valid_to": pd.to_datetime([None, "2030-12-31", None, None]),
    }, geometry=[box(lon - 0.01 * i, lat - 0.01 * i, lon + 0.01 * i, lat + 0.01 * i)
                 for i in range(1, len(ZONE_KINDS) + 1)], crs="EPSG:4326")
    return townships, stations, zones


def _geojson_layers(folium_map: folium.Map) -> dict[str, folium.GeoJson]:
    return {child.layer_name: child for child in folium_map._children.values()
            if isinstance(child, folium.GeoJson)}


def test_offline_map_links_only_local_files_that_are_installed(region):
    html = region_map(*region, tiles="none").get_root().render()

    links = LINK_PATTERN.findall(html)
    assert any(link.endswith("/leaflet.js") for link in links)
    assert all(link.startswith("/app/static/") for link in links), links
    for link in links:
        assert (STATIC_DIR / link.removeprefix("/app/static/")).is_file(), f"{link} is not installed"
    assert not re.search(r"https?://", html.replace('http-equiv="content-type"', "")), \
        "a map with tiles='none' must not name any remote address"
    assert missing_asset_files() == []


def test_layers_carry_every_feature_with_id_and_layer(region):
    townships, stations, zones = region
    layers = _geojson_layers(region_map(townships, stations, zones, lang="zh", tiles="none"))

    assert list(layers) == ["乡镇/街道", "管控区", "监测站点"]
    for (name, frame, id_column) in (("乡镇/街道", townships, "code"), ("监测站点", stations, "code"),
                                     ("管控区", zones, "id")):
        features = layers[name].data["features"]
        assert [feature["properties"]["id"] for feature in features] == frame[id_column].tolist()
        assert {feature["properties"]["layer"] for feature in features} == {
            "乡镇/街道": {"township"}, "监测站点": {"station"}, "管控区": {"zone"}}[name]


def test_station_kinds_and_zone_kinds_are_drawn_distinctly(region):
    layers = _geojson_layers(region_map(*region, lang="en", tiles="none"))

    station_styles = {feature["properties"]["kind"]: layers["Stations"].style_function(feature)
                      for feature in layers["Stations"].data["features"]}
    assert set(station_styles) == set(STATION_KINDS)
    assert len({style["fillColor"] for style in station_styles.values()}) == len(STATION_KINDS)
    assert all(style["fill"] for style in station_styles.values())
    zone_styles = {feature["properties"]["kind"]: layers["Zones"].style_function(feature)
                   for feature in layers["Zones"].data["features"]}
    assert set(zone_styles) == set(ZONE_KINDS)
    assert len({(style["color"], style["dashArray"]) for style in zone_styles.values()}) == len(ZONE_KINDS)


def test_popups_show_dates_as_text_and_english_names(region):
    folium_map = region_map(*region, lang="en", tiles="none")
    layers = _geojson_layers(folium_map)
    folium_map.get_root().render()  # a timestamp left in the properties would fail here

    popups = [feature["properties"]["popup"] for feature in layers["Zones"].data["features"]]
    assert all("2024-01-01" in popup for popup in popups)
    assert sum("open-ended" in popup for popup in popups) == 3
    tooltips = {feature["properties"]["tooltip"] for feature in layers["Townships"].data["features"]}
    assert tooltips == set(region[0]["name_en"])


def test_user_supplied_names_are_escaped(region):
    townships, stations, zones = (frame.copy() for frame in region)
    townships.loc[0, "name"] = '<img src=x onerror="alert(1)">镇'
    stations.loc[0, "name"] = "A & B <script>alert(2)</script>"
    folium_map = region_map(townships, stations, zones, lang="zh", tiles="none")
    html = folium_map.get_root().render()

    layers = _geojson_layers(folium_map)
    township = layers["乡镇/街道"].data["features"][0]["properties"]
    station = layers["监测站点"].data["features"][0]["properties"]
    assert township["tooltip"] == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;镇"
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in station["popup"]
    assert "<script>alert(2)" not in html and "<img src=x" not in html


def test_map_coordinates_carry_at_most_five_decimals(region):
    # Gaode tiles shift every vertex to GCJ-02, which yields full float64 coordinates before display.
    for tiles in ("none", "gaode"):
        html = region_map(*region, tiles=tiles).get_root().render()
        arrays = re.findall(r'"coordinates": (\[[^"]*?\])[,}]', html)
        decimals = [len(digits) for array in arrays for digits in re.findall(r"\.(\d+)", array)]

        assert len(arrays) == sum(len(frame) for frame in region)
        assert decimals and max(decimals) <= 5


def test_display_outlines_are_simplified_within_the_tolerance(region):
    townships = region[0]
    stored = townships.geometry.copy()
    shown = display_geometries(townships.geometry, DISPLAY_SIMPLIFY_DEG)

    # Simplification moves an outline by at most its tolerance; snapping adds at most half a grid diagonal.
    allowed = DISPLAY_SIMPLIFY_DEG + DISPLAY_GRID_DEG * np.sqrt(2) / 2
    assert all(original.hausdorff_distance(simple) <= allowed for original, simple in zip(stored, shown))
    assert shown.is_valid.all()
    vertices = lambda series: int(series.count_coordinates().sum())  # noqa: E731
    assert vertices(shown) < vertices(stored)
    assert townships.geometry.geom_equals_exact(stored, tolerance=0).all()  # the frame itself is untouched


def test_gaode_shifts_overlays_to_gcj02_and_osm_does_not(region):
    townships = region[0]
    geod = Geod(ellps="WGS84")
    original = shapely.get_coordinates(shapely.centroid(townships.geometry.values))
    # Outlines are drawn simplified (layers.overlays.DISPLAY_SIMPLIFY_DEG, about 50 m), so the shift is
    # measured between centroids, which simplification moves by far less than that.
    for tiles, low_m, high_m in (("osm", 0.0, 10.0), ("gaode", 100.0, 700.0)):
        layers = _geojson_layers(region_map(*region, tiles=tiles))
        outlines = gpd.GeoDataFrame.from_features(layers["乡镇/街道"].data["features"]).geometry.values
        drawn = shapely.get_coordinates(shapely.centroid(outlines))
        _, _, shift_m = geod.inv(original[:, 0], original[:, 1], drawn[:, 0], drawn[:, 1])
        assert low_m <= shift_m.min() and shift_m.max() <= high_m, (tiles, shift_m.min(), shift_m.max())


def test_tile_choices():
    assert tile_sources("none") == []
    assert "openstreetmap" in tile_sources("osm")[0].url
    tianditu = tile_sources("tianditu", tianditu_key="KEY123")
    assert [source.overlay for source in tianditu] == [False, True]
    assert all("tk=KEY123" in source.url and "{z}" in source.url for source in tianditu)
    with pytest.raises(BadInputError, match="LANTIAN_TIANDITU_KEY"):
        tile_sources("tianditu")
    with pytest.raises(BadInputError, match="unknown tiles"):
        tile_sources("bing")


def test_the_map_sends_leaflet_and_its_cluster_plugin_and_no_jquery_bootstrap_or_font_awesome(region):
    townships, stations, zones = region
    lon, lat = stations.geometry.x.mean(), stations.geometry.y.mean()
    fires = pd.DataFrame({"lon": [lon, lon + 0.01], "lat": [lat, lat], "time": pd.Timestamp("2025-06-01 13:00"),
                          "frp": [3.0, 9.0]})
    html = region_map(townships, stations, zones, tiles="none", fires=fires).get_root().render()

    sent = sorted(link.rsplit("/", 1)[-1] for link in LINK_PATTERN.findall(html))
    assert sent == ["MarkerCluster.Default.css", "MarkerCluster.css", "leaflet.css", "leaflet.js",
                    "leaflet.markercluster.js"]
    # Nothing drawn calls jQuery (folium.Popup and keep_in_front would) or uses Bootstrap/Font Awesome classes.
    assert "$(" not in html and "jQuery" not in html
    assert not re.search(r'class="[^"]*\b(fa|glyphicon|btn)\b', html)


def test_empty_store_still_gives_a_map():
    empty = gpd.GeoDataFrame({"code": [], "name": [], "id": [], "kind": [], "township_code": [],
                              "valid_from": [], "valid_to": []}, geometry=[], crs="EPSG:4326")
    folium_map = region_map(empty, empty, empty, tiles="none")
    assert _geojson_layers(folium_map) == {}
    assert "L.map" in folium_map.get_root().render()


def test_localize_refuses_assets_it_cannot_serve_and_leaves_other_maps_alone():
    with pytest.raises(ValueError, match="leaflet-heat"):
        localize_assets(folium.plugins.HeatMap([[35.0, 112.5]]).add_to(folium.Map(tiles=None))._parent)
    with pytest.raises(ValueError, match="colormap"):
        localize_assets(LinearColormap(["red", "blue"]).add_to(folium.Map(tiles=None))._parent)
    localize_assets(folium.Map(tiles=None))
    assert "cdn.jsdelivr.net" in folium.Map(tiles=None).get_root().render()


def test_custom_templates_need_their_fields_and_attribution():
    wmts = ("http://10.1.2.3/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&LAYER=vec&TILEMATRIXSET=w"
            "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}")
    [custom] = tile_sources("custom", url=wmts, attribution="© 某市测绘院 | 审图号：豫S(2025)001号", gcj02=True)
    assert custom.url == wmts and custom.gcj02 and "审图号" in custom.attribution
    with pytest.raises(BadInputError, match="LANTIAN_TILES_URL"):
        tile_sources("custom", url="http://10.1.2.3/tiles/{z}/{x}.png", attribution="x")
    with pytest.raises(BadInputError, match="LANTIAN_TILES_ATTRIBUTION"):
        tile_sources("custom", url="http://10.1.2.3/{z}/{x}/{y}.png")
    [local] = tile_sources("local", url="/api/tiles/base/{z}/{x}/{y}", gcj02=True)
    assert not local.gcj02  # an imported set is Web Mercator in WGS84


def test_the_offline_base_draws_outline_names_and_roads_under_the_tiles(region):
    townships = region[0].copy()
    townships.loc[0, "name"] = "<b>济源</b>"
    roads = gpd.GeoDataFrame({"id": ["r1"], "kind": ["road"], "name": ["焦克路"]},
                             geometry=[shapely.LineString([(112.5, 35.0), (112.6, 35.1)])], crs="EPSG:4326")
    html = region_map(townships, region[1], region[2], tiles="osm", dust=roads).get_root().render()

    assert 'createPane(pane[0])' in html and '["lantianBase", 150]' in html  # below Leaflet's tile pane (200)
    assert html.count('"k":"land"') == len(townships) and html.count('"k":"outline"') == 1
    assert html.count('"k":"road"') == 1
    for name in townships["name"].iloc[1:]:
        assert f'"n":"{name}"' in html  # as UTF-8, not \\u escapes
    assert '"n":"&lt;b&gt;济源&lt;/b&gt;"' in html and "<b>济源" not in html
    assert "imperial: false" in html and "control.scale({metric: true" in html
    assert "legend-zones" in html and "legend-station-kinds" in html and "legend-base" in html
