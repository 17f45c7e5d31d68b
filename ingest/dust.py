"""Dust registers: construction sites, roads and stockpiles (扬尘源清单) with who answers for them, and the
road dust load and dustfall readings (道路积尘负荷, 降尘量) taken on them, into dust_sources and dust_readings."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from core.errors import BadInputError
from core.vocabulary import term
from data.sources import read_dust_sources
from data.store import Store
from data.townships import township_codes_at, township_lookup
from ingest.common import ImportReport, ProblemLog, read_text_table
from ingest.coordinates import LAT_ALIASES, LON_ALIASES, read_positions
from ingest.features import POLYGONAL, check_shapes, read_feature_table, wkb_values
from ingest.fields import Field, Reader, read_fields, vocabulary_reader
from ingest.polygons import township_key
from ingest.tables import store_rows, without_problems

DUST_KINDS = {"site": "site", "工地": "site", "施工工地": "site", "建筑工地": "site", "在建工地": "site",
              "road": "road", "道路": "road", "stockpile": "stockpile", "堆场": "stockpile", "料场": "stockpile",
              "物料堆场": "stockpile", "堆料场": "stockpile"}
SITE_PHASES = {"demolition": "demolition", "拆除": "demolition", "拆迁": "demolition", "earthwork": "earthwork",
               "土方": "earthwork", "土石方": "earthwork", "foundation": "foundation", "基础": "foundation",
               "structure": "structure", "主体": "structure", "主体结构": "structure", "finishing": "finishing",
               "装饰装修": "finishing", "装修": "finishing", "landscaping": "landscaping", "绿化": "landscaping",
               "园林绿化": "landscaping", "stopped": "stopped", "停工": "stopped", "completed": "completed",
               "竣工": "completed", "完工": "completed"}
ROAD_GRADES = {"expressway": "expressway", "快速路": "expressway", "高速": "expressway", "arterial": "arterial",
               "主干路": "arterial", "主干道": "arterial", "secondary": "secondary", "次干路": "secondary",
               "次干道": "secondary", "branch": "branch", "支路": "branch", "national": "national", "国道": "national",
               "provincial": "provincial", "省道": "provincial", "county": "county", "县道": "county",
               "rural": "rural", "乡道": "rural", "村道": "rural"}
# The "six 100%" (六个百分百) of a construction site, in the order the rules list them.
SIX_100 = ("enclosure", "covering", "washing", "hardening", "wet_work", "sealed_transport")
GEOMETRY_KINDS = {"site": POLYGONAL | {"Point"}, "road": frozenset({"LineString", "MultiLineString"}),
                  "stockpile": POLYGONAL | {"Point"}}
TOWNSHIP_ALIASES = ("townshipcode", "township", "乡镇", "所属乡镇", "乡镇街道", "乡镇代码")

SOURCE_FIELDS = (
    Field("id", ("id", "sourceid", "code", "编号", "扬尘源编号", "项目编号", "工地编号", "道路编号", "堆场编号"),
          required=True, header="编号", example="JY-GD-001"),
    Field("kind", ("kind", "type", "类型", "扬尘源类型", "类别"), vocabulary_reader(DUST_KINDS, term("reason.expected_dust_kind")),
          required=True, header="类型", example="工地"),
    Field("name", ("name", "名称", "项目名称", "工地名称", "道路名称", "堆场名称"), required=True, header="名称",
          example="克井镇安置房项目"),
    Field("township", TOWNSHIP_ALIASES, header="乡镇", example="克井镇"),
    Field("responsible_unit", ("responsibleunit", "责任单位", "施工单位", "建设单位", "养护单位", "管理单位"),
          header="责任单位", example="济源建工集团"),
    Field("responsible_person", ("responsibleperson", "责任人", "项目负责人", "负责人", "联系人"), header="责任人",
          example="李四"),
    Field("responsible_phone", ("responsiblephone", "phone", "联系电话", "电话", "手机"), header="联系电话",
          example="13900000000"),
    Field("area_m2", ("aream2", "area", "面积", "占地面积", "施工面积", "堆场面积"), "number", bounds=(0.0, 1e8),
          header="面积(m²)", example="38000"),
    Field("phase", ("phase", "施工阶段", "阶段", "施工进度"), vocabulary_reader(SITE_PHASES, term("reason.expected_site_phase")),
          header="施工阶段", example="土方"),
    Field("enclosure", ("enclosure", "周边围挡", "围挡", "工地周边围挡"), "boolean", header="周边围挡(100%)", example="是"),
    Field("covering", ("covering", "物料堆放覆盖", "物料覆盖", "裸土覆盖", "覆盖"), "boolean", header="物料堆放覆盖(100%)",
          example="否"),
    Field("washing", ("washing", "出入车辆冲洗", "车辆冲洗", "冲洗"), "boolean", header="出入车辆冲洗(100%)", example="是"),
    Field("hardening", ("hardening", "施工现场路面硬化", "路面硬化", "地面硬化", "硬化"), "boolean",
          header="施工现场路面硬化(100%)", example="是"),
    Field("wet_work", ("wetwork", "拆迁工地湿法作业", "湿法作业", "湿法"), "boolean", header="拆迁工地湿法作业(100%)",
          example="是"),
    Field("sealed_transport", ("sealedtransport", "渣土车辆密闭运输", "密闭运输", "渣土密闭"), "boolean",
          header="渣土车辆密闭运输(100%)", example="是"),
    Field("six_100_compliant", ("six100compliant", "六个百分百", "六个百分之百", "六个百分百落实情况"), "boolean",
          header="六个百分百落实"),
    Field("grade", ("roadgrade", "grade", "道路等级", "等级"), vocabulary_reader(ROAD_GRADES, term("reason.expected_road_grade")),
          header="道路等级"),
    Field("lanes", ("lanes", "车道数"), "integer", bounds=(1.0, 20.0), header="车道数"),
    Field("material", ("material", "物料", "物料种类", "堆放物料"), header="堆放物料"),
    Field("covered", ("covered", "是否覆盖", "是否苫盖", "苫盖情况", "覆盖情况"), "boolean", header="是否苫盖"),
)
POSITION_FIELDS = (Field("lon", LON_ALIASES, header="经度", example="112.552"),
                   Field("lat", LAT_ALIASES, header="纬度", example="35.172"),
                   Field("geometry", ("wkt", "geometry", "几何", "位置wkt", "范围", "线路", "范围wkt"), header="范围(WKT)"))
ATTRIBUTES = {"site": ("area_m2", "phase", "six_100", "six_100_compliant"), "road": ("grade", "lanes"),
              "stockpile": ("material", "area_m2", "covered")}


def _plain(value):
    """A value as JSON keeps it: whole numbers as integers, NaN/NA as absent (None)."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    if isinstance(value, np.integer):
        return int(value)
    return value.item() if isinstance(value, np.generic) else value


