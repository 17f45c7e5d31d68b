"""Today's queue (今日待核查) and the hotspot card through AppTest on a copy of the demo store: the queue's
rows are the cards' sentences, a tap opens the card and selects the hotspot on the map, the hotspot list
and its picker show labels, dates and places."""
from __future__ import annotations

import re

import pytest

from app_pages.hotspot_card import SELECTED_HOTSPOT_KEY
from hotspots import task_service
from hotspots.queue import QUEUE_DAYS, queue_window
from tests.app.test_app_pages import INSPECTOR, SUPERVISOR, TOWNSHIP, _open, _table

__all__ = ["demo_copy", "detected_demo"]
from tests.app.test_app_pages import demo_copy, detected_demo  # noqa: E402,F401  (the fixtures)

QUEUE_PAGE = "app_pages/queue_page.py"
UNIT = re.compile(r"µg/m³|mg/m³|g/m²|t/\(km²·月\)")


def _queue(user):
    at = _open("map", user=user)
    at.switch_page(QUEUE_PAGE).run()
    assert not at.exception, at.exception
    return at


def _rows(at):
    return [button for button in at.button if button.key and button.key.startswith("queue_")]


def test_queue_lists_the_last_days_unhandled_hotspots_as_sentences(demo_copy):
    at = _queue(INSPECTOR)
    first, last = queue_window(demo_copy)
    assert (last - first).days == QUEUE_DAYS - 1 and last.year == 2025  # the demo's data ends in 2025
    rows = _rows(at)
    assert rows, "the demo's last days have hotspots"
    grades = [row.label.split(" · ")[0] for row in rows]  # labels are Markdown-escaped text
    assert grades == sorted(grades, key=["I级", "II级", "III级"].index)  # grade I first
    assert any(UNIT.search(row.label) for row in rows)
    assert not any(re.search(r"\b(station|dust|fire|grid|anomaly|None|nan|pm25)\b", row.label) for row in rows)


def test_tapping_a_row_opens_its_card_and_selects_it_on_the_map(demo_copy):
    at = _queue(INSPECTOR)
    first_row = _rows(at)[0]
    hotspot_id = first_row.key.removeprefix("queue_")
    first_row.click().run()
    assert not at.exception, at.exception
    assert at.session_state[SELECTED_HOTSPOT_KEY] == hotspot_id
    text = " ".join(block.value for block in at.markdown)
    assert first_row.label.split("\n\n", 1)[1] in text  # the card's sentence
    assert "建议措施" in text and "依据" in text
    assert any(button.label == "高德地图" for button in at.get("link_button"))
    at.switch_page("app_pages/map_page.py").run()
    assert not at.exception, at.exception
    shown = " ".join(block.value for block in at.markdown)
    assert first_row.label.split("\n\n", 1)[1] in shown  # the map page opens the same card


def test_supervisor_makes_a_task_from_the_card(demo_copy):
    at = _queue(SUPERVISOR)
    row = _rows(at)[0]
    row.click().run()
    at.button(key="queue_create_task").click().run()
    assert not at.exception, at.exception
    tasks = task_service.list_tasks(demo_copy)
    assert row.key.removeprefix("queue_") in set(tasks["hotspot_id"])
    assert row.key not in {button.key for button in _rows(at)}  # handled: out of the queue


def test_township_officials_have_no_queue_page(demo_copy):
    at = _open("map", user=TOWNSHIP)
    with pytest.raises(Exception):  # noqa: B017 — AppTest refuses a page not in the navigation
        at.switch_page(QUEUE_PAGE).run()
        assert not [b for b in at.button if b.key and b.key.startswith("queue_")]
        raise RuntimeError("no queue rows")


def test_hotspot_list_shows_sentences_labels_and_dated_picker(demo_copy):
    at = _open("hotspots", user=SUPERVISOR)
    table = _table(at, "score").value
    assert table["card"].map(lambda s: bool(UNIT.search(s)) or "火点" in s or "散煤" in s or "货车" in s
                             or "机械" in s or "数据" in s or "热源" in s).all()
    assert not set(table["kind"]) & {"station", "dust", "fire", "grid", "anomaly", "mobile", "coal"}
    options = at.selectbox(key="hotspot_to_task").options
    assert all(re.search(r"· 20\d\d-\d\d-\d\d ·", option) for option in options)
