"""The Chinese pages a signed-in person works on show labels, never the stored codes or Python's None/nan: in
text, in every cell of every table, and in the station charts (dates, tooltips, the wind rose's compass)."""
from __future__ import annotations

import json
import re

from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from core.vocabulary import translate
from data.stations import read_stations
from layers.clicks import MapSelection
from tests.app.test_app_pages import INSPECTOR, KEJING, SUPERVISOR, TOWNSHIP, _open

__all__ = ["demo_copy", "detected_demo"]
from tests.app.test_app_pages import demo_copy, detected_demo  # noqa: E402,F401  (the fixtures)

# Kinds, task states, actions, pollutant codes and Python's missing values.
RAW_CODES = re.compile(r"(?<![\w-])(station|dust|fire|grid|anomaly|mobile|coal|field|pending|assigned|feedback_submitted|"
                       r"returned|escalated|closed|record_observation|submit_feedback|pm25|pm10|so2|no2|None|nan|NaT)"
                       r"(?![\w-])")
# The hotspot list (known by its 'card' column) and the task list (by 'returns'): both must be on the page.
SHOWN_TABLES = ("card", "returns")
# d3 time-format fields that write English day, month or AM/PM names ("Thu 25", "12 PM").
ENGLISH_TIME_FIELDS = re.compile(r"%[aAbBp]")


def _visible_text(at) -> list[str]:
    texts = [element.value for kind in ("markdown", "caption", "subheader", "title", "info", "success")
             for element in at.get(kind)]
    texts += [button.label for button in at.button]
    texts += [str(option) for box in at.selectbox for option in box.options]
    # Every cell as st.dataframe writes it: a missing value would read 'None'.
    texts += ["None" if value is None else str(value) for frame in at.dataframe for value in frame.value.to_numpy().ravel()]
    return texts


def test_handling_page_and_queue_show_no_raw_codes(demo_copy):
    handling = _open("hotspots", user=SUPERVISOR)
    assert {marker for frame in handling.dataframe for marker in SHOWN_TABLES if marker in frame.value} == set(SHOWN_TABLES)
    hotspots = next(frame.value for frame in handling.dataframe if "card" in frame.value)
    # Fire and mobile-source hotspots have no station: the list must hold some, or the station column is untried.
    assert (hotspots["station_code"] == "—").any() and (hotspots["kind"] == translate("hotspot_kind.fire")).any()
    pages = [handling, _open("hotspots", user=TOWNSHIP)]
    loop = _open("map", user=SUPERVISOR)
    loop.switch_page("app_pages/loop_page.py").run()  # a group with nothing closed has no median hours
    assert loop.dataframe, "the loop dashboard shows its tables"
    pages.append(loop)
    queue = _open("map", user=INSPECTOR)
    queue.switch_page("app_pages/queue_page.py").run()
    [row for row in queue.button if row.key and row.key.startswith("queue_")][0].click().run()
    pages.append(queue)
    for at in pages:
        assert not at.exception, at.exception
        found = [(text, RAW_CODES.search(text).group(0)) for text in _visible_text(at) if RAW_CODES.search(text)]
        assert found == [], found[:5]


def _walk(spec: dict):
    """Every dict inside a Vega-Lite spec, the spec first."""
    yield spec
    for value in spec.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                yield from _walk(item)


def test_station_charts_write_times_and_the_wind_rose_in_chinese(demo_copy):
    with demo_copy.read() as con:
        stations = read_stations(con)
    at = _open("map", user=TOWNSHIP)
    # A click on the map reaches the page as this selection (layers.clicks); AppTest cannot click in Leaflet.
    at.session_state["map_selection"] = MapSelection("station", stations.loc[stations["kind"] == "township", "code"].iloc[0])
    at.run()
    assert not at.exception, at.exception
    charts = at.get("vega_lite_chart")
    assert len(charts) == 2  # the wind rose beside the map; the six factors over the AQI below it
    # The hour's reading in words beside the map, its level named in Chinese.
    assert [text for text in (m.value for m in at.markdown) if re.search(r"AQI \*\*\d+\*\*（(优|良|轻度污染|中度污染|重度污染|严重污染)）", text)]
    for chart in charts:
        parts = list(_walk(json.loads(chart.proto.spec)))
        for encoding in (part["encoding"] for part in parts if "encoding" in part):
            for channel, fields in encoding.items():
                for field in fields if isinstance(fields, list) else [fields]:
                    if field.get("type") == "temporal":  # an axis or tooltip of time: a Chinese format
                        shown = (field.get("axis") or {}).get("format") if channel == "x" else field.get("format")
                        assert shown and not ENGLISH_TIME_FIELDS.search(shown), (channel, field)
                    if channel == "tooltip":  # a tooltip names its field by its code unless titled
                        assert field.get("title") and not RAW_CODES.search(field["title"]), field
        values = [str(value) for dataset in chart.proto.datasets
                  for frame in [convert_arrow_bytes_to_pandas_df(dataset.data.data)]
                  for column in ("factor", "direction", "name") if column in frame for value in frame[column]]
        assert not [value for value in values if RAW_CODES.search(value) or re.fullmatch(r"[NESW]{1,3}", value)]
    rose = [convert_arrow_bytes_to_pandas_df(dataset.data.data) for dataset in charts[0].proto.datasets]
    assert any(set(frame.get("name", [])) == {"北", "东", "南", "西"} for frame in rose)


def test_sidebar_names_the_township_not_its_code(demo_copy):
    at = _open("map", user=TOWNSHIP)
    sidebar = " ".join(element.value for element in at.sidebar.markdown)
    assert "克井镇" in sidebar and KEJING not in sidebar
