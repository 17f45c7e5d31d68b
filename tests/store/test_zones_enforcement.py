"""Zone enforcement: edges (border, hole, multipolygon), effective dates, rules, per-day dedup, imports,
and the demo's planted violations found with no compliant machine or truck flagged."""
from __future__ import annotations

import json
import shutil
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import MultiPolygon, Polygon, box

from commands.zones import check_zones
from core.errors import BadInputError
from data.store import Store
from data.zones import read_machinery
from ingest.demo.fleets import fleet_controls, planted_violations
from ingest.mobile import import_mobile
from tests.conftest import DEMO_YEAR
from zones.enforcement import coal_violations, machinery_violations, truck_violations
from zones.membership import zone_hits
from zones.rules import NonroadRule, emission_stage, parse_rules

RING = Polygon([(112.0, 35.0), (112.1, 35.0), (112.1, 35.1), (112.0, 35.1)],
               holes=[[(112.04, 35.04), (112.06, 35.04), (112.06, 35.06), (112.04, 35.06)]])
TOWNSHIPS = gpd.GeoDataFrame({"code": ["T1", "T2"], "name": ["甲镇", "乙镇"], "terrain": ["plain", "plain"]},
                             geometry=[box(111.9, 34.9, 112.05, 35.3), box(112.05, 34.9, 112.4, 35.3)],
                             crs="EPSG:4326")


def _zones(kind: str, geometry, rules: dict | None = None, valid_from=None, valid_to=None) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": [f"z-{kind}"], "name": [kind], "kind": [kind],
                             "rules": [json.dumps(rules or {})], "valid_from": [valid_from], "valid_to": [valid_to]},
                            geometry=[geometry], crs="EPSG:4326")


def test_border_hole_and_multipolygon_edges():
    second = box(112.2, 35.0, 112.3, 35.1)
    zones = _zones("nonroad_ban", MultiPolygon([RING, second]))
    points = {"outer border": (112.0, 35.05), "corner": (112.1, 35.1), "inside": (112.02, 35.02),
              "in the hole": (112.05, 35.05), "on the hole's ring": (112.04, 35.05),
              "second part": (112.25, 35.05), "between the parts": (112.15, 35.05), "far": (113.0, 36.0)}
    lons, lats = np.array([p[0] for p in points.values()]), np.array([p[1] for p in points.values()])
    hits = zone_hits(lons, lats, None, zones)
    inside = {name for position, name in enumerate(points) if position in set(hits["position"])}
    assert inside == {"outer border", "corner", "inside", "on the hole's ring", "second part"}


def test_effective_dates_are_inclusive_days():
    zones = _zones("nonroad_ban", box(112.0, 35.0, 112.1, 35.1), valid_from=date(2025, 3, 1),
                   valid_to=date(2025, 3, 31))
    times = pd.Series(pd.to_datetime(["2025-02-28 23:59", "2025-03-01 00:00", "2025-03-31 23:59", "2025-04-01 00:00"]))
    hits = zone_hits(np.full(4, 112.05), np.full(4, 35.05), times, zones)
    assert sorted(hits["position"]) == [1, 2]


@pytest.mark.parametrize("text, stage", [("国Ⅲ", 3), ("China II", 2), ("国一前", 0), ("V", 5), ("国四", 4),
                                         ("stage iii", 3), ("", None), ("欧五", None)])
def test_emission_stage_text(text, stage):
    assert emission_stage(text) == stage


def test_nonroad_rule_thresholds_and_work_hours():
    rule = parse_rules("nonroad_ban", json.dumps({"max_banned_standard": 2, "note": "ignored"}))
    assert isinstance(rule, NonroadRule) and rule.work_hours == "06:00-22:00"
    frame = pd.DataFrame({
        "emission_stage": [2, 3, 3, 2, 2, 4],
        "smoke_class": [1, 3, 4, 1, 1, 1],
        "colour_code": ["yellow", "blue", "blue", "yellow", "yellow", "red"],
        "time": pd.to_datetime(["2025-04-01 06:00", "2025-04-01 10:00", "2025-04-01 10:00",
                                "2025-04-01 05:59", "2025-04-01 22:00", "2025-04-01 21:59"])})
    assert rule.banned_machines(frame).tolist() == [True, False, True, False, False, True]
    with pytest.raises(BadInputError):
        parse_rules("nonroad_ban", json.dumps({"work_hours": "6 to 22"}))


def test_machinery_violations_one_per_machine_per_day():
    zones = _zones("nonroad_ban", box(112.0, 35.0, 112.1, 35.1))
    registry = pd.DataFrame({"code": ["OLD", "NEW"], "type": ["挖掘机", "装载机"], "emission_stage": [1, 4],
                             "smoke_class": [2, 1], "owner": ["甲", "乙"], "site": ["A", "B"],
                             "colour_code": ["red", "green"]})
    times = pd.to_datetime(["2025-04-01 08:00", "2025-04-01 09:00", "2025-04-01 17:30", "2025-04-02 08:00",
                            "2025-04-01 08:00", "2025-04-03 08:00"])
    positions = pd.DataFrame({"machine_code": ["OLD"] * 4 + ["NEW", "GHOST"], "time": times,
                              "lon": [112.02, 112.021, 112.07, 112.02, 112.02, 112.02], "lat": 35.05})
    found = machinery_violations(positions, registry, zones, TOWNSHIPS)
    violations = found.violations.sort_values("day")
    assert violations["subject_id"].tolist() == ["OLD", "OLD"]
    assert violations["count"].tolist() == [3, 1]
    first = violations.iloc[0]
    assert (first["start_time"], first["end_time"]) == (times[0], times[2])
    assert first["township_code"] == "T1" and first["zone_id"] == "z-nonroad_ban"
    assert len(first["samples"]) == 3 and "China I" in first["reasons"]
    assert any("GHOST" in note.render("en") and "GHOST" in note.render("zh") for note in found.notes)


