"""What bad input gets: a message naming file, row and field; an unchanged store; --skip-bad-rows; flags."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from core.errors import BadInputError
from data.quality import QualityFlag
from data.store import Store
from ingest.cnemc import import_cnemc
from ingest.observations import import_observations
from ingest.polygons import import_townships, import_zones
from ingest.stations import import_stations

REPO = Path(__file__).resolve().parents[2]
STATIONS_CSV = "监测点编码,监测点名称,经度,纬度\nJY01,济源市监测站,112.60,35.07\nJY02,沁园街道站,112.58,35.09\n"


def _beijing_head(real_data: Path, lines: int) -> list[str]:
    path = real_data / "beijing_multisite" / "PRSA_Data_Aotizhongxin_20130301-20170228.csv"
    with path.open(encoding="utf-8") as handle:
        return [next(handle) for _ in range(lines)]


def _beijing_stations(real_data: Path) -> Path:
    return real_data / "beijing_multisite" / "stations.csv"


def test_truncated_row_is_refused_with_its_line_and_the_store_is_unchanged(store: Store, real_data: Path,
                                                                            tmp_path: Path):
    lines = _beijing_head(real_data, 51)
    broken = tmp_path / "truncated.csv"
    broken.write_text("".join(lines) + lines[-1][:20] + "\n", encoding="utf-8")
    before = store.row_counts()
    with pytest.raises(BadInputError) as caught:
        import_observations(store, [broken], stations_file=_beijing_stations(real_data))
    message = str(caught.value)
    assert "truncated.csv" in message and "row 52" in message and "expected 18 fields" in message
    assert store.row_counts() == before


def test_text_in_a_number_column_names_row_and_field(store: Store, real_data: Path, tmp_path: Path):
    lines = _beijing_head(real_data, 30)
    fields = lines[9].split(",")
    fields[5] = "abc"  # PM2.5 on line 10 of the file
    lines[9] = ",".join(fields)
    broken = tmp_path / "text.csv"
    broken.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(BadInputError) as caught:
        import_observations(store, [broken], stations_file=_beijing_stations(real_data))
    assert (caught.value.row, caught.value.field) == (10, "PM2.5")
    assert "expected a number" in str(caught.value) and "'abc'" in str(caught.value)
    assert store.row_counts()["observations"] == 0 and store.row_counts()["stations"] == 0

    report = import_observations(store, [broken], stations_file=_beijing_stations(real_data), skip_bad_rows=True)
    assert (report.new, report.rejected) == (28, 1)
    rejected = pd.read_csv(tmp_path / "text.rejected.csv", encoding="utf-8-sig")
    assert rejected[["row", "field"]].values.tolist() == [[10, "PM2.5"]]
    assert "expected a number" in rejected["reason"].iloc[0]
    assert rejected["original_PM2.5"].iloc[0] == "abc"


def test_geojson_line_string_is_refused_with_its_feature_index(store: Store, tmp_path: Path):
    square = {"type": "Polygon", "coordinates": [[[112.5, 35.0], [112.6, 35.0], [112.6, 35.1], [112.5, 35.0]]]}
    line = {"type": "LineString", "coordinates": [[112.5, 35.0], [112.6, 35.1]]}
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "城区禁煤区"}, "geometry": square},
        {"type": "Feature", "properties": {"name": "道路"}, "geometry": line}]}), encoding="utf-8")
    with pytest.raises(BadInputError) as caught:
        import_zones(store, [path], kind="coal_ban")
    assert "feature 1" in str(caught.value) and "LineString" in str(caught.value)
    assert "zones.geojson" in str(caught.value)
    assert store.row_counts()["zones"] == 0
    report = import_zones(store, [path], kind="coal_ban", skip_bad_rows=True)
    assert (report.new, report.rejected) == (1, 1)


def test_gbk_csv_from_excel_is_read_correctly(store: Store, tmp_path: Path):
    path = tmp_path / "stations_gbk.csv"
    path.write_bytes(STATIONS_CSV.encode("gbk"))
    report = import_stations(store, [path], kind="township")
    assert report.new == 2
    with store.read() as con:
        names = [row[0] for row in con.execute("SELECT name FROM stations ORDER BY code").fetchall()]
    assert names == ["济源市监测站", "沁园街道站"]


def test_undecodable_and_empty_files_get_clear_messages(store: Store, tmp_path: Path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(BadInputError, match="empty.csv.*empty"):
        import_stations(store, [empty], kind="micro")
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"code,name\n\xff\xfe\xfa\x80\x81,x\n")
    with pytest.raises(BadInputError, match="neither UTF-8 nor GBK"):
        import_stations(store, [garbage], kind="micro")
    header_only = tmp_path / "header.csv"
    header_only.write_text("code,name,lon,lat\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="no data rows"):
        import_stations(store, [header_only], kind="micro")
    assert store.row_counts()["stations"] == 0


def test_swapped_or_foreign_coordinates_are_refused(store: Store, tmp_path: Path):
    path = tmp_path / "vendor.csv"
    path.write_text("code,name,lon,lat\nW1,微站1,35.07,112.60\nW2,微站2,2.35,48.85\nW3,微站3,112.6,35.1\n",
                    encoding="utf-8")
    with pytest.raises(BadInputError, match="swapped") as caught:
        import_stations(store, [path], kind="micro")
    assert caught.value.row == 2
    report = import_stations(store, [path], kind="micro", skip_bad_rows=True)
    assert (report.new, report.rejected) == (1, 2)
    reasons = pd.read_csv(tmp_path / "vendor.rejected.csv", encoding="utf-8-sig").set_index("row")["reason"]
    assert "swapped" in reasons[2] and "in China" in reasons[3]


def test_vendor_file_headers_units_and_implausible_values(store: Store, tmp_path: Path):
    (tmp_path / "s.csv").write_text(STATIONS_CSV, encoding="utf-8")
    import_stations(store, [tmp_path / "s.csv"], kind="township")
    # Ahead of the clock but within the day a time may lie ahead (ingest.common.FUTURE_ALLOWANCE): flagged.
    future = (pd.Timestamp.now(tz="Asia/Shanghai") + pd.Timedelta(hours=6)).strftime("%Y-%m-%d %H:00")
    path = tmp_path / "vendor_obs.csv"
    path.write_text(
        "站点编码,监测时间,PM2_5,PM10,CO(μg/m³),风向\n"
        "JY01,2024-06-01 08:00,35,60,800,NNE\n"
        "JY01,2024-06-01 09:00,-3,60,900,E\n"
        "JY02,2024-06-01 09:00,150,60,700,静风\n"
        f"JY02,{future},40,70,600,270\n", encoding="utf-8")
    report = import_observations(store, [path])
    assert report.new == 4 and report.flagged == 3
    with store.read() as con:
        rows = con.execute("SELECT station_code, pm25, co, wd, quality_flag FROM observations "
                           "ORDER BY station_code, time").fetchall()
    assert rows[0] == ("JY01", 35.0, 0.8, 22.5, 0)
    assert rows[1][4] == QualityFlag.NEGATIVE
    assert rows[2][3] is None and rows[2][4] == QualityFlag.PM25_ABOVE_PM10
    assert rows[3][3] == 270.0 and rows[3][4] == QualityFlag.FUTURE_TIME


def test_times_with_and_without_utc_offsets_become_beijing_time(store: Store, tmp_path: Path):
    (tmp_path / "s.csv").write_text(STATIONS_CSV, encoding="utf-8")
    import_stations(store, [tmp_path / "s.csv"], kind="township")
    path = tmp_path / "zoned.csv"
    path.write_text("station,time,pm25\n"
                    "JY01,2024-06-01T00:00:00Z,30\n"          # UTC
                    "JY01,2024-06-01 09:00+08:00,31\n"        # Beijing, with its offset
                    "JY01,2024-06-01 10:00,32\n"              # no offset: Beijing as given
                    "JY02,1988-07-01T00:00:00+00:00,33\n", encoding="utf-8")  # China's summer-time years
    assert import_observations(store, [path]).new == 4
    with store.read() as con:
        times = [row[0].strftime("%Y-%m-%d %H:%M") for row in con.execute(
            "SELECT time FROM observations ORDER BY pm25").fetchall()]
    assert times == ["2024-06-01 08:00", "2024-06-01 09:00", "2024-06-01 10:00", "1988-07-01 08:00"]


def test_unknown_station_is_a_row_problem_but_cnemc_creates_national_stations(store: Store, tmp_path: Path):
    path = tmp_path / "obs.csv"
    path.write_text("station,time,pm25\nNOPE,2024-06-01 08:00,30\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="unknown station") as caught:
        import_observations(store, [path])
    assert (caught.value.row, caught.value.field) == (2, "station")
    cnemc = tmp_path / "china_sites_20240601.csv"
    cnemc.write_text("date,hour,type,9001A,9002A\n20240601,0,AQI,57,\n20240601,0,PM2.5,36,\n"
                     "20240601,0,PM2.5_24h,40,\n", encoding="utf-8")
    report = import_cnemc(store, [cnemc])
    assert report.new == 1 and any("9001A" in note.render("en") for note in report.notes)
    with store.read() as con:
        assert con.execute("SELECT code, kind FROM stations").fetchall() == [("9001A", "national")]
        assert con.execute("SELECT aqi_published, pm25 FROM observations").fetchall() == [(57, 36.0)]


def test_parquet_observations_import_the_same_way(store: Store, tmp_path: Path):
    (tmp_path / "s.csv").write_text(STATIONS_CSV, encoding="utf-8")
    import_stations(store, [tmp_path / "s.csv"], kind="township")
    frame = pd.DataFrame({"code": ["JY01", "JY02"], "datetime": pd.to_datetime(["2024-06-01 08:00"] * 2),
                          "PM2.5": [30.0, 41.0], "co": [0.6, 0.7]})
    frame.to_parquet(tmp_path / "obs.parquet")
    assert import_observations(store, [tmp_path / "obs.parquet"]).new == 2
    assert import_observations(store, [tmp_path / "obs.parquet"]).unchanged == 2


def test_township_without_code_column_is_refused_naming_the_columns(store: Store, tmp_path: Path):
    path = tmp_path / "towns.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"名字": "克井镇"}, "geometry": {"type": "Polygon", "coordinates": [
            [[112.5, 35.0], [112.6, 35.0], [112.6, 35.1], [112.5, 35.0]]]}}]}), encoding="utf-8")
    with pytest.raises(BadInputError, match="no township code column.*adcode"):
        import_townships(store, [path])


def test_interrupting_an_import_leaves_the_store_whole(real_data: Path, tmp_path: Path):
    db = tmp_path / "interrupt.duckdb"
    files = sorted((real_data / "beijing_multisite").glob("PRSA_Data_*.csv"))[:4]
    command = [sys.executable, "cli.py", "import", "observations", "--db", str(db),
               "--stations", str(_beijing_stations(real_data)), *map(str, files)]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(2.5)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    # 0: finished before the signal; 130: interrupted and reported; -SIGINT: signalled while exiting.
    assert process.returncode in (0, 130, -signal.SIGINT), stderr.decode()[-2000:]
    count = Store(db).row_counts().get("observations", 0) if db.exists() else 0
    # All or nothing, never a part: an interrupted import leaves no row, a finished one every row (a signal
    # that lands after the commit, while the command winds up, interrupts nothing stored).
    assert count in (0, 4 * 35_064)
    assert process.returncode != 0 or count == 4 * 35_064


def test_rows_after_a_broken_line_keep_their_line_numbers(store: Store, real_data: Path, tmp_path: Path):
    lines = _beijing_head(real_data, 12)
    fields = lines[11].split(",")
    fields[6] = "n/a?"  # PM10 on what becomes line 13
    path = tmp_path / "middle.csv"
    path.write_text("".join(lines[:11]) + lines[10][:15] + "\n" + ",".join(fields), encoding="utf-8")
    report = import_observations(store, [path], stations_file=_beijing_stations(real_data), skip_bad_rows=True)
    assert (report.new, report.rejected) == (10, 2)
    rejected = pd.read_csv(tmp_path / "middle.rejected.csv", encoding="utf-8-sig")
    assert rejected[["row", "field"]].values.tolist() == [[12, "(whole row)"], [13, "PM10"]]


def test_station_township_by_code_or_name_and_unknown_names_placed_by_position(store: Store, tmp_path: Path):
    towns = tmp_path / "towns.geojson"
    towns.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"adcode": code, "name": name},
         "geometry": {"type": "Polygon", "coordinates": [[[x, 35.0], [x + 0.1, 35.0], [x + 0.1, 35.1], [x, 35.1], [x, 35.0]]]}}
        for code, name, x in (("419001100", "克井镇", 112.5), ("419001102", "轵城镇", 112.6))]}), encoding="utf-8")
    import_townships(store, [towns])
    stations = tmp_path / "stations.csv"
    stations.write_text("code,name,township,lon,lat\n"
                        "M1,按名称,克井镇,112.55,35.05\n"
                        "M2,按代码,419001102,112.65,35.05\n"
                        "M3,简称,克井,112.65,35.05\n", encoding="utf-8")  # short name: unknown, placed in 轵城
    report = import_stations(store, [stations], kind="micro")
    with store.read() as con:
        placed = dict(con.execute("SELECT code, township_code FROM stations").fetchall())
    assert placed == {"M1": "419001100", "M2": "419001102", "M3": "419001102"}
    notes = [note.render("en") for note in report.notes]
    assert any("克井" in note and "position" in note for note in notes)
