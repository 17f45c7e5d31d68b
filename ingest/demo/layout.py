"""The demo region's fixed sources and monitoring network: enterprises, dust sources, stations (EPSG:4326)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from shapely.geometry import LineString, Point, Polygon

from ingest.demo.geography import TOWNSHIPS, offset, rectangle, township_at
from ingest.dust import SIX_100, source_anchor, source_attrs


@dataclass(frozen=True)
class Enterprise:
    id: str
    name: str
    industry: str
    emits: tuple[str, ...]
    lon: float
    lat: float
    width_m: float
    height_m: float
    performance_grade: str      # 绩效分级: A, B, B-, C, D
    stack_height_m: float

    @property
    def permit_number(self) -> str:
        """An illustrative 排污许可证编号 (the real ones are the unified social credit code + 3 digits + a letter)."""
        return f"91419001DEMO{self.id[-2:]}0001P"

    @property
    def footprint(self) -> Polygon:
        """Plant area (EPSG:4326)."""
        return rectangle(self.lon, self.lat, self.width_m, self.height_m)


ENTERPRISES: tuple[Enterprise, ...] = (
    Enterprise("demo-ent-01", "玉川钢铁有限公司（示例）", "steel", ("pm10", "pm25", "so2", "no2", "co"),
               112.676, 35.110, 620, 460, "B", 80.0),
    Enterprise("demo-ent-02", "克井铅冶炼厂（示例）", "lead_zinc", ("so2", "pm10", "pm25", "pb"),
               112.520, 35.165, 480, 360, "C", 60.0),
    Enterprise("demo-ent-03", "思礼锌冶炼厂（示例）", "lead_zinc", ("so2", "pm10", "pm25", "pb", "zn"),
               112.455, 35.135, 420, 320, "C", 55.0),
    Enterprise("demo-ent-04", "五龙口燃煤电厂（示例）", "power", ("so2", "no2", "pm10"),
               112.705, 35.185, 600, 520, "A", 180.0),
    Enterprise("demo-ent-05", "虎岭焦化厂（示例）", "coking", ("so2", "no2", "pm10", "pm25", "co"),
               112.692, 35.138, 520, 400, "B-", 65.0),
    Enterprise("demo-ent-06", "承留水泥厂（示例）", "cement", ("pm10", "pm25", "no2", "so2"),
               112.458, 35.046, 400, 300, "B", 90.0),
    Enterprise("demo-ent-07", "大峪水泥厂（示例）", "cement", ("pm10", "pm25", "no2", "so2"),
               112.430, 34.992, 340, 260, "D", 45.0),
    Enterprise("demo-ent-08", "梨林砖厂（示例）", "brick", ("so2", "pm10"),
               112.738, 35.076, 240, 200, "D", 30.0),
    Enterprise("demo-ent-09", "轵城炭素厂（示例）", "carbon", ("so2", "pm10", "pm25"),
               112.628, 35.018, 300, 240, "C", 50.0),
)
ENTERPRISE_BY_ID = {enterprise.id: enterprise for enterprise in ENTERPRISES}


@dataclass(frozen=True)
class DustSource:
    id: str
    kind: str            # 'site', 'road' or 'stockpile'
    name: str
    coords: tuple[tuple[float, float], ...]   # one point, or the road's vertices
    attrs: dict          # the register's kind details (ingest.dust.source_attrs)
    responsible_unit: str | None = None

    @property
    def geometry(self):
        """Point for sites and stockpiles, LineString for roads (EPSG:4326)."""
        return LineString(self.coords) if self.kind == "road" else Point(self.coords[0])

    @property
    def anchor(self) -> tuple[float, float]:
        """A representative point: the site itself, or the road's midpoint (ingest.dust.source_anchor)."""
        return source_anchor(self.geometry)

    def attrs_json(self) -> str:
        return source_attrs(self.kind, self.attrs)


def _road(number: int, name: str, coords: tuple[tuple[float, float], ...], lanes: int) -> DustSource:
    return DustSource(f"demo-road-{number:02d}", "road", name, coords, {"lanes": lanes, "grade": "arterial"})


def _site(number: int, name: str, lon: float, lat: float, area_m2: int, contractor: str,
          compliant: bool) -> DustSource:
    # A site that breaks the "six 100%" leaves materials uncovered and its roads unhardened.
    checks = {item: compliant or item not in ("covering", "hardening") for item in SIX_100}
    return DustSource(f"demo-site-{number:02d}", "site", name, ((lon, lat),),
                      {"area_m2": area_m2, "phase": "earthwork" if not compliant else "structure", **checks},
                      responsible_unit=contractor)


