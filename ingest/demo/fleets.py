"""The demo's mobile sources: ~150 non-road machines with GPS at construction sites, ~400 trucks seen by the
low-emission-zone fences, scattered-coal inspections, and the violations planted among them.

Fleets are random per seed; the planted violations and the compliant look-alikes (controls) are fixed
records below, the single source of truth for the tests: zone checking must find exactly the planted
machinery and truck violations (one per subject and day) and the planted coal findings, nothing else.
Times are naive Beijing time; positions EPSG:4326.

Normal life keeps every banned machine at the mountain quarries (outside the 禁高区) and every banned
truck outside the low-emission zone; a planted event moves one of them in on its days.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Polygon

from ingest.demo.geography import LOW_EMISSION_CORE, OUTLINE, URBAN_AREA, Zone
from ingest.demo.layout import DUST_SOURCES

FLEET_MONTHS = (3, 6)            # machinery GPS and fence events from March to June
HEATING_MONTHS = (1, 2, 3, 11, 12)
WORK_HOURS = range(7, 19)        # machines report hourly from 07:00 to 18:00
MACHINES, TRUCKS, INSPECTIONS = 150, 400, 320
JITTER_DEG = 0.0004              # about 40 m of GPS scatter around a site

PLAIN_SITES = tuple((s.id, s.name, s.anchor) for s in DUST_SOURCES if s.kind == "site")
# Quarries and road works in the mountain townships, outside the 禁高区, where old machines may work.
MOUNTAIN_SITES = (("demo-quarry-sili", "思礼镇采石场（示例）", (112.432, 35.152)),
                  ("demo-quarry-dayu", "大峪镇采石场（示例）", (112.405, 34.978)),
                  ("demo-road-potou", "坡头镇道路工程（示例）", (112.515, 34.965)),
                  ("demo-road-wangwu", "王屋镇道路工程（示例）", (112.272, 35.168)))
MACHINE_TYPES = ("挖掘机", "装载机", "压路机", "推土机", "汽车起重机", "叉车", "摊铺机")
OWNERS = ("济源建工集团（示例）", "豫北路桥公司（示例）", "中原建设公司（示例）", "济源水务工程（示例）", "个体机主")


@dataclass(frozen=True)
class Machine:
    code: str
    type: str
    stage: int            # 0 = before China I, 1..4 = China I..IV
    smoke_class: int
    colour: str
    owner: str
    site_id: str


@dataclass(frozen=True)
class Truck:
    plate: str
    fuel: str
    weight_t: float
    standard: int
    permit_until: date | None


@dataclass(frozen=True)
class PlantedViolation:
    """A violation planted for zone checking to find: subject (machinery, truck, coal), its id, the
    Beijing day, the zone it breaks and how."""
    key: str
    subject: str
    subject_id: str
    day: date
    zone_id: str
    description: str


@dataclass(frozen=True)
class FleetControl:
    """A compliant look-alike zone checking must not flag."""
    key: str
    subject: str
    subject_id: str
    day: date
    description: str


def _colour(stage: int, smoke: int) -> str:
    if stage <= 1 or smoke > 3:
        return "red"
    return {2: "yellow", 3: "blue"}.get(stage, "green")


def _planted_machines() -> tuple[Machine, ...]:
    return (
        Machine("JY-NR-9001", "挖掘机", 2, 2, "yellow", "个体机主", "demo-quarry-sili"),
        Machine("JY-NR-9002", "装载机", 1, 3, "red", "豫北路桥公司（示例）", "demo-quarry-dayu"),
        Machine("JY-NR-9003", "压路机", 3, 4, "red", "中原建设公司（示例）", "demo-road-potou"),
        # Controls: an old machine carried across the plain at night, a China III machine at the
        # smoke limit (class III is allowed), both at work in the zone.
        Machine("JY-NR-9004", "推土机", 0, 3, "red", "个体机主", "demo-road-wangwu"),
        Machine("JY-NR-9005", "挖掘机", 3, 3, "blue", "济源建工集团（示例）", "demo-site-14"),
    )


def _planted_trucks(year: int) -> tuple[Truck, ...]:
    return (
        Truck("豫U9A001", "diesel", 18.0, 4, None),
        Truck("豫U9A002", "diesel", 25.0, 3, None),
        Truck("豫U9A003", "diesel", 31.0, 4, date(year, 5, 10)),   # permit expired before its visit
        Truck("豫U9A004", "diesel", 49.0, 4, None),                # seen only by a gate camera
        # Controls: last day of a valid permit, just under the weight limit, a gas truck.
        Truck("豫U9C001", "diesel", 18.0, 4, date(year, 4, 22)),
        Truck("豫U9C002", "diesel", 3.4, 3, None),
        Truck("豫U9C003", "gas", 25.0, 4, None),
    )


def planted_violations(year: int) -> tuple[PlantedViolation, ...]:
    """Every machinery, truck and coal violation planted in the demo for ``year``."""
    nonroad, lez, coal = "demo-zone-nonroad", "demo-zone-lez", "demo-zone-coal"
    return (
        PlantedViolation("nonroad-china2-kejing", "machinery", "JY-NR-9001", date(year, 4, 8), nonroad,
                         "China II excavator from the Sili quarry working at 克井镇物流园工地"),
        PlantedViolation("nonroad-china2-kejing-2", "machinery", "JY-NR-9001", date(year, 4, 9), nonroad,
                         "the same excavator back the next day"),
        PlantedViolation("nonroad-china1-zhicheng", "machinery", "JY-NR-9002", date(year, 5, 14), nonroad,
                         "China I loader working at 轵城镇产业园工地"),
        PlantedViolation("nonroad-smoke-qinyuan", "machinery", "JY-NR-9003", date(year, 3, 19), nonroad,
                         "China III roller with smoke class IV at 沁园街道商业综合体工地"),
        PlantedViolation("lez-china4-no-permit", "truck", "豫U9A001", date(year, 3, 12), lez,
                         "18 t China IV diesel truck in the low-emission zone without a permit"),
        PlantedViolation("lez-china3-day1", "truck", "豫U9A002", date(year, 4, 2), lez,
                         "25 t China III diesel truck in the zone"),
        PlantedViolation("lez-china3-day2", "truck", "豫U9A002", date(year, 4, 3), lez,
                         "the same truck again the next day"),
        PlantedViolation("lez-expired-permit", "truck", "豫U9A003", date(year, 5, 20), lez,
                         "31 t China IV truck whose permit ended on 10 May"),
        PlantedViolation("lez-gate-camera", "truck", "豫U9A004", date(year, 6, 5), lez,
                         "49 t China IV truck seen entering by a fence gate camera (no GPS)"),
        PlantedViolation("coal-sale-urban", "coal", "demo-coal-9001", date(year, 1, 9), coal,
                         "bagged scattered coal for sale at a shop in the city"),
        PlantedViolation("coal-use-zhicheng", "coal", "demo-coal-9002", date(year, 12, 3), coal,
                         "a household burning scattered coal near 轵城 seat"),
        PlantedViolation("coal-sale-kejing", "coal", "demo-coal-9003", date(year, 2, 17), coal,
                         "a coal yard selling loose coal near 克井 seat"),
    )


def fleet_controls(year: int) -> tuple[FleetControl, ...]:
    """The compliant look-alikes planted beside the violations."""
    return (
        FleetControl("night-transport", "machinery", "JY-NR-9004", date(year, 4, 15),
                     "before-China-I dozer carried across the plain 22:00–05:00, outside work hours"),
        FleetControl("smoke-at-limit", "machinery", "JY-NR-9005", date(year, 3, 19),
                     "China III excavator with smoke class III (the limit itself) at a city site"),
        FleetControl("permit-last-day", "truck", "豫U9C001", date(year, 4, 22),
                     "China IV truck in the zone on the last day of its permit"),
        FleetControl("light-truck", "truck", "豫U9C002", date(year, 4, 22), "3.4 t China III diesel truck"),
        FleetControl("gas-truck", "truck", "豫U9C003", date(year, 4, 22), "25 t China IV LNG truck"),
        FleetControl("coal-outside-ban", "coal", "demo-coal-9004", date(year, 1, 20),
                     "scattered coal in use in a mountain village outside the coal-ban area"),
    )


def _site_positions() -> dict[str, tuple[float, float]]:
    return {site_id: anchor for site_id, _, anchor in PLAIN_SITES + MOUNTAIN_SITES}


def _fleet(rng: np.random.Generator) -> list[Machine]:
    """Random machines: new ones (China III/IV, clean) anywhere, old ones only at the mountain sites."""
    plain = [site_id for site_id, _, _ in PLAIN_SITES]
    mountain = [site_id for site_id, _, _ in MOUNTAIN_SITES]
    machines = []
    for number in range(1, MACHINES - len(_planted_machines()) + 1):
        old = rng.random() < 0.16
        stage = int(rng.choice([0, 1, 2], p=[0.15, 0.35, 0.5])) if old else int(rng.choice([3, 4], p=[0.6, 0.4]))
        smoke = int(rng.choice([2, 3, 4], p=[0.5, 0.3, 0.2])) if old else int(rng.choice([0, 1, 2], p=[0.4, 0.45, 0.15]))
        site = str(rng.choice(mountain)) if old else str(rng.choice(plain + mountain))
        machines.append(Machine(f"JY-NR-{number:04d}", str(rng.choice(MACHINE_TYPES)), stage, smoke,
                                _colour(stage, smoke), str(rng.choice(OWNERS)), site))
    return machines + list(_planted_machines())


def _working_days(year: int) -> pd.DatetimeIndex:
    days = pd.date_range(date(year, FLEET_MONTHS[0], 1), date(year, FLEET_MONTHS[1] + 1, 1) - timedelta(days=1))
    return days[days.day_of_week < 6]


def _fixes(code: str, lon: float, lat: float, day: pd.Timestamp, hours, rng: np.random.Generator) -> pd.DataFrame:
    minutes = rng.integers(0, 10)
    return pd.DataFrame({"machine_code": code,
                         "time": [day + pd.Timedelta(hours=int(hour), minutes=int(minutes)) for hour in hours],
                         "lon": np.round(lon + rng.normal(0, JITTER_DEG, len(hours)), 6),
                         "lat": np.round(lat + rng.normal(0, JITTER_DEG, len(hours)), 6)})


def _machinery_frames(year: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    machines = _fleet(rng)
    sites = _site_positions()
    names = {site_id: name for site_id, name, _ in PLAIN_SITES + MOUNTAIN_SITES}
    planted = {(v.subject_id, pd.Timestamp(v.day)): v for v in planted_violations(year) if v.subject == "machinery"}
    moved_to = {"nonroad-china2-kejing": "demo-site-02", "nonroad-china2-kejing-2": "demo-site-02",
                "nonroad-china1-zhicheng": "demo-site-08", "nonroad-smoke-qinyuan": "demo-site-14"}
    days = _working_days(year)
    frames = []
    for machine in machines:
        home = sites[machine.site_id]
        worked = days[rng.random(len(days)) < 0.6]
        own_planted = [day for code, day in planted if code == machine.code]
        for day in worked.union(pd.DatetimeIndex(own_planted)):
            event = planted.get((machine.code, day))
            lon, lat = sites[moved_to[event.key]] if event else home
            frames.append(_fixes(machine.code, lon, lat, day, WORK_HOURS, rng))
    night = pd.Timestamp(fleet_controls(year)[0].day)
    # The night transport runs from 22:00 to 05:00 across the plain (克井 → 五龙口 sites).
    start, finish = sites["demo-site-02"], sites["demo-site-11"]
    steps = np.linspace(0.0, 1.0, 8)
    frames.append(pd.DataFrame({"machine_code": "JY-NR-9004",
                                "time": [night + pd.Timedelta(hours=22 + hour) for hour in range(8)],
                                "lon": np.round(start[0] + (finish[0] - start[0]) * steps, 6),
                                "lat": np.round(start[1] + (finish[1] - start[1]) * steps, 6)}))
    registry = pd.DataFrame({
        "code": [m.code for m in machines], "type": [m.type for m in machines],
        "emission_stage": [m.stage for m in machines],
        "emission_stage_label": ["国一前" if m.stage == 0 else f"国{'一二三四'[m.stage - 1]}" for m in machines],
        "smoke_class": [m.smoke_class for m in machines], "owner": [m.owner for m in machines],
        "site": [names[m.site_id] for m in machines], "colour_code": [m.colour for m in machines]})
    positions = pd.concat(frames, ignore_index=True).drop_duplicates(["machine_code", "time"])
    return registry, positions.sort_values(["machine_code", "time"], ignore_index=True)


def _random_points(area: Polygon, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``count`` points drawn uniformly inside ``area`` (EPSG:4326), by rejection."""
    west, south, east, north = area.bounds
    lons, lats = np.empty(0), np.empty(0)
    shapely.prepare(area)
    while len(lons) < count:
        x, y = rng.uniform(west, east, count * 3), rng.uniform(south, north, count * 3)
        keep = shapely.contains_xy(area, x, y)
        lons, lats = np.concatenate([lons, x[keep]]), np.concatenate([lats, y[keep]])
    return np.round(lons[:count], 6), np.round(lats[:count], 6)