def test_truck_permits_weights_and_fence_crossings():
    zones = _zones("low_emission", box(112.0, 35.0, 112.1, 35.1), {"min_weight_t": 3.5, "max_banned_standard": 4})
    trucks = pd.DataFrame({"plate": ["BAN", "PERMIT", "EXPIRED", "LIGHT", "GATE", "CLEAN"],
                           "fuel": ["diesel"] * 5 + ["diesel"], "gross_weight_t": [18, 18, 18, 3.4, 30, 30],
                           "emission_standard": [4, 4, 3, 3, 4, 6],
                           "permit_until": [None, date(2025, 4, 1), date(2025, 3, 31), None, None, None]})
    events = pd.DataFrame({"plate": ["BAN", "BAN", "PERMIT", "EXPIRED", "LIGHT", "GATE", "CLEAN", "BAN"],
                           "time": pd.to_datetime(["2025-04-01 09:00", "2025-04-01 11:00", "2025-04-01 09:00",
                                                   "2025-04-01 09:00", "2025-04-01 09:00", "2025-04-01 09:00",
                                                   "2025-04-01 09:00", "2025-04-02 09:00"]),
                           "lon": [112.05, 112.06, 112.05, 112.05, 112.05, np.nan, 112.05, 112.5],
                           "lat": [35.05, 35.05, 35.05, 35.05, 35.05, np.nan, 35.05, 35.5],
                           "fence_id": [None, None, None, None, None, "z-low_emission", None, None],
                           "crossing": [None, None, None, None, None, "in", None, None]})
    violations = truck_violations(events, trucks, zones, TOWNSHIPS).violations
    assert sorted(violations["subject_id"]) == ["BAN", "EXPIRED", "GATE"]
    assert violations.set_index("subject_id").at["BAN", "count"] == 2


def test_coal_findings_only_inside_the_ban():
    zones = _zones("coal_ban", box(112.0, 35.0, 112.1, 35.1))
    inspections = pd.DataFrame({"id": ["a", "b", "c"], "time": pd.to_datetime(["2025-01-05 10:00"] * 3),
                                "lon": [112.05, 112.05, 112.5], "lat": [35.05, 35.05, 35.05],
                                "finding": ["sale", "none", "use"], "note": None, "inspector": "王"})
    violations = coal_violations(inspections, zones, TOWNSHIPS).violations
    assert violations["subject_id"].tolist() == ["a"] and violations["kind"].tolist() == ["coal"]


def test_import_machinery_validates_and_is_idempotent(store, tmp_path):
    good = tmp_path / "machinery.csv"
    good.write_text("机械编码,机械类型,排放阶段,烟度,所属单位,工地,颜色\n"
                    "M1,挖掘机,国二,1,甲公司,工地A,黄\nM2,装载机,China III,2,乙公司,工地B,green\n", encoding="utf-8")
    first = import_mobile(store, "machinery", [good])
    again = import_mobile(store, "machinery", [good])
    assert (first.new, again.new, again.unchanged) == (2, 0, 2)
    with store.read() as con:
        stored = read_machinery(con).set_index("code")
    assert stored.at["M1", "emission_stage"] == 2 and stored.at["M1", "colour_code"] == "yellow"
    bad = tmp_path / "gps.csv"
    bad.write_text("machine_code,time,lon,lat\nM1,2025-04-01 08:00,112.6,35.1\nM1,yesterday,112.6,35.1\n",
                   encoding="utf-8")
    with pytest.raises(BadInputError) as error:
        import_mobile(store, "machinery-gps", [bad])
    assert error.value.row == 3 and error.value.field == "time" and "gps.csv" in str(error.value)
    report = import_mobile(store, "machinery-gps", [bad], skip_bad_rows=True)
    assert (report.new, report.rejected) == (1, 1)


def test_demo_planted_violations_found_and_nothing_else(demo_store, tmp_path):
    shutil.copy(demo_store.path, tmp_path / demo_store.path.name)
    shutil.copytree(demo_store.files_dir, tmp_path / demo_store.files_dir.name)
    store = Store(tmp_path / demo_store.path.name, busy_timeout_s=5)
    result = check_zones(store, date(DEMO_YEAR, 1, 1), date(DEMO_YEAR, 12, 31))
    found = set(zip(result.violations["subject"], result.violations["subject_id"], result.violations["day"]))
    planted = {(v.subject, v.subject_id, v.day) for v in planted_violations(DEMO_YEAR)}
    assert found == planted
    controls = {(c.subject, c.subject_id) for c in fleet_controls(DEMO_YEAR)}
    assert not controls & {(subject, subject_id) for subject, subject_id, _ in found}
    planted_zone = {v.subject_id: v.zone_id for v in planted_violations(DEMO_YEAR)}
    assert all(planted_zone[row.subject_id] == row.zone_id for row in result.violations.itertuples())
    assert result.violations["township_code"].notna().all()
    rerun = check_zones(store, date(DEMO_YEAR, 1, 1), date(DEMO_YEAR, 12, 31))
    assert (rerun.new, rerun.updated) == (0, len(planted))
    with store.read() as con:
        kinds = con.execute("SELECT kind, count(*) FROM hotspots WHERE kind IN ('mobile', 'coal') GROUP BY kind").fetchall()
    assert dict(kinds) == {"mobile": sum(v.subject != "coal" for v in planted_violations(DEMO_YEAR)),
                           "coal": sum(v.subject == "coal" for v in planted_violations(DEMO_YEAR))}