def source_attrs(kind: str, values: dict) -> str:
    """A dust source's kind details as the JSON text stored in attrs: a site's area_m2, phase, six_100
    (the checks given, each true or false) and six_100_compliant (as given, else whether all six hold,
    false as soon as one fails), a road's grade and lanes, a stockpile's material, area_m2 and covered;
    absent values are left out."""
    checks = {item: bool(values[item]) for item in SIX_100 if _plain(values.get(item)) is not None}
    compliant = _plain(values.get("six_100_compliant"))
    if compliant is None and checks:
        compliant = False if not all(checks.values()) else (True if len(checks) == len(SIX_100) else None)
    detail = {**values, "six_100": checks or None, "six_100_compliant": compliant}
    attrs = {name: _plain(detail.get(name)) for name in ATTRIBUTES[kind]}
    return json.dumps({name: value for name, value in attrs.items() if value is not None}, ensure_ascii=False,
                      sort_keys=True)


def source_anchor(geometry) -> tuple[float, float]:
    """A dust source's representative point (lon, lat, 6 decimals): a point itself, a road's midpoint
    along its length, a polygon's representative point. Its township, and where a reading of it is
    placed when the report gives no position."""
    if geometry.geom_type in ("LineString", "MultiLineString"):
        point = shapely.line_interpolate_point(geometry, 0.5, normalized=True)
    elif geometry.geom_type == "Point":
        point = geometry
    else:
        point = geometry.representative_point()
    return round(point.x, 6), round(point.y, 6)


def dust_source_id(kind: str, name: str) -> str:
    return f"{kind}-" + hashlib.sha1(f"{kind}|{name}".encode()).hexdigest()[:12]