def _pile(number: int, name: str, lon: float, lat: float, material: str, area_m2: int,
          covered: bool) -> DustSource:
    return DustSource(f"demo-pile-{number:02d}", "stockpile", name, ((lon, lat),),
                      {"material": material, "area_m2": area_m2, "covered": covered})


DUST_SOURCES: tuple[DustSource, ...] = (
    _road(1, "焦克路", ((112.545, 35.175), (112.575, 35.140), (112.610, 35.118), (112.680, 35.105),
                      (112.755, 35.095)), 6),
    _road(2, "丰田路", ((112.600, 35.025), (112.603, 35.060), (112.606, 35.125)), 4),
    _road(3, "玉川大道", ((112.665, 35.060), (112.672, 35.110), (112.690, 35.150)), 6),
    _road(4, "东二环", ((112.650, 35.055), (112.651, 35.090), (112.652, 35.125)), 6),
    _road(5, "金马大道", ((112.620, 35.120), (112.660, 35.140), (112.700, 35.150)), 4),
    _road(6, "海航路", ((112.560, 35.064), (112.630, 35.060), (112.700, 35.066)), 4),
    _site(1, "克井镇安置房项目工地", 112.552, 35.172, 38000, "济源建工集团（示例）", False),
    _site(2, "克井镇物流园工地", 112.532, 35.186, 52000, "豫北路桥公司（示例）", True),
    _site(3, "克井镇学校扩建工地", 112.560, 35.190, 15000, "济源建工集团（示例）", True),
    _site(4, "克井镇厂房工地", 112.528, 35.168, 26000, "中原建设公司（示例）", True),
    _site(5, "克井镇道路改造工地", 112.566, 35.163, 12000, "豫北路桥公司（示例）", True),
    _site(6, "轵城镇商住楼工地", 112.612, 35.036, 41000, "中原建设公司（示例）", True),
    _site(7, "轵城镇污水厂工地", 112.595, 35.022, 18000, "济源水务工程（示例）", True),
    _site(8, "轵城镇产业园工地", 112.620, 35.026, 60000, "济源建工集团（示例）", True),
    _site(9, "轵城镇棚改工地", 112.590, 35.040, 33000, "中原建设公司（示例）", True),
    _site(10, "五龙口镇仓储工地", 112.698, 35.170, 29000, "豫北路桥公司（示例）", False),
    _site(11, "五龙口镇安置区工地", 112.680, 35.158, 36000, "济源建工集团（示例）", True),
    _site(12, "五龙口镇管网工地", 112.708, 35.156, 9000, "济源水务工程（示例）", True),
    _site(13, "五龙口镇厂房工地", 112.675, 35.175, 22000, "中原建设公司（示例）", True),
    _site(14, "沁园街道商业综合体工地", 112.595, 35.103, 47000, "中原建设公司（示例）", True),
    _site(15, "北海街道医院工地", 112.638, 35.086, 21000, "济源建工集团（示例）", True),
    _site(16, "天坛街道住宅工地", 112.572, 35.116, 30000, "豫北路桥公司（示例）", True),
    _site(17, "梨林镇标准化厂房工地", 112.735, 35.091, 24000, "中原建设公司（示例）", True),
    _pile(1, "克井镇煤场", 112.512, 35.176, "煤炭", 16000, False),
    _pile(2, "克井镇砂石料场", 112.575, 35.181, "砂石", 9000, True),
    _pile(3, "轵城镇砂石料场", 112.615, 35.045, "砂石", 14000, False),
    _pile(4, "轵城镇渣土消纳场", 112.584, 35.030, "渣土", 20000, True),
    _pile(5, "五龙口镇煤场", 112.716, 35.171, "煤炭", 18000, True),
    _pile(6, "五龙口镇矿渣堆场", 112.667, 35.152, "矿渣", 11000, True),
    _pile(7, "承留镇石料场", 112.495, 35.066, "石料", 8000, True),
)
DUST_SOURCE_BY_ID = {source.id: source for source in DUST_SOURCES}


@dataclass(frozen=True)
class Station:
    code: str
    name: str
    kind: str                   # 'national', 'township' or 'micro'
    lon: float
    lat: float
    township_code: str | None   # None for the city's national stations
    near: str                   # what drives its local pollution: 'dust', 'road', 'industry' or 'none'

    @property
    def terrain(self) -> str:
        """Terrain of the township the station stands in (national stations are urban)."""
        code = self.township_code or township_at(self.lon, self.lat)
        return next(t.terrain for t in TOWNSHIPS if t.code == code)


def _micro(number: int, label: str, lon: float, lat: float, near: str) -> Station:
    code = township_at(lon, lat)
    township = next(t for t in TOWNSHIPS if t.code == code)
    return Station(f"JY-M-{number:02d}", f"{township.name}{label}微站", "micro", lon, lat, code, near)


