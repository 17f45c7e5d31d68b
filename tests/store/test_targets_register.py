"""The targets register: a file as officials write it (Chinese headers, metric names, percentages), its
template, a broken file naming row and field, and a re-import that changes nothing."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import BadInputError
from core.policy import SYSTEM_USER
from data.store import Store
from data.targets import read_targets
from ingest.service import import_files
from ingest.templates import template_csv

KEJING, CITY = "419001100", "419001"


def _targets(store: Store):
    with store.read() as con:
        return read_targets(con)


@pytest.fixture
def units(store: Store) -> Store:
    with store.write() as con:
        con.execute("INSERT INTO admin_units VALUES (?, '济源市', 'city', NULL)", [CITY])
        con.execute("INSERT INTO townships (code, name, city_code) VALUES (?, '克井镇', ?), ('419001101', '五龙口镇', ?)",
                    [KEJING, CITY, CITY])
    return store


def _write(tmp_path: Path, text: str, name: str = "考核目标.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


FILE = ("考核单位,年度,考核指标,目标值,评价标准\n"
        "克井镇,2025,PM2.5年均浓度,46,\n"
        "克井镇,2025,优良天数比例,72%,2012\n"
        "济源市,2025,重污染天数比例,1.5,GB 3095-2012\n"
        "419001101,2026,综合指数,4.2,\n")


def test_a_targets_file_imports_and_reimports_unchanged(units: Store, tmp_path: Path):
    path = _write(tmp_path, FILE.replace("72%", "72"))
    report = import_files(units, SYSTEM_USER, "targets", [path])
    assert report.new == 4
    stored = _targets(units).set_index(["unit_code", "year", "metric"])["target_value"]
    assert stored[(KEJING, 2025, "pm25")] == 46.0
    assert stored[(KEJING, 2025, "good_day_ratio")] == pytest.approx(0.72)  # 72 read as a percentage
    assert stored[(CITY, 2025, "heavy_day_ratio")] == pytest.approx(0.015)
    editions = _targets(units).set_index(["unit_code", "year"])["standard_version"]
    assert editions[("419001101", 2026)] == "2026"  # in force at the end of 2026
    assert set(editions[(KEJING, 2025)]) == {"2012"}
    again = import_files(units, SYSTEM_USER, "targets", [path])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)


def test_a_broken_targets_file_names_row_and_field(units: Store, tmp_path: Path):
    path = _write(tmp_path, FILE.replace("72%", "72").replace("济源市,2025", "沁阳市,2025"))
    with pytest.raises(BadInputError) as raised:
        import_files(units, SYSTEM_USER, "targets", [path])
    assert raised.value.row == 4 and raised.value.field == "考核单位"
    assert _targets(units).empty  # nothing stored


def test_the_template_imports_as_it_is(units: Store, tmp_path: Path):
    path = tmp_path / "targets.csv"
    path.write_bytes(template_csv("targets"))
    assert import_files(units, SYSTEM_USER, "targets", [path]).new == 1
