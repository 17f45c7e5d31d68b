"""The field observation form through AppTest, where no browser answers the position component: a typed
position is recorded where it was typed and says so; choosing 定位 waits for the browser with the position
fixed and the button off. Also how the browser's answer is read, and the rules that show Streamlit's own texts
in Chinese (what the browser tier checks on the page)."""
from __future__ import annotations

import re

import pytest

from app_pages.field_observation import BrowserPosition, browser_answer
from app_pages.page_scripts import streamlit_text_rules
from core.vocabulary import translate
from core.vocabulary.fieldwork import STREAMLIT_TEXTS
from hotspots import task_service
from hotspots.tasks import Action
from tests.app.test_app_pages import INSPECTOR, TOWNSHIP, _open, demo_copy_townships

__all__ = ["demo_copy", "detected_demo"]
from tests.app.test_app_pages import demo_copy, detected_demo  # noqa: E402,F401  (the fixtures)

QUEUE_PAGE = "app_pages/queue_page.py"
SUBMIT = f"FormSubmitter:observation-{Action.RECORD_OBSERVATION.label('zh')}"


def _queue(user):
    at = _open("map", user=user)
    at.switch_page(QUEUE_PAGE).run()
    assert not at.exception, at.exception
    return at


def test_a_typed_position_is_recorded_where_it_was_typed_and_says_so(demo_copy):
    townships = demo_copy_townships(demo_copy)
    point = townships.loc[townships["name"] == "克井镇", "geometry"].iloc[0].representative_point()
    at = _queue(INSPECTOR)
    assert at.radio(key="observation_position_source").value == "typed"  # the browser is not asked unbidden
    assert translate("field.typed", "zh") in [caption.value for caption in at.caption]
    assert at.selectbox(key="observation_grade").options == ["I级", "II级", "III级"]
    at.number_input(key="observation_lon").set_value(point.x)
    at.number_input(key="observation_lat").set_value(point.y)
    at.text_input(key="observation_title_0").input("克井镇路边焚烧垃圾")
    at.text_area(key="observation_description_0").input("路边一堆垃圾正在焚烧")
    at.button(key=SUBMIT).click().run()
    assert not at.exception, at.exception
    tasks = task_service.list_tasks(demo_copy)
    [row] = tasks[tasks["title"] == "克井镇路边焚烧垃圾"].itertuples()
    task = task_service.get_task(demo_copy, row.id)
    assert (task.lon, task.lat) == pytest.approx((point.x, point.y), abs=1e-9)
    assert task.township_code == townships.loc[townships["name"] == "克井镇", "code"].iloc[0]
    done = translate("action_done", "zh", action=f"{Action.RECORD_OBSERVATION.label('zh')} · "
                                                 f"{translate('field.typed', 'zh')}")
    assert [notice.value for notice in at.success] == [done]
    assert at.text_input(key="observation_title_1").value == ""  # an empty form for the next finding


def test_choosing_located_waits_for_the_browser_with_the_position_fixed(demo_copy):
    at = _queue(INSPECTOR)
    at.radio(key="observation_position_source").set_value("located").run()
    assert not at.exception, at.exception
    assert [notice.value for notice in at.info] == [translate("field.locating", "zh")]
    assert at.number_input(key="observation_lon").disabled and at.number_input(key="observation_lat").disabled
    assert at.button(key=SUBMIT).disabled  # no position yet, nothing to record
    at.radio(key="observation_position_source").set_value("typed").run()
    assert not at.number_input(key="observation_lon").disabled and not at.button(key=SUBMIT).disabled


def test_the_camera_is_there_only_when_asked_for(demo_copy):
    at = _queue(INSPECTOR)
    assert not at.get("camera_input")  # the camera widget asks for permission as soon as it is drawn
    at.toggle(key="observation_camera").set_value(True).run()
    assert not at.exception, at.exception
    assert len(at.get("camera_input")) == 1


def test_a_township_official_gets_no_observation_form(demo_copy):
    at = _open("hotspots", user=TOWNSHIP)  # records no observation (core.policy), only answers tasks
    assert not [radio for radio in at.radio if radio.key == "observation_position_source"]


@pytest.mark.parametrize(("value", "read"), [
    (None, None),
    ({"lon": 112.6, "lat": 35.1, "accuracy_m": 8.5}, BrowserPosition(112.6, 35.1, 8.5)),
    ({"error": "denied"}, "denied"),
    ({"error": "insecure"}, "insecure"),
    ({"error": "something new"}, "unavailable"),
    ({"lon": "east", "lat": 35.1, "accuracy_m": 8}, "unavailable"),
    ({"lon": 212.6, "lat": 35.1, "accuracy_m": 8}, "unavailable"),
    ("112.6,35.1", "unavailable"),
])
def test_the_browsers_answer_is_read_as_a_position_or_a_reason(value, read):
    assert browser_answer(value) == read


def _apply(rules, text: str) -> str:
    """What the page's script does with one of Streamlit's texts, in Python's regular expressions."""
    for pattern, replacement in rules:
        python_pattern = pattern.replace("(?<", "(?P<").replace("\\/", "/")
        if re.fullmatch(python_pattern, text):
            return re.sub(python_pattern, re.sub(r"\$<(\w+)>", r"\\g<\1>", replacement), text)
    return text


@pytest.mark.parametrize(("shown", "chinese"), [
    ("Upload", "上传"),
    ("64MB per file", "每个文件不超过 64MB"),
    ("File must be 10.0MB or smaller.", "文件不能超过 10.0MB。"),
    ("application/pdf files are not allowed.", "不接受 application/pdf 类型的文件。"),
    ("Take Photo", "拍照"),
    ("Page not found", "页面不存在"),
    ("You have requested page /xyz, but no corresponding file was found in the app's pages/ directory. "
     "Running the app's main page.", "页面 /xyz 不存在，已为您打开首页。"),
    ("Choose date, 2025年12月", "选择日期，2025年12月"),
    ("Next month", "下个月"),
    ("Title text '六因子浓度'", "标题：六因子浓度"),
    ("visualization", "图表"),
    ("Uploads", "Uploads"),  # only whole texts: a word of a page's own content is left alone
])
def test_streamlit_texts_are_shown_in_chinese_whole_texts_only(shown, chinese):
    assert _apply(streamlit_text_rules("zh"), shown) == chinese


def test_every_streamlit_text_has_a_rule_and_english_has_none():
    rules = streamlit_text_rules("zh")
    assert len(rules) == len(STREAMLIT_TEXTS) and streamlit_text_rules("en") == []
    values = {"size": "5MB", "type": "x", "page": "p", "name": "a.jpg", "icon": "add", "label": "日期",
              "month": "2025年12月", "title": "AQI"}
    assert all(_apply(rules, entry["en"].format(**values)) != entry["en"].format(**values)
               for entry in STREAMLIT_TEXTS.values())
