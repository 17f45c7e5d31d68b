"""The hotspot card: its sentence, sources, actions and navigation links from stored-shape rows; BD-09."""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, unquote, urlparse

import numpy as np
import pytest

from core.gcj02 import bd09_to_gcj02, gcj02_to_bd09, wgs84_to_bd09, wgs84_to_gcj02
from hotspots.card import compass, hotspot_card, navigation_links
from hotspots.config import HotspotConfig

PM10_ROW = {
    "kind": "dust", "pollutant": "pm10", "peak": 277.0, "peak_ratio": 2.43, "hours": 8, "grade": "II", "score": 58.1,
    "lon": 112.57, "lat": 35.14, "township_name": "克井镇", "start_time": "2025-03-22 09:00",
    "end_time": "2025-03-22 16:00",
    "score_parts": json.dumps({"intensity": 0.8, "duration": 0.33, "extent": 0.2, "recurrence": 0.0, "context": 1.0,
                               "peak_over_threshold": 1.62, "recurrences": 2}),
    "context": json.dumps({"at_peak": {"median": 114.0, "threshold": 171.0}, "wind_from": 92.0, "wind_speed": 2.6,
                           "peak_time": "2025-03-22 13:00:00"}),
    "sources": json.dumps([
        {"id": "s1", "kind": "site", "name": "克井镇安置房工地", "distance_m": 40.0, "bearing_deg": 270.0, "upwind": False},
        {"id": "r1", "kind": "road", "name": "焦克路", "distance_m": 84.0, "bearing_deg": 95.0, "upwind": True},
    ]),
}


def test_sentence_names_the_upwind_source_with_units_and_distance():
    card = hotspot_card(PM10_ROW, "zh")
    assert card.sentence == ("PM10 峰值 277 µg/m³（粗颗粒为主），为同时段全区中位数的 2.4 倍，持续 8 小时；"
                             "最可能来源：上风向 84 m 焦克路（道路扬尘）")
    assert card.actions == ("洒水、清扫", "停工整改", "苫盖")
    assert card.sources[1] == "西 40 m 克井镇安置房工地（施工扬尘） → 建议：停工整改、苫盖"
    evidence = dict(card.evidence)
    assert evidence["同时段全区中位数"] == "114 µg/m³" and evidence["判定阈值"] == "171 µg/m³"
    assert evidence["风向风速"] == "东风 2.6 m/s"
    assert evidence["复发"] == "近 30 天同地 2 次"
    english = hotspot_card(PM10_ROW, "en")
    assert english.sentence.endswith("most likely source: 焦克路 (road dust), 84 m upwind")
    assert "µg/m³" in english.sentence


def test_a_step_two_sources_share_is_suggested_once():
    sources = [{"kind": "road", "name": "焦克路", "distance_m": 84.0, "bearing_deg": 95.0, "upwind": True},
               {"kind": "stockpile", "name": "克井镇砂石堆场", "distance_m": 120.0, "bearing_deg": 80.0, "upwind": True},
               {"kind": "site", "name": "克井镇安置房工地", "distance_m": 40.0, "bearing_deg": 270.0, "upwind": False}]
    card = hotspot_card({**PM10_ROW, "sources": json.dumps(sources)}, "zh")
    assert card.actions == ("洒水、清扫", "苫盖", "停工整改")
    assert card.sources[1].endswith("建议：苫盖、洒水、清扫")
    assert hotspot_card({**PM10_ROW, "sources": json.dumps(sources)}, "en").actions == (
        "water and sweep", "cover bare soil and piles", "stop work to fix it")


def test_details_label_every_score_part_with_its_weight():
    config = HotspotConfig().with_overrides({"weights": {"intensity": 0.5}})
    details = dict(hotspot_card(PM10_ROW, "zh", config).details)
    assert details["强度分"] == "0.80（权重 0.5）"
    assert details["超阈倍数"] == "阈值的 1.62 倍"
    assert details["总分"] == "58.1 / 100"
    assert set(details) >= {"持续分", "范围分", "复发分", "管控区分"}


