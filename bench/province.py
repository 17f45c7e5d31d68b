"""Deterministic province-scale benchmark data (Henan-sized) written as Parquet into a reusable cache folder.

Usage: .venv/bin/python bench/province.py [--quick] [--data-dir DIR]

The full scale is the issue's: 2,000 township stations × one year of hours (17.5 M rows), 200,000 fire
points, 1,000,000 GPS positions and 500 zone polygons, over Henan's extent (EPSG:4326). Townships are a
grid of squares over that extent: 80 % of them hold one station, the rest two (2,000 stations make
1,800 townships). A folder is reused when its manifest names the same scale and generator version.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

if TYPE_CHECKING:
    from data.store import Store

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = REPO / "data" / "local" / "bench"
# Bump when the generated data change, so cached folders are rebuilt.
GENERATOR_VERSION = 2
# Henan's extent (EPSG:4326), rounded outwards.
WEST, EAST, SOUTH, NORTH = 110.4, 116.6, 31.4, 36.4
SHARED_SHARE = 0.2          # share of stations that sit two to a township
STATION_BLOCK = 250         # stations generated (and written as one row group) at a time
FIRE_PASSES = 20            # daytime satellite passes the fire points fall on
ZONE_KINDS = ("low_emission", "nonroad_ban", "coal_ban", "fuel_ban")


@dataclass(frozen=True)
class Scale:
    """How much data to generate; ``year``'s hours for every station."""

    name: str
    stations: int
    year: int
    fires: int
    positions: int
    zones: int


FULL = Scale("full", stations=2_000, year=2025, fires=200_000, positions=1_000_000, zones=500)
QUICK = Scale("quick", stations=200, year=2025, fires=20_000, positions=100_000, zones=50)


@dataclass(frozen=True)
class ProvinceData:
    """Paths of one generated data set (all Parquet; geometries as WKB in EPSG:4326)."""

    folder: Path
    scale: Scale

    @property
    def observations(self) -> Path:
        """station_code, time (naive Beijing), pm25 pm10 so2 no2 o3 µg/m³, co mg/m³, ws m/s, wd degrees."""
        return self.folder / "observations.parquet"

    @property
    def stations(self) -> Path:
        """code, name, kind ('township'), township_code, lon, lat — the shape `import stations` reads."""
        return self.folder / "stations.parquet"

    @property
    def townships(self) -> Path:
        """GeoParquet: code, name, geometry (squares)."""
        return self.folder / "townships.parquet"

    @property
    def zones(self) -> Path:
        """GeoParquet: id, name, kind, valid_from, valid_to (dates or null), geometry (polygons)."""
        return self.folder / "zones.parquet"

    @property
    def fires(self) -> Path:
        """id, source, time (Beijing), lon, lat, confidence, frp MW, daynight, township_code."""
        return self.folder / "fires.parquet"

    @property
    def positions(self) -> Path:
        """machine_code, time (Beijing), lon, lat: machinery GPS fixes."""
        return self.folder / "positions.parquet"


