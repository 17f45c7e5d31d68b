"""`demo --files DIR`: the demo region as the files a city hands over — one per register, with the templates'
headers and the words officials write (柴油, 国五, 是/否), boundaries as GeoJSON, fires as FIRMS downloads,
land cover as a GeoTIFF — for `import folder DIR` to build the same store from."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import mapping

from core.vocabulary import label
from ingest.demo import demo_frames
from ingest.demo.landcover import LANDCOVER_FILE, write_landcover
from ingest.dust import ROAD_GRADES, SITE_PHASES, SIX_100
from ingest.enterprises import INDUSTRIES
from ingest.fields import spelled
from ingest.grid import LEVELS as GRID_LEVELS
from ingest.grid import POSTS as GRID_POSTS
from ingest.mobile import COLOURS, CROSSINGS, FINDINGS, FUELS
from ingest.polygons import TERRAINS, TOWNSHIP_KINDS, ZONE_KINDS
from ingest.stations import KINDS as STATION_KINDS
from ingest.templates import TEMPLATES

POLLUTANT_NAMES = {"pm25": "PM2.5", "pm10": "PM10", "so2": "SO2", "no2": "NOx", "co": "CO", "pb": "Pb", "zn": "Zn"}
CHINESE_NUMERALS = "零一二三四五六"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def _headers(template: str) -> dict[str, str]:
    """Field name → the header the template shows, so the files carry exactly the templates' headers."""
    return {field.name: field.template_header for field in TEMPLATES[template].columns}


def _table(template: str, columns: dict[str, object]) -> pd.DataFrame:
    headers = _headers(template)
    return pd.DataFrame({headers[name]: values for name, values in columns.items()})


def _yes_no(value) -> str | None:
    return None if value is None else ("是" if value else "否")


def _wkt(geometry) -> str:
    return shapely.to_wkt(geometry, rounding_precision=-1)


def _times(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.strftime(TIME_FORMAT)


def _geojson(path: Path, rows: list[dict], geometries) -> Path:
    """A GeoJSON FeatureCollection in EPSG:4326 with coordinates written in full (shortest round-trip)."""
    features = [{"type": "Feature", "properties": row, "geometry": mapping(geometry)}
                for row, geometry in zip(rows, geometries)]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
                    encoding="utf-8")
    return path


def _townships(frames: dict[str, pd.DataFrame], folder: Path) -> Path:
    townships, city = frames["townships"], frames["admin_units"].set_index("code")["name"]
    headers = _headers("townships")
    rows = [{headers["code"]: row.code, headers["name"]: row.name, headers["kind"]: spelled(TOWNSHIP_KINDS, row.kind),
             headers["name_en"]: row.name_en, headers["terrain"]: spelled(TERRAINS, row.terrain),
             headers["illustrative"]: _yes_no(row.illustrative), headers["city_code"]: row.city_code,
             headers["city"]: city.get(row.city_code)} for row in townships.itertuples()]
    return _geojson(folder / "townships.geojson", rows, shapely.from_wkb(townships["geom_wkb"].to_list()))


def _zones(frames: dict[str, pd.DataFrame], folder: Path) -> Path:
    zones = frames["zones"]
    headers = _headers("zones")
    rows = [{headers["id"]: row.id, headers["name"]: row.name, headers["kind"]: spelled(ZONE_KINDS, row.kind),
             headers["rules"]: row.rules, headers["valid_from"]: f"{row.valid_from:%Y-%m-%d}"}
            for row in zones.itertuples()]
    return _geojson(folder / "zones.geojson", rows, shapely.from_wkb(zones["geom_wkb"].to_list()))


def _stations(frames: dict[str, pd.DataFrame], names: dict[str, str]) -> pd.DataFrame:
    stations = frames["stations"]
    named = stations["township_code"]
    return _table("stations", {"code": stations["code"], "name": stations["name"],
                               "kind": stations["kind"].map(lambda kind: spelled(STATION_KINDS, kind)),
                               "township": named.map(names), "city": stations["city"], "lon": stations["lon"],
                               "lat": stations["lat"]})


