"""Open tasks and field observations on the map (squares by state, a legend, escaped popups), and the task
card's map snippet drawn from the region's own geography with no tile server."""
from __future__ import annotations

import re
from datetime import datetime

import folium

from data.stations import read_stations
from data.store import Store
from data.townships import read_townships
from data.zones import read_zones
from hotspots import task_service as ts
from layers.place_map import place_map
from layers.region_map import region_map
from layers.sources import TASK_STATE_COLOURS
from tests.tasks_support import INSPECTOR, KEJING_OFFICIAL, SUPERVISOR, T0, region

__all__ = ["region"]
ATTACK = "<script>alert(1)</script>"
DEADLINE = datetime(2025, 6, 5)  # the end of 4 June, as the assign form's day picker sets it


def _loop(store: Store) -> dict[str, str]:
    """One task in each of three places of the loop: assigned, a pending field observation, and closed."""
    assigned = ts.create_task_from_hotspot(store, SUPERVISOR, "H-KJ-PM25", now=T0)
    ts.assign(store, SUPERVISOR, assigned.id, department="克井镇环保所", deadline=DEADLINE, now=T0)
    observed = ts.record_field_observation(store, INSPECTOR, 112.58, 35.11, title=ATTACK, description="裸土未苫盖",
                                           grade="III", now=T0)
    closed = ts.create_task_from_hotspot(store, SUPERVISOR, "H-KJ-DUST", now=T0)
    version = ts.assign(store, SUPERVISOR, closed.id, department="克井镇城建办", now=T0).version
    version = ts.submit_feedback(store, KEJING_OFFICIAL, closed.id, "已清扫", expected_version=version, now=T0).version
    ts.review(store, SUPERVISOR, closed.id, approve=True, expected_version=version, now=T0)
    return {"assigned": assigned.id, "observed": observed.id, "closed": closed.id}


def _task_features(folium_map: folium.Map) -> list[dict]:
    """The GeoJSON features of the map's task layer."""
    return [feature for child in folium_map._children.values() if isinstance(child, folium.GeoJson)
            for feature in child.data["features"] if feature["properties"].get("layer") == "task"]


def test_open_tasks_and_observations_are_squares_coloured_by_state_with_a_legend(region: Store):
    ids = _loop(region)
    tasks = ts.open_tasks_on_map(region, now=T0)
    assert set(tasks["id"]) == {ids["assigned"], ids["observed"]}  # the closed one is off the map
    places = dict(zip(tasks["id"], zip(tasks.geometry.x.round(2), tasks.geometry.y.round(2))))
    assert tasks.crs == "EPSG:4326" and places == {ids["assigned"]: (112.55, 35.15), ids["observed"]: (112.58, 35.11)}
    with region.read() as con:
        townships, stations, zones = read_townships(con), read_stations(con), read_zones(con)
    folium_map = region_map(townships, stations, zones, tiles="none", tasks=tasks)
    features, rendered = _task_features(folium_map), folium_map.get_root().render()
    assert {feature["properties"]["state"] for feature in features} == {"assigned", "pending"}
    # Each square takes its state's colour; the first is drawn from the marker, the rest from the styles.
    assert TASK_STATE_COLOURS["assigned"] in rendered and TASK_STATE_COLOURS["pending"] in rendered
    legend = re.search(r'<div id="legend-tasks".*?</div></div>', rendered).group(0)
    assert "交办单" in legend and "已交办" in legend and "待交办" in legend and "已办结" not in legend
    # Typed titles reach Leaflet's popup and tooltip as text, never as markup.
    observed = next(feature for feature in features if feature["properties"]["id"] == ids["observed"])
    assert ATTACK not in observed["properties"]["tooltip"] + observed["properties"]["popup"]
    assert "&lt;script&gt;" in observed["properties"]["popup"] and "现场巡查" in observed["properties"]["popup"]
    assigned = next(feature for feature in features if feature["properties"]["id"] == ids["assigned"])
    assert "2025-06-04 24:00" in assigned["properties"]["popup"]  # the day picked, not 06-05 00:00


def test_a_map_without_tasks_has_no_task_layer_or_legend(region: Store):
    with region.read() as con:
        townships, stations, zones = read_townships(con), read_stations(con), read_zones(con)
    folium_map = region_map(townships, stations, zones, tiles="none", tasks=ts.open_tasks_on_map(region))
    assert _task_features(folium_map) == [] and "legend-tasks" not in folium_map.get_root().render()


def test_the_task_cards_map_snippet_is_drawn_offline_around_the_place(region: Store):
    with region.read() as con:
        townships = read_townships(con)
    rendered = place_map(townships, 112.55, 35.15, "returned", asset_url="/app/static").get_root().render()
    assert "L.tileLayer" not in rendered and not re.search(r"https?://", rendered.split("<body>")[-1])
    assert re.search(r"src=\"https?://", rendered) is None  # Leaflet itself comes from the app
    assert "克井镇" in rendered and "轵城镇" in rendered  # the offline base names the townships
    assert TASK_STATE_COLOURS["returned"] in rendered and "[35.15, 112.55]" in rendered