def _truck_fleet(year: int, rng: np.random.Generator) -> list[Truck]:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    kinds = (("diesel", (12, 49), (5, 6), "permitless", 150), ("diesel", (12, 49), (4, 4), "permit", 60),
             ("diesel", (12, 49), (3, 4), "banned", 60), ("diesel", (1.8, 3.4), (3, 5), "light", 50),
             ("gas", (12, 49), (4, 6), "gas", 40), ("electric", (1.5, 4.5), (6, 6), "clean", 40))
    trucks, number = [], 0
    for fuel, (low, high), (worst, best), role, count in kinds:
        for _ in range(count - (len(_planted_trucks(year)) if role == "permitless" else 0)):
            number += 1
            plate = f"豫U{letters[number % len(letters)]}{number:04d}"
            permit = date(year, 12, 31) if role == "permit" else None
            trucks.append(Truck(plate, fuel, round(float(rng.uniform(low, high)), 1),
                                int(rng.integers(worst, best + 1)), permit))
    return trucks + list(_planted_trucks(year))


def _truck_frames(year: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    trucks = _truck_fleet(year, rng)
    inside_area = LOW_EMISSION_CORE.buffer(-0.002)
    outside_area = URBAN_AREA.buffer(0.03).intersection(OUTLINE).difference(LOW_EMISSION_CORE.buffer(0.003))
    first = datetime(year, FLEET_MONTHS[0], 1)
    span_s = (datetime(year, FLEET_MONTHS[1] + 1, 1) - first).total_seconds()
    frames = []
    for truck in trucks:
        if truck.plate.startswith("豫U9"):
            continue
        banned = truck.fuel == "diesel" and truck.weight_t >= 3.5 and truck.standard <= 4 and truck.permit_until is None
        count = int(rng.integers(20, 60))
        inside = np.zeros(count, dtype=bool) if banned else rng.random(count) < 0.5
        lons, lats = np.empty(count), np.empty(count)
        lons[inside], lats[inside] = _random_points(inside_area, int(inside.sum()), rng)
        lons[~inside], lats[~inside] = _random_points(outside_area, int((~inside).sum()), rng)
        times = first + pd.to_timedelta(np.sort(rng.choice(int(span_s // 60), count, replace=False)), unit="min")
        frames.append(pd.DataFrame({"plate": truck.plate, "time": times, "lon": lons, "lat": lats,
                                    "fence_id": None, "crossing": None}))
    frames.append(_planted_truck_events(year, rng, inside_area))
    registry = pd.DataFrame({"plate": [t.plate for t in trucks], "fuel": [t.fuel for t in trucks],
                             "gross_weight_t": [t.weight_t for t in trucks],
                             "emission_standard": [t.standard for t in trucks],
                             "permit_until": pd.Series([t.permit_until for t in trucks], dtype=object)})
    events = pd.concat(frames, ignore_index=True).drop_duplicates(["plate", "time"])
    return registry, events.sort_values(["plate", "time"], ignore_index=True)


def _planted_truck_events(year: int, rng: np.random.Generator, inside_area: Polygon) -> pd.DataFrame:
    """Three sightings inside the zone on each planted or control day (morning, noon, afternoon);
    the gate-camera truck only crosses the fence, with no position."""
    rows = []
    visits = [(v.subject_id, v.day) for v in planted_violations(year) if v.subject == "truck"]
    visits += [(c.subject_id, c.day) for c in fleet_controls(year) if c.subject == "truck"]
    for plate, day in visits:
        if plate == "豫U9A004":
            rows.append({"plate": plate, "time": datetime.combine(day, time(10, 17)), "lon": np.nan, "lat": np.nan,
                         "fence_id": "demo-zone-lez", "crossing": "in"})
            continue
        lons, lats = _random_points(inside_area, 3, rng)
        for hour, lon, lat in zip((9, 12, 15), lons, lats):
            rows.append({"plate": plate, "time": datetime.combine(day, time(hour, int(rng.integers(0, 60)))),
                         "lon": lon, "lat": lat, "fence_id": None, "crossing": None})
    return pd.DataFrame(rows)


def _coal_frame(year: int, zone_list: list[Zone], rng: np.random.Generator) -> pd.DataFrame:
    """Routine inspections (nothing found) inside and outside the coal-ban area in the heating
    months, plus the planted findings and the outside-the-ban control."""
    coal_ban = next(zone.geom for zone in zone_list if zone.kind == "coal_ban")
    days = pd.date_range(date(year, 1, 1), date(year, 12, 31))
    days = days[days.month.isin(HEATING_MONTHS)]
    inside = rng.random(INSPECTIONS) < 0.7
    lons, lats = np.empty(INSPECTIONS), np.empty(INSPECTIONS)
    lons[inside], lats[inside] = _random_points(coal_ban, int(inside.sum()), rng)
    lons[~inside], lats[~inside] = _random_points(OUTLINE.difference(coal_ban.buffer(0.002)), int((~inside).sum()), rng)
    chosen = days[rng.integers(0, len(days), INSPECTIONS)]
    times = chosen + pd.to_timedelta(rng.integers(8 * 60, 17 * 60, INSPECTIONS), unit="min")
    routine = pd.DataFrame({"id": [f"demo-coal-{i:04d}" for i in range(1, INSPECTIONS + 1)], "time": times,
                            "lon": lons, "lat": lats, "finding": "none", "note": "未发现散煤",
                            "inspector": rng.choice(["王建国", "李红", "赵磊", "陈静"], INSPECTIONS)})
    planted_places = {"demo-coal-9001": (112.611, 35.094, "sale", "门店销售袋装散煤"),
                      "demo-coal-9002": (112.600, 35.034, "use", "居民燃用散煤取暖"),
                      "demo-coal-9003": (112.548, 35.174, "sale", "煤场零售散煤"),
                      "demo-coal-9004": (112.215, 35.120, "use", "山区村民燃用散煤（禁煤区外）")}
    days_by_id = {item.subject_id: item.day for item in (*planted_violations(year), *fleet_controls(year))
                  if item.subject == "coal"}
    planted = pd.DataFrame([{"id": key, "time": datetime.combine(days_by_id[key], time(10, 30)), "lon": lon,
                             "lat": lat, "finding": finding, "note": note, "inspector": "王建国"}
                            for key, (lon, lat, finding, note) in planted_places.items()])
    return pd.concat([routine, planted], ignore_index=True)


def fleet_frames(zone_list: list[Zone], year: int, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """The mobile-source tables of the demo (machinery, machinery_positions, trucks, truck_events,
    coal_inspections) as DataFrames with lon/lat in EPSG:4326."""
    machinery, positions = _machinery_frames(year, rng)
    trucks, events = _truck_frames(year, rng)
    return {"machinery": machinery, "machinery_positions": positions, "trucks": trucks,
            "truck_events": events, "coal_inspections": _coal_frame(year, zone_list, rng)}