def _next_to(source_id: str, east_m: float, north_m: float) -> tuple[float, float]:
    return offset(*DUST_SOURCE_BY_ID[source_id].anchor, east_m, north_m)


def _near_plant(enterprise_id: str, east_m: float, north_m: float) -> tuple[float, float]:
    plant = ENTERPRISE_BY_ID[enterprise_id]
    return offset(plant.lon, plant.lat, east_m, north_m)


def _along(road_id: str, fraction: float) -> tuple[float, float]:
    point = DUST_SOURCE_BY_ID[road_id].geometry.interpolate(fraction, normalized=True)
    return offset(point.x, point.y, 60.0, 60.0)


@lru_cache(maxsize=1)
def stations() -> tuple[Station, ...]:
    """Every demo station: one township station per township at its seat, two national stations in
    the city, and 44 micro-stations next to dust sources, along the key roads, near plants and
    spread over the towns."""
    network: list[Station] = [
        Station("JY-N-01", "济源市监测站", "national", 112.592, 35.092, None, "none"),
        Station("JY-N-02", "济源职业技术学院", "national", 112.628, 35.106, None, "none"),
    ]
    for number, township in enumerate(TOWNSHIPS, start=1):
        network.append(Station(f"JY-T-{number:02d}", f"{township.name}站", "township",
                               township.seat[0], township.seat[1], township.code, "none"))
    micro = [
        ("安置房工地", *_next_to("demo-site-01", 150, 0), "dust"),
        ("砂石料场", *_next_to("demo-pile-03", 0, -120), "dust"),
        ("仓储工地", *_next_to("demo-site-10", 0, 150), "dust"),
        ("标准化厂房工地", *_next_to("demo-site-17", 150, 0), "dust"),
        ("冶炼厂下风向", *_near_plant("demo-ent-02", 2000, -800), "industry"),
        ("电厂下风向", *_near_plant("demo-ent-04", 600, -1900), "industry"),
        ("物流园工地", *_next_to("demo-site-02", -150, 100), "dust"),
        ("学校扩建工地", *_next_to("demo-site-03", 120, -120), "dust"),
        ("道路改造工地", *_next_to("demo-site-05", 0, -180), "dust"),
        ("商住楼工地", *_next_to("demo-site-06", 150, 80), "dust"),
        ("污水厂工地", *_next_to("demo-site-07", -150, 0), "dust"),
        ("产业园工地", *_next_to("demo-site-08", 0, 200), "dust"),
        ("安置区工地", *_next_to("demo-site-11", -120, -120), "dust"),
        ("管网工地", *_next_to("demo-site-12", 150, 0), "dust"),
        ("商业综合体工地", *_next_to("demo-site-14", 0, 150), "dust"),
        ("医院工地", *_next_to("demo-site-15", -150, 0), "dust"),
        ("煤场", *_next_to("demo-pile-01", 0, 150), "dust"),
        ("五龙口煤场", *_next_to("demo-pile-05", 150, 0), "dust"),
        ("石料场", *_next_to("demo-pile-07", 0, -150), "dust"),
    ]
    for road in (source for source in DUST_SOURCES if source.kind == "road"):
        micro += [(f"{road.name}{place}", *_along(road.id, fraction), "road")
                  for place, fraction in (("1号", 0.25), ("2号", 0.75))]
    micro += [
        ("钢铁园区", *_near_plant("demo-ent-01", 900, 900), "industry"),
        ("焦化园区", *_near_plant("demo-ent-05", 0, -1000), "industry"),
        ("锌冶炼园区", *_near_plant("demo-ent-03", 1500, 0), "industry"),
        ("水泥厂", *_near_plant("demo-ent-06", 0, 1200), "industry"),
        ("炭素厂", *_near_plant("demo-ent-09", -1000, 0), "industry"),
        ("砖厂", *_near_plant("demo-ent-08", 0, 800), "industry"),
        ("大峪水泥厂", *_near_plant("demo-ent-07", 1000, 0), "industry"),
        ("西部", *offset(112.480, 35.060, 1500, 800), "none"),
        ("南部", *offset(112.728, 35.085, -1200, -1500), "none"),
        ("东南", *offset(112.605, 35.030, 2000, -1500), "none"),
        ("北部", *offset(112.598, 35.112, 500, 600), "none"),
        ("中心", *offset(112.590, 35.078, -600, -400), "none"),
        ("集镇", *offset(112.520, 34.963, 800, 500), "none"),
    ]
    network += [_micro(number, label, lon, lat, near)
                for number, (label, lon, lat, near) in enumerate(micro, start=1)]
    return tuple(network)


def station_by_code(code: str) -> Station:
    """The demo station with this code."""
    return next(station for station in stations() if station.code == code)

