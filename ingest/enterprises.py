"""The enterprise register (涉气企业/重点排污单位清单): point sources with industry, pollutants, permit, stack,
performance grade (绩效分级) and who answers for them, from tables or GIS files, into the enterprises table."""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from core.vocabulary import term
from data.store import Store
from data.townships import township_lookup
from ingest.common import ImportReport, ProblemLog, header_key, is_table
from ingest.coordinates import LAT_ALIASES, LON_ALIASES, read_positions
from ingest.features import POLYGONAL, check_shapes, read_feature_table, wkb_values
from ingest.fields import Field, Reader, read_fields
from ingest.polygons import township_key
from ingest.tables import store_rows, without_problems

# Industry names → the codes the hotspot engine and the vocabulary know; any other industry is kept as written.
INDUSTRIES = {"steel": "steel", "钢铁": "steel", "钢铁冶炼": "steel", "炼钢": "steel", "黑色金属冶炼": "steel",
              "lead_zinc": "lead_zinc", "leadzinc": "lead_zinc", "铅锌冶炼": "lead_zinc", "铅冶炼": "lead_zinc",
              "锌冶炼": "lead_zinc", "有色金属冶炼": "lead_zinc", "power": "power", "火电": "power",
              "燃煤电厂": "power", "电力": "power", "热电": "power", "coking": "coking", "焦化": "coking",
              "cement": "cement", "水泥": "cement", "brick": "brick", "砖瓦": "brick", "砖厂": "brick",
              "carbon": "carbon", "炭素": "carbon", "碳素": "carbon"}
# Pollutant names → the codes hotspots name (NOx is watched as NO2, particulate matter as PM10 and PM2.5).
POLLUTANTS = {"so2": ("so2",), "二氧化硫": ("so2",), "nox": ("no2",), "no2": ("no2",), "氮氧化物": ("no2",),
              "二氧化氮": ("no2",), "pm10": ("pm10",), "可吸入颗粒物": ("pm10",), "pm25": ("pm25",),
              "细颗粒物": ("pm25",), "颗粒物": ("pm10", "pm25"), "烟尘": ("pm10", "pm25"), "粉尘": ("pm10", "pm25"),
              "co": ("co",), "一氧化碳": ("co",), "vocs": ("vocs",), "voc": ("vocs",), "挥发性有机物": ("vocs",),
              "pb": ("pb",), "铅": ("pb",), "zn": ("zn",), "锌": ("zn",)}
POLLUTANT_SEPARATORS = re.compile(r"[、,，;；/|\s]+")
# 绩效分级 (重污染天气重点行业应急减排措施制定技术指南, 2020): A, B, B-, C, D, and 引领性 for some industries.
PERFORMANCE_GRADES = {"a": "A", "b": "B", "b-": "B-", "c": "C", "d": "D", "引领性": "leading", "引领": "leading",
                      "leading": "leading"}
FOOTPRINT_ALIASES = ("footprint", "厂区范围", "厂区边界", "厂界", "厂区", "wkt", "geometry")
TOWNSHIP_ALIASES = ("townshipcode", "township", "乡镇", "所属乡镇", "乡镇街道", "乡镇代码")


def industry_code(text: str) -> str:
    """The industry's code (steel, lead_zinc, power, coking, cement, brick, carbon) or the text as written."""
    return INDUSTRIES.get(header_key(text), text.strip())


def pollutant_codes(text: str) -> str:
    """A list of pollutants as written ('SO2、NOx、颗粒物') as JSON text of codes in their order
    (["so2", "no2", "pm10", "pm25"]); names it does not know are kept in lower case."""
    codes: list[str] = []
    for item in POLLUTANT_SEPARATORS.split(text.strip()):
        if item:
            codes += POLLUTANTS.get(header_key(item), (item.lower(),))
    return json.dumps(list(dict.fromkeys(codes)))


def performance_grade(text: str) -> str | None:
    """'A', 'B', 'B-', 'C', 'D' or 'leading' for 绩效分级 as written (A级, Ｂ－, 引领性 ...), else None."""
    word = unicodedata.normalize("NFKC", text).strip().lower().replace("级", "").replace("－", "-")
    return PERFORMANCE_GRADES.get(word)


