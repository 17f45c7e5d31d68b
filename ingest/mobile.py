"""Mobile-source CSVs (machinery registry and GPS, truck registry and fence events, coal inspections) into
their tables, through the shared validation, rejected-row report and idempotent upsert."""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from core.vocabulary import term
from data.store import Store
from ingest.common import ImportReport, ProblemLog, read_text_table
from ingest.fields import Field, Reader, text_values, vocabulary_reader
from ingest.tables import Layout, parse_layout, store_rows, without_problems
from zones.rules import emission_stage

FUELS = {"diesel": "diesel", "柴油": "diesel", "gasoline": "gasoline", "petrol": "gasoline", "汽油": "gasoline",
         "gas": "gas", "lng": "gas", "cng": "gas", "天然气": "gas", "燃气": "gas", "electric": "electric",
         "ev": "electric", "电": "electric", "纯电": "electric", "纯电动": "electric", "电动": "electric",
         "hybrid": "hybrid", "混动": "hybrid", "混合动力": "hybrid", "other": "other", "其他": "other"}
COLOURS = {"green": "green", "绿": "green", "绿色": "green", "绿码": "green", "blue": "blue", "蓝": "blue",
           "蓝色": "blue", "蓝码": "blue", "yellow": "yellow", "黄": "yellow", "黄色": "yellow", "黄码": "yellow",
           "red": "red", "红": "red", "红色": "red", "红码": "red"}
FINDINGS = {"sale": "sale", "selling": "sale", "销售": "sale", "售卖": "sale", "经营": "sale", "use": "use",
            "using": "use", "使用": "use", "燃用": "use", "散烧": "use", "none": "none", "clean": "none",
            "无": "none", "未发现": "none", "合格": "none"}
CROSSINGS = {"in": "in", "enter": "in", "进": "in", "驶入": "in", "进入": "in", "out": "out", "exit": "out",
             "出": "out", "驶出": "out", "离开": "out"}


def _machine_stage(text: str) -> int | None:
    """Non-road machinery stages end at China IV; a 'China V' machine is a typo, not a stage."""
    stage = emission_stage(text)
    return stage if stage is not None and stage <= 4 else None


MACHINE_STAGE = Reader(_machine_stage, term("reason.expected_machine_stage"), "Int64")
TRUCK_STANDARD = Reader(emission_stage, term("reason.expected_truck_standard"), "Int64")
FUEL = vocabulary_reader(FUELS, term("reason.expected_fuel"))
COLOUR = vocabulary_reader(COLOURS, term("reason.expected_colour"))
FINDING = vocabulary_reader(FINDINGS, term("reason.expected_finding"))
CROSSING = vocabulary_reader(CROSSINGS, term("reason.expected_crossing"))


CODE = ("machinecode", "code", "机械编码", "环保编码", "登记编码", "环保登记编码", "编码", "id")
PLATE = ("plate", "platenumber", "licenseplate", "车牌", "车牌号", "车牌号码", "号牌", "号牌号码")
TIME = ("time", "datetime", "timestamp", "定位时间", "时间", "过车时间", "检查时间", "日期时间")

