"""Every register the engine reads imports from the files officials keep: enterprises, dust sources and readings,
official and video fire reports, the township register — each with a real-shaped file, a broken one (file,
row and field named, store unchanged) and a re-import (nothing added); Excel as CSV, with Excel's rows."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import shapely

from core.errors import BadInputError
from data.store import Store
from ingest.dust import import_dust_readings, import_dust_sources
from ingest.enterprises import import_enterprises
from ingest.fires import import_fires
from ingest.polygons import import_townships
from ingest.stations import import_stations

TOWNSHIP_REGISTER = ("乡镇代码,乡镇名称,区县代码,区县,地市\n"
                     "410882100000,柏香镇,,沁阳市,焦作市\n"
                     "410882101000,西向镇,,沁阳市,焦作市\n"
                     "419001100,克井镇,,,\n")
ENTERPRISES = ("序号,企业名称,统一社会信用代码,行业类别,所属乡镇,经度,纬度,主要污染物,排污许可证编号,最高排气筒高度(m),"
               "绩效分级,属地责任单位,责任人,联系电话,厂区范围(WKT)\n"
               "1,济源市玉川钢铁有限公司,91419001MA44STEEL1,钢铁冶炼,克井镇,112.676,35.110,\"SO2、NOx、颗粒物\","
               "91419001MA44STEEL1001P,80,B级,克井镇人民政府,张三,13800000001,"
               "\"POLYGON ((112.672 35.108, 112.680 35.108, 112.680 35.112, 112.672 35.112, 112.672 35.108))\"\n"
               "2,沁阳市示例水泥有限公司,91410882MA45CEMNT2,水泥,柏香镇,112.95,35.10,\"颗粒物,SO2\",,45,C,,李四,,\n"
               "3,某新材料公司,91410882MA45OTHER3,化工,,112.96,35.11,VOCs,,,引领性,,,,\n")
DUST_SOURCES = ("编号,类型,名称,乡镇,施工单位,项目负责人,经度,纬度,范围(WKT),占地面积(m²),施工阶段,周边围挡,物料覆盖,"
                "车辆冲洗,路面硬化,湿法作业,密闭运输,道路等级,车道数,堆放物料,是否苫盖\n"
                "GD-001,工地,克井镇安置房项目,克井镇,济源建工集团,王五,112.552,35.172,,38000,土方,是,否,√,×,是,是,,,,\n"
                "DL-001,道路,焦克路,,市政养护中心,,,,\"LINESTRING (112.545 35.175, 112.575 35.140, 112.610 35.118)\","
                ",,,,,,,,主干路,6,,\n"
                "DC-001,堆场,克井镇煤场,克井镇,,,112.512,35.176,,16000,,,,,,,,,,煤炭,否\n")


@pytest.fixture
def registered(store: Store, tmp_path: Path) -> Store:
    """A store holding the township register (no boundaries) the registers below name."""
    path = tmp_path / "乡镇名录.csv"
    path.write_text(TOWNSHIP_REGISTER, encoding="utf-8")
    import_townships(store, [path])
    return store


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def _rows(store: Store, table: str) -> pd.DataFrame:
    """A table's rows without its geometry columns (test-only SQL on a fixed table name)."""
    with store.read() as con:
        return con.execute(f"SELECT COLUMNS(c -> c NOT IN ('geom', 'footprint')) FROM {table} ORDER BY 1").df()


def test_township_register_keeps_the_hierarchy_and_normalises_12_digit_codes(registered: Store):
    with registered.read() as con:
        townships = con.execute("SELECT code, name, county_code, city_code, geom IS NULL AS bare FROM townships "
                                "ORDER BY code").fetchall()
        units = con.execute("SELECT code, name, level, parent_code FROM admin_units ORDER BY code").fetchall()
    assert townships == [("410882100", "柏香镇", "410882", "410800", True), ("410882101", "西向镇", "410882", "410800", True),
                         ("419001100", "克井镇", None, None, True)]
    assert units == [("410800", "焦作市", "city", "410000"), ("410882", "沁阳市", "county", "410800")]


