"""Fire points into events: points chained within a distance per day/night pass, persistent industrial heat, land-cover credibility."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from hotspots.config import HotspotConfig

EARTH_RADIUS_M = 6_371_008.8   # mean Earth radius, the haversine metric's unit sphere scaled to metres


def chained_labels(points: np.ndarray, radius: float, p: float = 2.0) -> np.ndarray:
    """Cluster label of each row of ``points`` (n × d): rows within ``radius`` of each other (Minkowski
    ``p`` distance, inclusive) are linked and every chain is one cluster, numbered 0, 1, … in the order
    of each cluster's first row. Exactly what DBSCAN with min_samples=1 gives (every point is a core
    point, so its clusters are the connected components of the radius graph), by a KD-tree and
    scipy's connected components."""
    if len(points) == 0:
        return np.array([], dtype=np.int64)
    pairs = cKDTree(points).query_pairs(radius, p=p, output_type="ndarray")
    graph = coo_matrix((np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])),
                       shape=(len(points), len(points)))
    return connected_components(graph, directed=False)[1].astype(np.int64)


def haversine_labels(lons: np.ndarray, lats: np.ndarray, eps_m: float) -> np.ndarray:
    """chained_labels of points (EPSG:4326 degrees) linked within ``eps_m`` metres great-circle
    distance. The chord between two unit vectors is 2·sin(d / 2R), monotone in the great-circle
    distance d, so a Euclidean KD-tree on 3-D unit vectors finds exactly the same neighbours."""
    lon, lat = np.radians(np.asarray(lons, dtype=float)), np.radians(np.asarray(lats, dtype=float))
    unit = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    return chained_labels(unit, 2 * np.sin(eps_m / EARTH_RADIUS_M / 2))


def pass_key(times: pd.Series, daynight: pd.Series) -> pd.Series:
    """The satellite pass a detection belongs to: Beijing date plus D or N. Night passes after
    midnight belong to the night that began the evening before, so one night is one event."""
    night = daynight.fillna("").eq("N") | (daynight.isna() & ~times.dt.hour.between(6, 17))
    day = (times - pd.to_timedelta(np.where(night & (times.dt.hour < 12), 1, 0), unit="D")).dt.strftime("%Y-%m-%d")
    return day + np.where(night, "N", "D")


def cluster_fire_points(points: pd.DataFrame, eps_m: float) -> pd.Series:
    """Event label of each fire point: points within ``eps_m`` (chained: haversine_labels)
    in the same pass (pass_key) share a label "<pass>#<n>". ``points`` has time (naive Beijing),
    lon, lat (EPSG:4326) and daynight (D/N or missing)."""
    keys = pass_key(points["time"], points["daynight"])
    labels = pd.Series("", index=points.index, dtype=object)
    for key, group in points.groupby(keys, sort=False):
        found = haversine_labels(group["lon"].to_numpy(), group["lat"].to_numpy(), eps_m)
        labels.loc[group.index] = (key + "#" + pd.Series(found).astype(str)).to_numpy(dtype=object)
    return labels


def fire_places(points: pd.DataFrame, config: HotspotConfig) -> np.ndarray:
    """Place label of each fire point (EPSG:4326): points chained within persistent_radius_m."""
    return haversine_labels(points["lon"].to_numpy(), points["lat"].to_numpy(), config.persistent_radius_m)


def place_days(points: pd.DataFrame, config: HotspotConfig, place: np.ndarray | None = None) -> pd.Series:
    """For each fire point, on how many distinct days its place (fire_places, or ``place`` when already
    labelled) was detected among ``points``."""
    if points.empty:
        return pd.Series(0, index=points.index)
    place = fire_places(points, config) if place is None else place
    days = pd.Series(points["time"].dt.normalize().to_numpy()).groupby(place).nunique()
    return pd.Series(days.reindex(place).to_numpy(), index=points.index)


def persistent_places(points: pd.DataFrame, config: HotspotConfig, place: np.ndarray | None = None) -> pd.Series:
    """True for fire points at a place (fire_places, or ``place`` when already labelled) detected on ≥
    persistent_min_days different days spread over ≥ persistent_min_months calendar months: a furnace,
    flare or kiln, not straw burning. ``points`` should hold the history (fire_lookback_days) as well
    as the window being judged."""
    if points.empty:
        return pd.Series(False, index=points.index)
    place = fire_places(points, config) if place is None else place
    days = points["time"].dt.normalize()
    months = points["time"].dt.year * 12 + points["time"].dt.month   # a number per calendar month, no Period objects
    by_place = pd.DataFrame({"place": place, "day": days.to_numpy(), "month": months.to_numpy()})
    distinct_days = by_place.groupby("place")["day"].nunique()
    distinct_months = by_place.groupby("place")["month"].nunique()
    persistent = distinct_days.index[(distinct_days >= config.persistent_min_days)
                                     & (distinct_months >= config.persistent_min_months)]
    return pd.Series(np.isin(place, persistent), index=points.index)


