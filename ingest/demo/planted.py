"""The events planted in the demo region for later detection to find, and the controls it must not flag.

These records are the single source of truth: the generators read them to plant the events, and tests
read them to check that detection finds each one where it was planted. Times are naive Beijing time,
windows inclusive of both ends (hourly events: first and last planted hour); places are EPSG:4326.
Severity 'severe' marks an event that should rank in the top 10 of its month; 'mild' ones are real
but smaller. Severe SO2 spikes pass the 1-hour IAQI-100 concentration (500 µg/m³), mild ones only the
24-hour one (150 µg/m³).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from ingest.demo.geography import bearing, township_at
from ingest.demo.layout import DUST_SOURCE_BY_ID, ENTERPRISE_BY_ID, station_by_code

EventKind = Literal["so2_spike", "dust_episode", "burning_cluster", "industrial_heat", "flatline",
                    "road_dust_load", "dustfall"]


@dataclass(frozen=True)
class PlantedEvent:
    """One planted event.

    ``peak`` is in the unit of its measure: µg/m³ for station pollutants (the planted hourly maximum),
    g/m² for road dust load, t/(km²·month) for dustfall. ``wind_from`` is the direction (degrees,
    0 = north, the direction the wind comes FROM) the station measures during an SO2 spike: it points
    at the planted source. ``points`` is the number of fire detections of a cluster or heat series.
    """
    key: str
    kind: EventKind
    severity: Literal["severe", "mild"]
    start: datetime
    end: datetime
    lon: float
    lat: float
    township_code: str
    station_code: str | None = None
    source_id: str | None = None
    pollutant: str | None = None
    peak: float | None = None
    wind_from: float | None = None
    points: int | None = None
    radius_m: float | None = None

    @property
    def hours(self) -> int:
        """Length of an hourly window, both ends included."""
        return int((self.end - self.start) / timedelta(hours=1)) + 1


@dataclass(frozen=True)
class Control:
    """A place that looks like a candidate but where nothing was planted: detection must stay quiet."""
    key: str
    description: str
    station_code: str | None
    source_id: str | None
    lon: float
    lat: float


def _at(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour)


def _station_event(key: str, kind: EventKind, severity: str, station_code: str, source_id: str | None,
                   start: datetime, hours: int, pollutant: str | None, peak: float | None) -> PlantedEvent:
    station = station_by_code(station_code)
    wind_from = None
    if kind == "so2_spike":
        plant = ENTERPRISE_BY_ID[source_id]
        wind_from = round(bearing(station.lon, station.lat, plant.lon, plant.lat), 1)
    return PlantedEvent(key, kind, severity, start, start + timedelta(hours=hours - 1), station.lon,
                        station.lat, station.township_code, station_code, source_id, pollutant, peak,
                        wind_from)


def _fire_event(key: str, kind: EventKind, severity: str, lon: float, lat: float, first: date, days: int,
                points: int, radius_m: float, source_id: str | None = None) -> PlantedEvent:
    return PlantedEvent(key, kind, severity, datetime.combine(first, time(0)),
                        datetime.combine(first + timedelta(days=days - 1), time(23, 59)), lon, lat,
                        township_at(lon, lat), source_id=source_id, points=points, radius_m=radius_m)


def _dust_reading(key: str, kind: EventKind, severity: str, source_id: str, month: int, year: int,
                  value: float) -> PlantedEvent:
    source = DUST_SOURCE_BY_ID[source_id]
    lon, lat = source.anchor
    day = datetime(year, month, 15)
    return PlantedEvent(key, kind, severity, day, day, lon, lat, township_at(lon, lat),
                        source_id=source_id, peak=value)


def planted_events(year: int) -> tuple[PlantedEvent, ...]:
    """Every event planted in the demo for ``year``, in a fixed order."""
    steel, coking = ENTERPRISE_BY_ID["demo-ent-01"], ENTERPRISE_BY_ID["demo-ent-05"]
    return (
        _station_event("so2-kejing-smelter-jan", "so2_spike", "severe", "JY-M-05", "demo-ent-02",
                       _at(year, 1, 14, 1), 9, "so2", 620.0),
        _station_event("so2-sili-smelter-nov", "so2_spike", "severe", "JY-T-14", "demo-ent-03",
                       _at(year, 11, 20, 8), 8, "so2", 540.0),
        _station_event("so2-wulongkou-power-mar", "so2_spike", "mild", "JY-M-06", "demo-ent-04",
                       _at(year, 3, 5, 10), 6, "so2", 230.0),
        _station_event("so2-chengliu-cement-aug", "so2_spike", "mild", "JY-T-09", "demo-ent-06",
                       _at(year, 8, 18, 9), 5, "so2", 200.0),
        _station_event("dust-kejing-site-apr", "dust_episode", "severe", "JY-M-01", "demo-site-01",
                       _at(year, 4, 9, 8), 11, "pm10", 850.0),
        _station_event("dust-zhicheng-pile-mar", "dust_episode", "severe", "JY-M-02", "demo-pile-03",
                       _at(year, 3, 22, 9), 9, "pm10", 700.0),
        _station_event("dust-wulongkou-site-may", "dust_episode", "mild", "JY-M-03", "demo-site-10",
                       _at(year, 5, 6, 10), 6, "pm10", 320.0),
        _station_event("flat-lilin-township-nov", "flatline", "severe", "JY-T-12", None,
                       _at(year, 11, 3, 0), 96, None, None),
        _station_event("flat-haihang-micro-feb", "flatline", "mild", "JY-M-30", None,
                       _at(year, 2, 10, 8), 48, None, None),
        _fire_event("burn-lilin-wheat-jun", "burning_cluster", "severe", 112.714, 35.106,
                    date(year, 6, 8), 2, 14, 1200.0),
        _fire_event("burn-zhicheng-wheat-jun", "burning_cluster", "severe", 112.575, 35.006,
                    date(year, 6, 4), 2, 10, 1000.0),
        _fire_event("burn-wulongkou-wheat-jun", "burning_cluster", "mild", 112.655, 35.196,
                    date(year, 6, 12), 1, 5, 800.0),
        _fire_event("burn-kejing-maize-oct", "burning_cluster", "severe", 112.588, 35.198,
                    date(year, 10, 12), 2, 12, 1100.0),
        _fire_event("burn-lilin-maize-oct", "burning_cluster", "mild", 112.748, 35.122,
                    date(year, 10, 20), 1, 5, 800.0),
        _fire_event("heat-steel-plant", "industrial_heat", "severe", steel.lon, steel.lat,
                    date(year, 1, 1), 365, 30, 150.0, source_id=steel.id),
        _fire_event("heat-coking-plant", "industrial_heat", "mild", coking.lon, coking.lat,
                    date(year, 2, 1), 300, 18, 120.0, source_id=coking.id),
        _dust_reading("road-load-jiaoke-mar", "road_dust_load", "severe", "demo-road-01", 3, year, 1.35),
        _dust_reading("road-load-fengtian-nov", "road_dust_load", "mild", "demo-road-02", 11, year, 0.95),
        _dust_reading("dustfall-kejing-site-apr", "dustfall", "severe", "demo-site-01", 4, year, 12.4),
        _dust_reading("dustfall-zhicheng-pile-may", "dustfall", "mild", "demo-pile-03", 5, year, 8.3),
    )


def controls() -> tuple[Control, ...]:
    """Candidates where nothing was planted (no dust episode, no SO2 spike, no heat)."""
    station = station_by_code("JY-M-04")
    cement = ENTERPRISE_BY_ID["demo-ent-07"]
    return (
        Control("compliant-site-lilin", "six-100% compliant site with a micro-station beside it: no dust "
                "episode all year", "JY-M-04", "demo-site-17", station.lon, station.lat),
        Control("quiet-cement-dayu", "cement plant with a micro-station 1 km east: no SO2 spike and no "
                "heat detections", "JY-M-38", cement.id, cement.lon, cement.lat),
    )
