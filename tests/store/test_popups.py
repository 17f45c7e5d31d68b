"""Popups show typed text escaped: in the HTML we render and in a rendered folium map."""
from __future__ import annotations

import json

from app_pages.map_page import map_hotspots
from app_pages.store_access import hotspots_for, latest_tasks
from data.hotspots import HotspotFilter
from data.stations import read_stations
from data.store import Store
from data.townships import read_townships
from data.zones import read_zones
from hotspots import task_service as ts
from layers.popups import hotspot_popup_html, task_popup_html
from layers.region_map import region_map
from tests.tasks_support import KEJING_OFFICIAL, SUPERVISOR, T0, region

__all__ = ["region"]
ATTACK = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_task_popup_escapes_every_typed_field():
    html = task_popup_html({"title": '<img src=x onerror="alert(2)">', "state": "feedback_submitted",
                            "township_name": "克井镇", "department": "a&b", "latest_feedback": ATTACK,
                            "deadline": T0, "overdue": True})
    assert ATTACK not in html and ESCAPED in html
    assert "<img" not in html and "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in html
    assert "a&amp;b" in html and "已反馈" in html and "2025-06-01 09:00" in html and "已逾期" in html
    assert "feedback submitted" in task_popup_html({"state": "feedback_submitted"}, lang="en")


def test_hotspot_popup_escapes_and_formats():
    html = hotspot_popup_html({"id": "H<1>", "kind": "dust", "pollutant": "pm10", "peak": 123.456, "peak_ratio": 2.0,
                               "hours": 4, "grade": "II", "township_name": ATTACK, "start_time": T0, "end_time": None,
                               "lon": 112.6, "lat": 35.1,
                               "sources": '[{"kind": "road", "name": "<b>焦克路</b>", "distance_m": 84.0, "upwind": true}]'})
    assert ATTACK not in html and ESCAPED in html and "<b>焦克路" not in html and "&lt;b&gt;焦克路" in html
    # The card's title and sentence, not the engine's id; the rest of the card is in the side panel.
    assert "H&lt;1&gt;" not in html and "扬尘" in html and "PM10 峰值 123 µg/m³" in html
    assert "uri.amap.com" not in html and "<details>" not in html


def test_stored_feedback_reaches_the_map_only_escaped(region: Store):
    task = ts.create_task_from_hotspot(region, SUPERVISOR, "H-KJ-PM25", now=T0)
    ts.assign(region, SUPERVISOR, task.id, department="环保所", now=T0)
    ts.submit_feedback(region, KEJING_OFFICIAL, task.id, ATTACK, now=T0)
    # What the map page draws: the ranked hotspots the user may see, with their tasks in the popups.
    ranked = hotspots_for(region, SUPERVISOR, HotspotFilter())
    with region.read() as con:
        townships, stations, zones = read_townships(con), read_stations(con), read_zones(con)
    page = region_map(townships, stations, zones, tiles="none", hotspots=map_hotspots(ranked),
                      hotspot_tasks=latest_tasks(region))
    rendered = page.get_root().render()
    assert ATTACK not in rendered
    # folium writes the GeoJSON with <, > and & as \u003c, \u003e, \u0026; the browser's JavaScript turns
    # them back into the strings Leaflet hands to innerHTML, so check those strings.
    as_javascript_sees_it = (rendered.replace("\\u003c", "<").replace("\\u003e", ">")
                             .replace("\\u0026", "&"))
    assert ATTACK not in as_javascript_sees_it
    assert ESCAPED in as_javascript_sees_it
    assert json.dumps("环保所")[1:-1] in rendered  # the task's popup is on the map, not only the hotspot's
