"""The task card (交办单) through AppTest on a copy of the demo store: each state shows each role only the
action forms the loop allows it now; the township official reads the requirement and the countdown; the
card's map snippet, and the open tasks on the signed-in map only."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from core.timeutil import now_beijing
from core.vocabulary import translate
from hotspots import task_service
from hotspots.tasks import Action
from layers.sources import TASK_STATE_COLOURS
from tests.app.test_app_pages import INSPECTOR, KEJING, SUPERVISOR, TOWNSHIP, _open

__all__ = ["demo_copy", "detected_demo"]
from tests.app.test_app_pages import demo_copy, detected_demo  # noqa: E402,F401  (the fixtures)

# state -> role -> the action forms the card shows (the loop: 交办 → 整改反馈 → 复核/退回, 督办 when owing).
EXPECTED = {
    "pending": {"supervisor": {"assign", "evidence"}, "inspector": {"evidence"}, "township": set()},
    "assigned": {"supervisor": {"escalate", "evidence"}, "inspector": {"evidence"}, "township": {"feedback"}},
    "feedback_submitted": {"supervisor": {"review", "return", "evidence"}, "inspector": {"evidence"}, "township": set()},
    "returned": {"supervisor": {"escalate", "evidence"}, "inspector": {"evidence"}, "township": {"feedback"}},
    "closed": {"supervisor": set(), "inspector": set(), "township": set()},
}
USERS = {"supervisor": SUPERVISOR, "inspector": INSPECTOR, "township": TOWNSHIP}
FORMS = {"assign", "feedback", "review", "return", "escalate", "evidence"}


def _kejing_task_in(store, state: str) -> str:
    """Drive the demo's Kejing field-observation task through the loop to ``state``."""
    tasks = task_service.list_tasks(store)
    task_id = tasks.loc[tasks["township_code"] == KEJING, "id"].iloc[0]
    steps = {
        "assigned": lambda: task_service.assign(store, SUPERVISOR, task_id, department="克井镇人民政府",
                                                instructions="立即清扫苫盖"),
        "feedback_submitted": lambda: task_service.submit_feedback(store, TOWNSHIP, task_id, "已清扫苫盖"),
        "returned": lambda: task_service.review(store, SUPERVISOR, task_id, approve=False, comment="未见苫盖照片"),
        "closed": lambda: task_service.review(store, SUPERVISOR, task_id, approve=True),
    }
    path = {"pending": [], "assigned": ["assigned"], "feedback_submitted": ["assigned", "feedback_submitted"],
            "returned": ["assigned", "feedback_submitted", "returned"],
            "closed": ["assigned", "feedback_submitted", "closed"]}[state]
    for step in path:
        steps[step]()
    assert task_service.get_task(store, task_id).state.value == state
    return task_id


def forms_shown(at) -> set[str]:
    """The action forms on the page, by their submit buttons' keys ('FormSubmitter:<form>-<label>')."""
    return {button.key.removeprefix("FormSubmitter:").split("-")[0] for button in at.button
            if button.key and button.key.startswith("FormSubmitter:")} & FORMS


@pytest.mark.parametrize("state", list(EXPECTED))
def test_each_state_shows_each_role_only_its_allowed_actions(demo_copy, state):
    task_id = _kejing_task_in(demo_copy, state)
    for role, user in USERS.items():
        at = _open("hotspots", user=user)
        at.selectbox(key="chosen_task").set_value(task_id).run()
        assert not at.exception, at.exception
        shown = forms_shown(at)
        assert shown == EXPECTED[state][role], (state, role, shown)


def test_township_official_reads_the_requirement_and_the_countdown(demo_copy):
    task_id = _kejing_task_in(demo_copy, "assigned")
    at = _open("hotspots", user=TOWNSHIP)
    at.selectbox(key="chosen_task").set_value(task_id).run()
    text = " ".join(markdown.value for markdown in at.markdown)
    assert "立即清扫苫盖" in text and translate("task_card.requirement", "zh") in text
    assert "还剩" in text or "已逾期" in text
    assert "None" not in text


def _components(at) -> list[dict]:
    return [json.loads(component.proto.json_args) for component in at.main.get("component_instance")]


def test_the_task_card_shows_its_place_on_a_map_that_asks_no_tile_server(demo_copy):
    task_id = _kejing_task_in(demo_copy, "assigned")
    task = task_service.get_task(demo_copy, task_id)
    at = _open("hotspots", user=TOWNSHIP)
    at.selectbox(key="chosen_task").set_value(task_id).run()
    assert translate("task_card.map", "zh") in " ".join(markdown.value for markdown in at.markdown)
    [snippet] = _components(at)
    assert "L.tileLayer" not in snippet["script"] and "OfflineBase" not in snippet["script"]  # drawn, not named
    assert "克井镇" in snippet["script"] and f"[{task.lat}, {task.lon}]" in snippet["script"]
    assert TASK_STATE_COLOURS["assigned"] in snippet["script"]


def test_open_tasks_are_on_the_signed_in_map_and_not_on_the_public_one(demo_copy):
    layer = json.dumps(translate("layer_tasks", "zh"))[1:-1]  # as folium writes it into the script
    [public] = _components(_open("map"))
    assert layer not in public["script"] and "legend-tasks" not in public["html"]
    [inspector] = _components(_open("map", user=INSPECTOR))
    assert layer in inspector["script"] and "legend-tasks" in inspector["html"]
    assert all(json.dumps(title)[1:-1] in inspector["script"] for title in task_service.list_tasks(demo_copy)["title"])


def test_a_return_sets_the_rework_deadline_picked_on_its_form(demo_copy):
    task_id = _kejing_task_in(demo_copy, "feedback_submitted")
    at = _open("hotspots", user=SUPERVISOR)
    at.selectbox(key="chosen_task").set_value(task_id).run()
    picked = now_beijing().date() + dt.timedelta(days=12)
    deadline = at.date_input(key="return_deadline")
    assert deadline.form_id == "return"  # on the return's form, not beside 复核通过
    deadline.set_value(picked)
    at.text_input(key="return_comment").input("东侧仍有裸土")
    at.button(key=f"FormSubmitter:return-{Action.RETURN.label('zh')}").click().run()
    assert not at.exception, at.exception
    task = task_service.get_task(demo_copy, task_id)
    assert task.state.value == "returned"
    # The picked day's 24:00, not the grade's default period.
    assert task.deadline == dt.datetime.combine(picked + dt.timedelta(days=1), dt.time())