FIELDS = (
    Field("id", ("id", "enterpriseid", "code", "统一社会信用代码", "社会信用代码", "信用代码", "企业编号", "编号"),
          required=True, header="统一社会信用代码", example="91419001MA0000000X"),
    Field("name", ("name", "enterprisename", "企业名称", "单位名称", "名称"), required=True, header="企业名称",
          example="济源市示例钢铁有限公司"),
    Field("industry", ("industry", "行业", "行业类别", "所属行业"), Reader(industry_code, term("reason.expected_text")),
          required=True, header="行业", example="钢铁"),
    Field("emits", ("emits", "pollutants", "排放污染物", "主要污染物", "特征污染物", "污染物"),
          Reader(pollutant_codes, term("reason.expected_text")), header="排放污染物", example="SO2、NOx、颗粒物"),
    Field("permit_number", ("permitnumber", "permit", "排污许可证编号", "排污许可证号", "许可证编号"),
          header="排污许可证编号", example="91419001MA0000000X001P"),
    Field("stack_height_m", ("stackheightm", "stackheight", "排气筒高度", "烟囱高度", "最高排气筒高度"), "number",
          bounds=(0.0, 400.0), header="排气筒高度(m)", example="80"),
    Field("performance_grade", ("performancegrade", "绩效分级", "绩效等级", "环保绩效分级", "绩效"),
          Reader(performance_grade, term("reason.expected_performance_grade")), header="绩效分级", example="B"),
    Field("responsible_unit", ("responsibleunit", "责任单位", "监管单位", "属地责任单位"), header="责任单位",
          example="克井镇人民政府"),
    Field("responsible_person", ("responsibleperson", "责任人", "负责人", "联系人"), header="责任人", example="张三"),
    Field("responsible_phone", ("responsiblephone", "phone", "联系电话", "电话", "手机"), header="联系电话",
          example="13800000000"),
    Field("township", TOWNSHIP_ALIASES, header="乡镇", example="克井镇"),
)
# The template's position and footprint columns (read by read_positions and read_feature_table).
POSITION_FIELDS = (Field("lon", LON_ALIASES, header="经度", example="112.52"),
                   Field("lat", LAT_ALIASES, header="纬度", example="35.165"),
                   Field("footprint", FOOTPRINT_ALIASES, header="厂区范围(WKT)",
                         example="POLYGON ((112.518 35.164, 112.522 35.164, 112.522 35.166, 112.518 35.166, "
                                 "112.518 35.164))"))


def enterprise_id(name: str, lon: float, lat: float) -> str:
    """A stable id for a register row without one (name and position)."""
    return "ent-" + hashlib.sha1(f"{name}|{lon:.5f}|{lat:.5f}".encode()).hexdigest()[:12]


def parse_enterprises(path: Path | str, *, townships: dict[str, str], crs: str | None = None,
                      sheet: str | None = None) -> tuple[pd.DataFrame, ProblemLog]:
    """One register file as enterprises rows (without the rows with problems): position lon/lat in
    WGS84 from its longitude and latitude columns, else from a GIS file's points (a polygon is the
    footprint and its representative point the position); footprint as WKB from a polygon or a WKT
    column; township_code from the row's township (name or code, via ``townships``), else left for
    the store to place by position."""
    features = read_feature_table(path, crs=crs, sheet=sheet, wkt_aliases=FOOTPRINT_ALIASES)
    source = features.source
    frame, _ = read_fields(source, FIELDS, optional=("id",))
    check_shapes(features, POLYGONAL | {"Point"}, term("reason.expected_polygon_or_point"), required=False)
    geometry = features.geometry
    polygonal = np.array([geom is not None and geom.geom_type in POLYGONAL for geom in geometry], dtype=bool)
    # A table needs its lon/lat columns (each row a position) unless a WKT footprint column can stand in.
    required = is_table(source.path) and not features.shaped
    lon, lat = read_positions(source, crs, required=required)
    lon, lat = np.array(lon, dtype=float), np.array(lat, dtype=float)
    shaped = ~pd.isna(geometry) & np.isnan(lon)
    anchors = [geom if geom.geom_type == "Point" else geom.representative_point() for geom in geometry[shaped]]
    lon[shaped], lat[shaped] = shapely.get_x(anchors), shapely.get_y(anchors)
    absent = (np.isnan(lon) | np.isnan(lat)) & (not required)
    source.log.add(np.flatnonzero(absent), "lon/lat", [None] * int(absent.sum()), term("reason.expected_position"))
    frame["lon"], frame["lat"] = lon, lat
    frame["footprint"] = wkb_values(np.where(polygonal, geometry, None))
    named = frame.pop("township")
    frame["township_code"] = named.map(lambda value: None if pd.isna(value) else townships.get(township_key(value)))
    frame = without_problems(frame, source.log)
    missing = frame["id"].isna()
    frame.loc[missing, "id"] = [enterprise_id(*row) for row in frame.loc[missing, ["name", "lon", "lat"]].itertuples(
        index=False)]
    return frame, source.log


def import_enterprises(store: Store, paths: Sequence[Path | str], *, crs: str | None = None,
                       skip_bad_rows: bool = False, sheet: str | None = None) -> ImportReport:
    """Import enterprise registers (CSV, Excel, Parquet, or GIS files of footprints or points) into
    ``store`` in one transaction, upserting on the id (统一社会信用代码 or the register's number): a
    re-import changes nothing; an enterprise without a township gets the one containing it."""
    with store.read() as con:
        townships = township_lookup(con)
    parsed = [parse_enterprises(path, townships=townships, crs=crs, sheet=sheet) for path in paths]
    report = ImportReport(term("imported.enterprises"), files=[str(path) for path in paths])
    return store_rows(store, report, parsed, "enterprises", ("id",), skip_bad_rows=skip_bad_rows, geometry="point",
                      fill_township=True, wkb=("footprint",))