def township_of(stations: int) -> np.ndarray:
    """Township code of each station: single-station townships first, then pairs."""
    single = int(round(stations * (1 - SHARED_SHARE)))
    index = np.arange(stations)
    township = np.where(index < single, index, single + (index - single) // 2)
    return np.char.add("T", np.char.zfill(township.astype(str), 5))


def _grid(townships: int) -> tuple[int, float, float]:
    """Columns of the township grid and the cell width and height in degrees."""
    columns = int(np.ceil(np.sqrt(townships)))
    rows = int(np.ceil(townships / columns))
    return columns, (EAST - WEST) / columns, (NORTH - SOUTH) / rows


def _township_cells(count: int) -> tuple[np.ndarray, np.ndarray, float, float]:
    columns, width, height = _grid(count)
    index = np.arange(count)
    return WEST + (index % columns) * width, SOUTH + (index // columns) * height, width, height


def township_at(lon: np.ndarray, lat: np.ndarray, townships: int) -> np.ndarray:
    """Code of the grid township holding each point (None outside every township)."""
    columns, width, height = _grid(townships)
    column = np.floor((np.asarray(lon) - WEST) / width).astype(int)
    row = np.floor((np.asarray(lat) - SOUTH) / height).astype(int)
    index = row * columns + column
    inside = (column >= 0) & (column < columns) & (row >= 0) & (index < townships)
    codes = np.char.add("T", np.char.zfill(np.where(inside, index, 0).astype(str), 5)).astype(object)
    codes[~inside] = None
    return codes


def _write_townships(data: ProvinceData) -> None:
    import geopandas as gpd

    count = len(set(township_of(data.scale.stations)))
    west, south, width, height = _township_cells(count)
    frame = gpd.GeoDataFrame({"code": [f"T{i:05d}" for i in range(count)],
                              "name": [f"乡镇{i:04d}" for i in range(count)]},
                             geometry=shapely.box(west, south, west + width, south + height), crs="EPSG:4326")
    frame.to_parquet(data.townships, index=False)


def _write_stations(data: ProvinceData, rng: np.random.Generator) -> None:
    codes = township_of(data.scale.stations)
    index = np.array([int(code[1:]) for code in codes])
    west, south, width, height = _township_cells(int(index.max()) + 1)
    lon = west[index] + width * rng.uniform(0.2, 0.8, index.size)
    lat = south[index] + height * rng.uniform(0.2, 0.8, index.size)
    pd.DataFrame({"code": [f"S{i:05d}" for i in range(index.size)],
                  "name": [f"乡镇站{i:04d}" for i in range(index.size)], "kind": "township",
                  "township_code": codes, "lon": lon.round(5), "lat": lat.round(5)}).to_parquet(data.stations, index=False)


def _write_observations(data: ProvinceData, rng: np.random.Generator) -> None:
    """Hourly rows per station: a province-wide weather-driven swing, a seasonal cycle, a station
    level and hourly noise; O3 follows the sun; ~3 % of values missing; rare SO2 plumes lasting
    three hours (the hotspots a month of detection should find)."""
    scale = data.scale
    times = pd.date_range(f"{scale.year}-01-01", f"{scale.year}-12-31 23:00", freq="h")
    hours = len(times)
    hour_of_day = times.hour.to_numpy()
    season = 1 + 0.5 * np.cos(2 * np.pi * (times.day_of_year.to_numpy() - 15) / 365)
    regional = np.exp(np.convolve(rng.normal(0, 0.08, hours + 47), np.ones(48) / np.sqrt(48), "valid"))
    schema = pa.schema([("station_code", pa.string()), ("time", pa.timestamp("us"))]
                       + [(name, pa.float64()) for name in ("pm25", "pm10", "so2", "no2", "o3", "co", "ws", "wd")])
    with pq.ParquetWriter(data.observations, schema) as writer:
        for first in range(0, scale.stations, STATION_BLOCK):
            count = min(STATION_BLOCK, scale.stations - first)
            shape = (count, hours)
            level = rng.lognormal(0, 0.25, (count, 1))
            noise = rng.lognormal(0, 0.3, shape)
            pm25 = 45 * level * season * regional * noise
            so2 = 12 * level * season * rng.lognormal(0, 0.35, shape)
            plumes = rng.random(shape) < 0.002
            so2[plumes] = 400.0
            so2[:, 1:][plumes[:, :-1]] = 350.0
            so2[:, 2:][plumes[:, :-2]] = 300.0
            sun = np.clip(np.sin(np.pi * (hour_of_day - 6) / 14), 0, None)
            values = {"pm25": pm25, "pm10": pm25 * rng.uniform(1.4, 2.0, shape), "so2": so2,
                      "no2": 30 * level * season * noise ** 0.5, "o3": (40 + 90 * sun / season) * rng.lognormal(0, 0.3, shape),
                      "co": 0.9 * level * season * noise ** 0.5, "ws": rng.gamma(2.0, 1.1, shape),
                      "wd": rng.uniform(0, 360, shape)}
            columns = {"station_code": pa.array(np.repeat([f"S{i:05d}" for i in range(first, first + count)], hours)),
                       "time": pa.array(np.tile(times.to_numpy(), count))}
            for name, value in values.items():
                value[rng.random(shape) < 0.03] = np.nan
                columns[name] = pa.array(np.round(value.ravel(), 3 if name == "co" else 1), from_pandas=True)
            writer.write_table(pa.table(columns, schema=schema))


def _write_fires(data: ProvinceData, rng: np.random.Generator) -> None:
    """70 % of detections in fields of burning (about 15 points within ~800 m on one pass), the rest
    scattered; all on FIRE_PASSES daytime passes from 1 June."""
    count = data.scale.fires
    clustered = int(count * 0.7)
    fields = clustered // 15 + 1
    field_of = rng.integers(0, fields, clustered)
    centre_lon, centre_lat = rng.uniform(WEST + 0.1, EAST - 0.1, fields), rng.uniform(SOUTH + 0.1, NORTH - 0.1, fields)
    lon = np.concatenate([centre_lon[field_of] + rng.normal(0, 0.004, clustered), rng.uniform(WEST, EAST, count - clustered)])
    lat = np.concatenate([centre_lat[field_of] + rng.normal(0, 0.004, clustered), rng.uniform(SOUTH, NORTH, count - clustered)])
    day = np.concatenate([field_of % FIRE_PASSES, rng.integers(0, FIRE_PASSES, count - clustered)])
    pd.DataFrame({"id": [f"F{i:07d}" for i in range(count)], "source": "official",
                  "time": pd.Timestamp(f"{data.scale.year}-06-01 13:00") + pd.to_timedelta(day, unit="D"),
                  "lon": lon.round(5), "lat": lat.round(5),
                  "confidence": rng.choice(np.array(["l", "n", "h"], dtype=object), count),
                  "frp": rng.gamma(1.5, 6.0, count).round(1), "daynight": "D",
                  "township_code": township_at(lon, lat, len(set(township_of(data.scale.stations))))}
                 ).to_parquet(data.fires, index=False)


def _write_zones(data: ProvinceData, rng: np.random.Generator) -> None:
    """Irregular polygons (16–48 vertices, 2–15 km across) around random centres; a quarter with an
    effective-date window, so zone checks exercise the date test too."""
    import geopandas as gpd

    count = data.scale.zones
    centre_lon, centre_lat = rng.uniform(WEST + 0.2, EAST - 0.2, count), rng.uniform(SOUTH + 0.2, NORTH - 0.2, count)
    polygons = []
    for lon, lat in zip(centre_lon, centre_lat):
        vertices = int(rng.integers(16, 49))
        angle = np.sort(rng.uniform(0, 2 * np.pi, vertices))
        radius = rng.uniform(0.01, 0.07) * rng.uniform(0.6, 1.0, vertices)
        polygons.append(shapely.Polygon(np.column_stack([lon + radius * np.cos(angle) / np.cos(np.radians(lat)),
                                                         lat + radius * np.sin(angle)])))
    windowed = rng.random(count) < 0.25
    valid_from = pd.Series(pd.to_datetime(f"{data.scale.year}-04-01"), index=range(count)).where(windowed).dt.date
    valid_to = pd.Series(pd.to_datetime(f"{data.scale.year}-09-30"), index=range(count)).where(windowed).dt.date
    gpd.GeoDataFrame({"id": [f"Z{i:04d}" for i in range(count)], "name": [f"管控区{i:04d}" for i in range(count)],
                      "kind": np.array(ZONE_KINDS)[np.arange(count) % len(ZONE_KINDS)],
                      "valid_from": valid_from.astype(object).where(windowed, None),
                      "valid_to": valid_to.astype(object).where(windowed, None)},
                     geometry=shapely.make_valid(np.array(polygons)), crs="EPSG:4326").to_parquet(data.zones, index=False)


def _write_positions(data: ProvinceData, rng: np.random.Generator) -> None:
    """Machinery GPS: 1,000 machines, each a random walk (~200 m steps) from a home point; half the
    homes lie at a zone's centre, so many fixes fall inside zones."""
    import geopandas as gpd

    count = data.scale.positions
    machines = max(count // 1_000, 10)
    zone_centres = gpd.read_parquet(data.zones).geometry.representative_point()
    home_lon = rng.uniform(WEST, EAST, machines)
    home_lat = rng.uniform(SOUTH, NORTH, machines)
    near_zone = rng.random(machines) < 0.5
    chosen = rng.integers(0, len(zone_centres), machines)
    home_lon = np.where(near_zone, zone_centres.x.to_numpy()[chosen], home_lon)
    home_lat = np.where(near_zone, zone_centres.y.to_numpy()[chosen], home_lat)
    per_machine = count // machines
    steps = rng.normal(0, 0.002, (machines, per_machine, 2)).cumsum(axis=1)
    minutes = np.sort(rng.integers(0, 365 * 24 * 60, (machines, per_machine)), axis=1)
    pd.DataFrame({"machine_code": np.repeat([f"M{i:05d}" for i in range(machines)], per_machine),
                  "time": (pd.Timestamp(f"{data.scale.year}-01-01") + pd.to_timedelta(minutes.ravel(), "min")),
                  "lon": (home_lon[:, None] + steps[..., 0]).ravel().round(6),
                  "lat": (home_lat[:, None] + steps[..., 1]).ravel().round(6)}).to_parquet(data.positions, index=False)


def ensure_data(scale: Scale, data_dir: Path = DEFAULT_DATA_DIR, seed: int = 2025) -> ProvinceData:
    """The data set of ``scale`` under ``data_dir``/<scale name>, generated unless a folder with the
    same scale, seed and generator version is already there."""
    data = ProvinceData(Path(data_dir) / scale.name, scale)
    manifest = {"generator_version": GENERATOR_VERSION, "seed": seed, **asdict(scale)}
    manifest_path = data.folder / "manifest.json"
    if manifest_path.exists() and json.loads(manifest_path.read_text()) == manifest:
        return data
    data.folder.mkdir(parents=True, exist_ok=True)
    manifest_path.unlink(missing_ok=True)
    # One generator per product, so changing one product's recipe leaves the others' data unchanged.
    seeds = np.random.SeedSequence(seed).spawn(5)
    _write_townships(data)
    _write_stations(data, np.random.default_rng(seeds[0]))
    _write_observations(data, np.random.default_rng(seeds[1]))
    _write_fires(data, np.random.default_rng(seeds[2]))
    _write_zones(data, np.random.default_rng(seeds[3]))
    _write_positions(data, np.random.default_rng(seeds[4]))
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return data


def ensure_store(data: ProvinceData) -> Path:
    """The imported store every later figure reads (``data.folder``/import.duckdb), built through the
    importers unless it is there already."""
    db = data.folder / "import.duckdb"
    if not db.exists():
        # Built under another name and renamed once complete, so a load that failed is never taken for one.
        building = db.with_name("import-building.duckdb")
        for leftover in (building, building.with_name(building.name + ".wal")):
            leftover.unlink(missing_ok=True)
        store = load_store(data, building)
        store.release()
        if store.wal_path.exists():
            store.wal_path.rename(db.with_name(db.name + ".wal"))
        building.rename(db)
    return db


def load_store(data: ProvinceData, db: Path, *, observations: bool = True) -> Store:
    """A migrated store at ``db`` holding the data set's townships, zones, stations and fire points,
    loaded through the project's importers, and (with ``observations``) its hourly observations."""
    import geopandas as gpd

    from data.bulk import upsert
    from data.sources import place_fire_points
    from data.store import Store
    from ingest.observations import import_observations
    from ingest.polygons import import_townships, import_zones
    from ingest.stations import import_stations

    store = Store(db, busy_timeout_s=30)
    store.migrate()
    # The polygon importers read GeoJSON (GDAL here has no Parquet driver).
    for source, importer in ((data.townships, import_townships), (data.zones, import_zones)):
        geojson = db.with_name(f"{source.stem}.geojson")
        gpd.read_parquet(source).to_file(geojson, driver="GeoJSON")
        importer(store, [geojson])
    import_stations(store, [data.stations])
    with store.write(spatial=True) as con:
        upsert(con, "fire_points", pd.read_parquet(data.fires), ("id",), geometry="point")
        place_fire_points(con)
    if observations:
        import_observations(store, [data.observations])
    return store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"the quick scale ({QUICK.stations} stations, ...)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    args = parser.parse_args()
    started = time.perf_counter()
    data = ensure_data(QUICK if args.quick else FULL, args.data_dir)
    rows = pq.ParquetFile(data.observations).metadata.num_rows
    print(f"{data.folder}: {rows:,} observation rows, {data.scale.fires:,} fire points, "
          f"{data.scale.positions:,} GPS positions, {data.scale.zones} zones ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
