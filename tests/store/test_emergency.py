"""Heavy-pollution emergency response against real stores: an orange alert switching the zone clauses on
and off for the demo's trucks, the checklist and its tasks, compliance with photos, the demo's winter alert
report, and the reduction-list register."""
from __future__ import annotations

import contextlib
import io
import json
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
import shapely
from docx import Document

import cli
from core.errors import BadInputError, ConflictError, PermissionDeniedError
from core.policy import Role, User
from data.store import Store
from emergency import alerts
from emergency.checklist import (
    checklist,
    compliance_dashboard,
    edit_measure,
    make_checklist_tasks,
    record_compliance,
    reduction_totals,
)
from emergency.report import alert_summary, report_docx
from hotspots.engine import check_zones
from hotspots.task_service import get_task
from ingest.demo.emergency import ALERT_ID, planted_checks
from ingest.emergency import import_emergency
from ingest.templates import template_csv
from tests.app_support import demo_copy
from tests.conftest import DEMO_YEAR
from tests.tasks_support import photo

SUPERVISOR = User("督办张", Role.SUPERVISOR)
INSPECTOR = User("巡查王", Role.INSPECTOR)
SPRING = (date(DEMO_YEAR, 4, 1), date(DEMO_YEAR, 4, 14))


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def demo(demo_store: Store, tmp_path: Path) -> Store:
    return Store(demo_copy(demo_store, tmp_path), busy_timeout_s=30)


def _permitted_china4_days_in_lez(store: Store, start: datetime, end: datetime) -> set[tuple[str, date]]:
    """Independently of zones.enforcement: (plate, day) of every diesel truck ≥ 3.5 t of China IV or older
    holding a valid pass, seen inside the low-emission zone in [start, end)."""
    with store.read(spatial=True) as con:
        lez = shapely.from_wkb(bytes(con.execute(
            "SELECT ST_AsWKB(geom) FROM zones WHERE kind = 'low_emission'").fetchone()[0]))
        seen = con.execute(
            "SELECT e.plate, e.time, e.lon, e.lat FROM truck_events e JOIN trucks t USING (plate) "
            "WHERE t.fuel = 'diesel' AND t.gross_weight_t >= 3.5 AND t.emission_standard <= 4 "
            "AND t.permit_until >= CAST(e.time AS DATE) AND e.time >= ? AND e.time < ? AND e.lon IS NOT NULL",
            [start, end]).df()
    inside = shapely.intersects_xy(lez, seen["lon"].to_numpy(), seen["lat"].to_numpy())
    return {(plate, time.date()) for plate, time in zip(seen.loc[inside, "plate"], seen.loc[inside, "time"])}


def _emergency_days(result) -> set[tuple[str, date]]:
    found = result.violations
    found = found[(found["subject"] == "truck") & found["clause"].notna()]
    assert set(found["clause"]) <= {"lez_china4_orange"}
    return {(plate, pd.Timestamp(day).date()) for plate, day in zip(found["subject_id"], found["day"])}


def test_an_orange_alert_makes_the_demos_china_iv_trucks_in_the_lez_violations_only_while_it_lasts(demo: Store):
    before = check_zones(demo, *SPRING)
    assert _emergency_days(before) == set()
    everyday = set(zip(before.violations["subject_id"], before.violations["day"]))

    code, out, err = _cli("alert", "issue", "--level", "orange", "--from", f"{DEMO_YEAR}-04-07", "--to",
                          f"{DEMO_YEAR}-04-09", "--trigger", "observed", "--aqi", "236", "--db", str(demo.path))
    assert code == 0, err
    alert_id = out.split()[1].rstrip(":")
    during = check_zones(demo, *SPRING)
    expected = _permitted_china4_days_in_lez(demo, datetime(DEMO_YEAR, 4, 7), datetime(DEMO_YEAR, 4, 10))
    assert len(expected) >= 5
    assert _emergency_days(during) == expected
    # Every everyday violation is still there, not re-labelled as an emergency finding.
    assert everyday <= set(zip(during.violations["subject_id"], during.violations["day"]))
    with demo.read() as con:
        marked = con.execute("SELECT count(*) FROM hotspots WHERE id LIKE 'mobile-truck-%' AND context LIKE ? "
                             "AND context LIKE '%lez_china4_orange%'", [f'%"{alert_id}"%']).fetchone()[0]
    assert marked == len(expected)
    # The tightened 禁高区 clause finds China III machines at work, during the alert only.
    machines = during.violations[(during.violations["subject"] == "machinery") & during.violations["clause"].notna()]
    assert len(machines) and set(machines["clause"]) == {"nonroad_china3_orange"}
    assert {pd.Timestamp(day).date() for day in machines["day"]} <= {date(DEMO_YEAR, 4, d) for d in (7, 8, 9)}

    # Lifted at noon on the 8th: nothing after it counts any more.
    code, _, err = _cli("alert", "lift", alert_id, "--at", f"{DEMO_YEAR}-04-08T12:00", "--db", str(demo.path))
    assert code == 0, err
    after = check_zones(demo, *SPRING)
    cut = _permitted_china4_days_in_lez(demo, datetime(DEMO_YEAR, 4, 7), datetime(DEMO_YEAR, 4, 8, 12))
    assert _emergency_days(after) == cut
    assert not any(day == date(DEMO_YEAR, 4, 9) for _, day in _emergency_days(after))
    code, out, _ = _cli("alert", "list", "--history", "--db", str(demo.path))
    assert code == 0 and alert_id in out and "解除预警" in out and "发布预警" in out


