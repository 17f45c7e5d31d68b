"""The demo region's fixed layout: Jiyuan-like outline, illustrative township polygons, zones, stations.

Everything here is the same for every seed (a region does not move when the weather is re-rolled);
coordinates are EPSG:4326 lon/lat. Township polygons are generated (Voronoi cells of approximate real
township seats clipped to a simplified city outline) and are illustrative, not official boundaries.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box
from shapely.ops import unary_union

GEOD = Geod(ellps="WGS84")
TOWNSHIP_SOURCE = "demo (illustrative)"
DEMO_SOURCE = "demo"
CITY = "济源市"
CITY_CODE = "419001"  # a city directly under Henan province, with no counties between it and its townships

# The city boundary simplified to ~2 km (drawn after the public Jiyuan outline, 112.04–112.77 E, 34.89–35.28 N).
OUTLINE = Polygon([
    (112.735, 35.043), (112.505, 34.942), (112.536, 34.896), (112.497, 34.896), (112.280, 34.961),
    (112.248, 34.941), (112.154, 35.014), (112.036, 35.031), (112.067, 35.136), (112.041, 35.198),
    (112.082, 35.224), (112.059, 35.280), (112.243, 35.235), (112.301, 35.254), (112.290, 35.217),
    (112.401, 35.242), (112.568, 35.212), (112.637, 35.226), (112.617, 35.247), (112.635, 35.265),
    (112.709, 35.187), (112.758, 35.204), (112.767, 35.110), (112.735, 35.043),
])

# The built-up city that the five streets share; the towns divide the rest of the outline.
URBAN_AREA = Polygon([
    (112.540, 35.072), (112.558, 35.056), (112.640, 35.054), (112.688, 35.072),
    (112.690, 35.114), (112.645, 35.130), (112.560, 35.130), (112.538, 35.110),
])
LOW_EMISSION_CORE = Polygon([
    (112.565, 35.070), (112.640, 35.068), (112.655, 35.090), (112.640, 35.118), (112.570, 35.118),
    (112.556, 35.095),
])

# The Xiaolangdi reservoir follows the southern border; the band is drawn inside the outline.
RESERVOIR_SHORE = LineString([
    (112.036, 35.031), (112.154, 35.014), (112.248, 34.941), (112.280, 34.961), (112.497, 34.896),
    (112.536, 34.896),
])


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    name_en: str
    kind: str        # 'street' (街道) or 'town' (镇)
    terrain: str     # 'urban', 'plain' or 'mountain'
    seat: tuple[float, float]  # approximate real seat, lon/lat


TOWNSHIPS: tuple[Township, ...] = (
    Township("419001001", "沁园街道", "Qinyuan Street", "street", "urban", (112.598, 35.112)),
    Township("419001002", "济水街道", "Jishui Street", "street", "urban", (112.590, 35.078)),
    Township("419001003", "北海街道", "Beihai Street", "street", "urban", (112.626, 35.093)),
    Township("419001004", "天坛街道", "Tiantan Street", "street", "urban", (112.560, 35.095)),
    Township("419001005", "玉泉街道", "Yuquan Street", "street", "urban", (112.665, 35.097)),
    Township("419001100", "克井镇", "Kejing Town", "town", "plain", (112.545, 35.178)),
    Township("419001101", "五龙口镇", "Wulongkou Town", "town", "plain", (112.690, 35.165)),
    Township("419001102", "轵城镇", "Zhicheng Town", "town", "plain", (112.605, 35.030)),
    Township("419001103", "承留镇", "Chengliu Town", "town", "plain", (112.480, 35.060)),
    Township("419001104", "邵原镇", "Shaoyuan Town", "town", "mountain", (112.130, 35.100)),
    Township("419001105", "坡头镇", "Potou Town", "town", "mountain", (112.520, 34.963)),
    Township("419001106", "梨林镇", "Lilin Town", "town", "plain", (112.728, 35.085)),
    Township("419001107", "大峪镇", "Dayu Town", "town", "mountain", (112.410, 34.975)),
    Township("419001108", "思礼镇", "Sili Town", "town", "mountain", (112.435, 35.150)),
    Township("419001109", "王屋镇", "Wangwu Town", "town", "mountain", (112.270, 35.165)),
    Township("419001110", "下冶镇", "Xiaye Town", "town", "mountain", (112.265, 35.010)),
)
TOWNSHIP_BY_CODE = {township.code: township for township in TOWNSHIPS}


def offset(lon: float, lat: float, east_m: float, north_m: float) -> tuple[float, float]:
    """The point ``east_m`` metres east and ``north_m`` metres north of (lon, lat), EPSG:4326."""
    azimuth = float(np.degrees(np.arctan2(east_m, north_m)))
    new_lon, new_lat, _ = GEOD.fwd(lon, lat, azimuth, float(np.hypot(east_m, north_m)))
    return round(float(new_lon), 6), round(float(new_lat), 6)


def bearing(from_lon: float, from_lat: float, to_lon: float, to_lat: float) -> float:
    """Azimuth in degrees (0 = north, clockwise) from the first point towards the second."""
    azimuth, _, _ = GEOD.inv(from_lon, from_lat, to_lon, to_lat)
    return float(azimuth % 360.0)


def _voronoi_cells(seats: list[tuple[float, float]], area: Polygon) -> list[Polygon]:
    """One cell per seat, in seat order, covering ``area`` exactly."""
    diagram = shapely.voronoi_polygons(MultiPoint(seats), extend_to=area.buffer(0.5))
    cells = []
    for lon, lat in seats:
        cell = next(poly for poly in diagram.geoms if poly.contains(Point(lon, lat)))
        cells.append(cell.intersection(area))
    return cells


@lru_cache(maxsize=1)
def township_polygons() -> dict[str, Polygon]:
    """Illustrative township polygons by code (EPSG:4326): the streets split the urban area, the
    towns split the rest of the outline; cells are rounded to 5 decimals so output is stable."""
    streets = [t for t in TOWNSHIPS if t.kind == "street"]
    towns = [t for t in TOWNSHIPS if t.kind == "town"]
    urban = URBAN_AREA.intersection(OUTLINE)
    rural = OUTLINE.difference(urban)
    polygons: dict[str, Polygon] = {}
    for group, area in ((streets, urban), (towns, rural)):
        for township, cell in zip(group, _voronoi_cells([t.seat for t in group], area)):
            if cell.geom_type != "Polygon":
                # A cell cut in two by the city keeps its seat's piece; the rest joins the city's rim.
                cell = max(cell.geoms, key=lambda part: part.area)
            polygons[township.code] = shapely.set_precision(cell, 1e-5)
    return polygons


def plain_and_urban_union() -> Polygon:
    """Union of the plain and urban townships: the 禁高区 (EPSG:4326)."""
    polygons = township_polygons()
    return unary_union([polygons[t.code] for t in TOWNSHIPS if t.terrain in ("urban", "plain")])


def township_at(lon: float, lat: float) -> str | None:
    """Code of the township containing the point, or None outside the region."""
    point = Point(lon, lat)
    for code, polygon in township_polygons().items():
        if polygon.covers(point):
            return code
    return None


def township_codes_at(lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """Township code (object array, None outside) for each point, vectorised."""
    points = shapely.points(lons, lats)
    codes = np.full(len(points), None, dtype=object)
    assigned = np.zeros(len(points), dtype=bool)
    for code, polygon in township_polygons().items():
        inside = shapely.covers(polygon, points) & ~assigned
        codes[inside], assigned[inside] = code, True
    return codes


def town_centres() -> list[Polygon]:
    """Built-up disks around the town seats (EPSG:4326): 900 m on the plain, 500 m in the mountains."""
    disks = []
    for township in TOWNSHIPS:
        if township.kind == "town":
            radius = 900.0 if township.terrain == "plain" else 500.0
            disks.append(circle(*township.seat, radius))
    return disks


def circle(lon: float, lat: float, radius_m: float) -> Polygon:
    """A 32-sided disk of ``radius_m`` metres around (lon, lat), EPSG:4326."""
    angles = np.linspace(0.0, 360.0, 33)[:-1]
    lons, lats, _ = GEOD.fwd(np.full(32, lon), np.full(32, lat), angles, np.full(32, radius_m))
    return Polygon(zip(np.round(lons, 6), np.round(lats, 6)))


def rectangle(lon: float, lat: float, width_m: float, height_m: float) -> Polygon:
    """An axis-aligned rectangle of the given size in metres centred on (lon, lat), EPSG:4326."""
    west, south = offset(lon, lat, -width_m / 2, -height_m / 2)
    east, north = offset(lon, lat, width_m / 2, height_m / 2)
    return box(west, south, east, north)


def reservoir() -> Polygon:
    """The reservoir band along the southern border (EPSG:4326)."""
    return RESERVOIR_SHORE.buffer(0.012).intersection(OUTLINE)


# --- zones -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Zone:
    id: str
    name: str
    kind: str
    rules: dict
    valid_from: str   # ISO date
    geom: Polygon


def zones(industrial_parks: list[Polygon]) -> list[Zone]:
    """The four demo zones: low-emission core, 禁高区 over all plain areas, 禁煤区, 禁燃区.

    The 禁燃区 covers the city, the plain town seats and the industrial parks, so it takes in
    well over 80 % of the built-up land cover."""
    polygons = township_polygons()
    urban = unary_union([polygons[t.code] for t in TOWNSHIPS if t.terrain == "urban"])
    plain_seats = [circle(*t.seat, 1500.0) for t in TOWNSHIPS if t.terrain == "plain"]
    coal_ban = unary_union([urban.buffer(0.03)] + plain_seats).intersection(OUTLINE)
    fuel_ban = unary_union([urban.buffer(0.004)] + plain_seats
                           + [park.buffer(0.003) for park in industrial_parks]).intersection(OUTLINE)
    return [
        Zone("demo-zone-lez", "济源市货运车辆低排放区（示例）", "low_emission",
             {"banned": "diesel trucks >= 3.5 t, China IV and below", "min_weight_t": 3.5,
              "max_banned_standard": 4, "hours": "00:00-24:00"},
             "2021-10-01", LOW_EMISSION_CORE),
        Zone("demo-zone-nonroad", "禁止使用高排放非道路移动机械区域（全市平原地区，示例）", "nonroad_ban",
             {"banned": "non-road mobile machinery below China III or smoke above class III",
              "max_banned_standard": 2, "max_smoke_class": 3, "fence_colours_allowed": ["green", "blue"]},
             "2020-06-01", plain_and_urban_union()),
        Zone("demo-zone-coal", "禁煤区（示例）", "coal_ban",
             {"banned": "scattered coal for heating and cooking", "scattered_coal_cleared": True},
             "2018-10-01", coal_ban),
        Zone("demo-zone-fuel", "高污染燃料禁燃区（示例）", "fuel_ban",
             {"banned": "high-pollution fuels (category III)", "fuel_category": "III"},
             "2019-01-01", fuel_ban),
    ]


def rules_json(zone: Zone) -> str:
    """The zone's rules as JSON text with stable key order."""
    return json.dumps(zone.rules, ensure_ascii=False, sort_keys=True)
