"""The map's new parts without a browser: quantile classes, AQI legend, wind rose binning, clustered fire
points served locally, dust and hotspot layers, the raster overlay and the map's HTML size."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import LineString, Point, box

from layers.charts import factor_chart, wind_rose_chart, wind_rose_table
from layers.legend import CHOROPLETH_COLOURS, NO_DATA_COLOUR, aqi_legend_items, legend_html, quantile_classes
from layers.raster import colour_grid, raster_overlay
from layers.region_map import region_map
from layers.sources import HOTSPOT_TASK_RINGS, dust_layer, fire_layer, hotspot_layer, task_ring
from stations.standards import LEVELS

TOWNSHIPS = gpd.GeoDataFrame({"code": ["A", "B"], "name": ["甲镇", "乙镇"], "name_en": [None, None],
                              "kind": ["town", "town"]},
                             geometry=[box(112.5, 35.0, 112.6, 35.1), box(112.6, 35.0, 112.7, 35.1)], crs="EPSG:4326")
EMPTY = gpd.GeoDataFrame({"code": [], "name": [], "kind": [], "township_code": []}, geometry=[], crs="EPSG:4326")
ZONES = gpd.GeoDataFrame({"id": [], "name": [], "kind": [], "valid_from": [], "valid_to": []}, geometry=[],
                         crs="EPSG:4326")


def test_quantile_classes_darken_with_value_and_grey_out_missing():
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, np.nan, 100.0])
    colours, edges = quantile_classes(values)
    assert colours.iloc[5] == NO_DATA_COLOUR
    assert colours.iloc[0] == CHOROPLETH_COLOURS[0] and colours.iloc[6] == CHOROPLETH_COLOURS[-1]
    order = [CHOROPLETH_COLOURS.index(c) for c in colours.drop(index=5)]
    assert order == sorted(order)
    assert edges[0] == 1.0 and edges[-1] == 100.0


def test_quantile_classes_of_equal_values_use_one_class():
    colours, edges = quantile_classes(pd.Series([2.0, 2.0, 2.0]))
    assert set(colours) == {CHOROPLETH_COLOURS[-1]} and edges == [2.0]


def test_aqi_legend_lists_the_six_hj633_levels_and_no_data():
    items = aqi_legend_items("zh")
    assert [colour for colour, _label in items[:6]] == list(LEVELS["colour"])
    assert items[0][1] == "0–50 优" and items[5][1] == ">300 严重污染"
    html = legend_html("AQI <x>", items, "legend-aqi")
    assert "AQI &lt;x&gt;" in html and html.count("background:#") == 7


def test_wind_rose_puts_north_and_south_winds_in_their_sectors_and_shares_sum_to_one():
    table = wind_rose_table(pd.Series([2.0, 2.0, 9.0, np.nan, 0.5]), pd.Series([359.0, 5.0, 180.0, 90.0, np.nan]))
    assert table["share"].sum() == 1.0
    assert set(table["direction"]) == {"N", "S"}
    north = table[table["direction"] == "N"]
    assert north["hours"].sum() == 2 and list(north["speed"]) == ["1.5–3.3"]
    assert table.loc[table["direction"] == "S", "speed"].item() == "≥8"
    south = table[table["direction"] == "S"].iloc[0]
    assert south["inner"] == 0 and south["outer"] == south["share"]
    assert south["theta_start"] + south["theta_end"] == pytest.approx(2 * np.pi)  # centred on south (π)


def test_station_charts_are_valid_vega_lite_specs():
    hours = pd.date_range("2025-06-01", periods=48, freq="h")
    series = pd.DataFrame({"time": hours, "pm25": np.linspace(20, 90, 48), "pm10": 80.0, "so2": 10.0, "no2": 30.0,
                           "o3": 100.0, "co": 0.8, "aqi": np.linspace(30, 120, 48), "colour": "#FFFF00",
                           "ws": 2.0, "wd": np.linspace(0, 350, 48)})
    spec = factor_chart(series, "zh").to_dict()
    assert len(spec["vconcat"]) == 2
    # No fixed width (it ran 760 px past a 270 px panel): the page stretches it to its container.
    assert not any("width" in part for part in [spec, *spec["vconcat"]])
    assert spec["vconcat"][0]["encoding"]["x"]["axis"]["format"] == "%m-%d %H时"
    rose = wind_rose_chart(wind_rose_table(series["ws"], series["wd"]), "en").to_dict()
    wedges, letters = rose["layer"]
    assert wedges["mark"]["type"] == "arc" and letters["mark"]["type"] == "text"
    assert [row["name"] for row in rose["datasets"][letters["data"]["name"]]] == ["N", "E", "S", "W"]
    chinese = wind_rose_chart(wind_rose_table(series["ws"], series["wd"]), "zh").to_dict()
    named = {row["direction"] for row in chinese["datasets"][chinese["layer"][0]["data"]["name"]]}
    assert {"北", "北东北", "东", "南", "西北"} <= named and not named & {"N", "NNE", "E"}
    # North at the top, east to the right: the letters sit on the compass points, clockwise from north.
    assert [(row["name"], round(row["theta"], 4)) for row in chinese["datasets"][chinese["layer"][1]["data"]["name"]]] \
        == [("北", 0.0), ("东", round(np.pi / 2, 4)), ("南", round(np.pi, 4)), ("西", round(3 * np.pi / 2, 4))]


def test_a_fire_point_carries_its_place_to_five_decimals_and_its_time_and_frp_when_known():
    fires = pd.DataFrame({"lon": [112.123456789, 112.5], "lat": [35.0000049, 35.2],
                          "time": pd.to_datetime(["2025-06-01 13:04:59", "2025-06-02 01:30:00"]), "frp": [12.34, np.nan]})
    assert fire_layer(fires, "zh").columns == {"lat": [35.0, 35.2], "lon": [112.12346, 112.5], "frp": [12.3, None],
                                               "time": [0, 1], "times": ["2025-06-01 13:04", "2025-06-02 01:30"]}


def test_fire_points_are_clustered_from_local_files_and_stay_small():
    rng = np.random.default_rng(3)
    fires = pd.DataFrame({"lon": rng.uniform(112.5, 112.7, 10_000), "lat": rng.uniform(35.0, 35.1, 10_000),
                          "time": pd.Timestamp("2025-06-01 13:00"), "frp": rng.uniform(1, 30, 10_000)})
    html = region_map(TOWNSHIPS, EMPTY, ZONES, tiles="none", fires=fires).get_root().render()
    assert "markerClusterGroup" in html and "/leaflet.markercluster/dist/leaflet.markercluster.js" in html
    assert "cdnjs" not in html
    assert len(html.encode()) < 40 * 10_000  # a few numbers per point, not a Marker object each


def test_dust_and_hotspot_layers_are_clickable_features():
    dust = gpd.GeoDataFrame({"id": ["r1", "s1"], "kind": ["road", "site"], "name": ["焦克路", "<工地>"],
                             "township_code": ["A", "A"]},
                            geometry=[LineString([(112.55, 35.05), (112.65, 35.05)]), Point(112.56, 35.06)],
                            crs="EPSG:4326")
    hotspots = gpd.GeoDataFrame({"id": ["h1", "h2"], "kind": ["station", "fire"], "grade": ["I", "III"],
                                 "score": [0.9, 0.4], "pollutant": ["pm25", None], "peak": [180.0, None],
                                 "start_time": pd.Timestamp("2025-06-01 08:00"), "end_time": pd.NaT,
                                 "township_code": ["A", "B"], "station_code": ["S1", None],
                                 "task_state": [None, "closed"]},
                                geometry=[Point(112.55, 35.05), Point(112.65, 35.05)], crs="EPSG:4326")
    html = region_map(TOWNSHIPS, EMPTY, ZONES, tiles="none", dust=dust, hotspots=hotspots).get_root().render()
    assert html.count("geo_json_") >= 3
    tooltips = [f["properties"]["tooltip"] for f in dust_layer(dust, "zh").data["features"]]
    assert tooltips[1].startswith("&lt;工地&gt;")
    layer = hotspot_layer(hotspots, "zh")
    assert [f["properties"]["id"] for f in layer.data["features"]] == ["h1", "h2"]
    assert [f["properties"]["ring"] for f in layer.data["features"]] == ["none", "closed"]
    assert task_ring("assigned") == "open" and set(HOTSPOT_TASK_RINGS) == {"none", "open", "closed"}


def test_raster_overlay_colours_cells_and_keeps_nodata_transparent(tmp_path):
    values = np.array([[10.0, 40.0], [80.0, np.nan]], dtype="float32")
    path = tmp_path / "pm25.tif"
    with rasterio.open(path, "w", driver="GTiff", width=2, height=2, count=1, dtype="float32", crs="EPSG:4326",
                       transform=from_origin(112.5, 35.1, 0.05, 0.05), nodata=np.nan) as target:
        target.write(values, 1)
    image = colour_grid(values, [0, 35, 75, 115, 150, 500])
    assert image[1, 1, 3] == 0 and image[0, 0, 3] > 0
    assert tuple(image[0, 0, :3]) != tuple(image[1, 0, :3])
    overlay = raster_overlay(path, "PM2.5", [0, 35, 75, 115, 150, 500])
    assert overlay.url.startswith("data:image/png;base64,")
    assert np.allclose(overlay.bounds, [[35.0, 112.5], [35.1, 112.6]], atol=1e-9)  # a lon/lat raster keeps its box