def test_a_yellow_alert_switches_no_truck_clause_on_and_a_lifted_alert_cannot_change(demo: Store):
    alert = alerts.issue_alert(demo, SUPERVISOR, "黄色", datetime(DEMO_YEAR, 4, 7), datetime(DEMO_YEAR, 4, 10))
    assert _emergency_days(check_zones(demo, *SPRING)) == set()
    raised = alerts.change_alert(demo, SUPERVISOR, alert["id"], level="orange", at=datetime(DEMO_YEAR, 4, 9))
    assert raised["level"] == "orange" and raised["version"] == 2
    days = _emergency_days(check_zones(demo, *SPRING))
    assert days and {day for _, day in days} == {date(DEMO_YEAR, 4, 9)}
    alerts.lift_alert(demo, SUPERVISOR, alert["id"], at=datetime(DEMO_YEAR, 4, 9, 18))
    with pytest.raises(ConflictError):
        alerts.change_alert(demo, SUPERVISOR, alert["id"], level="red", at=datetime(DEMO_YEAR, 4, 9, 20))
    with pytest.raises(PermissionDeniedError):
        alerts.issue_alert(demo, INSPECTOR, "orange", datetime(DEMO_YEAR, 4, 7), datetime(DEMO_YEAR, 4, 8))
    with pytest.raises(BadInputError) as refused:
        alerts.issue_alert(demo, SUPERVISOR, "紫色", datetime(DEMO_YEAR, 4, 7), datetime(DEMO_YEAR, 4, 8))
    assert refused.value.field == "level"
    history = alerts.alert_history(demo, alert["id"])
    assert history["action"].tolist() == ["issue", "change", "lift"]
    assert history["level"].tolist() == ["yellow", "orange", "orange"]


def test_a_d_grade_enterprises_measures_are_on_its_townships_checklist_and_become_tasks(demo: Store):
    with demo.read() as con:
        township, name = con.execute("SELECT township_code, name FROM enterprises WHERE id = 'demo-ent-08'").fetchone()
        other = con.execute("SELECT township_code FROM enterprises WHERE id = 'demo-ent-07'").fetchone()[0]
    alert = alerts.issue_alert(demo, SUPERVISOR, "orange", datetime(DEMO_YEAR, 2, 3), datetime(DEMO_YEAR, 2, 6),
                               area_codes=[township])
    rows = checklist(demo, alert["id"], township)
    brick = rows[rows["source_id"] == "demo-ent-08"].iloc[0]
    assert brick["grade"] == "D" and brick["measure_level"] == "orange" and brick["output_cut_share"] == 1.0
    assert "全面停产" in brick["measures"]
    assert set(rows["township_code"]) == {township} and other != township
    assert checklist(demo, alert["id"], other).empty   # outside the alert's area

    made = make_checklist_tasks(demo, SUPERVISOR, alert["id"], township, now=datetime(DEMO_YEAR, 2, 3, 8))
    assert len(made) == len(rows)
    assert make_checklist_tasks(demo, SUPERVISOR, alert["id"], township, now=datetime(DEMO_YEAR, 2, 3, 9)) == []
    task = get_task(demo, checklist(demo, alert["id"], township).set_index("source_id").at["demo-ent-08", "task_id"])
    assert name in task.title and task.township_code == township and task.title.startswith("橙色预警")

    with pytest.raises(BadInputError) as refused:
        record_compliance(demo, INSPECTOR, alert["id"], "demo-ent-08", compliant=False, photos=[],
                          note="仍在生产", now=datetime(DEMO_YEAR, 2, 4, 10))
    assert refused.value.field == "photos"
    check = record_compliance(demo, INSPECTOR, alert["id"], "demo-ent-08", compliant=False, photos=[photo()],
                              note="隧道窑未停火", now=datetime(DEMO_YEAR, 2, 4, 10))
    assert check["task_id"] == task.id and len(json.loads(check["photos"])) == 1
    assert (demo.attachments_dir / json.loads(check["photos"])[0]).is_file()
    board = compliance_dashboard(demo, alert["id"]).set_index("grade")
    assert board.at["D", "not_compliant"] == 1 and board.at["D", "checked"] == 1


