"""Fire reports in their own shapes: official satellite fire lists (卫星遥感火点) and 蓝天卫士 video alarms, times
already Beijing time, beside NASA FIRMS detections (UTC) — all into fire_points, each keeping its own ids."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from core.vocabulary import term
from data.store import Store
from data.townships import township_lookup
from ingest.common import ImportReport, ProblemLog, TextTable, find_column, read_text_table
from ingest.coordinates import LAT_ALIASES, LON_ALIASES, read_positions
from ingest.fields import Field, read_fields
from ingest.firms import REQUIRED as FIRMS_COLUMNS
from ingest.firms import fire_point_id, parse_firms_table, store_fire_points
from ingest.polygons import township_key
from ingest.tables import without_problems

FIRE_KINDS = ("official", "video", "firms")
FIELDS = (
    Field("source_ref", ("id", "fireid", "alarmid", "火点编号", "编号", "报警编号", "告警编号", "事件编号", "报警id"),
          header="火点编号", example="HN20250601-0012"),
    Field("time", ("time", "datetime", "监测时间", "发现时间", "过境时间", "报警时间", "告警时间", "发生时间", "时间",
                   "日期时间"), "time", required=True, header="监测时间", example="2025-06-01 13:45"),
    Field("satellite", ("satellite", "卫星", "卫星名称", "卫星传感器", "传感器"), header="卫星", example="FY-3D"),
    Field("confidence", ("confidence", "可信度", "置信度"), header="可信度"),
    Field("place_name", ("placename", "所在地", "位置", "地址", "详细地址", "点位名称", "监控点", "设备名称",
                         "摄像头名称", "点位"), header="所在地", example="克井镇东许村"),
    Field("township", ("townshipcode", "township", "乡镇", "所属乡镇", "乡镇街道"), header="乡镇", example="克井镇"),
)
VIDEO_FIELDS = (
    Field("source_ref", FIELDS[0].aliases, header="报警编号", example="LTWS-20250601-0031"),
    Field("time", FIELDS[1].aliases, "time", required=True, header="报警时间", example="2025-06-01 14:02"),
    Field("device", ("device", "deviceid", "设备编号", "摄像头编号", "设备编码", "点位编号"), header="设备编号",
          example="JY-CAM-017"),
    Field("place_name", FIELDS[4].aliases, header="点位名称", example="克井镇枣庙村塔"),
    Field("alarm_type", ("alarmtype", "报警类型", "告警类型", "类型"), header="报警类型", example="烟火"),
    Field("township", FIELDS[5].aliases, header="乡镇", example="克井镇"),
)
POSITION_FIELDS = (Field("lon", LON_ALIASES, header="经度", example="112.548"),
                   Field("lat", LAT_ALIASES, header="纬度", example="35.181"))
# Columns that say a file is 蓝天卫士 video alarms rather than a satellite list.
VIDEO_MARKERS = ("device", "deviceid", "camera", "alarmtime", "alarmid", "设备编号", "设备编码", "设备名称", "摄像头",
                 "摄像头编号", "摄像头名称", "报警时间", "告警时间", "报警编号", "告警编号", "报警类型", "告警类型")


def fire_kind(columns: Sequence[str]) -> str:
    """'firms' for a FIRMS header (acq_date, acq_time), 'video' for a 蓝天卫士 alarm list, else 'official'."""
    if all(find_column(columns, (name.replace("_", ""),)) for name in FIRMS_COLUMNS):
        return "firms"
    return "video" if find_column(columns, VIDEO_MARKERS) else "official"


def report_fire_id(source: str, source_ref: str | None, satellite: str | None, time: pd.Timestamp, lat: float,
                   lon: float) -> str:
    """The fire point's id: from the report's own number when it has one (so a corrected position or
    time updates the same point), else from what the detection is (as FIRMS ids are made)."""
    if source_ref is not None:
        return hashlib.sha1(f"{source}|{source_ref}".encode()).hexdigest()[:20]
    return fire_point_id(source, satellite, time, lat, lon)


def _other_columns(source: TextTable, used: set[str]) -> list[str | None]:
    """Each row's columns that no field took, as JSON text keyed by their headers (None when none)."""
    others = [column for column in source.columns if column not in used]
    if not others:
        return [None] * len(source)
    table = source.table.select(others).to_pandas()
    return [json.dumps({key: value for key, value in row.items() if value is not None and value == value},
                       ensure_ascii=False, sort_keys=True) or None for row in table.to_dict("records")]


