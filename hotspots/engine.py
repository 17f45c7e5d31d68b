"""One detection window: read the store, run every detector, attribute, score, and return one hotspots table."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.ops import unary_union

from core.settings import get_settings
from core.timeutil import now_beijing
from data.store import Store
from hotspots import repository
from hotspots.anomalies import data_anomalies
from hotspots.attribution import attribute
from hotspots.config import HotspotConfig, configured
from hotspots.episodes import dust_reading_exceedances, station_episodes
from hotspots.fires import classify_fire_points, fire_events
from hotspots.grid import grid_cells, idw_surface, raster_surface, top_cells, write_surface
from hotspots.scoring import grades, recurrence, recurring_days, score_parts, total_score
from stations.repository import read_stations, read_townships
from zones.membership import points_frame, township_containing, zones_containing
from zones.repository import read_zones

# Observations are read this far either side of the window so an episode crossing its edge keeps its
# true start and end (and so its id) whichever window finds it.
EDGE = dt.timedelta(days=1)
DUST_EMITS = ["pm10", "pm25"]
FIRE_EMITS = ["pm25", "pm10", "co"]
SUPERVISOR = "supervisor"


def landcover_path(store: Store) -> Path:
    """The land-cover GeoTIFF used for fire points: the setting, else <store>_files/rasters/landcover.tif."""
    configured_path = get_settings().landcover_path
    return Path(configured_path) if configured_path else store.files_dir / "rasters" / "landcover.tif"


def surface_path(store: Store, period: str) -> Path:
    """Where the PM2.5 surface of a period (e.g. '2025-03') is written as GeoTIFF."""
    return store.files_dir / "rasters" / f"pm25_{period}.tif"


def satellite_path(store: Store, period: str) -> Path:
    """Where an imported satellite PM2.5 GeoTIFF of a period is looked for; used instead of interpolation."""
    return store.files_dir / "rasters" / f"satellite_pm25_{period}.tif"


def hotspot_id(kind: str, place: str, start: pd.Timestamp) -> str:
    """Deterministic id from kind, place and start, so a re-run updates the same row."""
    key = f"{kind}|{place}|{pd.Timestamp(start):%Y-%m-%dT%H:%M}"
    return "hs-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _window(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return dt.datetime.combine(start, dt.time()), dt.datetime.combine(end + dt.timedelta(days=1), dt.time())


def _station_rows(episodes: pd.DataFrame, stations: gpd.GeoDataFrame, config: HotspotConfig) -> pd.DataFrame:
    if episodes.empty:
        return pd.DataFrame()
    located = episodes.merge(stations[["code", "lon", "lat", "township_code"]], left_on="station_code",
                             right_on="code", how="left")
    located["extent"] = _episode_extent(located, config)
    return pd.DataFrame({
        "kind": located["kind"], "place": located["station_code"] + "|" + located["pollutant"],
        "station_code": located["station_code"], "pollutant": located["pollutant"],
        "start": located["start"], "end": located["end"], "hours": located["hours"], "peak": located["peak"],
        "peak_ratio": located["peak_ratio"], "peak_over_threshold": located["peak_over_threshold"],
        "extent": located["extent"], "lon": located["lon"], "lat": located["lat"],
        "township_code": located["township_code"], "wind_from": located["wind_from"],
        "wind_speed": located["wind_speed"], "grade": located["grade"], "audience": "all",
        "details": [{"high_hours": int(h), "peak_time": str(t), "pm25_pm10": None if pd.isna(r) else round(float(r), 3),
                     "wind_from": None if pd.isna(w) else round(float(w), 1),
                     "wind_speed": None if pd.isna(s) else round(float(s), 2)}
                    for h, t, r, w, s in zip(located["high_hours"], located["peak_time"], located["pm25_pm10"],
                                             located["wind_from"], located["wind_speed"])]})


def _episode_extent(episodes: pd.DataFrame, config: HotspotConfig) -> np.ndarray:
    """Stations (itself included) with an episode of the same pollutant overlapping in time within
    extent_radius_m: each episode is expanded to its hours, hours joined on (pollutant, hour)."""
    hours = episodes[["station_code", "pollutant", "start", "end", "lon", "lat"]].copy()
    hours["episode"] = np.arange(len(hours))
    hours["time"] = [pd.date_range(s, e, freq="h") for s, e in zip(hours["start"], hours["end"])]
    hours = hours.explode("time")
    pairs = hours.merge(hours, on=["pollutant", "time"], suffixes=("", "_other"))
    pairs = pairs[pairs["station_code"] != pairs["station_code_other"]].dropna(
        subset=["lon", "lat", "lon_other", "lat_other"])  # stations imported without a position
    counts = np.ones(len(episodes), dtype=np.int64)
    if pairs.empty:
        return counts
    points = gpd.GeoSeries.from_xy(pd.concat([pairs["lon"], pairs["lon_other"]]),
                                   pd.concat([pairs["lat"], pairs["lat_other"]]), crs="EPSG:4326")
    projected = points.to_crs(points.estimate_utm_crs())
    half = len(pairs)
    distance = np.hypot(projected.x.to_numpy()[:half] - projected.x.to_numpy()[half:],
                        projected.y.to_numpy()[:half] - projected.y.to_numpy()[half:])
    near = pairs[distance <= config.extent_radius_m]
    others = near.groupby("episode")["station_code_other"].nunique()
    counts[others.index.to_numpy(dtype=int)] += others.to_numpy()
    return counts


def _anomaly_rows(anomalies: pd.DataFrame, stations: gpd.GeoDataFrame, config: HotspotConfig) -> pd.DataFrame:
    if anomalies.empty:
        return pd.DataFrame()
    located = anomalies.merge(stations[["code", "lon", "lat", "township_code"]], left_on="station_code",
                              right_on="code", how="left")
    minimum = located["anomaly"].map({"flatline": config.flatline_min_hours,
                                      "pm25_above_pm10": config.pm25_excess_hours, "sudden_drop": 1})
    return pd.DataFrame({
        "kind": "anomaly", "place": located["station_code"] + "|" + located["anomaly"],
        "station_code": located["station_code"], "pollutant": located["pollutant"], "start": located["start"],
        "end": located["end"], "hours": located["hours"], "peak": located["peak"].astype(float), "peak_ratio": np.nan,
        # An anomaly's intensity is how far it outlasts the hours that make it one.
        "peak_over_threshold": located["flagged_hours"] / minimum,
        "extent": np.where(located["anomaly"] == "flatline", located["peak"], 1).astype(float),
        "lon": located["lon"], "lat": located["lat"], "township_code": located["township_code"],
        "wind_from": np.nan, "wind_speed": np.nan, "grade": None, "audience": SUPERVISOR,
        "details": [{"anomaly": a, "measure": m, "flagged_hours": int(n)}
                    for a, m, n in zip(located["anomaly"], located["measure"], located["flagged_hours"])]})


def _fire_rows(events: pd.DataFrame, config: HotspotConfig) -> pd.DataFrame:
    if events.empty:
        return pd.DataFrame()
    industrial = events["fire_class"] == "industrial"
    hours = ((events["end"] - events["start"]) / pd.Timedelta(hours=1)).astype(float) + 1.0
    return pd.DataFrame({
        "kind": "fire", "place": events["fire_class"] + "|" + events["place"].astype(str), "station_code": None,
        "pollutant": None, "start": events["start"], "end": events["end"],
        # A straw fire lasts its hours; heat at a plant is judged by the days it was seen.
        "hours": np.where(industrial, events["days"] * 24.0, hours).astype(int),
        "peak": events["peak"], "peak_ratio": np.nan,
        "peak_over_threshold": np.where(industrial, events["place_days"] / config.persistent_min_days,
                                        events["credible_points"] / config.fire_min_points),
        "extent": events["points"].astype(float), "lon": events["lon"], "lat": events["lat"],
        "township_code": None, "wind_from": np.nan, "wind_speed": np.nan, "grade": None,
        "audience": np.where(industrial, SUPERVISOR, "all"),
        "details": [{"fire_class": c, "points": int(p), "credible_points": round(float(q), 2), "days": int(d),
                     "place_days": int(seen), "pass_events": int(n), "enterprise_id": e, "landcover": int(l),
                     "fire_point_ids": ids}
                    for c, p, q, d, seen, n, e, l, ids in zip(
                        events["fire_class"], events["points"], events["credible_points"], events["days"],
                        events["place_days"], events["events"], events["enterprise_id"], events["landcover"],
                        events["point_ids"])]})


def _reading_rows(readings: pd.DataFrame) -> pd.DataFrame:
    if readings.empty:
        return pd.DataFrame()
    start = pd.to_datetime(readings["date"])
    # Readings are monthly: dustfall collects over the month, road dust load is the month's survey.
    return pd.DataFrame({
        "kind": "dust", "place": readings["metric"] + "|" + readings["source_id"].fillna(readings["id"]),
        "station_code": None, "pollutant": readings["metric"], "start": start, "end": start, "hours": 720,
        "peak": readings["value"], "peak_ratio": readings["over_limit"],
        "peak_over_threshold": readings["over_limit"], "against_limit": True, "extent": 1.0, "lon": readings["lon"], "lat": readings["lat"],
        "township_code": readings["township_code"], "wind_from": np.nan, "wind_speed": np.nan, "grade": None,
        "audience": "all",
        "details": [{"metric": m, "limit": float(l), "source_id": s, "reading_id": i}
                    for m, l, s, i in zip(readings["metric"], readings["limit"], readings["source_id"], readings["id"])]})


def _grid_rows(store: Store | None, observations: pd.DataFrame, stations: gpd.GeoDataFrame, region,
               start: dt.datetime, end: dt.datetime, config: HotspotConfig) -> pd.DataFrame:
    """Monthly grid hotspots for each calendar month the window touches (from the window's hours)."""
    inside = observations[(observations["time"] >= start) & (observations["time"] < end)]
    rows = []
    for period, hours in inside.groupby(inside["time"].dt.to_period("M")):
        label = str(period)
        satellite = satellite_path(store, label) if store is not None else None
        if satellite is not None and satellite.exists():
            surface, method = raster_surface(satellite, region, config), "satellite"
        else:
            means = hours.groupby("station_code")["pm25"].mean().rename("pm25").reset_index()
            means = means.merge(stations[["code", "lon", "lat"]], left_on="station_code", right_on="code")
            if means["pm25"].notna().sum() < 3:
                continue
            surface = idw_surface(means["lon"].to_numpy(), means["lat"].to_numpy(), means["pm25"].to_numpy(),
                                  region, config)
            method = "idw"
        raster = write_surface(surface, surface_path(store, label)) if store is not None else None
        top = top_cells(grid_cells(surface, config.grid_cell_m), config)
        month_start = max(period.start_time, pd.Timestamp(start))
        month_end = min(period.end_time.floor("h"), pd.Timestamp(end) - pd.Timedelta(hours=1))
        # The month's start keeps the id stable; hours counts only the part of the month in the window.
        hours_used = int((month_end - month_start) / pd.Timedelta(hours=1)) + 1
        for cell in top.itertuples():
            rows.append({"kind": "grid", "place": cell.cell, "station_code": None, "pollutant": "pm25",
                         "start": period.start_time, "end": month_end, "hours": hours_used, "peak": cell.value,
                         "peak_ratio": cell.value / cell.regional_mean,
                         "peak_over_threshold": cell.value / cell.regional_mean, "extent": 1.0,
                         "lon": cell.lon, "lat": cell.lat, "township_code": None, "wind_from": np.nan,
                         "wind_speed": np.nan, "grade": None, "audience": "all",
                         "details": {"period": label, "method": method, "regional_mean": round(cell.regional_mean, 1),
                                     "excess": round(cell.excess, 3), "cell_m": config.grid_cell_m,
                                     "raster": str(raster) if raster else None}})
    return pd.DataFrame(rows)


def _sources(enterprises: gpd.GeoDataFrame, dust_sources: gpd.GeoDataFrame, events: pd.DataFrame) -> gpd.GeoDataFrame:
    """Every candidate source as one frame (EPSG:4326): id, kind, name, emits, start/end (fires only)."""
    frames = [gpd.GeoDataFrame({"id": enterprises["id"], "kind": "enterprise", "name": enterprises["name"],
                                "emits": enterprises["emits"], "start": pd.NaT, "end": pd.NaT},
                               geometry=enterprises.geometry, crs="EPSG:4326"),
              gpd.GeoDataFrame({"id": dust_sources["id"], "kind": dust_sources["kind"], "name": dust_sources["name"],
                                "emits": [DUST_EMITS] * len(dust_sources), "start": pd.NaT, "end": pd.NaT},
                               geometry=dust_sources.geometry, crs="EPSG:4326")]
    straw = events[events["fire_class"] == "straw"] if not events.empty else events
    if not straw.empty:
        frames.append(gpd.GeoDataFrame({"id": "fire|" + straw["place"].astype(str), "kind": "fire",
                                        "name": [f"火点群 {len(ids)} 点" for ids in straw["point_ids"]],
                                        "emits": [FIRE_EMITS] * len(straw), "start": straw["start"], "end": straw["end"]},
                                       geometry=gpd.points_from_xy(straw["lon"], straw["lat"]), crs="EPSG:4326"))
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def detect(store: Store, start: dt.date, end: dt.date, config: HotspotConfig | None = None,
           write_rasters: bool = True) -> pd.DataFrame:
    """Every hotspot of the window start…end (Beijing dates, inclusive), scored and attributed, best first.

    Columns: HOTSPOT_COLUMNS of hotspots.repository (score_parts, sources and context as JSON text)
    plus rank. Station and dust episodes that overlap the window are kept with their full extent;
    fire events, readings and grid months are those starting in it. ``write_rasters`` writes each
    month's PM2.5 surface GeoTIFF to <store>_files/rasters/pm25_<YYYY-MM>.tif.
    """
    config = config or configured()
    begin, finish = _window(start, end)
    with store.read() as con:
        observations = repository.read_observations(con, begin - EDGE, finish + EDGE)
        medians = repository.read_network_medians(con, begin - EDGE, finish + EDGE, repository.MEDIAN_POLLUTANTS)
        stations = read_stations(con)
        townships = read_townships(con)
        zones = read_zones(con)
        enterprises = repository.read_enterprises(con)
        dust_sources = repository.read_dust_sources(con)
        readings = repository.read_dust_readings(con, start, end)
        fires = repository.read_fire_points(con, begin, finish)
        fire_history = repository.read_fire_points(con, begin - dt.timedelta(days=config.fire_lookback_days), begin)
        history = repository.read_hotspot_history(con, begin - dt.timedelta(days=config.recurrence_days), finish)

    episodes = station_episodes(observations, medians, config)
    episodes = episodes[(episodes["end"] >= begin) & (episodes["start"] < finish)]
    anomalies = data_anomalies(observations, medians, config)
    anomalies = anomalies[(anomalies["end"] >= begin) & (anomalies["start"] < finish)]
    classified = classify_fire_points(fires, fire_history, enterprises, landcover_path(store), config)
    events = fire_events(classified, config)
    exceedances = dust_reading_exceedances(readings, config)
    region = unary_union(townships.geometry.to_numpy()) if not townships.empty else None
    grid = (_grid_rows(store if write_rasters else None, observations, stations, region, begin, finish, config)
            if region is not None else pd.DataFrame())

    parts = [frame for frame in (_station_rows(episodes, stations, config), _anomaly_rows(anomalies, stations, config),
                                 _fire_rows(events, config), _reading_rows(exceedances), grid) if len(frame)]
    if not parts:
        return pd.DataFrame(columns=[*repository.HOTSPOT_COLUMNS, "rank"])
    hotspots = pd.concat(parts, ignore_index=True)
    hotspots["start"] = pd.to_datetime(hotspots["start"])
    hotspots["end"] = pd.to_datetime(hotspots["end"])
    hotspots["id"] = [hotspot_id(k, p, s) for k, p, s in zip(hotspots["kind"], hotspots["place"], hotspots["start"])]
    return score_and_attribute(hotspots, history, townships, zones, _sources(enterprises, dust_sources, events), config)


def score_and_attribute(hotspots: pd.DataFrame, history: pd.DataFrame, townships: gpd.GeoDataFrame,
                        zones: gpd.GeoDataFrame, sources: gpd.GeoDataFrame, config: HotspotConfig) -> pd.DataFrame:
    """Township, zones, candidate sources, score parts, score and grade of detected hotspots; returns
    them in the stored shape (HOTSPOT_COLUMNS, JSON text columns) with rank, best first."""
    points = points_frame(hotspots["lon"], hotspots["lat"], hotspots.index)
    missing = hotspots["township_code"].isna()
    hotspots.loc[missing, "township_code"] = township_containing(points[missing.to_numpy()], townships)
    hotspots["zones"] = zones_containing(points, zones, hotspots["start"])
    attributed = hotspots["kind"].isin(["station", "dust", "grid"])
    candidates = attribute(hotspots[attributed], sources, config)
    hotspots["sources"] = pd.Series([[] for _ in range(len(hotspots))], index=hotspots.index, dtype=object)
    hotspots.loc[attributed, "sources"] = candidates
    industrial = hotspots["details"].map(lambda d: d.get("enterprise_id") if isinstance(d, dict) else None)
    for index in hotspots.index[industrial.notna()]:
        hotspots.at[index, "sources"] = [{"id": industrial[index], "kind": "enterprise", "distance_m": 0.0}]
    hotspots["recurrence"] = recurrence(hotspots, history, config.recurrence_days)
    parts = score_parts(hotspots, config)
    hotspots["score"] = total_score(parts, config).round(2)
    hotspots["grade"] = grades(hotspots, hotspots["score"], recurring_days(hotspots, history, config.recurrence_window_days),
                               config)
    hotspots["score_parts"] = [_json({**{k: round(float(v), 3) for k, v in row.items()},
                                      "peak_over_threshold": round(float(pot), 3), "recurrences": int(rec)})
                               for row, pot, rec in zip(parts.to_dict("records"), hotspots["peak_over_threshold"],
                                                         hotspots["recurrence"])]
    hotspots["context"] = [_json({**details, "zones": zones_in, "audience": audience})
                           for details, zones_in, audience in zip(hotspots["details"], hotspots["zones"],
                                                                   hotspots["audience"])]
    hotspots["sources"] = hotspots["sources"].map(_json)
    hotspots = hotspots.rename(columns={"start": "start_time", "end": "end_time"})
    hotspots["hours"] = hotspots["hours"].astype(int)
    ordered = hotspots.sort_values(["score", "start_time", "id"], ascending=[False, True, True], ignore_index=True)
    ordered["rank"] = np.arange(1, len(ordered) + 1)
    return ordered[[*repository.HOTSPOT_COLUMNS, "rank"]]


def detect_and_store(store: Store, start: dt.date, end: dt.date, config: HotspotConfig | None = None) -> dict[str, int]:
    """Detect the window and upsert its hotspots in one write transaction; returns counts by kind and
    'new' / 'updated'. Migrates the store first (the engine needs migration 0005)."""
    store.migrate()
    hotspots = detect(store, start, end, config)
    with store.write(spatial=True) as con:
        new, updated = repository.upsert_hotspots(con, hotspots, now_beijing()) if len(hotspots) else (0, 0)
    counts = hotspots["kind"].value_counts().to_dict()
    return {**{str(k): int(v) for k, v in counts.items()}, "new": new, "updated": updated}
