"""The handling list written as .xlsx, .csv and .geojson through the CLI, then read back by other tools."""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest

import cli
from core.errors import PermissionDeniedError
from core.policy import SYSTEM_USER
from data.store import Store
from data.tasks import HandlingListFilter
from hotspots import task_service as ts
from hotspots.exports import display_width, summary_by_township, to_csv, to_geojson, to_xlsx
from tests.tasks_support import (
    INSPECTOR,
    KEJING_OFFICIAL,
    SUPERVISOR,
    T0,
    ZHICHENG_OFFICIAL,
    photo,
    region,
    seed_region,
)

HOUR = timedelta(hours=1)
EXPECTED_HEADERS = ["交办单号", "标题", "研判", "类型", "等级", "责任乡镇", "乡镇编码", "责任部门", "状态", "整改期限",
                    "是否逾期", "退回次数", "督办次数", "整改要求", "最新反馈", "反馈时间", "附件数", "热点编号",
                    "污染物", "峰值", "经度", "纬度", "生成时间", "更新时间"]
__all__ = ["region"]


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Five tasks in different states: 克井镇 closed, 克井镇 feedback '=1+1', 克井镇 pending,
    轵城镇 overdue, 轵城镇 field observation. Built once; tests only read it."""
    region = Store(tmp_path_factory.mktemp("loop") / "lantian.duckdb", busy_timeout_s=5)
    region.migrate()
    seed_region(region)
    closed = ts.create_task_from_hotspot(region, SUPERVISOR, "H-KJ-PM25", now=T0)
    ts.assign(region, SUPERVISOR, closed.id, department="生态环境分局", now=T0)
    ts.submit_feedback(region, KEJING_OFFICIAL, closed.id, "已停产整治", photos=[photo()], now=T0 + HOUR)
    ts.review(region, SUPERVISOR, closed.id, approve=True, now=T0 + 2 * HOUR)

    formula = ts.create_task_from_hotspot(region, SUPERVISOR, "H-KJ-DUST", now=T0)
    ts.assign(region, SUPERVISOR, formula.id, department="住建局", now=T0)
    ts.submit_feedback(region, KEJING_OFFICIAL, formula.id, "=1+1", now=T0 + HOUR)

    overdue = ts.create_task_from_hotspot(region, SUPERVISOR, "H-ZC-SO2", now=T0)
    ts.assign(region, SUPERVISOR, overdue.id, department="工信局", now=T0)  # due T0 + 48 h

    ts.create_task_from_hotspot(region, SUPERVISOR, "H-ZC-FIRE", township_code="419001101", now=T0)
    ts.record_field_observation(region, INSPECTOR, 112.66, 35.13, title="露天焚烧", description="焚烧垃圾",
                                now=T0 + timedelta(days=3))
    return region


def export(store: Store, out: Path, *options: str) -> Path:
    assert cli.main(["export", "handling-list", "--db", str(store.path), "--out", str(out), *options]) == 0
    return out


def test_xlsx_has_chinese_headers_frozen_row_widths_colours_and_a_summary(loop: Store, tmp_path: Path):
    book = openpyxl.load_workbook(export(loop, tmp_path / "处置清单.xlsx"))
    sheet = book["处置清单"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == EXPECTED_HEADERS
    assert len(rows) == 1 + 5
    assert sheet.freeze_panes == "A2"
    township_column = EXPECTED_HEADERS.index("责任乡镇")
    assert {row[township_column] for row in rows[1:]} == {"克井镇", "轵城镇"}
    title_letter = openpyxl.utils.get_column_letter(EXPECTED_HEADERS.index("标题") + 1)
    longest_title = max(display_width(row[1]) for row in rows[1:])
    assert sheet.column_dimensions[title_letter].width >= longest_title  # wide enough for the Chinese
    feedback_cells = [cell for cell in sheet[openpyxl.utils.get_column_letter(EXPECTED_HEADERS.index("最新反馈") + 1)]
                      if cell.value == "=1+1"]
    assert [cell.data_type for cell in feedback_cells] == ["s"]  # typed '=1+1' stays text, not a formula
    state_letter = openpyxl.utils.get_column_letter(EXPECTED_HEADERS.index("状态") + 1)
    coloured = {rule.formula[0] for rules in sheet.conditional_formatting
                for rule in rules.rules if state_letter in str(rules.sqref)}
    assert {'"已办结"', '"督办"', '"约谈问责"'} <= coloured

    summary = list(book["按乡镇汇总"].iter_rows(values_only=True))
    header = list(summary[0])
    by_township = {row[0]: dict(zip(header, row)) for row in summary[1:]}
    assert by_township["克井镇"]["已办结"] == 1 and by_township["克井镇"]["已反馈"] == 1
    assert by_township["克井镇"]["待交办"] == 1 and by_township["克井镇"]["合计"] == 3
    assert by_township["轵城镇"]["合计"] == 2
    assert by_township["合计"]["合计"] == 5


def test_overdue_is_counted_as_of_the_export(loop: Store):
    later = ts.handling_list(loop, SYSTEM_USER, now=T0 + timedelta(hours=49))
    summary = summary_by_township(later).set_index("责任乡镇")
    assert summary.loc["轵城镇", "逾期"] == 1 and summary.loc["克井镇", "逾期"] == 0
    assert int(later["overdue"].sum()) == 1


def test_csv_is_utf8_with_bom_and_filters_apply(loop: Store, tmp_path: Path):
    out = export(loop, tmp_path / "list.csv", "--township", "克井镇")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == EXPECTED_HEADERS
    assert len(rows) == 1 + 3
    assert {row[EXPECTED_HEADERS.index("责任乡镇")] for row in rows[1:]} == {"克井镇"}
    feedback = [row[EXPECTED_HEADERS.index("最新反馈")] for row in rows[1:]]
    assert "'=1+1" in feedback  # would otherwise run as a formula in Excel

    closed = export(loop, tmp_path / "closed.csv", "--status", "已办结")
    with closed.open(encoding="utf-8-sig", newline="") as handle:
        assert [row[EXPECTED_HEADERS.index("状态")] for row in list(csv.reader(handle))[1:]] == ["已办结"]
    field = export(loop, tmp_path / "field.csv", "--kind", "field", "--from", "2025-06-04", "--to", "2025-06-04")
    with field.open(encoding="utf-8-sig", newline="") as handle:
        assert [row[EXPECTED_HEADERS.index("类型")] for row in list(csv.reader(handle))[1:]] == ["现场巡查"]
    none = export(loop, tmp_path / "none.csv", "--from", "2025-06-05")
    assert len(none.read_text(encoding="utf-8-sig").splitlines()) == 1


def test_geojson_points_carry_every_field(loop: Store, tmp_path: Path):
    frame = gpd.read_file(export(loop, tmp_path / "list.geojson"))
    assert len(frame) == 5
    assert frame.crs.to_epsg() == 4326
    assert set(frame["township_name"]) == {"克井镇", "轵城镇"}
    assert {"id", "state", "state_zh", "deadline", "latest_feedback", "returns", "escalations"} <= set(frame.columns)
    field = frame[frame["kind"] == "field"].iloc[0]
    assert (field.geometry.x, field.geometry.y) == pytest.approx((112.66, 35.13))
    assert field["state_zh"] == "待交办"


def test_export_refuses_an_unknown_format_and_unknown_status(loop: Store, tmp_path: Path):
    assert cli.main(["export", "handling-list", "--db", str(loop.path), "--out", str(tmp_path / "x.pdf")]) == 2
    assert cli.main(["export", "handling-list", "--db", str(loop.path), "--out", str(tmp_path / "x.csv"),
                     "--status", "done-ish"]) == 2
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "x.csv").exists()


def test_an_empty_handling_list_still_exports(region: Store):
    empty = ts.handling_list(region, SYSTEM_USER)
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(empty)))
    assert [cell.value for cell in book["处置清单"][1]] == EXPECTED_HEADERS
    assert book["按乡镇汇总"].max_row == 2  # the header and the 合计 row


def test_township_officials_see_their_tasks_but_cannot_export(loop: Store):
    mine = ts.list_tasks(loop, HandlingListFilter(township=ZHICHENG_OFFICIAL.township_code))
    assert set(mine["township_name"]) == {"轵城镇"}
    with pytest.raises(PermissionDeniedError):
        ts.handling_list(loop, ZHICHENG_OFFICIAL)


def test_a_task_without_a_position_exports_a_null_geometry(region: Store):
    with region.write() as con:
        con.execute("INSERT INTO hotspots (id, kind, township_code, grade, detected_at, updated_at) "
                    "VALUES ('H-NOPOS', 'grid', '419001102', 'II', ?, ?)", [T0, T0])
    ts.create_task_from_hotspot(region, SUPERVISOR, "H-NOPOS", now=T0)
    collection = json.loads(to_geojson(ts.handling_list(region, SYSTEM_USER)))
    assert [feature["geometry"] for feature in collection["features"]] == [None]
    assert collection["features"][0]["properties"]["township_name"] == "轵城镇"


def test_each_row_carries_its_hotspot_card_sentence(loop: Store):
    rows = ts.handling_list(loop, SUPERVISOR)
    assert not set(rows.columns) & {"score_parts", "sources", "context"}  # the card, not the engine's internals
    sentences = dict(zip(rows["hotspot_id"], rows["card"]))
    assert sentences["H-KJ-PM25"].startswith("PM2.5 峰值") and "µg/m³" in sentences["H-KJ-PM25"]
    assert "火点" in sentences["H-ZC-FIRE"]
    header = next(csv.reader(io.StringIO(to_csv(rows).decode("utf-8-sig"))))
    assert header[:3] == ["交办单号", "标题", "研判"]