def test_the_demo_winter_alert_tells_compliant_from_non_compliant_sources(demo_store: Store):
    planted = {item.source_id: item.compliant for item in planted_checks(DEMO_YEAR)}
    rows = checklist(demo_store, ALERT_ID).set_index("source_id")
    found = rows["compliant"].dropna().astype(bool).to_dict()
    assert found == planted
    assert {True, False} == set(found.values())
    board = compliance_dashboard(demo_store, ALERT_ID)
    assert board["not_compliant"].sum() == sum(not ok for ok in planted.values())
    assert board["compliant"].sum() == sum(planted.values())
    assert board["sources"].sum() == len(rows)


def test_the_report_of_the_demo_alert_holds_its_timeline_and_compliance_figures(demo_store: Store, tmp_path: Path):
    summary = alert_summary(demo_store, ALERT_ID)
    path = tmp_path / "report.docx"
    path.write_bytes(report_docx(summary))
    document = Document(str(path))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    timeline = [row for row in cells if row[0].startswith(f"{DEMO_YEAR}-01-1") and row[1] in ("发布预警", "调整级别", "解除预警")]
    assert [row[1] for row in timeline] == ["发布预警", "调整级别", "解除预警"]
    assert [row[2] for row in timeline] == ["黄色", "橙色", "橙色"]
    planted = planted_checks(DEMO_YEAR)
    good = sum(item.compliant for item in planted)
    assert (f"已核查 {len(planted)} 个，落实到位 {good} 个，未落实 {len(planted) - good} 个，"
            f"落实率 {good / len(planted):.0%}") in text
    assert "梨林砖厂（示例）" in text   # a non-compliant source is named
    during, before = summary.means["during"], summary.means["before"]
    assert during["days"] == 5 and before["days"] == 5
    assert f"{during['pm25']:.0f} μg/m³" in text and f"{before['pm25']:.0f} μg/m³" in text
    assert "重污染天气预警公告" in text and "解除公告" in text
    code, out, err = _cli("alert", "report", ALERT_ID, "--out", str(tmp_path / "cli.docx"), "--db", str(demo_store.path))
    assert code == 0, err
    assert (tmp_path / "cli.docx").stat().st_size > 10_000 and "3 event(s)" in out


def test_the_reduction_list_imports_from_its_template_refuses_a_bad_level_and_reimports_unchanged(store: Store,
                                                                                                 tmp_path: Path):
    template = tmp_path / "reduction_list.csv"
    template.write_bytes(template_csv("reduction-list"))
    first = import_emergency(store, "reduction-list", [template])
    assert first.new == 1
    with store.read() as con:
        row = con.execute("SELECT level, grade, output_cut_share, off_peak_transport, stop_earthwork "
                          "FROM reduction_measures").fetchone()
    assert row == ("orange", "C", 0.3, True, False)
    again = import_emergency(store, "reduction-list", [template])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    # A supervisor's edit on the page changes the list and its totals; an inspector may not edit.
    edit_measure(store, SUPERVISOR, "91419001MA0000000X", "orange", grade="D", output_cut_share=1.0,
                 measures="全面停产")
    orange = reduction_totals(store).set_index("level").loc["orange"]
    assert orange["sources"] == 1 and orange["output_cut"] == 1 and orange["mean_output_cut_share"] == 1.0
    with pytest.raises(PermissionDeniedError):
        edit_measure(store, INSPECTOR, "91419001MA0000000X", "orange", grade="A")
    broken = tmp_path / "broken.csv"
    broken.write_text(template.read_text(encoding="utf-8-sig").replace("橙色", "紫色"), encoding="utf-8")
    with pytest.raises(BadInputError) as refused:
        import_emergency(store, "reduction-list", [broken])
    message = str(refused.value)
    assert "broken.csv" in message and "预警级别" in message and "2" in message
