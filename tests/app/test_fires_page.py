"""The fire-point review page through AppTest on a copy of the demo store: each role sees what it may, the
township official only their township's points, and every form goes through the review service."""
from __future__ import annotations

import datetime as dt

from core.policy import Role, User
from core.vocabulary import translate
from hotspots import fire_review
from tests.app.test_app_pages import KEJING, SUPERVISOR, _open, demo_copy, detected_demo
from tests.tasks_support import photo

__all__ = ["demo_copy", "detected_demo"]  # the fixtures are imported for pytest to find
INSPECTOR = User("xuncha", Role.INSPECTOR)
KEJING_OFFICIAL = User("kejing", Role.TOWNSHIP, KEJING)
YUQUAN = "419001005"   # 玉泉街道: the demo's steel plant, seen on 30 days


def _submit(at, form: str, action: str):
    return at.button(key=f"FormSubmitter:{form}-{translate(f'fire_action.{action}', 'zh')}").click().run()


def test_supervisor_sees_the_proposals_and_strikes_them_off_at_once(demo_copy):
    at = _open("fires", SUPERVISOR)
    assert at.title[0].value == translate("fires_title", "zh")
    assert "待核查" in at.markdown[0].value and "本期扣款 **0** 元" in at.markdown[0].value
    at.selectbox(key="fires_township").set_value(YUQUAN).run()
    [table] = [frame for frame in at.dataframe if "proposed_reason" in frame.value.columns]
    assert len(table.value) == 30 and set(table.value["proposed_reason"]) == {"工业热源"}
    assert set(table.value["state"]) == {"待核查"}
    at.button(key=f"FormSubmitter:fire_batch-{translate('batch_button', 'zh', count=30)}").click().run()
    assert not at.exception, at.exception
    assert at.success and translate("batch_button", "zh", count=30) in at.success[0].value
    [table] = [frame for frame in at.dataframe if "proposed_reason" in frame.value.columns]
    assert set(table.value["state"]) == {"已核减"}
    history = fire_review.review_history(demo_copy, at.selectbox(key="chosen_fire_point").value)
    assert history["action"].tolist() == ["propose", "strike_off"] and history["actor"].iloc[-1] == "duban"


def test_confirming_without_a_photo_is_refused_with_the_reason(demo_copy):
    at = _open("fires", INSPECTOR)
    at.selectbox(key="fires_state").set_value("pending").run()
    at.text_area(key="confirm_note").input("田间焚烧痕迹")
    _submit(at, "fire_confirm", "confirm")
    assert [error.value for error in at.error] == [translate("error.confirm_needs_photo", "zh")]
    point = at.selectbox(key="chosen_fire_point").value
    assert fire_review.get_review(demo_copy, point).state is fire_review.FireState.PENDING
    at.selectbox(key="strike_reason").set_value("no_trace")
    at.text_input(key="strike_note").input("周边 1 公里内无焚烧痕迹")
    _submit(at, "fire_strike_off", "strike_off")
    assert not at.exception, at.exception
    review = fire_review.get_review(demo_copy, point)
    assert review.state is fire_review.FireState.STRUCK_OFF and review.reason == "no_trace"


def test_township_official_sees_only_their_points_and_appeals_a_confirmed_one(demo_copy):
    points = fire_review.list_fire_points(demo_copy, SUPERVISOR, dt.date(2025, 1, 1), dt.date(2025, 12, 31),
                                          township=KEJING)
    point = points["id"].iloc[0]
    fire_review.confirm(demo_copy, SUPERVISOR, point, note="现场确认焚烧", photos=[photo()])
    at = _open("fires", KEJING_OFFICIAL)
    assert at.selectbox(key="fires_township").value == KEJING and at.selectbox(key="fires_township").disabled
    [table] = [frame for frame in at.dataframe if "proposed_reason" in frame.value.columns]
    assert len(table.value) == len(points) and set(table.value["township_name"]) == {"克井镇"}
    assert "已确认 **1**" in at.markdown[0].value
    assert not [button for button in at.button if "fire_confirm" in (button.key or "")]
    at.selectbox(key="chosen_fire_point").set_value(point).run()
    at.text_area(key="appeal_evidence").input("经核实为村民烧荒引燃，非秸秆焚烧")
    _submit(at, "fire_appeal", "appeal")
    assert not at.exception, at.exception
    assert fire_review.get_review(demo_copy, point).state is fire_review.FireState.APPEALED
    assert translate("no_fire_actions", "zh") in [caption.value for caption in at.caption]   # the one appeal is used