def test_a_county_code_that_is_not_the_township_codes_prefix_is_refused(store: Store, tmp_path: Path):
    path = _write(tmp_path, "townships.csv", "乡镇代码,乡镇名称,区县代码\n410882100,柏香镇,410882\n410882101,西向镇,410883\n")
    with pytest.raises(BadInputError) as caught:
        import_townships(store, [path])
    assert (caught.value.row, caught.value.field) == (3, "区县代码")
    assert "first 6 digits" in str(caught.value)
    assert store.row_counts()["townships"] == 0


def test_enterprise_register_imports_its_words_and_reimports_unchanged(registered: Store, tmp_path: Path):
    path = _write(tmp_path, "企业清单.csv", ENTERPRISES, encoding="gbk")
    report = import_enterprises(registered, [path])
    assert (report.new, report.rejected) == (3, 0)
    rows = _rows(registered, "enterprises").set_index("id")
    steel = rows.loc["91419001MA44STEEL1"]
    assert (steel["industry"], json.loads(steel["emits"]), steel["performance_grade"]) == \
        ("steel", ["so2", "no2", "pm10", "pm25"], "B")
    assert (steel["stack_height_m"], steel["township_code"], steel["responsible_person"]) == (80.0, "419001100", "张三")
    assert rows.loc["91410882MA45CEMNT2", "performance_grade"] == "C"
    assert rows.loc["91410882MA45CEMNT2", "township_code"] == "410882100"  # by name through the register
    other = rows.loc["91410882MA45OTHER3"]
    assert (other["industry"], json.loads(other["emits"]), other["performance_grade"]) == ("化工", ["vocs"], "leading")
    with registered.read(spatial=True) as con:
        footprint = con.execute("SELECT ST_AsText(footprint), ST_AsText(geom) FROM enterprises "
                                "WHERE id = '91419001MA44STEEL1'").fetchone()
    assert footprint[0].startswith("POLYGON") and footprint[1] == "POINT (112.676 35.11)"
    again = import_enterprises(registered, [path])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)


def test_a_bad_performance_grade_names_its_row_and_field_and_nothing_is_stored(registered: Store, tmp_path: Path):
    path = _write(tmp_path, "enterprises.csv", ENTERPRISES.replace(",B级,", ",E级,"))
    with pytest.raises(BadInputError) as caught:
        import_enterprises(registered, [path])
    assert (caught.value.row, caught.value.field) == (2, "绩效分级")
    assert "enterprises.csv" in str(caught.value) and "A, B, B-, C, D" in str(caught.value)
    assert registered.row_counts()["enterprises"] == 0


def test_dust_sources_keep_shapes_six_100_checks_and_who_answers(registered: Store, tmp_path: Path):
    path = _write(tmp_path, "扬尘源清单.csv", DUST_SOURCES)
    report = import_dust_sources(registered, [path])
    assert (report.new, report.rejected) == (3, 0)
    with registered.read(spatial=True) as con:
        rows = con.execute("SELECT id, kind, township_code, attrs, responsible_unit, responsible_person, "
                           "ST_GeometryType(geom) FROM dust_sources ORDER BY id").fetchall()
    by_id = {row[0]: row for row in rows}
    site = by_id["GD-001"]
    assert site[1:3] == ("site", "419001100") and site[4:] == ("济源建工集团", "王五", "POINT")
    assert json.loads(site[3]) == {"area_m2": 38000, "phase": "earthwork", "six_100_compliant": False, "six_100": {
        "enclosure": True, "covering": False, "washing": True, "hardening": False, "wet_work": True,
        "sealed_transport": True}}
    assert by_id["DL-001"][1] == "road" and by_id["DL-001"][6] == "LINESTRING"
    assert json.loads(by_id["DL-001"][3]) == {"grade": "arterial", "lanes": 6}
    assert json.loads(by_id["DC-001"][3]) == {"area_m2": 16000, "material": "煤炭", "covered": False}
    again = import_dust_sources(registered, [path])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)