def enterprise_at(points: gpd.GeoDataFrame, enterprises: gpd.GeoDataFrame, buffer_m: float) -> pd.Series:
    """Id of the registered enterprise whose geometry (its footprint, or its position when it has
    none) buffered by ``buffer_m`` metres contains each point, else None. Both frames EPSG:4326;
    buffered in the points' UTM zone."""
    result = pd.Series(None, index=points.index, dtype=object)
    if points.empty or enterprises.empty:
        return result
    crs = points.estimate_utm_crs()
    plants = gpd.GeoDataFrame({"enterprise_id": enterprises["id"].to_numpy()},
                              geometry=enterprises.geometry.to_crs(crs).buffer(buffer_m).to_numpy(), crs=crs)
    joined = gpd.sjoin(points[["geometry"]].to_crs(crs), plants, predicate="within", how="inner")
    first = joined[~joined.index.duplicated()]
    result.loc[first.index] = first["enterprise_id"].to_numpy()
    return result


def landcover_classes(lons: np.ndarray, lats: np.ndarray, raster_path: Path | None) -> np.ndarray:
    """Land-cover class at each point (EPSG:4326) sampled from the GeoTIFF with rasterio; 0 when there
    is no raster or the point falls outside it."""
    classes = np.zeros(len(lons), dtype=np.int64)
    if raster_path is None or not Path(raster_path).exists() or len(lons) == 0:
        return classes
    with rasterio.open(raster_path) as raster:
        xs, ys = np.asarray(lons, float), np.asarray(lats, float)
        if raster.crs and raster.crs.to_epsg() != 4326:
            from rasterio.warp import transform as warp_transform
            xs, ys = map(np.asarray, warp_transform("EPSG:4326", raster.crs, xs, ys))
        left, bottom, right, top = raster.bounds
        inside = (xs >= left) & (xs < right) & (ys > bottom) & (ys <= top)
        if inside.any():
            sampled = np.array([value[0] for value in raster.sample(zip(xs[inside], ys[inside]))])
            nodata = raster.nodata
            classes[inside] = np.where(sampled == nodata, 0, sampled) if nodata is not None else sampled
    return classes


def in_harvest(times: pd.Series, windows: tuple[tuple[int, int, int, int], ...]) -> np.ndarray:
    """True for Beijing times inside one of the (month, day, month, day) harvest spans."""
    month_day = times.dt.month.to_numpy() * 100 + times.dt.day.to_numpy()
    inside = np.zeros(len(times), dtype=bool)
    for first_month, first_day, last_month, last_day in windows:
        inside |= (month_day >= first_month * 100 + first_day) & (month_day <= last_month * 100 + last_day)
    return inside


def credibility(classes: np.ndarray, times: pd.Series, config: HotspotConfig) -> np.ndarray:
    """How likely (0–1) a detection is straw burning from its land cover and season: cropland in the
    harvest counts fully, cropland outside it ``off_harvest_factor``, a town or water far less."""
    base = pd.Series(np.asarray(classes, dtype=np.int64)).map(config.landcover_credibility).fillna(0.5).to_numpy(float)
    cropland = classes == 1
    return np.where(cropland & ~in_harvest(times, config.harvest_windows), base * config.off_harvest_factor, base)


def classify_fire_points(points: gpd.GeoDataFrame, history: gpd.GeoDataFrame, enterprises: gpd.GeoDataFrame,
                         raster_path: Path | None, config: HotspotConfig) -> gpd.GeoDataFrame:
    """The window's fire points with ``fire_class`` ('straw' or 'industrial'), ``enterprise_id`` (the
    plant a detection lies in), ``place_days`` (days its place was seen, history included),
    ``landcover``, ``credibility`` and ``event`` (cluster label of its pass).

    ``points``: the window's detections (id, time naive Beijing, lon, lat, frp MW, daynight, geometry
    EPSG:4326); ``history``: earlier detections for the persistent-heat rule (same columns).
    """
    frame = points.copy()
    combined = pd.concat([history[["time", "lon", "lat"]], frame[["time", "lon", "lat"]]], ignore_index=True)
    place = fire_places(combined, config) if len(combined) else None
    persistent = persistent_places(combined, config, place).to_numpy()[len(history):]
    frame["place_days"] = place_days(combined, config, place).to_numpy()[len(history):]
    frame["enterprise_id"] = enterprise_at(frame, enterprises, config.footprint_buffer_m)
    frame["persistent"] = persistent
    frame["fire_class"] = np.where(frame["enterprise_id"].notna() | persistent, "industrial", "straw")
    frame["landcover"] = landcover_classes(frame["lon"].to_numpy(), frame["lat"].to_numpy(), raster_path)
    frame["credibility"] = credibility(frame["landcover"].to_numpy(), frame["time"], config)
    frame["event"] = cluster_fire_points(frame, config.fire_eps_m) if len(frame) else pd.Series(dtype=object)
    return frame