def parse_dust_sources(path: Path | str, *, townships: dict[str, str], kind: str | None = None, crs: str | None = None,
                       sheet: str | None = None) -> tuple[pd.DataFrame, ProblemLog, np.ndarray]:
    """One dust-source register as dust_sources rows (without the rows with problems) and each row's
    anchor (lon, lat). The shape is a GIS file's geometry or a table's WKT, else the point at lon/lat:
    roads need lines, sites and stockpiles points or polygons. ``kind`` applies to rows without one."""
    features = read_feature_table(path, crs=crs, sheet=sheet, points=True)
    source = features.source
    optional = ("id",) + (("kind",) if kind is not None else ())
    frame, found = read_fields(source, SOURCE_FIELDS, optional=optional)
    if kind is not None:
        frame["kind"] = frame["kind"].fillna(DUST_KINDS.get(kind, kind))
    check_shapes(features, POLYGONAL | {"Point", "LineString", "MultiLineString"}, term("reason.expected_dust_shape"),
                 name_column=found.get("name"))
    geometry = features.geometry
    wrong = [position for position, (shape, sort) in enumerate(zip(geometry, frame["kind"]))
             if shape is not None and sort in GEOMETRY_KINDS and shape.geom_type not in GEOMETRY_KINDS[sort]]
    source.log.add(wrong, "geometry", [geometry[position].geom_type for position in wrong],
                   term("reason.expected_dust_shape"))
    frame["geom"] = wkb_values(geometry)
    anchors = np.array([source_anchor(shape) if shape is not None else (np.nan, np.nan) for shape in geometry],
                       dtype=float).reshape(-1, 2)
    frame["anchor_lon"], frame["anchor_lat"] = anchors[:, 0], anchors[:, 1]
    named = frame.pop("township")
    frame["township_code"] = named.map(lambda value: None if pd.isna(value) else townships.get(township_key(value)))
    frame = without_problems(frame, source.log)
    missing = frame["id"].isna()
    frame.loc[missing, "id"] = [dust_source_id(k, n) for k, n in zip(frame.loc[missing, "kind"],
                                                                     frame.loc[missing, "name"])]
    frame["attrs"] = [source_attrs(sort, row) for sort, row in zip(frame["kind"], frame.to_dict("records"))]
    anchors = frame[["anchor_lon", "anchor_lat"]].to_numpy()
    columns = ["id", "kind", "name", "township_code", "attrs", "responsible_unit", "responsible_person",
               "responsible_phone", "geom"]
    return frame[columns], source.log, anchors


def import_dust_sources(store: Store, paths: Sequence[Path | str], *, kind: str | None = None,
                        crs: str | None = None, skip_bad_rows: bool = False, sheet: str | None = None) -> ImportReport:
    """Import dust-source registers (construction sites, roads, stockpiles; tables or GIS files) into
    ``store`` in one transaction, upserting on the id; a source without a township gets the one
    containing its anchor (source_anchor)."""
    with store.read(spatial=True) as con:
        townships = township_lookup(con)
        parsed = []
        for path in paths:
            frame, log, anchors = parse_dust_sources(path, townships=townships, kind=kind, crs=crs, sheet=sheet)
            unplaced = frame["township_code"].isna().to_numpy()
            frame.loc[unplaced, "township_code"] = township_codes_at(con, anchors[unplaced, 0], anchors[unplaced, 1])
            parsed.append((frame, log))
    report = ImportReport(term("imported.dust_sources"), files=[str(path) for path in paths])
    return store_rows(store, report, parsed, "dust_sources", ("id",), skip_bad_rows=skip_bad_rows, geometry="wkb")


# --- readings -------------------------------------------------------------------------------------------

MONTH = re.compile(r"^\s*(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*月?\s*$")


def reading_date(text: str) -> dt.date | None:
    """A reading's date: a date as written (2025-03-15), or a month (2025-03, 2025年3月), which names its
    first day; None when it is neither."""
    month = MONTH.match(text) or re.match(r"^\s*(\d{4})(\d{2})\s*$", text)
    if month:
        year, number = int(month.group(1)), int(month.group(2))
        return dt.date(year, number, 1) if 1 <= number <= 12 else None
    day = pd.to_datetime(text, errors="coerce")
    return None if pd.isna(day) else day.date()


METRICS = ("road_dust_load", "dustfall")
READING_FIELDS = (
    Field("id", ("id", "readingid", "编号", "监测编号", "记录编号"), header="编号"),
    Field("source", ("sourceid", "source", "扬尘源编号", "道路", "道路名称", "道路编号", "工地", "工地名称", "工地编号",
                     "扬尘源"), header="道路或扬尘源", example="焦克路"),
    Field("place_name", ("placename", "点位名称", "点位", "监测点位", "监测点", "位置"), header="点位名称",
          example="焦克路"),
    Field("date", ("date", "日期", "监测日期", "采样日期", "月份", "监测月份"), Reader(reading_date,
          term("reason.expected_date_or_month")), required=True, header="日期", example="2025-03-15"),
    Field("road_dust_load", ("roaddustload", "积尘负荷", "道路积尘负荷", "积尘负荷值"), "number", bounds=(0.0, 100.0),
          header="积尘负荷(g/m²)", example="0.62"),
    Field("dustfall", ("dustfall", "降尘量", "降尘", "月降尘量"), "number", bounds=(0.0, 1000.0),
          header="降尘量(t/(km²·30d))"),
)


def reading_id(metric: str, place: str, day: dt.date) -> str:
    return "dust-" + hashlib.sha1(f"{metric}|{place}|{day:%Y-%m-%d}".encode()).hexdigest()[:16]


