"""Demo satellite fire points: planted straw-burning clusters, scattered fires, persistent industrial heat —
FIRMS detections (VIIRS and MODIS) as a city downloads them."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from ingest.demo.geography import GEOD, TOWNSHIP_BY_CODE, offset, township_codes_at
from ingest.demo.landcover import CROPLAND, TRANSFORM, landcover_at, landcover_grid
from ingest.demo.layout import ENTERPRISE_BY_ID
from ingest.demo.planted import PlantedEvent
from ingest.firms import fire_point_id

# Satellite overpasses over Jiyuan, Beijing time: VIIRS (N) and Aqua MODIS (A) after noon and after
# midnight, Terra MODIS (T) mid-morning and late evening.
OVERPASSES = {"N": ((13, "D"), (1, "N")), "A": ((13, "D"), (2, "N")), "T": ((10, "D"), (22, "N"))}
SCATTERED_FIRES = 40
SCATTER_CLEARANCE_M = 3000.0   # isolated fires keep this far from any planted cluster
HARVEST_WINDOWS = ((5, 25, 22), (9, 28, 28))  # (month, first day, days): wheat, maize
# Which FIRMS product each satellite's detections come in: VIIRS on Suomi NPP (N), MODIS on Aqua and Terra.
FIRMS_SOURCE = {"N": "firms_viirs", "A": "firms_modis", "T": "firms_modis"}


def _detections(rng: np.random.Generator, days: list[date], lons: np.ndarray, lats: np.ndarray,
                frp_median: float, daytime_share: float) -> pd.DataFrame:
    """Fire detections at the given days and places with realistic satellite attributes."""
    count = len(days)
    satellites = rng.choice(np.array(["N", "N", "A", "T"]), count)
    daytime = rng.random(count) < daytime_share
    rows = []
    for index in range(count):
        satellite = str(satellites[index])
        hour, daynight = OVERPASSES[satellite][0 if daytime[index] else 1]
        minute = int(rng.integers(0, 60))
        when = datetime.combine(days[index], datetime.min.time()) + timedelta(hours=hour, minutes=minute)
        frp = round(float(frp_median * rng.lognormal(0.0, 0.6)), 1)
        if satellite == "N":
            confidence = "h" if frp > 2 * frp_median else str(rng.choice(["n", "n", "l"]))
            brightness = round(float(rng.uniform(315.0, 367.0)), 2)
        else:
            confidence = str(int(rng.integers(45, 100)))
            brightness = round(float(rng.uniform(305.0, 345.0)), 1)
        lon, lat = round(float(lons[index]), 5), round(float(lats[index]), 5)
        source = FIRMS_SOURCE[satellite]
        rows.append({"id": fire_point_id(source, satellite, when, lat, lon), "source": source,
                     "satellite": satellite, "time": when, "lon": lon, "lat": lat,
                     "confidence": confidence, "frp": frp, "brightness": brightness, "daynight": daynight})
    return pd.DataFrame(rows)


def _cropland_points(rng: np.random.Generator, count: int, centre: tuple[float, float], radius_m: float,
                     township_code: str) -> tuple[np.ndarray, np.ndarray]:
    """``count`` points within ``radius_m`` of ``centre`` that fall on cropland in the township."""
    lons, lats = np.empty(0), np.empty(0)
    while len(lons) < count:
        east = rng.uniform(-radius_m, radius_m, 8 * count)
        north = rng.uniform(-radius_m, radius_m, 8 * count)
        inside_circle = np.hypot(east, north) <= radius_m
        candidates = np.array([offset(*centre, e, n) for e, n in zip(east[inside_circle], north[inside_circle])])
        ok = ((landcover_at(candidates[:, 0], candidates[:, 1]) == CROPLAND)
              & (township_codes_at(candidates[:, 0], candidates[:, 1]) == township_code))
        lons, lats = np.concatenate([lons, candidates[ok, 0]]), np.concatenate([lats, candidates[ok, 1]])
    return lons[:count], lats[:count]


def _cluster(rng: np.random.Generator, event: PlantedEvent) -> pd.DataFrame:
    lons, lats = _cropland_points(rng, event.points, (event.lon, event.lat), event.radius_m,
                                  event.township_code)
    first, days = event.start.date(), (event.end.date() - event.start.date()).days + 1
    when = [first + timedelta(days=index % days) for index in range(event.points)]
    return _detections(rng, when, lons, lats, frp_median=8.0, daytime_share=0.8)


def _industrial_heat(rng: np.random.Generator, event: PlantedEvent) -> pd.DataFrame:
    """Detections inside the plant footprint on ``event.points`` different days spread over the window."""
    plant = ENTERPRISE_BY_ID[event.source_id]
    west, south, east, north = plant.footprint.buffer(-0.0005).bounds
    span = (event.end.date() - event.start.date()).days + 1
    chosen = np.sort(rng.choice(span, event.points, replace=False))
    days = [event.start.date() + timedelta(days=int(day)) for day in chosen]
    lons = rng.uniform(west, east, event.points)
    lats = rng.uniform(south, north, event.points)
    return _detections(rng, days, lons, lats, frp_median=18.0, daytime_share=0.5)


def _scattered(rng: np.random.Generator, clusters: list[PlantedEvent], year: int) -> pd.DataFrame:
    """Isolated fires: most in the harvest windows on plain cropland, a few at other times anywhere
    on farmland; all far from the planted clusters so they never join one."""
    rows, cols = np.nonzero(landcover_grid() == CROPLAND)
    lons = TRANSFORM.c + (cols + 0.5) * TRANSFORM.a
    lats = TRANSFORM.f + (rows + 0.5) * TRANSFORM.e
    townships = township_codes_at(lons, lats)
    terrain = np.array([TOWNSHIP_BY_CODE[code].terrain if code else "" for code in townships])
    far = np.ones(len(lons), dtype=bool)
    for event in clusters:
        _, _, metres = GEOD.inv(np.full(len(lons), event.lon), np.full(len(lats), event.lat), lons, lats)
        far &= metres > SCATTER_CLEARANCE_M
    plain = np.flatnonzero(far & (terrain == "plain"))
    anywhere = np.flatnonzero(far & (terrain != ""))
    harvest_count = int(SCATTERED_FIRES * 0.7)
    cells = np.concatenate([rng.choice(plain, harvest_count), rng.choice(anywhere, SCATTERED_FIRES - harvest_count)])
    days = []
    for index in range(SCATTERED_FIRES):
        if index < harvest_count:
            month, first, length = HARVEST_WINDOWS[index % 2]
            days.append(date(year, month, first) + timedelta(days=int(rng.integers(0, length))))
        else:
            days.append(date(year, 1, 1) + timedelta(days=int(rng.integers(0, 365))))
    jitter = TRANSFORM.a * 0.4
    return _detections(rng, days, lons[cells] + rng.uniform(-jitter, jitter, SCATTERED_FIRES),
                       lats[cells] + rng.uniform(-jitter, jitter, SCATTERED_FIRES),
                       frp_median=6.0, daytime_share=0.75)


def fire_points(events: tuple[PlantedEvent, ...], year: int, rng: np.random.Generator) -> pd.DataFrame:
    """All demo fire points with the fire_points table's columns (lon/lat EPSG:4326, Beijing time)."""
    clusters = [event for event in events if event.kind == "burning_cluster"]
    heat = [event for event in events if event.kind == "industrial_heat"]
    frame = pd.concat([_cluster(rng, event) for event in clusters]
                      + [_industrial_heat(rng, event) for event in heat]
                      + [_scattered(rng, clusters, year)], ignore_index=True)
    frame["township_code"] = township_codes_at(frame["lon"].to_numpy(), frame["lat"].to_numpy())
    frame = frame.drop_duplicates("id").sort_values(["time", "id"], ignore_index=True)
    return frame