def test_co_is_in_milligrams_and_limit_readings_in_their_own_units():
    co = hotspot_card({**PM10_ROW, "kind": "station", "pollutant": "co", "peak": 4.2, "sources": "[]"}, "zh")
    assert co.sentence.startswith("CO 峰值 4.2 mg/m³，")
    assert co.actions == ("现场排查周边污染源",)
    dustfall = hotspot_card({**PM10_ROW, "pollutant": "dustfall", "peak": 12.4, "peak_ratio": 1.653,
                             "context": json.dumps({"limit": 7.5}), "sources": "[]"}, "zh")
    assert dustfall.sentence == "降尘量 12.4 t/(km²·月)，为限值 7.5 t/(km²·月) 的 1.7 倍"


@pytest.mark.parametrize(("kind", "context", "action"), [
    ("fire", {"points": 14, "days": 2, "fire_class": "straw"}, "到场核实"),
    ("anomaly", {"anomaly": "flatline"}, "核查设备"),
])
def test_findings_without_a_source_get_their_own_action(kind, context, action):
    card = hotspot_card({**PM10_ROW, "kind": kind, "pollutant": None, "station_code": "JY-M-30",
                         "context": json.dumps(context), "sources": "[]"}, "zh")
    assert card.actions[0] == action
    assert not re.search(r"[a-z_]{4,}", card.sentence.replace("JY-M-30", "")), card.sentence


def test_compass_points():
    assert [compass(b, "zh") for b in (0, 44, 46, 90, 180, 225, 270, 337.4, 359)] == \
        ["北", "东北", "东北", "东", "南", "西南", "西", "西北", "北"]


def test_navigation_links_carry_each_maps_datum():
    lon, lat = 112.57, 35.14
    links = navigation_links(lon, lat, "扬尘 克井镇")
    assert links["geo"].startswith("geo:35.140000,112.570000?q=35.140000,112.570000(")
    gaode = parse_qs(urlparse(links["gaode"]).query)
    gcj_lon, gcj_lat = (float(v) for v in gaode["position"][0].split(","))
    expected_gcj = wgs84_to_gcj02(lon, lat)
    assert (gcj_lon, gcj_lat) == pytest.approx((float(expected_gcj[0]), float(expected_gcj[1])), abs=1e-6)
    assert gaode["coordinate"] == ["gaode"] and gaode["name"] == ["扬尘 克井镇"]
    baidu = parse_qs(urlparse(links["baidu"]).query)
    bd_lat, bd_lon = (float(v) for v in baidu["location"][0].split(","))
    assert baidu["coord_type"] == ["bd09ll"]
    assert (bd_lon, bd_lat) == pytest.approx(tuple(float(v) for v in wgs84_to_bd09(lon, lat)), abs=1e-6)
    # GCJ-02 shifts Jiyuan by a few hundred metres; BD-09 by about another kilometre.
    assert 0.001 < abs(gcj_lon - lon) < 0.01 and 0.005 < abs(bd_lat - lat) < 0.02
    assert "扬尘" in unquote(links["geo"])


def test_bd09_matches_the_published_values_and_round_trips():
    # wandergis/coordtransform's README: gcj02tobd09 and bd09togcj02 of (116.404, 39.915).
    assert tuple(map(float, gcj02_to_bd09(116.404, 39.915))) == pytest.approx((116.41036949371029, 39.92133699351021))
    assert tuple(map(float, bd09_to_gcj02(116.404, 39.915))) == pytest.approx((116.39762729119315, 39.90865673957631))
    lon, lat = np.array([112.3, 112.9]), np.array([34.9, 35.3])
    back = bd09_to_gcj02(*gcj02_to_bd09(lon, lat))
    assert np.allclose(back, (lon, lat), atol=2e-5)  # the published inverse is good to about 1 m