def parse_dust_readings(path: Path | str, *, sources: pd.DataFrame, crs: str | None = None,
                        sheet: str | None = None) -> tuple[pd.DataFrame, ProblemLog]:
    """One report of road dust load (g/m²) and/or dustfall (t/(km²·30 d)) as dust_readings rows (one per
    value; without the rows with problems). A row names the dust source by id or name (``sources``:
    id, name, anchor_lon, anchor_lat of the stored ones) and/or a place; its position is its lon/lat,
    else the source's anchor."""
    source = read_text_table(path, sheet=sheet)
    frame, found = read_fields(source, READING_FIELDS)
    if not any(metric in found for metric in METRICS):
        raise BadInputError("error.missing_column", file=str(source.path), row=1, what=term("column.dust_value"),
                            expected=[field.template_header for field in READING_FIELDS if field.name in METRICS],
                            found=source.columns)
    lon, lat = read_positions(source, crs, required=False)
    by_name = {**dict(zip(sources["name"], sources["id"])), **dict(zip(sources["id"], sources["id"]))}
    frame["source_id"] = frame["source"].map(lambda value: None if value is None else by_name.get(value))
    unknown = frame["source"].notna() & frame["source_id"].isna()
    source.log.add(np.flatnonzero(unknown.to_numpy()), found.get("source", "source"), frame.loc[unknown, "source"],
                   term("reason.unknown_dust_source"))
    anchors = sources.set_index("id")[["anchor_lon", "anchor_lat", "name"]]
    known = frame["source_id"].map(lambda value: value is not None and value in anchors.index).to_numpy(dtype=bool)
    lon, lat = np.array(lon, dtype=float), np.array(lat, dtype=float)
    fill = np.isnan(lon) & known
    lon[fill] = anchors.loc[frame.loc[fill, "source_id"], "anchor_lon"].to_numpy()
    lat[fill] = anchors.loc[frame.loc[fill, "source_id"], "anchor_lat"].to_numpy()
    frame["lon"], frame["lat"] = lon, lat
    unplaced = np.isnan(lon) | np.isnan(lat)
    source.log.add(np.flatnonzero(unplaced), "lon/lat", [None] * int(unplaced.sum()),
                   term("reason.expected_position_or_dust_source"))
    values = frame.reindex(columns=list(METRICS))
    empty = values.isna().all(axis=1).to_numpy()
    source.log.add(np.flatnonzero(empty), "/".join(found.get(metric, metric) for metric in METRICS),
                   [None] * int(empty.sum()), term("reason.expected_dust_value"))
    named = frame["source_id"].map(lambda value: anchors["name"].get(value) if value is not None else None)
    frame["place_name"] = frame["place_name"].fillna(named)
    frame = without_problems(frame, source.log)
    rows = []
    for metric in METRICS:
        if metric not in frame:
            continue
        part = frame[frame[metric].notna()]
        both = part[[other for other in METRICS if other in part]].notna().sum(axis=1) > 1
        place = part["source_id"].fillna(part["place_name"]).fillna(
            part["lon"].round(5).astype(str) + "," + part["lat"].round(5).astype(str))
        given = pd.Series([None if pd.isna(item) else f"{item}-{metric}" if two else item
                           for item, two in zip(part["id"], both)], index=part.index, dtype=object)
        derived = pd.Series([reading_id(metric, p, d) for p, d in zip(place, part["date"])], index=part.index,
                            dtype=object)
        rows.append(pd.DataFrame({"id": given.fillna(derived), "metric": metric, "date": part["date"],
                                  "value": part[metric].astype(float), "source_id": part["source_id"],
                                  "place_name": part["place_name"], "township_code": None, "lon": part["lon"],
                                  "lat": part["lat"]}))
    return pd.concat(rows, ignore_index=True), source.log


def stored_sources(store: Store) -> pd.DataFrame:
    """The stored dust sources' id, name and anchor, for readings that name them."""
    with store.read() as con:
        sources = read_dust_sources(con)
    anchors = [source_anchor(shape) for shape in sources.geometry]
    return pd.DataFrame({"id": sources["id"], "name": sources["name"],
                         "anchor_lon": [a[0] for a in anchors], "anchor_lat": [a[1] for a in anchors]})


def import_dust_readings(store: Store, paths: Sequence[Path | str], *, crs: str | None = None,
                         skip_bad_rows: bool = False, sheet: str | None = None) -> ImportReport:
    """Import road dust load and dustfall reports (CSV, Excel, Parquet) into ``store`` in one transaction,
    upserting on the reading's id (given, else derived from metric, place and date); each reading gets
    the township containing its position. Import the dust sources the readings name first."""
    sources = stored_sources(store)
    parsed = [parse_dust_readings(path, sources=sources, crs=crs, sheet=sheet) for path in paths]
    report = ImportReport(term("imported.dust_readings"), files=[str(path) for path in paths])
    return store_rows(store, report, parsed, "dust_readings", ("id",), skip_bad_rows=skip_bad_rows,
                      fill_township=True)

