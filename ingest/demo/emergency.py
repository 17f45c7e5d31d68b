"""The demo's winter heavy-pollution alert: the AQI forecasts it was issued on, the reduction list of the
demo's enterprises and construction sites, the alert's timeline (yellow, raised to orange, lifted), and the
compliance checks planted during it, compliant and not.

The planted checks below are the single source of truth for the tests: the alert's dashboard and report
must count exactly the planted compliant and non-compliant sources. Times are naive Beijing time.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from ingest.demo.geography import CITY_CODE, township_at
from ingest.demo.layout import DUST_SOURCES, ENTERPRISES

ALERT_ID = "demo-alert-winter"
FORECAST_SOURCE = "济源市环境监测站（示例）"
ISSUER = "demo-supervisor"
# 一厂一策 by performance grade (重污染天气重点行业应急减排措施制定技术指南, 2020, simplified): A-grade and
# leading plants reduce on their own; the worse the grade, the deeper the cut; D-grade plants stop at orange.
ENTERPRISE_MEASURES = {  # grade -> level -> (stop_lines, output cut share, off-peak transport, measures text)
    "B": {"yellow": (None, 0.1, True, "限产10%，错峰运输"), "orange": (None, 0.2, True, "限产20%，错峰运输"),
          "red": (None, 0.3, True, "限产30%，禁止国四及以下车辆运输")},
    "B-": {"yellow": (None, 0.15, True, "限产15%"), "orange": (None, 0.3, True, "限产30%，错峰运输"),
           "red": (None, 0.4, True, "限产40%，禁止国四及以下车辆运输")},
    "C": {"yellow": (None, 0.2, True, "限产20%"), "orange": ("主要生产线1条", 0.3, True, "停产1条生产线，其余限产30%"),
          "red": ("主要生产线1条", 0.5, True, "停产1条生产线，其余限产50%")},
    "D": {"yellow": (None, 0.3, True, "限产30%"), "orange": ("全部生产线", 1.0, True, "全面停产"),
          "red": ("全部生产线", 1.0, True, "全面停产")},
}


@dataclass(frozen=True)
class PlantedCheck:
    """A compliance check planted during the winter alert: the source, when, what was found."""
    key: str
    source_id: str
    checked_at: datetime
    compliant: bool
    note: str
    inspector: str


def alert_days(year: int) -> tuple[datetime, datetime, datetime, datetime]:
    """Issue (yellow), raise to orange, lift, and the planned end of the winter alert."""
    return (datetime(year, 1, 12, 20), datetime(year, 1, 13, 12), datetime(year, 1, 16, 12), datetime(year, 1, 17))


def planted_checks(year: int) -> tuple[PlantedCheck, ...]:
    """Every compliance check planted during the winter alert (while it is orange)."""
    def at(hour: int) -> datetime:
        return datetime(year, 1, 14, hour)

    return (
        PlantedCheck("d-grade-stopped", "demo-ent-07", at(9), True, "D级企业已全面停产，窑炉停火", "王建国"),
        PlantedCheck("d-grade-running", "demo-ent-08", at(10), False, "D级砖厂仍在生产，隧道窑未停火", "李红"),
        PlantedCheck("c-grade-cut", "demo-ent-02", at(11), True, "已停产1条生产线，其余限产", "赵磊"),
        PlantedCheck("c-grade-full-output", "demo-ent-09", at(14), False, "炭素厂焙烧炉满负荷运行，未限产", "陈静"),
        PlantedCheck("site-stopped", "demo-site-02", at(15), True, "工地已停止土石方作业，裸土覆盖", "王建国"),
        PlantedCheck("site-earthwork", "demo-site-08", at(16), False, "工地仍在开挖土方，渣土车进出", "李红"),
    )


def _sites() -> list:
    return [source for source in DUST_SOURCES if source.kind == "site"]


def reduction_frame() -> pd.DataFrame:
    """The demo reduction list: every graded enterprise (A-grade ones have no measure) and every site
    (stop earthwork and off-peak transport at orange and red, off-peak transport at yellow)."""
    rows = []
    for plant in ENTERPRISES:
        for level, (lines, share, off_peak, text) in ENTERPRISE_MEASURES.get(plant.performance_grade, {}).items():
            rows.append({"source_id": plant.id, "level": level, "source_kind": "enterprise", "name": plant.name,
                         "township_code": township_at(plant.lon, plant.lat), "grade": plant.performance_grade,
                         "stop_lines": lines, "output_cut_share": share, "stop_earthwork": False,
                         "off_peak_transport": off_peak, "measures": text, "lon": plant.lon, "lat": plant.lat})
    for site in _sites():
        lon, lat = site.coords[0]
        for level in ("yellow", "orange", "red"):
            stop = level != "yellow"
            rows.append({"source_id": site.id, "level": level, "source_kind": "site", "name": site.name,
                         "township_code": township_at(lon, lat), "grade": None, "stop_lines": None,
                         "output_cut_share": None, "stop_earthwork": stop, "off_peak_transport": True,
                         "measures": "停止土石方作业，渣土车辆停运" if stop else "渣土车辆错峰运输",
                         "lon": lon, "lat": lat})
    return pd.DataFrame(rows)


def forecast_frame(year: int) -> pd.DataFrame:
    """The city's AQI forecasts issued on 11 January for 12–17 January: AQI above 200 for four days."""
    days = pd.date_range(date(year, 1, 12), date(year, 1, 17)).date
    highs, lows = (185, 235, 310, 280, 215, 140), (150, 200, 260, 240, 180, 110)
    return pd.DataFrame({"area_code": CITY_CODE, "day": days, "aqi_max": highs, "aqi_min": lows,
                         "primary_pollutant": "PM2.5", "issued_on": date(year, 1, 11), "source": FORECAST_SOURCE})


