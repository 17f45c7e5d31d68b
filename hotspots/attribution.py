"""Source tracing (精准溯源): candidate sources upwind of a hotspot, with geodesic distance and bearing."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod, Transformer

from hotspots.config import HotspotConfig

GEOD = Geod(ellps="WGS84")


def bearing_distance(from_lon: float | np.ndarray, from_lat: float | np.ndarray, to_lon: np.ndarray,
                     to_lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Azimuth (degrees clockwise from north, 0–360) and geodesic distance (m, WGS84) from the first
    point(s) to the second (EPSG:4326)."""
    to_lon, to_lat = np.asarray(to_lon, float), np.asarray(to_lat, float)
    azimuth, _, metres = GEOD.inv(np.broadcast_to(from_lon, to_lon.shape).astype(float),
                                  np.broadcast_to(from_lat, to_lat.shape).astype(float), to_lon, to_lat)
    return np.asarray(azimuth) % 360.0, np.asarray(metres)


def angle_difference(a: float | np.ndarray, b: float | np.ndarray) -> np.ndarray:
    """Smallest absolute difference between two directions in degrees (0–180), across north:
    350° and 10° differ by 20°."""
    return np.abs((np.asarray(a, float) - np.asarray(b, float) + 180.0) % 360.0 - 180.0)


def in_upwind_sector(bearing_to_source: np.ndarray, wind_from: float, half_width_deg: float) -> np.ndarray:
    """True where a source lies in the sector the wind came from (wind_from ± half_width_deg, degrees
    the wind blows FROM, 0 = north). A missing wind direction puts every bearing in the sector."""
    if wind_from is None or np.isnan(wind_from):
        return np.ones(np.shape(bearing_to_source), dtype=bool)
    return angle_difference(bearing_to_source, wind_from) <= half_width_deg


def attribute(hotspots: pd.DataFrame, sources: gpd.GeoDataFrame, config: HotspotConfig) -> pd.Series:
    """Candidate sources of each hotspot, nearest first (a list of dicts per row, aligned to ``hotspots``).

    ``hotspots`` has lon, lat (EPSG:4326), wind_from (degrees the wind came from, NaN when unknown),
    wind_speed (m/s), pollutant (None for any), start, end (naive Beijing). ``sources`` (EPSG:4326) has
    id, kind (enterprise, site, road, stockpile, fire), name, emits (list of pollutants; empty = any)
    and start/end (NaT for permanent sources; fire clusters are active from their first to last
    detection). A source counts if it emits the pollutant, was active within a day of the hotspot,
    lies within ``source_radius_m`` of it and either in the upwind sector (wind_from ±
    sector_half_width_deg), within ``near_field_m``, or the wind was calmer than ``calm_ws`` (or
    unknown). Each candidate: id, kind, name, distance_m (geodesic, to the source's nearest point),
    bearing_deg (from the hotspot, 0 = north), upwind (inside the sector).
    """
    result = pd.Series([[] for _ in range(len(hotspots))], index=hotspots.index, dtype=object)
    if hotspots.empty or sources.empty:
        return result
    crs = gpd.GeoSeries.from_xy(hotspots["lon"], hotspots["lat"], crs="EPSG:4326").estimate_utm_crs()
    to_wgs84 = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    projected = sources.geometry.to_crs(crs).to_numpy()
    here = gpd.GeoSeries.from_xy(hotspots["lon"], hotspots["lat"], crs="EPSG:4326").to_crs(crs).to_numpy()
    emits = sources["emits"].to_numpy()
    source_start = pd.to_datetime(sources["start"]).to_numpy() if "start" in sources else None
    source_end = pd.to_datetime(sources["end"]).to_numpy() if "start" in sources else None
    slack = np.timedelta64(1, "D")
    ids, kinds, names = sources["id"].to_numpy(), sources["kind"].to_numpy(), sources["name"].to_numpy()
    for position, (index, hotspot) in enumerate(hotspots.iterrows()):
        pollutant = hotspot.get("pollutant")
        relevant = np.ones(len(sources), dtype=bool)
        if isinstance(pollutant, str):
            relevant &= np.array([not listed or pollutant in listed for listed in emits])
        if source_start is not None:
            timed = ~np.isnat(source_start)
            overlaps = ((source_start <= np.datetime64(hotspot["end"]) + slack)
                        & (source_end >= np.datetime64(hotspot["start"]) - slack))
            relevant &= ~timed | overlaps
        rows = np.flatnonzero(relevant)
        if len(rows) == 0:
            continue
        nearest = shapely.get_point(shapely.shortest_line(projected[rows], here[position]), 0)
        to_lon, to_lat = to_wgs84.transform(shapely.get_x(nearest), shapely.get_y(nearest))
        bearings, metres = bearing_distance(hotspot["lon"], hotspot["lat"], to_lon, to_lat)
        wind_from = float(hotspot.get("wind_from")) if pd.notna(hotspot.get("wind_from")) else float("nan")
        upwind = in_upwind_sector(bearings, wind_from, config.sector_half_width_deg) & ~np.isnan(wind_from)
        speed = hotspot.get("wind_speed")
        calm = not (pd.notna(speed) and speed >= config.calm_ws) or np.isnan(wind_from)
        keep = (metres <= config.source_radius_m) & (upwind | (metres <= config.near_field_m) | calm)
        chosen = np.flatnonzero(keep)
        chosen = chosen[np.argsort(metres[chosen], kind="stable")][: config.max_sources]
        result.at[index] = [{"id": ids[rows[i]], "kind": kinds[rows[i]], "name": names[rows[i]],
                             "distance_m": round(float(metres[i]), 1), "bearing_deg": round(float(bearings[i]), 1),
                             "upwind": bool(upwind[i])} for i in chosen]
    return result