LAYOUTS: dict[str, Layout] = {
    "machinery": Layout(term("imported.machinery"), "machinery", ("code",), (
        Field("code", CODE, required=True, header="机械编码", example="JY-NR-0001"),
        Field("type", ("type", "machinetype", "机械类型", "机械种类", "类型"), header="机械类型", example="挖掘机"),
        Field("emission_stage", ("emissionstage", "stage", "排放阶段", "排放标准", "阶段"), MACHINE_STAGE,
              header="排放阶段", example="国三"),
        Field("smoke_class", ("smokeclass", "smoke", "ringelmann", "烟度", "烟度等级", "林格曼黑度", "林格曼"),
              "integer", bounds=(0, 5), header="林格曼黑度", example="1"),
        Field("owner", ("owner", "所有人", "所属单位", "使用单位", "单位"), header="所属单位", example="济源建工集团"),
        Field("site", ("site", "worksite", "工地", "施工工地", "作业地点", "项目"), header="施工工地",
              example="克井镇安置房项目"),
        Field("colour_code", ("colourcode", "colorcode", "colour", "color", "标识颜色", "颜色", "码色"), COLOUR,
              header="标识颜色", example="绿码"),
    )),
    "machinery-gps": Layout(term("imported.machinery_positions"), "machinery_positions", ("machine_code", "time"), (
        Field("machine_code", CODE, required=True, header="机械编码", example="JY-NR-0001"),
        Field("time", TIME, "time", required=True, header="定位时间", example="2025-03-10 09:00"),
    ), position="required"),
    "trucks": Layout(term("imported.trucks"), "trucks", ("plate",), (
        Field("plate", PLATE, required=True, header="车牌号", example="豫U12345"),
        Field("fuel", ("fuel", "fueltype", "燃料", "燃料类型", "燃料种类"), FUEL, header="燃料类型", example="柴油"),
        Field("gross_weight_t", ("grossweightt", "grossweight", "weight", "总质量", "总质量t", "总重"), "number",
              bounds=(0.1, 100.0), header="总质量(t)", example="18"),
        Field("emission_standard", ("emissionstandard", "standard", "排放标准", "排放阶段"), TRUCK_STANDARD,
              header="排放标准", example="国五"),
        Field("permit_until", ("permituntil", "permit", "通行证有效期", "通行证到期", "许可到期"), "date",
              header="通行证有效期", example="2025-12-31"),
    )),
    "truck-events": Layout(term("imported.truck_events"), "truck_events", ("plate", "time"), (
        Field("plate", PLATE, required=True, header="车牌号", example="豫U12345"),
        Field("time", TIME, "time", required=True, header="过车时间", example="2025-03-10 08:15"),
        Field("fence_id", ("fenceid", "fence", "围栏", "围栏编号", "卡口", "卡口编号"), header="围栏编号",
              example="zone-lez-01"),
        Field("crossing", ("crossing", "direction", "方向", "进出", "进出方向"), CROSSING, header="进出方向",
              example="驶入"),
    ), position="optional"),
    "coal-inspections": Layout(term("imported.coal_inspections"), "coal_inspections", ("id",), (
        Field("id", ("id", "inspectionid", "编号", "记录编号", "检查编号"), header="检查编号", example="COAL-0001"),
        Field("time", TIME, "time", required=True, header="检查时间", example="2025-01-10 10:30"),
        Field("finding", ("finding", "result", "检查结果", "发现", "结果"), FINDING, required=True, header="检查结果",
              example="未发现"),
        Field("note", ("note", "notes", "备注", "说明"), header="备注", example="未发现散煤"),
        Field("inspector", ("inspector", "检查人", "巡查员", "检查人员"), header="检查人", example="王建国"),
    ), position="required"),
}


def coal_inspection_id(time: pd.Timestamp, lon: float, lat: float, inspector: str | None) -> str:
    """Deterministic id of an inspection without one, so a re-import updates, never duplicates."""
    key = f"{time:%Y-%m-%dT%H:%M}|{lon:.5f}|{lat:.5f}|{inspector or ''}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def parse_mobile_file(path: Path | str, what: str, *, crs: str | None = None, progress: bool = False,
                      sheet: str | None = None) -> tuple[pd.DataFrame, ProblemLog]:
    """Read and validate one file of kind ``what`` (a LAYOUTS key); positions converted from ``crs``
    (default WGS84; 'gcj02' for Gaode-picked positions) to EPSG:4326. Returns the frame without its
    problem rows, and the log."""
    layout = LAYOUTS[what]
    source = read_text_table(path, progress=progress, sheet=sheet)
    frame, found = parse_layout(source, layout, crs=crs, optional=("id",) if what == "coal-inspections" else ())
    if "emission_stage" in found:
        frame["emission_stage_label"] = text_values(source, found["emission_stage"]).set_axis(frame.index)
    elif what == "machinery":
        frame["emission_stage_label"] = None
    if what == "truck-events":
        unplaced = np.isnan(frame["lon"].to_numpy(dtype=float)) & frame["fence_id"].isna().to_numpy()
        source.log.add(np.flatnonzero(unplaced), "lon/lat/fence_id", [None] * int(unplaced.sum()),
                       term("reason.expected_position_or_fence"))
    frame = without_problems(frame, source.log)
    if what == "coal-inspections":
        missing_id = frame["id"].isna()
        frame.loc[missing_id, "id"] = [coal_inspection_id(*row) for row in frame.loc[
            missing_id, ["time", "lon", "lat", "inspector"]].itertuples(index=False)]
    return frame, source.log


def import_mobile(store: Store, what: str, paths: Sequence[Path | str], *, crs: str | None = None,
                  skip_bad_rows: bool = False, progress: bool = False, sheet: str | None = None) -> ImportReport:
    """Import mobile-source files of kind ``what`` (machinery, machinery-gps, trucks, truck-events,
    coal-inspections; CSV UTF-8/GBK, Excel or Parquet) into ``store`` in one transaction, upserting on the
    natural key (a row seen again is updated or left unchanged, never duplicated)."""
    layout = LAYOUTS[what]
    parsed = [parse_mobile_file(path, what, crs=crs, progress=progress, sheet=sheet) for path in paths]
    report = ImportReport(layout.what, files=[str(path) for path in paths])
    return store_rows(store, report, parsed, layout.table, layout.key, skip_bad_rows=skip_bad_rows)
