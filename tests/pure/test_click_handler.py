"""The map's click handler: which station or hotspot a st_folium return value selects."""
from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from layers.clicks import MapSelection, selection_from_map
from layers.overlays import station_layer


def _feature(layer: object, identifier: object) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [112.6, 35.1]},
            "properties": {"layer": layer, "id": identifier, "tooltip": "x"}}


def test_a_station_feature_selects_the_station():
    returned = {"last_active_drawing": _feature("station", "419001100A")}
    assert selection_from_map(returned) == MapSelection("station", "419001100A")


def test_a_hotspot_feature_selects_the_hotspot():
    returned = {"last_active_drawing": _feature("hotspot", "hs-1"), "last_object_clicked": {"lat": 1, "lng": 2}}
    assert selection_from_map(returned) == MapSelection("hotspot", "hs-1")


def test_a_township_feature_selects_the_township():
    assert selection_from_map({"last_active_drawing": _feature("township", "419001100")}) == MapSelection(
        "township", "419001100")


@pytest.mark.parametrize("returned", [
    None, {}, {"last_active_drawing": None},
    {"last_active_drawing": _feature("zone", "z1")},
    {"last_active_drawing": _feature("station", "")},
    {"last_active_drawing": _feature("station", None)},
    {"last_active_drawing": _feature("station", 5)},
    {"last_active_drawing": {"type": "Feature", "geometry": None}},
    {"last_active_drawing": {"type": "Feature", "properties": "station"}},
    {"last_active_drawing": "station"},
])
def test_anything_else_selects_nothing(returned):
    assert selection_from_map(returned) is None


def test_the_station_layer_features_carry_what_the_handler_reads():
    """A feature as the station layer writes it (and st_folium returns it) selects its station."""
    stations = gpd.GeoDataFrame({"code": ["S<1>"], "name": ["站"], "kind": ["township"], "township_code": ["T"]},
                                geometry=[Point(112.6, 35.1)], crs="EPSG:4326")
    feature = station_layer(stations, "zh").data["features"][0]
    assert selection_from_map({"last_active_drawing": feature}) == MapSelection("station", "S<1>")