def emergency_frames(year: int) -> dict[str, pd.DataFrame]:
    """The demo's emergency tables: reduction_measures, aqi_forecasts, alerts, alert_events, emergency_checks."""
    issued, raised, lifted, planned_end = alert_days(year)
    alert = pd.DataFrame([{"id": ALERT_ID, "level": "orange", "area_codes": "[]", "starts_at": issued,
                           "ends_at": planned_end, "lifted_at": lifted, "issuer": ISSUER, "trigger_kind": "forecast",
                           "trigger_aqi": 310, "trigger_note": "预报1月13日至16日AQI持续超过200，14日达310",
                           "issued_at": issued, "version": 3}])
    events = pd.DataFrame([
        {"alert_id": ALERT_ID, "action": "issue", "level": "yellow", "occurred_at": issued,
         "comment": "预报未来两天AQI超过200"},
        {"alert_id": ALERT_ID, "action": "change", "level": "orange", "occurred_at": raised,
         "comment": "会商后升级：预报14日AQI达310"},
        {"alert_id": ALERT_ID, "action": "lift", "level": "orange", "occurred_at": lifted,
         "comment": "冷空气过境，扩散条件改善"}]).assign(starts_at=issued, ends_at=planned_end, actor=ISSUER,
                                                        role="supervisor")
    measures = reduction_frame()
    places = measures.drop_duplicates("source_id").set_index("source_id")["township_code"]
    checks = pd.DataFrame([{"id": f"demo-check-{item.key}", "alert_id": ALERT_ID, "source_id": item.source_id,
                            "township_code": places[item.source_id], "checked_at": item.checked_at,
                            "compliant": item.compliant, "note": item.note, "inspector": item.inspector,
                            "photos": json.dumps([]), "task_id": None} for item in planted_checks(year)])
    return {"reduction_measures": measures, "aqi_forecasts": forecast_frame(year), "alerts": alert,
            "alert_events": events, "emergency_checks": checks}