def link_events(points: pd.DataFrame, merge_m: float, merge_days: int) -> pd.Series:
    """Burning episode of each clustered fire point: pass events (column ``event``) whose centroids lie
    within ``merge_m`` metres east-west and north-south of each other and within ``merge_days`` days
    join one episode (chained_labels, Chebyshev distance on scaled metres and days)."""
    centroids = points.groupby("event").agg(lon=("lon", "mean"), lat=("lat", "mean"), time=("time", "min"))
    latitude = np.radians(centroids["lat"].mean())
    east = np.radians(centroids["lon"].to_numpy()) * EARTH_RADIUS_M * np.cos(latitude)
    north = np.radians(centroids["lat"].to_numpy()) * EARTH_RADIUS_M
    day = (centroids["time"].dt.normalize() - centroids["time"].min().normalize()).dt.days.to_numpy()
    scaled = np.column_stack([east / merge_m, north / merge_m, day / max(merge_days, 1e-9)])
    labels = chained_labels(scaled, 1.0, p=np.inf)
    return points["event"].map(pd.Series(labels, index=centroids.index))


def fire_events(classified: gpd.GeoDataFrame, config: HotspotConfig) -> pd.DataFrame:
    """Straw-burning episodes (pass events linked over nearby places and days, kept with ≥
    fire_min_points points) and industrial heat sources (one row per enterprise or persistent place
    and calendar month, so every window that covers the month reports the same row).

    Columns: fire_class, place (stable key: the enterprise id and month, or the episode's earliest
    point id), start, end, points, credible_points (Σ credibility), peak (max FRP, MW), lon, lat
    (centroid, EPSG:4326), enterprise_id, days (distinct dates), place_days (distinct days the place
    was seen over the look-back), events (pass events), point_ids, landcover (most common class).
    """
    columns = ["fire_class", "place", "start", "end", "points", "credible_points", "peak", "lon", "lat",
               "enterprise_id", "days", "place_days", "events", "point_ids", "landcover"]
    if classified.empty:
        return pd.DataFrame(columns=columns)
    frame = classified.sort_values(["time", "id"])
    straw = frame[frame["fire_class"] == "straw"].copy()
    industrial = frame[frame["fire_class"] == "industrial"].copy()
    if not straw.empty:
        straw["group"] = link_events(straw, config.fire_merge_m, config.fire_merge_days)
    if not industrial.empty:
        places = fire_places(industrial, config)
        owner = np.where(industrial["enterprise_id"].isna(), [f"heat#{label}" for label in places],
                         industrial["enterprise_id"].astype(object))
        industrial["group"] = [f"{name}|{month}" for name, month in zip(owner, industrial["time"].dt.strftime("%Y-%m"))]
    parts = [_group_summary(part, fire_class, config) for fire_class, part in (("straw", straw), ("industrial", industrial))
             if not part.empty]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def _most_common(values: pd.Series, groups: pd.Series) -> pd.Series:
    """Per group, the most frequent value (the smallest among equally frequent ones, as Series.mode)."""
    counts = pd.DataFrame({"group": groups.to_numpy(), "value": values.to_numpy()}).value_counts().reset_index()
    counts = counts.sort_values(["group", "count", "value"], ascending=[True, False, True])
    return counts.drop_duplicates("group").set_index("group")["value"]


def _members(values: pd.Series, groups: np.ndarray) -> list[list]:
    """The values of each group (numbered 0…n-1) as lists, in their order within the frame."""
    order = np.argsort(groups, kind="stable")
    bounds = np.flatnonzero(np.diff(groups[order])) + 1
    return [chunk.tolist() for chunk in np.split(values.to_numpy()[order], bounds)]


def _group_summary(part: pd.DataFrame, fire_class: str, config: HotspotConfig) -> pd.DataFrame:
    """One row per ``group`` of fire points (in order of first appearance); straw groups with fewer than
    fire_min_points points are dropped."""
    part = part.assign(day=part["time"].dt.normalize())
    grouped = part.groupby("group", sort=False)
    summary = grouped.agg(start=("time", "min"), end=("time", "max"), points=("id", "size"),
                          first_id=("id", "first"), credible_points=("credibility", "sum"), peak=("frp", "max"),
                          lon=("lon", "mean"), lat=("lat", "mean"), enterprise_id=("enterprise_id", "first"),
                          days=("day", "nunique"), place_days=("place_days", "max"), events=("event", "nunique"))
    summary["point_ids"] = _members(part["id"], grouped.ngroup().to_numpy())
    summary["landcover"] = _most_common(part["landcover"], part["group"]).reindex(summary.index).astype(int)
    if fire_class == "straw":
        summary = summary[summary["points"] >= config.fire_min_points]
    summary["place"] = summary.index if fire_class == "industrial" else summary["first_id"]
    summary["enterprise_id"] = summary["enterprise_id"].astype(object).where(summary["enterprise_id"].notna(), None)
    return summary.assign(fire_class=fire_class, credible_points=summary["credible_points"].astype(float),
                          peak=summary["peak"].astype(float), days=summary["days"].astype(int),
                          place_days=summary["place_days"].astype(int), events=summary["events"].astype(int)
                          ).reset_index(drop=True)
