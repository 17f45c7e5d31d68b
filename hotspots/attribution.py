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


def in_upwind_sector(bearing_to_source: np.ndarray, wind_from: float | np.ndarray, half_width_deg: float) -> np.ndarray:
    """True where a source lies in the sector the wind came from (wind_from ± half_width_deg, degrees
    the wind blows FROM, 0 = north; one direction, or one per bearing). A missing wind direction puts
    every bearing in the sector."""
    wind = np.broadcast_to(np.asarray(np.nan if wind_from is None else wind_from, float), np.shape(bearing_to_source))
    return np.isnan(wind) | (angle_difference(bearing_to_source, wind) <= half_width_deg)


def _column(frame: pd.DataFrame, name: str, fill=np.nan) -> np.ndarray:
    return frame[name].to_numpy() if name in frame else np.full(len(frame), fill, dtype=object)


def _emits(sources: gpd.GeoDataFrame, pollutants: np.ndarray, source_rows: np.ndarray) -> np.ndarray:
    """True where the source of each pair emits the pair's pollutant (or lists none, or the pollutant is
    not a name): one lookup in the exploded (source, pollutant) table instead of a scan per hotspot."""
    listed = sources["emits"].map(lambda emitted: list(emitted) if emitted is not None and len(emitted) else None)
    pairs = pd.DataFrame({"row": np.arange(len(sources)), "listed": listed.to_numpy()}).explode("listed")
    emitting = pd.MultiIndex.from_frame(pairs.dropna()[["row", "listed"]].astype({"row": np.int64, "listed": object}))
    named = np.array([isinstance(pollutant, str) for pollutant in pollutants], dtype=bool)
    unlisted = listed.isna().to_numpy()[source_rows]
    asked = pd.MultiIndex.from_arrays([source_rows.astype(np.int64), pollutants.astype(object)])
    return ~named | unlisted | asked.isin(emitting)


def attribute(hotspots: pd.DataFrame, sources: gpd.GeoDataFrame, config: HotspotConfig) -> pd.Series:
    """Candidate sources of each hotspot, nearest first (a list of dicts per row, aligned to ``hotspots``).

    ``hotspots`` has lon, lat (EPSG:4326), wind_from (degrees the wind came from, NaN when unknown),
    wind_speed (m/s), pollutant (None for any), start, end (naive Beijing). ``sources`` (EPSG:4326) has
    id, kind (enterprise, site, road, stockpile, fire), name, emits (list of pollutants; empty = any)
    and start_time/end_time (NaT for permanent sources; fire clusters are active from their first to last
    detection). A source counts if it emits the pollutant, was active within a day of the hotspot,
    lies within ``source_radius_m`` of it and either in the upwind sector (wind_from ±
    sector_half_width_deg), within ``near_field_m``, or the wind was calmer than ``calm_ws`` (or
    unknown). Each candidate: id, kind, name, distance_m (geodesic, to the source's nearest point),
    bearing_deg (from the hotspot, 0 = north), upwind (inside the sector).

    Pairs are found with an STR-tree in the hotspots' UTM zone with a margin over the radius (UTM
    distorts distances by well under 1 % within a province), then judged by geodesic distance.
    """
    result = pd.Series([[] for _ in range(len(hotspots))], index=hotspots.index, dtype=object)
    if hotspots.empty or sources.empty:
        return result
    points = gpd.GeoSeries.from_xy(hotspots["lon"], hotspots["lat"], crs="EPSG:4326")
    crs = points.estimate_utm_crs()
    to_wgs84 = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    projected = sources.geometry.to_crs(crs).to_numpy()
    here = points.to_crs(crs).to_numpy()
    hot, src = shapely.STRtree(projected).query(here, predicate="dwithin", distance=config.source_radius_m * 1.1)
    if "start_time" in sources:
        source_start = pd.to_datetime(sources["start_time"]).to_numpy()[src]
        source_end = pd.to_datetime(sources["end_time"]).to_numpy()[src]
        slack = np.timedelta64(1, "D")
        overlaps = ((source_start <= hotspots["end_time"].to_numpy()[hot] + slack)
                    & (source_end >= hotspots["start_time"].to_numpy()[hot] - slack))
        active = np.isnat(source_start) | overlaps
        hot, src = hot[active], src[active]
    relevant = _emits(sources, _column(hotspots, "pollutant", None)[hot], src)
    hot, src = hot[relevant], src[relevant]
    if len(hot) == 0:
        return result
    nearest = shapely.get_point(shapely.shortest_line(projected[src], here[hot]), 0)
    to_lon, to_lat = to_wgs84.transform(shapely.get_x(nearest), shapely.get_y(nearest))
    bearings, metres = bearing_distance(hotspots["lon"].to_numpy(float)[hot], hotspots["lat"].to_numpy(float)[hot],
                                        to_lon, to_lat)
    wind_from = pd.to_numeric(pd.Series(_column(hotspots, "wind_from")), errors="coerce").to_numpy(float)[hot]
    speed = pd.to_numeric(pd.Series(_column(hotspots, "wind_speed")), errors="coerce").to_numpy(float)[hot]
    upwind = in_upwind_sector(bearings, wind_from, config.sector_half_width_deg) & ~np.isnan(wind_from)
    calm = ~(speed >= config.calm_ws) | np.isnan(wind_from)
    keep = (metres <= config.source_radius_m) & (upwind | (metres <= config.near_field_m) | calm)
    hot, src, metres, bearings, upwind = hot[keep], src[keep], metres[keep], bearings[keep], upwind[keep]
    order = np.lexsort((src, metres, hot))
    hot, src, metres, bearings, upwind = hot[order], src[order], metres[order], bearings[order], upwind[order]
    first = pd.Series(hot).groupby(hot).cumcount().to_numpy() < config.max_sources
    ids, kinds, names = sources["id"].to_numpy(), sources["kind"].to_numpy(), sources["name"].to_numpy()
    lists = [[] for _ in range(len(hotspots))]
    for h, i, m, b, u in zip(hot[first], src[first], metres[first], bearings[first], upwind[first]):
        lists[h].append({"id": ids[i], "kind": kinds[i], "name": names[i], "distance_m": round(float(m), 1),
                         "bearing_deg": round(float(b), 1), "upwind": bool(u)})
    return pd.Series(lists, index=hotspots.index, dtype=object)