def parse_fire_report(source: TextTable, kind: str, *, townships: dict[str, str],
                      crs: str | None = None) -> pd.DataFrame:
    """An official or video fire report as fire_points rows (aligned with the source's log): time as
    written (Beijing), lon/lat WGS84, the report's number in source_ref, its place in place_name, every
    other column in attrs (JSON, original headers), township_code from its township column when the
    store knows it."""
    frame, found = read_fields(source, VIDEO_FIELDS if kind == "video" else FIELDS)
    lon, lat = read_positions(source, crs, required=True)
    used = set(found.values()) | {column for column in (find_column(source.columns, LON_ALIASES),
                                                        find_column(source.columns, LAT_ALIASES)) if column}
    rows = pd.DataFrame({"source": kind, "source_ref": frame["source_ref"], "time": frame["time"], "lon": lon,
                         "lat": lat, "satellite": frame["satellite"] if "satellite" in frame else None,
                         "confidence": frame["confidence"] if "confidence" in frame else None,
                         "place_name": frame["place_name"], "attrs": _other_columns(source, used)})
    rows["township_code"] = frame["township"].map(
        lambda value: None if pd.isna(value) else townships.get(township_key(value)))
    if kind == "video":
        # The camera and the alarm's type are what a video alarm is known by: kept with the other columns.
        extra = [{key: value for key, value in (("device", d), ("alarm_type", a)) if value is not None}
                 for d, a in zip(frame["device"], frame["alarm_type"])]
        rows["attrs"] = [json.dumps({**(json.loads(text) if text else {}), **more}, ensure_ascii=False, sort_keys=True)
                         if (text or more) else None for text, more in zip(rows["attrs"], extra)]
    return rows


def _fire_ids(frame: pd.DataFrame) -> pd.DataFrame:
    frame.insert(0, "id", [report_fire_id(*key) for key in zip(frame["source"], frame["source_ref"], frame["satellite"],
                                                             frame["time"], frame["lat"], frame["lon"])])
    return frame


def parse_fires(path: Path | str, *, townships: dict[str, str], kind: str | None = None, crs: str | None = None,
                progress: bool = False, sheet: str | None = None) -> tuple[pd.DataFrame, ProblemLog]:
    """One fire file as fire_points rows without its problem rows: ``kind`` ('official', 'video' or
    'firms'; default: told by the header, fire_kind) decides the shape."""
    source = read_text_table(path, progress=progress, sheet=sheet)
    chosen = kind or fire_kind(source.columns)
    if chosen == "firms":
        return parse_firms_table(source)
    rows = parse_fire_report(source, chosen, townships=townships, crs=crs)
    return _fire_ids(without_problems(rows, source.log)), source.log


def import_fires(store: Store, paths: Sequence[Path | str], *, kind: str | None = None, crs: str | None = None,
                 skip_bad_rows: bool = False, progress: bool = False, sheet: str | None = None) -> ImportReport:
    """Import fire files of any of the three shapes (official lists and video alarms in Beijing time,
    FIRMS in UTC) into ``store`` in one transaction. A point seen again (same report number, or same
    source, satellite, minute and position) is updated, never duplicated; each gets the township its
    report names or else the one containing it."""
    if kind is not None and kind not in FIRE_KINDS:
        raise ValueError(f"unknown fire kind {kind!r}: expected one of {', '.join(FIRE_KINDS)}")
    with store.read() as con:
        townships = township_lookup(con)
    parsed = [parse_fires(path, townships=townships, kind=kind, crs=crs, progress=progress, sheet=sheet)
              for path in paths]
    report = ImportReport(term("imported.fire_points"), files=[str(path) for path in paths])
    return store_fire_points(store, report, parsed, skip_bad_rows=skip_bad_rows)
