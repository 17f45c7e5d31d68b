"""The Chinese pages a signed-in person works on show labels, never the stored codes or Python's None/nan."""
from __future__ import annotations

import re

from tests.app.test_app_pages import INSPECTOR, KEJING, SUPERVISOR, TOWNSHIP, _open

__all__ = ["demo_copy", "detected_demo"]
from tests.app.test_app_pages import demo_copy, detected_demo  # noqa: E402,F401  (the fixtures)

# Kinds, task states, actions, pollutant codes and Python's missing values.
RAW_CODES = re.compile(r"(?<![\w-])(station|dust|fire|grid|anomaly|mobile|coal|field|pending|assigned|feedback_submitted|"
                       r"returned|escalated|closed|record_observation|submit_feedback|pm25|pm10|so2|no2|None|nan|NaT)"
                       r"(?![\w-])")
# A table, known by a column only it has -> its columns that hold labels.
SHOWN_COLUMNS = {"card": ["grade", "card", "kind", "pollutant", "task_state"], "returns": ["kind", "grade", "state"]}


def _visible_text(at) -> list[str]:
    texts = [element.value for kind in ("markdown", "caption", "subheader", "title", "info", "success")
             for element in at.get(kind)]
    texts += [button.label for button in at.button]
    texts += [str(option) for box in at.selectbox for option in box.options]
    for frame in at.dataframe:
        for marker, columns in SHOWN_COLUMNS.items():
            if marker in frame.value:
                texts += [str(value) for column in columns for value in frame.value[column]]
    return texts


def test_handling_page_and_queue_show_no_raw_codes(demo_copy):
    handling = _open("hotspots", user=SUPERVISOR)
    assert {marker for frame in handling.dataframe for marker in SHOWN_COLUMNS if marker in frame.value} == set(SHOWN_COLUMNS)
    pages = [handling]
    queue = _open("map", user=INSPECTOR)
    queue.switch_page("app_pages/queue_page.py").run()
    [row for row in queue.button if row.key and row.key.startswith("queue_")][0].click().run()
    pages.append(queue)
    for at in pages:
        assert not at.exception, at.exception
        found = [(text, RAW_CODES.search(text).group(0)) for text in _visible_text(at) if RAW_CODES.search(text)]
        assert found == [], found[:5]


def test_sidebar_names_the_township_not_its_code(demo_copy):
    at = _open("map", user=TOWNSHIP)
    sidebar = " ".join(element.value for element in at.sidebar.markdown)
    assert "克井镇" in sidebar and KEJING not in sidebar
