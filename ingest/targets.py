"""The targets register (考核目标): a unit's (township, county, city) air-quality target per year and metric,
with the standard edition it is judged by, from CSV, Excel or Parquet into the targets table."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from core.vocabulary import term
from data.store import Store
from data.townships import read_admin_units, township_lookup
from ingest.common import ImportReport, ProblemLog, header_key, read_text_table
from ingest.fields import Field, Reader, read_fields
from ingest.tables import store_rows, without_problems
from stations.standards import version_in_force
from stations.targets import TARGET_METRICS

# How officials name the metrics (header_key form) → the metric codes.
METRIC_NAMES = {header_key(name): code for names, code in (
    (("pm25", "PM2.5", "PM2.5年均浓度", "细颗粒物", "细颗粒物年均浓度"), "pm25"),
    (("pm10", "PM10", "PM10年均浓度", "可吸入颗粒物", "可吸入颗粒物年均浓度"), "pm10"),
    (("good_day_ratio", "优良天数比例", "优良天数比率", "优良率", "空气质量优良天数比例"), "good_day_ratio"),
    (("heavy_day_ratio", "重污染天数比例", "重度及以上污染天数比例", "重污染天数比率"), "heavy_day_ratio"),
    (("composite_index", "综合指数", "环境空气质量综合指数"), "composite_index")) for name in names}
EDITIONS = {"2012": "2012", "gb30952012": "2012", "2026": "2026", "gb30952026": "2026"}

FIELDS = (
    Field("unit", ("unit", "unitcode", "单位", "单位代码", "单位名称", "考核单位", "乡镇", "区县", "代码"), required=True,
          header="考核单位", example="克井镇"),
    Field("year", ("year", "年度", "年份", "考核年度"), "integer", required=True, bounds=(2000.0, 2100.0), header="年度",
          example="2025"),
    Field("metric", ("metric", "指标", "考核指标", "目标指标"),
          Reader(lambda text: METRIC_NAMES.get(header_key(text)), term("reason.expected_target_metric")),
          required=True, header="考核指标", example="PM2.5年均浓度"),
    Field("target_value", ("targetvalue", "value", "目标值", "目标", "考核目标"), "number", required=True,
          bounds=(0.0, 1000.0), header="目标值", example="46"),
    Field("standard_version", ("standardversion", "standard", "评价标准", "标准", "标准版本"),
          Reader(lambda text: EDITIONS.get(header_key(text)), term("reason.expected_standard_version")),
          header="评价标准", example="2012"),
)


def parse_targets(path: Path | str, *, units: dict[str, str], sheet: str | None = None) -> tuple[pd.DataFrame,
                                                                                             ProblemLog]:
    """One targets file as targets rows (without the rows with problems). ``units``: a unit's name or code →
    its code. Ratios may be written as percentages (85 → 0.85); the edition defaults to the one in force
    at the year's end."""
    source = read_text_table(path, sheet=sheet)
    frame, found = read_fields(source, FIELDS)
    frame["unit_code"] = frame["unit"].map(lambda value: None if value is None else units.get(value))
    unknown = frame["unit"].notna() & frame["unit_code"].isna()
    source.log.add(np.flatnonzero(unknown.to_numpy()), found.get("unit", "unit"), frame.loc[unknown, "unit"],
                   term("reason.unknown_unit"))
    ratio = frame["metric"].isin([code for code in TARGET_METRICS if code.endswith("_ratio")])
    value = frame["target_value"].astype(float)
    frame["target_value"] = np.where(ratio & (value > 1), value / 100, value)
    beyond = ratio & (frame["target_value"] > 1)
    source.log.add(np.flatnonzero(beyond.to_numpy()), found.get("target_value", "target_value"),
                   frame.loc[beyond, "target_value"], term("reason.expected_ratio"))
    frame = without_problems(frame, source.log)
    defaults = frame["year"].map(lambda year: version_in_force(f"{int(year)}-12-31"))
    rows = pd.DataFrame({"unit_code": frame["unit_code"], "year": frame["year"].astype("int64"),
                         "metric": frame["metric"], "target_value": frame["target_value"].astype(float),
                         "standard_version": frame["standard_version"].fillna(defaults),
                         "set_by": Path(path).name})
    return rows, source.log


def import_targets(store: Store, paths: Sequence[Path | str], *, skip_bad_rows: bool = False,
                   sheet: str | None = None) -> ImportReport:
    """Import targets files into ``store`` in one transaction, upserting on unit, year and metric: a
    re-import changes nothing (set_by names the file; set_at stays empty: the file's own date is not
    known). Units are named by a township's or an
    admin unit's name or code; import the townships first."""
    with store.read() as con:
        units = {**township_lookup(con), **{code: code for code in read_admin_units(con)["code"]},
                 **dict(zip(read_admin_units(con)["name"], read_admin_units(con)["code"]))}
    parsed = [parse_targets(path, units=units, sheet=sheet) for path in paths]
    report = ImportReport(term("imported.targets"), files=[str(path) for path in paths])
    return store_rows(store, report, parsed, "targets", ("unit_code", "year", "metric"), skip_bad_rows=skip_bad_rows)
