"""The emergency page and the alert banner through AppTest on a copy of the demo store: a supervisor issues
an alert from the page and every page then shows its banner; the demo's winter alert lists its checklist
with the planted results, and its tasks are made from the page."""
from __future__ import annotations

from core.policy import Role, User
from core.timeutil import now_beijing
from core.vocabulary import translate
from emergency import alerts
from emergency.checklist import checklist
from ingest.demo.emergency import ALERT_ID, planted_checks
from tests.app.test_app_pages import SUPERVISOR, _open, demo_copy, detected_demo
from tests.conftest import DEMO_YEAR

__all__ = ["demo_copy", "detected_demo"]  # the fixtures are imported for pytest to find
PAGE = "app_pages/emergency_page.py"
INSPECTOR = User("xuncha", Role.INSPECTOR)


def _emergency(user: User):
    at = _open("map", user)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _banners(at) -> list[str]:
    return [block.value for block in at.markdown if "lantian-alert-banner" in block.value]


def test_an_alert_issued_on_the_page_shows_its_banner_on_every_page(demo_copy):
    at = _emergency(SUPERVISOR)
    assert at.title[0].value == translate("emergency_page", "zh") and not _banners(at)
    at.button(key=f"FormSubmitter:alert_issue-{translate('alert.issue_button', 'zh')}").click().run()
    assert not at.exception, at.exception
    active = alerts.active_alerts(demo_copy, now_beijing())
    assert len(active) == 1 and active["level"].iloc[0] == "yellow" and active["issuer"].iloc[0] == SUPERVISOR.name
    for page in ("app_pages/map_page.py", "app_pages/ranking_page.py", PAGE):
        at.switch_page(page).run()
        assert not at.exception, at.exception
        [banner] = _banners(at)
        assert "黄色预警生效中" in banner and "全市" in banner and "yellow" not in banner.split(">", 1)[1]
    history = alerts.alert_history(demo_copy, active["id"].iloc[0])
    assert history["action"].tolist() == ["issue"]


def test_the_demo_alerts_checklist_shows_the_planted_results_and_makes_tasks(demo_copy):
    at = _emergency(SUPERVISOR)
    at.selectbox(key="chosen_alert").set_value(ALERT_ID).run()
    [table] = [frame for frame in at.dataframe if translate("alert.col_result", "zh") in frame.value.columns]
    results = dict(zip(table.value[translate("alert.col_name", "zh")], table.value[translate("alert.col_result", "zh")]))
    rows = checklist(demo_copy, ALERT_ID).set_index("source_id")
    for item in planted_checks(DEMO_YEAR):
        expected = translate("alert.compliant_yes" if item.compliant else "alert.compliant_no", "zh")
        assert results[rows.at[item.source_id, "name"]] == expected
    at.button(key="make_tasks").click().run()
    assert not at.exception, at.exception
    assert checklist(demo_copy, ALERT_ID)["task_id"].notna().all()


def test_an_inspector_sees_the_checklist_but_no_issue_form(demo_copy):
    at = _emergency(INSPECTOR)
    assert not [button for button in at.button if "alert_issue" in (button.key or "")]
    assert not [button for button in at.button if button.key == "make_tasks"]