def _observations(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    hours = frames["observations"]
    columns = {"station": hours["station_code"], "time": _times(hours["time"])}
    columns.update({name: hours[name] for name in ("pm25", "pm10", "so2", "no2", "o3", "co", "ws", "wd", "temp", "rh")})
    return _table("observations", columns)


def _enterprises(frames: dict[str, pd.DataFrame], names: dict[str, str]) -> pd.DataFrame:
    plants = frames["enterprises"]
    return _table("enterprises", {
        "id": plants["id"], "name": plants["name"], "industry": plants["industry"].map(lambda i: spelled(INDUSTRIES, i)),
        "emits": plants["emits"].map(lambda text: "、".join(POLLUTANT_NAMES[code] for code in json.loads(text))),
        "permit_number": plants["permit_number"], "stack_height_m": plants["stack_height_m"],
        "performance_grade": plants["performance_grade"], "responsible_unit": plants["responsible_unit"],
        "township": plants["township_code"].map(names), "lon": plants["lon"], "lat": plants["lat"],
        "footprint": [_wkt(shape) for shape in shapely.from_wkb(plants["footprint_wkb"].to_list())]})


def _dust_sources(frames: dict[str, pd.DataFrame], names: dict[str, str]) -> pd.DataFrame:
    sources = frames["dust_sources"]
    shapes = shapely.from_wkb(sources["geom_wkb"].to_list())
    attrs = [json.loads(text) for text in sources["attrs"]]
    points = [shape.geom_type == "Point" for shape in shapes]
    return _table("dust-sources", {
        "id": sources["id"], "kind": sources["kind"].map(lambda kind: {"site": "工地", "road": "道路",
                                                                      "stockpile": "堆场"}[kind]),
        "name": sources["name"], "township": sources["township_code"].map(names),
        "responsible_unit": sources["responsible_unit"],
        "area_m2": [item.get("area_m2") for item in attrs],
        "phase": [spelled(SITE_PHASES, item.get("phase")) for item in attrs],
        **{check: [_yes_no(item.get("six_100", {}).get(check)) for item in attrs] for check in SIX_100},
        "grade": [spelled(ROAD_GRADES, item.get("grade")) for item in attrs],
        "lanes": pd.array([item.get("lanes") for item in attrs], dtype="Int64"),
        "material": [item.get("material") for item in attrs],
        "covered": [_yes_no(item.get("covered")) for item in attrs],
        "lon": [shape.x if point else None for shape, point in zip(shapes, points)],
        "lat": [shape.y if point else None for shape, point in zip(shapes, points)],
        "geometry": [None if point else _wkt(shape) for shape, point in zip(shapes, points)]})


def _dust_readings(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    readings = frames["dust_readings"]
    return _table("dust-readings", {
        "id": readings["id"], "source": readings["source_id"], "place_name": readings["place_name"],
        "date": pd.to_datetime(readings["date"]).dt.strftime("%Y-%m-%d"),
        "road_dust_load": readings["value"].where(readings["metric"] == "road_dust_load"),
        "dustfall": readings["value"].where(readings["metric"] == "dustfall"),
        "lon": readings["lon"], "lat": readings["lat"]})


def _firms(frames: dict[str, pd.DataFrame], source: str) -> pd.DataFrame:
    """A FIRMS download of one product: UTC acq_date and acq_time (HHMM), VIIRS brightness as bright_ti4."""
    fires = frames["fire_points"]
    fires = fires[fires["source"] == source]
    utc = pd.to_datetime(fires["time"]) - pd.Timedelta(hours=8)
    brightness = "bright_ti4" if source == "firms_viirs" else "brightness"
    return pd.DataFrame({"latitude": fires["lat"], "longitude": fires["lon"], brightness: fires["brightness"],
                         "acq_date": utc.dt.strftime("%Y-%m-%d"), "acq_time": utc.dt.strftime("%H%M"),
                         "satellite": fires["satellite"], "instrument": "VIIRS" if source == "firms_viirs" else "MODIS",
                         "confidence": fires["confidence"], "version": "2.0NRT" if source == "firms_viirs" else "6.1NRT",
                         "frp": fires["frp"], "daynight": fires["daynight"]})


def _fleets(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    machinery, trucks = frames["machinery"], frames["trucks"]
    positions, events, coal = frames["machinery_positions"], frames["truck_events"], frames["coal_inspections"]
    return {
        "machinery.xlsx": _table("machinery", {
            "code": machinery["code"], "type": machinery["type"], "emission_stage": machinery["emission_stage_label"],
            "smoke_class": machinery["smoke_class"], "owner": machinery["owner"], "site": machinery["site"],
            "colour_code": machinery["colour_code"].map(lambda colour: spelled(COLOURS, colour))}),
        "machinery_gps.csv": _table("machinery-gps", {"machine_code": positions["machine_code"],
                                                      "time": _times(positions["time"]), "lon": positions["lon"],
                                                      "lat": positions["lat"]}),
        "trucks.xlsx": _table("trucks", {
            "plate": trucks["plate"], "fuel": trucks["fuel"].map(lambda fuel: spelled(FUELS, fuel)),
            "gross_weight_t": trucks["gross_weight_t"],
            "emission_standard": trucks["emission_standard"].map(lambda stage: f"国{CHINESE_NUMERALS[int(stage)]}"),
            "permit_until": trucks["permit_until"].map(lambda day: None if day is None else f"{day:%Y-%m-%d}")}),
        "truck_events.csv": _table("truck-events", {
            "plate": events["plate"], "time": _times(events["time"]), "fence_id": events["fence_id"],
            "crossing": events["crossing"].map(lambda crossing: spelled(CROSSINGS, crossing)),
            "lon": events["lon"], "lat": events["lat"]}),
        "coal_inspections.csv": _table("coal-inspections", {
            "id": coal["id"], "time": _times(coal["time"]),
            "finding": coal["finding"].map(lambda finding: spelled(FINDINGS, finding)), "note": coal["note"],
            "inspector": coal["inspector"], "lon": coal["lon"], "lat": coal["lat"]}),
    }


def _grid(frames: dict[str, pd.DataFrame], names: dict[str, str]) -> dict[str, pd.DataFrame]:
    cells, people = frames["grid_cells"], frames["grid_people"]
    shapes = [_wkt(shapely.from_wkb(wkb)) if isinstance(wkb, bytes) else None for wkb in cells["geom_wkb"]]
    return {
        "grid_cells.xlsx": _table("grid-cells", {
            "code": cells["code"], "name": cells["name"], "level": cells["level"].map(lambda code: spelled(GRID_LEVELS, code)),
            "township": cells["township_code"].map(names), "parent_code": cells["parent_code"], "boundary": shapes}),
        "grid_people.xlsx": _table("grid-people", {
            "id": people["id"], "cell_code": people["cell_code"], "name": people["name"],
            "post": people["post"].map(lambda code: spelled(GRID_POSTS, code)), "phone": people["phone"],
            "email": people["email"],
            "duties": people["duties"].map(lambda text: "全部" if not isinstance(text, str) else "、".join(
                label("task_kind", code, "zh") for code in json.loads(text))),
            "user_name": people["user_name"]}),
    }


def write_demo_files(folder: Path | str, seed: int, year: int) -> list[Path]:
    """Write the demo region of ``seed`` and ``year`` into ``folder`` as register files (CSV, Excel,
    GeoJSON, FIRMS CSV, GeoTIFF); returns the files written. The users and the field-observation tasks
    of a demo store are not registers and are left out."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    frames = demo_frames(seed, year)
    names = dict(zip(frames["townships"]["code"], frames["townships"]["name"]))
    tables = {"stations.xlsx": _stations(frames, names), "observations.csv": _observations(frames),
              "enterprises.xlsx": _enterprises(frames, names), "dust_sources.xlsx": _dust_sources(frames, names),
              "dust_readings.csv": _dust_readings(frames), "firms_modis.csv": _firms(frames, "firms_modis"),
              "firms_viirs.csv": _firms(frames, "firms_viirs"), **_fleets(frames), **_grid(frames, names)}
    written = [_townships(frames, folder), _zones(frames, folder)]
    for name, table in tables.items():
        path = folder / name
        if path.suffix == ".xlsx":
            table.to_excel(path, index=False, engine="xlsxwriter")
        else:
            table.to_csv(path, index=False, encoding="utf-8-sig")
        written.append(path)
    written.append(write_landcover(folder / LANDCOVER_FILE))
    return written