def test_a_road_given_as_a_point_is_refused_with_its_row(registered: Store, tmp_path: Path):
    broken = DUST_SOURCES.replace('"LINESTRING (112.545 35.175, 112.575 35.140, 112.610 35.118)"', '"POINT (112.5 35.1)"')
    with pytest.raises(BadInputError) as caught:
        import_dust_sources(registered, [_write(tmp_path, "dust.csv", broken)])
    assert (caught.value.row, caught.value.field) == (3, "geometry")
    assert "a road is a line" in str(caught.value)
    assert registered.row_counts()["dust_sources"] == 0


def test_dust_readings_take_their_sources_position_and_a_month_names_its_first_day(registered: Store, tmp_path: Path):
    import_dust_sources(registered, [_write(tmp_path, "dust_sources.csv", DUST_SOURCES)])
    readings = _write(tmp_path, "积尘负荷.csv", "道路名称,监测日期,积尘负荷(g/m²)\n焦克路,2025-03-12,1.35\nDL-001,2025-04-10,0.5\n")
    dustfall = _write(tmp_path, "降尘.csv", "点位名称,月份,降尘量(t/(km²·30d)),经度,纬度\n济源市监测站,2025年3月,9.6,112.592,35.092\n")
    report = import_dust_readings(registered, [readings, dustfall])
    assert (report.new, report.rejected) == (3, 0)
    rows = _rows(registered, "dust_readings").sort_values(["metric", "date"]).reset_index(drop=True)
    assert rows["metric"].tolist() == ["dustfall", "road_dust_load", "road_dust_load"]
    assert rows["date"].dt.date.tolist() == [dt.date(2025, 3, 1), dt.date(2025, 3, 12), dt.date(2025, 4, 10)]
    road = shapely.LineString([(112.545, 35.175), (112.575, 35.140), (112.610, 35.118)])
    middle = road.interpolate(0.5, normalized=True)
    assert rows.loc[1, ["source_id", "place_name"]].tolist() == ["DL-001", "焦克路"]
    assert rows.loc[1, "lon"] == pytest.approx(middle.x, abs=1e-6) and rows.loc[1, "lat"] == pytest.approx(middle.y, abs=1e-6)
    assert pd.isna(rows.loc[0, "source_id"]) and rows.loc[0, ["place_name", "value"]].tolist() == ["济源市监测站", 9.6]
    again = import_dust_readings(registered, [readings, dustfall])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)


def test_a_reading_of_an_unknown_road_is_refused(registered: Store, tmp_path: Path):
    path = _write(tmp_path, "readings.csv", "道路名称,监测日期,积尘负荷(g/m²)\n焦克路,2025-03-12,1.35\n")
    with pytest.raises(BadInputError) as caught:
        import_dust_readings(registered, [path])
    assert (caught.value.row, caught.value.field) == (2, "道路名称")
    assert "import the dust-source register" in str(caught.value)
    assert registered.row_counts()["dust_readings"] == 0


OFFICIAL_FIRES = ("序号,火点编号,省份,地市,区县,乡镇,经度,纬度,监测时间,卫星,地类\n"
                  "1,HN2025060101,河南省,济源市,济源市,克井镇,112.548,35.181,2025-06-01 13:45,FY-3D,耕地\n"
                  "2,HN2025060102,河南省,焦作市,沁阳市,柏香镇,112.952,35.101,2025-06-01 13:45,NPP,耕地\n")
VIDEO_ALARMS = [("报警编号", "报警时间", "设备编号", "点位名称", "报警类型", "经度", "纬度", "处置状态"),
                ("LTWS-0031", "2025-06-01 14:02:00", "JY-CAM-017", "克井镇枣庙村塔", "烟火", 112.551, 35.183, "已处置"),
                ("LTWS-0032", "2025-06-01 15:10:00", "JY-CAM-018", "五龙口镇塔", "烟雾", 112.70, 35.16, "未处置")]


def _xlsx(path: Path, rows, title: str | None = None, sheet: str = "Sheet1") -> Path:
    book = openpyxl.Workbook()
    worksheet = book.active
    worksheet.title = sheet
    if title:
        worksheet.append([title])
    for row in rows:
        worksheet.append(list(row))
    book.save(path)
    return path


