"""Mobile-source CSVs (machinery registry and GPS, truck registry and fence events, coal inspections) into
their tables, through the shared validation, rejected-row report and idempotent upsert."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.vocabulary import Term, term
from data.bulk import upsert
from data.store import Store
from ingest.common import (
    ImportReport,
    TextTable,
    find_column,
    keep_rows,
    missing_columns_error,
    parse_numbers,
    parse_times,
    read_text_table,
    settle_problems,
    write_rejected,
)
from ingest.coordinates import parse_positions
from ingest.stations import LAT_ALIASES, LON_ALIASES
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


def _vocabulary(mapping: dict[str, str], expected: Term) -> tuple[Callable[[str], object], Term]:
    return (lambda text: mapping.get(text.strip().lower())), expected


def _machine_stage(text: str) -> int | None:
    """Non-road machinery stages end at China IV; a 'China V' machine is a typo, not a stage."""
    stage = emission_stage(text)
    return stage if stage is not None and stage <= 4 else None


# Value readers: text → stored value (None when unreadable), and what a person should have written.
READERS: dict[str, tuple[Callable[[str], object], Term]] = {
    "machine_stage": (lambda text: _machine_stage(text), term("reason.expected_machine_stage")),
    "truck_standard": (emission_stage, term("reason.expected_truck_standard")),
    "fuel": _vocabulary(FUELS, term("reason.expected_fuel")),
    "colour": _vocabulary(COLOURS, term("reason.expected_colour")),
    "finding": _vocabulary(FINDINGS, term("reason.expected_finding")),
    "crossing": _vocabulary(CROSSINGS, term("reason.expected_crossing")),
}


@dataclass(frozen=True)
class Field:
    """One stored column: the headers that may hold it, how its text is read, whether a row needs it,
    and (numbers) the range a value must lie in."""

    name: str
    aliases: tuple[str, ...]
    reader: str = "text"          # text, number, integer, time, date, or a READERS key
    required: bool = False
    bounds: tuple[float, float] | None = None


@dataclass(frozen=True)
class Layout:
    """A mobile-source file kind: what it holds (``imported.*``), its table, natural key, fields and whether
    rows carry a position (lon/lat in WGS84 after conversion: 'required', 'optional' or 'none')."""

    what: Term
    table: str
    key: tuple[str, ...]
    fields: tuple[Field, ...]
    position: str = "none"


CODE = ("machinecode", "code", "机械编码", "环保编码", "登记编码", "环保登记编码", "编码", "id")
PLATE = ("plate", "platenumber", "licenseplate", "车牌", "车牌号", "车牌号码", "号牌", "号牌号码")
TIME = ("time", "datetime", "timestamp", "定位时间", "时间", "过车时间", "检查时间", "日期时间")

LAYOUTS: dict[str, Layout] = {
    "machinery": Layout(term("imported.machinery"), "machinery", ("code",), (
        Field("code", CODE, required=True),
        Field("type", ("type", "machinetype", "机械类型", "机械种类", "类型")),
        Field("emission_stage", ("emissionstage", "stage", "排放阶段", "排放标准", "阶段"), "machine_stage"),
        Field("smoke_class", ("smokeclass", "smoke", "ringelmann", "烟度", "烟度等级", "林格曼黑度", "林格曼"),
              "integer", bounds=(0, 5)),
        Field("owner", ("owner", "所有人", "所属单位", "使用单位", "单位")),
        Field("site", ("site", "worksite", "工地", "施工工地", "作业地点", "项目")),
        Field("colour_code", ("colourcode", "colorcode", "colour", "color", "标识颜色", "颜色", "码色"), "colour"),
    )),
    "machinery-gps": Layout(term("imported.machinery_positions"), "machinery_positions", ("machine_code", "time"), (
        Field("machine_code", CODE, required=True),
        Field("time", TIME, "time", required=True),
    ), position="required"),
    "trucks": Layout(term("imported.trucks"), "trucks", ("plate",), (
        Field("plate", PLATE, required=True),
        Field("fuel", ("fuel", "fueltype", "燃料", "燃料类型", "燃料种类"), "fuel"),
        Field("gross_weight_t", ("grossweightt", "grossweight", "weight", "总质量", "总质量t", "总重"), "number",
              bounds=(0.1, 100.0)),
        Field("emission_standard", ("emissionstandard", "standard", "排放标准", "排放阶段"), "truck_standard"),
        Field("permit_until", ("permituntil", "permit", "通行证有效期", "通行证到期", "许可到期"), "date"),
    )),
    "truck-events": Layout(term("imported.truck_events"), "truck_events", ("plate", "time"), (
        Field("plate", PLATE, required=True),
        Field("time", TIME, "time", required=True),
        Field("fence_id", ("fenceid", "fence", "围栏", "围栏编号", "卡口", "卡口编号")),
        Field("crossing", ("crossing", "direction", "方向", "进出", "进出方向"), "crossing"),
    ), position="optional"),
    "coal-inspections": Layout(term("imported.coal_inspections"), "coal_inspections", ("id",), (
        Field("id", ("id", "inspectionid", "编号", "记录编号", "检查编号")),
        Field("time", TIME, "time", required=True),
        Field("finding", ("finding", "result", "检查结果", "发现", "结果"), "finding", required=True),
        Field("note", ("note", "notes", "备注", "说明")),
        Field("inspector", ("inspector", "检查人", "巡查员", "检查人员")),
    ), position="required"),
}


def _text(source: TextTable, column: str) -> pd.Series:
    values = source.table[column].to_pandas().str.strip().astype(object)
    return values.where(values.notna() & (values != ""), None)


def _read_field(source: TextTable, column: str | None, item: Field, rows: int) -> tuple[pd.Series, pd.Series | None]:
    """The field's values (and, for stages, the text as written); problems go to the source's log."""
    log = source.log
    if column is None:
        return pd.Series([None] * rows, dtype=object), None
    text = _text(source, column)
    if item.required:
        blank = text.isna()
        log.add(np.flatnonzero(blank.to_numpy()), column, text[blank], term("reason.expected_field", field=item.name))
    if item.reader == "text":
        return text, None
    if item.reader == "time":
        return parse_times(source, column), None
    if item.reader == "date":
        days = pd.to_datetime(text, errors="coerce")
        bad = days.isna() & text.notna()
        log.add(np.flatnonzero(bad.to_numpy()), column, text[bad], term("reason.expected_date_example"))
        return days.dt.date.astype(object).where(days.notna(), None), None
    if item.reader in ("number", "integer"):
        values = parse_numbers(source, column)
        if item.reader == "integer":
            fractional = ~np.isnan(values) & (values != np.round(values))
            log.add(np.flatnonzero(fractional), column, values[fractional], term("reason.expected_whole_number"))
        if item.bounds:
            low, high = item.bounds
            outside = ~np.isnan(values) & ((values < low) | (values > high))
            log.add(np.flatnonzero(outside), column, values[outside], term("reason.expected_range", low=low, high=high))
        series = pd.Series(values)
        return (series.round().astype("Int64") if item.reader == "integer" else series), None
    read, expected = READERS[item.reader]
    values = text.map(lambda value: None if pd.isna(value) else read(value))
    bad = values.isna() & text.notna()
    log.add(np.flatnonzero(bad.to_numpy()), column, text[bad], expected)
    if item.reader in ("machine_stage", "truck_standard"):
        return values.astype("Int64"), text
    return values.astype(object), None


def coal_inspection_id(time: pd.Timestamp, lon: float, lat: float, inspector: str | None) -> str:
    """Deterministic id of an inspection without one, so a re-import updates, never duplicates."""
    key = f"{time:%Y-%m-%dT%H:%M}|{lon:.5f}|{lat:.5f}|{inspector or ''}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def parse_mobile_file(path: Path | str, what: str, *, crs: str | None = None, progress: bool = False):
    """Read and validate one file of kind ``what`` (a LAYOUTS key); positions converted from ``crs``
    (default WGS84; 'gcj02' for Gaode-picked positions) to EPSG:4326. Returns (frame, log)."""
    layout = LAYOUTS[what]
    source = read_text_table(path, progress=progress)
    columns = source.columns
    frame = pd.DataFrame(index=range(len(source)))
    for item in layout.fields:
        column = find_column(columns, item.aliases)
        if column is None and item.required and not (what == "coal-inspections" and item.name == "id"):
            raise missing_columns_error(source.path, item.name, item.aliases, columns)
        values, written = _read_field(source, column, item, len(source))
        frame[item.name] = values.set_axis(frame.index)
        if item.reader == "machine_stage":
            frame[f"{item.name}_label"] = written.set_axis(frame.index) if written is not None else None
    if layout.position != "none":
        lon_column, lat_column = find_column(columns, LON_ALIASES), find_column(columns, LAT_ALIASES)
        if lon_column is None or lat_column is None:
            if layout.position == "required" or (lon_column is None) != (lat_column is None):
                missing = term("column.longitude" if lon_column is None else "column.latitude")
                raise missing_columns_error(source.path, missing, LON_ALIASES if lon_column is None
                                            else LAT_ALIASES, columns)
            lon = lat = np.full(len(source), np.nan)
        else:
            lon, lat = parse_positions(source, lon_column, lat_column, crs)
            if layout.position == "required":
                absent = np.isnan(lon) & np.isnan(lat)
                source.log.add(np.flatnonzero(absent), f"{lon_column}/{lat_column}", [None] * int(absent.sum()),
                               term("reason.expected_position"))
        frame["lon"], frame["lat"] = lon, lat
    if what == "truck-events":
        unplaced = np.isnan(frame["lon"].to_numpy(dtype=float)) & frame["fence_id"].isna().to_numpy()
        source.log.add(np.flatnonzero(unplaced), "lon/lat/fence_id", [None] * int(unplaced.sum()),
                       term("reason.expected_position_or_fence"))
    frame = keep_rows(frame, source.log).reset_index(drop=True)
    if what == "coal-inspections":
        missing_id = frame["id"].isna()
        frame.loc[missing_id, "id"] = [coal_inspection_id(*row) for row in frame.loc[
            missing_id, ["time", "lon", "lat", "inspector"]].itertuples(index=False)]
    return frame, source.log


def import_mobile(store: Store, what: str, paths: Sequence[Path | str], *, crs: str | None = None,
                  skip_bad_rows: bool = False, progress: bool = False) -> ImportReport:
    """Import mobile-source files of kind ``what`` (machinery, machinery-gps, trucks, truck-events,
    coal-inspections; CSV UTF-8/GBK or Parquet) into ``store`` in one transaction, upserting on the
    natural key (a row seen again is updated or left unchanged, never duplicated)."""
    layout = LAYOUTS[what]
    parsed = [(Path(path), *parse_mobile_file(path, what, crs=crs, progress=progress)) for path in paths]
    logs = [log for _, _, log in parsed]
    report = ImportReport(layout.what, files=[str(path) for path, _, _ in parsed])
    report.rejected = settle_problems(logs, skip_bad_rows)
    frame = pd.concat([frame for _, frame, _ in parsed], ignore_index=True)
    before = len(frame)
    frame = frame.drop_duplicates(list(layout.key), keep="last")
    if len(frame) < before:
        report.notes.append(term("note.repeated_keys", count=before - len(frame), key=list(layout.key)))
    with store.write() as con:
        counts = upsert(con, layout.table, frame, layout.key)
    report.new, report.updated, report.unchanged = counts.new, counts.updated, counts.unchanged
    report.rejected_files = write_rejected(logs, store.files_dir)
    return report
