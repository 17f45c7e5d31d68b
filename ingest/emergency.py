"""The registers of the emergency response: the reduction list (应急减排清单, one row per source and alert
level: 一厂一策) and the AQI forecasts alerts are issued on (空气质量预报), into reduction_measures and
aqi_forecasts."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from core.vocabulary import term
from data.reductions import read_source_places
from data.store import Store
from data.townships import township_lookup
from emergency.levels import read_level
from ingest.common import ImportReport, ProblemLog, read_text_table
from ingest.enterprises import TOWNSHIP_ALIASES, performance_grade
from ingest.fields import Field, Reader, vocabulary_reader
from ingest.polygons import township_key
from ingest.tables import Layout, parse_layout, store_rows, without_problems

SOURCE_KINDS = {"enterprise": "enterprise", "企业": "enterprise", "工业企业": "enterprise", "涉气企业": "enterprise",
                "site": "site", "工地": "site", "施工工地": "site", "建筑工地": "site"}
LEVEL = Reader(read_level, term("reason.expected_alert_level"))
GRADE = Reader(performance_grade, term("reason.expected_performance_grade"))

LAYOUTS: dict[str, Layout] = {
    "reduction-list": Layout(term("imported.reduction_measures"), "reduction_measures", ("source_id", "level"), (
        Field("source_id", ("sourceid", "id", "统一社会信用代码", "企业编号", "工地编号", "编号"), required=True,
              header="统一社会信用代码", example="91419001MA0000000X"),
        Field("name", ("name", "企业名称", "工地名称", "单位名称", "名称"), required=True, header="企业名称",
              example="济源市示例钢铁有限公司"),
        Field("source_kind", ("sourcekind", "kind", "类型", "源类型", "类别"),
              vocabulary_reader(SOURCE_KINDS, term("reason.expected_source_kind")), required=True, header="类型",
              example="企业"),
        Field("level", ("level", "预警级别", "级别", "应急级别"), LEVEL, required=True, header="预警级别", example="橙色"),
        Field("grade", ("grade", "绩效分级", "绩效等级", "环保绩效分级"), GRADE, header="绩效分级", example="C"),
        Field("stop_lines", ("stoplines", "停产生产线", "停产工序", "停产线"), header="停产生产线", example="烧结机1台"),
        Field("output_cut_share", ("outputcutshare", "限产比例", "减产比例", "限产比例%"), "number", bounds=(0.0, 100.0),
              header="限产比例(%)", example="30"),
        Field("stop_earthwork", ("stopearthwork", "停止土石方作业", "停止土方作业", "土石方"), "boolean",
              header="停止土石方作业", example="否"),
        Field("off_peak_transport", ("offpeaktransport", "错峰运输", "运输管控"), "boolean", header="错峰运输",
              example="是"),
        Field("measures", ("measures", "减排措施", "一厂一策", "应急措施", "措施"), header="减排措施",
              example="停用烧结机1台，其余产线限产30%，禁止国四及以下车辆运输"),
        Field("township", TOWNSHIP_ALIASES, header="乡镇", example="克井镇"),
    ), position="optional"),
    "aqi-forecasts": Layout(term("imported.aqi_forecasts"), "aqi_forecasts", ("area_code", "day"), (
        Field("area_code", ("areacode", "area", "城市代码", "区域代码", "行政区划代码", "乡镇代码"), required=True,
              header="区域代码", example="419001"),
        Field("day", ("day", "date", "预报日期", "日期"), "date", required=True, header="预报日期", example="2025-01-14"),
        Field("aqi_max", ("aqimax", "aqi", "aqi上限", "预报aqi", "aqi最大值"), "integer", required=True, bounds=(0, 500),
              header="AQI上限", example="230"),
        Field("aqi_min", ("aqimin", "aqi下限", "aqi最小值"), "integer", bounds=(0, 500), header="AQI下限", example="180"),
        Field("primary_pollutant", ("primarypollutant", "首要污染物"), header="首要污染物", example="PM2.5"),
        Field("issued_on", ("issuedon", "发布日期", "预报发布日期"), "date", header="发布日期", example="2025-01-12"),
        Field("source", ("source", "来源", "预报单位"), header="预报单位", example="济源市环境监测站"),
    )),
}


def parse_emergency_file(path: Path | str, what: str, *, townships: dict[str, str], places: pd.DataFrame,
                         crs: str | None = None, sheet: str | None = None) -> tuple[pd.DataFrame, ProblemLog]:
    """One file of register ``what`` (a LAYOUTS key) without its problem rows, and the log. The
    reduction list's share is stored as a fraction (30 % → 0.3), its township as a code (name or
    code via ``townships``); positions (optional) in WGS84 from ``crs``; a row without township or
    position takes those of its source in ``places`` (data.reductions.read_source_places)."""
    layout = LAYOUTS[what]
    source = read_text_table(path, sheet=sheet)
    frame, _ = parse_layout(source, layout, crs=crs)
    if what == "reduction-list":
        frame["output_cut_share"] = frame["output_cut_share"] / 100.0
        for flag in ("stop_earthwork", "off_peak_transport"):
            frame[flag] = frame[flag].fillna(False).astype(bool)
        named = frame.pop("township")
        frame["township_code"] = named.map(lambda value: None if pd.isna(value) else townships.get(township_key(value)))
        known = places.set_index("source_id").reindex(frame["source_id"])
        for column in ("township_code", "lon", "lat"):
            frame[column] = frame[column].where(frame[column].notna(), known[column].to_numpy())
    else:
        for column in ("day", "issued_on"):
            frame[column] = pd.to_datetime(frame[column]).dt.date
    return without_problems(frame, source.log), source.log


def import_emergency(store: Store, what: str, paths: Sequence[Path | str], *, crs: str | None = None,
                     skip_bad_rows: bool = False, sheet: str | None = None) -> ImportReport:
    """Import reduction lists or AQI forecasts (CSV UTF-8/GBK, Excel, Parquet) in one transaction, upserting
    on (source, level) or (area, day): a re-import changes nothing. A list row without township or
    position takes them from the enterprise or dust-source register of the same id."""
    with store.read(spatial=True) as con:
        townships = township_lookup(con)
        places = read_source_places(con)
    parsed = [parse_emergency_file(path, what, townships=townships, places=places, crs=crs, sheet=sheet)
              for path in paths]
    layout = LAYOUTS[what]
    report = ImportReport(layout.what, files=[str(path) for path in paths])
    return store_rows(store, report, parsed, layout.table, layout.key, skip_bad_rows=skip_bad_rows)