def test_official_fire_lists_and_video_alarms_keep_their_ids_and_beijing_times(registered: Store, tmp_path: Path):
    official = _write(tmp_path, "卫星火点.csv", OFFICIAL_FIRES)
    video = _xlsx(tmp_path / "蓝天卫士报警.xlsx", VIDEO_ALARMS)
    report = import_fires(registered, [official, video])
    assert (report.new, report.rejected) == (4, 0)
    rows = _rows(registered, "fire_points").set_index("source_ref")
    first = rows.loc["HN2025060101"]
    assert (first["source"], first["time"], first["satellite"], first["township_code"]) == \
        ("official", pd.Timestamp("2025-06-01 13:45"), "FY-3D", "419001100")
    assert json.loads(first["attrs"])["地类"] == "耕地"
    alarm = rows.loc["LTWS-0031"]
    assert (alarm["source"], alarm["time"], alarm["place_name"]) == ("video", pd.Timestamp("2025-06-01 14:02"),
                                                                      "克井镇枣庙村塔")
    assert json.loads(alarm["attrs"]) == {"device": "JY-CAM-017", "alarm_type": "烟火", "处置状态": "已处置"}
    again = import_fires(registered, [official, video])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)


def test_a_fire_report_with_a_bad_time_names_the_row_and_nothing_is_stored(registered: Store, tmp_path: Path):
    path = _write(tmp_path, "fires.csv", OFFICIAL_FIRES.replace("2025-06-01 13:45,NPP", "6月1日下午,NPP"))
    with pytest.raises(BadInputError) as caught:
        import_fires(registered, [path])
    assert (caught.value.row, caught.value.field) == (3, "监测时间")
    assert registered.row_counts()["fire_points"] == 0


def test_firms_files_through_the_fires_register_still_shift_utc_to_beijing(store: Store, real_data: Path):
    path = real_data / "firms" / "MODIS_C6_1_Global_7d_20220528-20220604_box_110-117E_31-37N.csv"
    report = import_fires(store, [path])
    raw = pd.read_csv(path, dtype={"acq_time": str}).iloc[0]
    with store.read() as con:
        source, time = con.execute("SELECT source, time FROM fire_points WHERE lat = ? AND lon = ?",
                                   [raw["latitude"], raw["longitude"]]).fetchone()
    utc = pd.Timestamp(f"{raw['acq_date']} {raw['acq_time'][:2]}:{raw['acq_time'][2:]}")
    assert report.new == 218 and source == "firms_modis" and time == utc + pd.Timedelta(hours=8)


def test_excel_rows_are_numbered_as_excel_shows_them_behind_a_title_row(store: Store, tmp_path: Path):
    rows = [("站点编码", "站点名称", "站点类型", "经度", "纬度"), ("JY01", "济源市监测站", "国控", 112.60, 35.07),
            ("JY02", "沁园街道站", "乡镇站", 112.58, 35.09), ("JY03", "北海街道站", "乡镇站", "一百一十二", 35.09)]
    path = _xlsx(tmp_path / "stations.xlsx", rows, title="济源市空气自动监测站点清单（2025年）")
    with pytest.raises(BadInputError) as caught:
        import_stations(store, [path])
    assert (caught.value.row, caught.value.field) == (5, "经度")  # title row 1, header row 2, JY03 on row 5
    assert store.row_counts()["stations"] == 0
    good = _xlsx(tmp_path / "good.xlsx", rows[:3], title="清单", sheet="站点")
    report = import_stations(store, [good], sheet="站点")
    assert (report.new, report.rejected) == (2, 0)
    with pytest.raises(BadInputError, match="no sheet '附表'"):
        import_stations(store, [good], sheet="附表")


def test_old_excel_files_are_refused_with_what_to_do(store: Store, tmp_path: Path):
    path = tmp_path / "stations.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 60)
    with pytest.raises(BadInputError, match=r"save it as \.xlsx or CSV"):
        import_stations(store, [path])
