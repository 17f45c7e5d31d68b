"""One detection window: read the store, run every detector, attribute, score, and return one hotspots table."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.ops import unary_union
from tqdm import tqdm

from core.errors import BadInputError
from core.timeutil import now_beijing
from core.vocabulary import translate
from data.alerts import read_level_periods
from data.hotspots import read_grading, read_hotspot_history, update_grades, upsert_hotspots
from data.sources import read_dust_readings, read_dust_sources, read_enterprises, read_fire_points
from data.stations import read_hourly_observations, read_stations
from data.store import Store
from data.townships import read_townships
from data.zones import (
    read_coal_inspections,
    read_machinery,
    read_machinery_positions,
    read_truck_events,
    read_trucks,
    read_zones,
)
from hotspots.anomalies import data_anomalies
from hotspots.attribution import attribute
from hotspots.config import HotspotConfig, configured
from hotspots.episodes import (
    MEDIAN_POLLUTANTS,
    dust_reading_exceedances,
    floor_values,
    network_medians,
    rule_of,
    station_episodes,
)
from hotspots.fire_review import propose as propose_strike_offs
from hotspots.fires import classify_fire_points, fire_events
from hotspots.grid import grid_cells, idw_surface, raster_surface, top_cells, write_surface
from hotspots.schema import STORED_COLUMNS, Audience, HotspotKind, detections
from hotspots.scoring import grades, quota_grades, recurrence, recurring_days, score_parts, total_score
from hotspots.violations import violation_detections
from zones.enforcement import coal_violations, machinery_violations, truck_violations
from zones.membership import points_frame, township_containing, zones_containing

# Observations are read this far either side of the window so an episode crossing its edge keeps its
# true start and end (and so its id) whichever window finds it.
EDGE = dt.timedelta(days=1)
DUST_EMITS = ["pm10", "pm25"]
FIRE_EMITS = ["pm25", "pm10", "co"]


def hotspot_ids(kinds: pd.Series, places: pd.Series, starts: pd.Series) -> list[str]:
    """Deterministic ids from kind, place and start (to the minute), so a re-run updates the same rows."""
    keys = kinds.astype(str) + "|" + places.astype(str) + "|" + pd.to_datetime(starts).dt.strftime("%Y-%m-%dT%H:%M")
    return ["hs-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16] for key in keys]


def _window(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return dt.datetime.combine(start, dt.time()), dt.datetime.combine(end + dt.timedelta(days=1), dt.time())


def _station_rows(episodes: pd.DataFrame, stations: gpd.GeoDataFrame, config: HotspotConfig) -> pd.DataFrame:
    if episodes.empty:
        return pd.DataFrame()
    located = episodes.merge(stations[["code", "lon", "lat", "township_code"]], left_on="station_code",
                             right_on="code", how="left")
    return detections(
        kind=located["kind"], place=located["station_code"] + "|" + located["pollutant"],
        station_code=located["station_code"], pollutant=located["pollutant"], start_time=located["start"],
        end_time=located["end"], hours=located["hours"], peak=located["peak"], peak_ratio=located["peak_ratio"],
        peak_over_threshold=located["peak_over_threshold"], extent=_episode_extent(located, config),
        lon=located["lon"], lat=located["lat"], township_code=located["township_code"],
        wind_from=located["wind_from"], wind_speed=located["wind_speed"], grade=located["grade"],
        details=[{"high_hours": int(h), "peak_time": str(t), "pm25_pm10": None if pd.isna(r) else round(float(r), 3),
                  "wind_from": None if pd.isna(w) else round(float(w), 1),
                  "wind_speed": None if pd.isna(s) else round(float(s), 2),
                  "rule": rule,
                  "at_peak": {"median": round(float(m), 3), "threshold": round(float(limit), 3),
                              "robust_z": round(float(z), 2)}}
                 for h, t, r, w, s, rule, m, limit, z in zip(
                     located["high_hours"], located["peak_time"], located["pm25_pm10"], located["wind_from"],
                     located["wind_speed"], _station_rules(located, config), located["peak_median"],
                     located["peak_threshold"], located["peak_z"])])


def _station_rules(episodes: pd.DataFrame, config: HotspotConfig) -> list[dict]:
    """The thresholds each episode passed, as the hotspot card states them: the pollutant's station
    rule with the floor that applied at its peak (the IAQI-100 concentration where the rule names
    none), and for coarse dust the PM2.5/PM10 bound. Floors are looked up once per pollutant."""
    floors = np.empty(len(episodes))
    for pollutant, rows in episodes.groupby("pollutant").indices.items():
        floors[rows] = floor_values(pollutant, episodes["peak_time"].iloc[rows], config)
    rules = {pollutant: rule_of(pollutant, config) for pollutant in episodes["pollutant"].unique()}
    dust = {"dust_max_pm25_pm10": config.dust_max_pm25_pm10}
    return [{**rules[pollutant], "floor_at_peak": float(floor), **(dust if kind == HotspotKind.DUST.value else {})}
            for kind, pollutant, floor in zip(episodes["kind"], episodes["pollutant"], floors)]


def _episode_extent(episodes: pd.DataFrame, config: HotspotConfig) -> np.ndarray:
    """Stations (itself included) with an episode of the same pollutant overlapping in time within
    extent_radius_m: each episode is expanded to its hours, hours joined on (pollutant, hour)."""
    lengths = ((episodes["end"] - episodes["start"]) // pd.Timedelta(hours=1)).to_numpy(dtype=np.int64) + 1
    episode = np.repeat(np.arange(len(episodes)), lengths)
    offset = np.arange(len(episode)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    start_hour = (episodes["start"].to_numpy().astype("datetime64[h]").astype(np.int64))
    hours = pd.DataFrame({"episode": episode, "pollutant": pd.factorize(episodes["pollutant"])[0][episode],
                          "hour": start_hour[episode] + offset})
    pairs = hours.merge(hours, on=["pollutant", "hour"], suffixes=("", "_other"))
    station = pd.factorize(episodes["station_code"])[0]
    located = episodes[["lon", "lat"]].notna().all(axis=1).to_numpy()   # stations imported without a position
    mine, other = pairs["episode"].to_numpy(), pairs["episode_other"].to_numpy()
    keep = (station[mine] != station[other]) & located[mine] & located[other]
    mine, other = mine[keep], other[keep]
    counts = np.ones(len(episodes), dtype=np.int64)
    if len(mine) == 0:
        return counts
    # Each position projected once, in the UTM zone of every position paired (the same zone as
    # projecting both ends of every pair: a zone depends only on the points' bounds).
    involved = np.union1d(mine, other)
    points = gpd.GeoSeries.from_xy(episodes["lon"].to_numpy()[involved], episodes["lat"].to_numpy()[involved],
                                   crs="EPSG:4326")
    projected = points.to_crs(points.estimate_utm_crs())
    x, y = np.full(len(episodes), np.nan), np.full(len(episodes), np.nan)
    x[involved], y[involved] = projected.x.to_numpy(), projected.y.to_numpy()
    near = np.hypot(x[mine] - x[other], y[mine] - y[other]) <= config.extent_radius_m
    others = pd.DataFrame({"episode": mine[near], "station": station[other[near]]}).groupby("episode")["station"].nunique()
    counts[others.index.to_numpy(dtype=int)] += others.to_numpy()
    return counts


def _anomaly_rows(anomalies: pd.DataFrame, stations: gpd.GeoDataFrame, config: HotspotConfig) -> pd.DataFrame:
    if anomalies.empty:
        return pd.DataFrame()
    located = anomalies.merge(stations[["code", "lon", "lat", "township_code"]], left_on="station_code",
                              right_on="code", how="left")
    minimum = located["anomaly"].map({"flatline": config.flatline_min_hours,
                                      "pm25_above_pm10": config.pm25_excess_hours, "sudden_drop": 1})
    return detections(
        kind=HotspotKind.ANOMALY, place=located["station_code"] + "|" + located["anomaly"],
        station_code=located["station_code"], pollutant=located["pollutant"], start_time=located["start"],
        end_time=located["end"], hours=located["hours"], peak=located["peak"].astype(float),
        # An anomaly's intensity is how far it outlasts the hours that make it one.
        peak_over_threshold=located["flagged_hours"] / minimum,
        extent=np.where(located["anomaly"] == "flatline", located["peak"], 1).astype(float),
        lon=located["lon"], lat=located["lat"], township_code=located["township_code"], audience=Audience.SUPERVISOR,
        details=[{"anomaly": a, "measure": m, "flagged_hours": int(n), "rule": _anomaly_rule(a, config)}
                 for a, m, n in zip(located["anomaly"], located["measure"], located["flagged_hours"])])


def _anomaly_rule(anomaly: str, config: HotspotConfig) -> dict:
    """The thresholds of the data-anomaly rule that fired, as the hotspot card states them."""
    return {"flatline": {"flatline_min_hours": config.flatline_min_hours,
                         "flatline_min_pollutants": config.flatline_min_pollutants},
            "pm25_above_pm10": {"pm25_excess_hours": config.pm25_excess_hours},
            "sudden_drop": {"drop_to_median": config.drop_to_median, "drop_from_previous": config.drop_from_previous,
                            "drop_min_median": config.drop_min_median}}.get(anomaly, {})


def _fire_rows(events: pd.DataFrame, config: HotspotConfig) -> pd.DataFrame:
    if events.empty:
        return pd.DataFrame()
    industrial = events["fire_class"] == "industrial"
    hours = ((events["end"] - events["start"]) / pd.Timedelta(hours=1)).astype(float) + 1.0
    return detections(
        kind=HotspotKind.FIRE, place=events["fire_class"] + "|" + events["place"].astype(str),
        start_time=events["start"], end_time=events["end"],
        # A straw fire lasts its hours; heat at a plant is judged by the days it was seen.
        hours=np.where(industrial, events["days"] * 24.0, hours).astype(int), peak=events["peak"],
        peak_over_threshold=np.where(industrial, events["place_days"] / config.persistent_min_days,
                                     events["credible_points"] / config.fire_min_points),
        extent=events["points"].astype(float), lon=events["lon"], lat=events["lat"],
        audience=np.where(industrial, Audience.SUPERVISOR.value, Audience.ALL.value),
        # Industrial heat is attributed to the plant it was seen at; straw fires need no attribution.
        sources=[[{"id": e, "kind": "enterprise", "distance_m": 0.0}] if isinstance(e, str) else []
                 for e in events["enterprise_id"]],
        details=[{"fire_class": c, "points": int(p), "credible_points": round(float(q), 2), "days": int(d),
                  "place_days": int(seen), "pass_events": int(n), "enterprise_id": e, "landcover": int(cover),
                  "fire_point_ids": ids, "rule": _fire_rule(c, config)}
                 for c, p, q, d, seen, n, e, cover, ids in zip(
                     events["fire_class"], events["points"], events["credible_points"], events["days"],
                     events["place_days"], events["events"], events["enterprise_id"], events["landcover"],
                     events["point_ids"])])


def _fire_rule(fire_class: str, config: HotspotConfig) -> dict:
    """The thresholds behind a fire hotspot, as the hotspot card states them: how detections join a
    burning episode, or what makes a place persistent industrial heat."""
    if fire_class == "industrial":
        return {"persistent_radius_m": config.persistent_radius_m, "persistent_min_days": config.persistent_min_days,
                "persistent_min_months": config.persistent_min_months,
                "footprint_buffer_m": config.footprint_buffer_m, "fire_lookback_days": config.fire_lookback_days}
    return {"fire_eps_m": config.fire_eps_m, "fire_merge_m": config.fire_merge_m,
            "fire_merge_days": config.fire_merge_days, "fire_min_points": config.fire_min_points}


READING_UNITS = {"road_dust_load": "g/m²", "dustfall": "t/(km²·month)"}


def _reading_rows(readings: pd.DataFrame) -> pd.DataFrame:
    if readings.empty:
        return pd.DataFrame()
    start = pd.to_datetime(readings["date"])
    # Readings are monthly: dustfall collects over the month, road dust load is the month's survey.
    return detections(
        kind=HotspotKind.DUST, place=readings["metric"] + "|" + readings["source_id"].fillna(readings["id"]),
        pollutant=readings["metric"], start_time=start, end_time=start, hours=720, peak=readings["value"],
        peak_ratio=readings["over_limit"], peak_over_threshold=readings["over_limit"], against_limit=True,
        lon=readings["lon"], lat=readings["lat"], township_code=readings["township_code"],
        details=[{"metric": m, "limit": float(limit), "source_id": s, "reading_id": i,
                  "rule": {"limit": float(limit), "unit": READING_UNITS[m]}}
                 for m, limit, s, i in zip(readings["metric"], readings["limit"], readings["source_id"], readings["id"])])


def _grid_rows(store: Store | None, observations: pd.DataFrame, stations: gpd.GeoDataFrame, region,
               start: dt.datetime, end: dt.datetime, config: HotspotConfig) -> pd.DataFrame:
    """Monthly grid hotspots for each calendar month the window touches (from the window's hours)."""
    inside = observations[(observations["time"] >= start) & (observations["time"] < end)]
    frames = []
    for period, hours in inside.groupby(inside["time"].dt.to_period("M")):
        label = str(period)
        satellite = store.satellite_path(label) if store is not None else None
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
        raster = write_surface(surface, store.surface_path(label)) if store is not None else None
        top = top_cells(grid_cells(surface, config.grid_cell_m), config)
        month_start = max(period.start_time, pd.Timestamp(start))
        month_end = min(period.end_time.floor("h"), pd.Timestamp(end) - pd.Timedelta(hours=1))
        # The month's start keeps the id stable; hours counts only the part of the month in the window.
        hours_used = int((month_end - month_start) / pd.Timedelta(hours=1)) + 1
        if top.empty:
            continue
        frames.append(detections(
            kind=HotspotKind.GRID, place=top["cell"], pollutant="pm25", start_time=period.start_time,
            end_time=month_end, hours=hours_used, peak=top["value"], peak_ratio=top["value"] / top["regional_mean"],
            peak_over_threshold=top["value"] / top["regional_mean"], lon=top["lon"], lat=top["lat"],
            details=[{"period": label, "method": method, "regional_mean": round(mean, 1), "excess": round(excess, 3),
                      "cell_m": config.grid_cell_m, "raster": str(raster) if raster else None,
                      "rule": {"grid_cell_m": config.grid_cell_m, "grid_top_n": config.grid_top_n,
                               "grid_min_excess": config.grid_min_excess}}
                     for mean, excess in zip(top["regional_mean"], top["excess"])]))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _sources(enterprises: gpd.GeoDataFrame, dust_sources: gpd.GeoDataFrame, events: pd.DataFrame) -> gpd.GeoDataFrame:
    """Every candidate source as one frame (EPSG:4326): id, kind, name, emits, start_time/end_time (fires only)."""
    frames = [gpd.GeoDataFrame({"id": enterprises["id"], "kind": "enterprise", "name": enterprises["name"],
                                "emits": enterprises["emits"], "start_time": pd.NaT, "end_time": pd.NaT},
                               geometry=enterprises.geometry, crs="EPSG:4326"),
              gpd.GeoDataFrame({"id": dust_sources["id"], "kind": dust_sources["kind"], "name": dust_sources["name"],
                                "emits": [DUST_EMITS] * len(dust_sources), "start_time": pd.NaT,
                                "end_time": pd.NaT},
                               geometry=dust_sources.geometry, crs="EPSG:4326")]
    straw = events[events["fire_class"] == "straw"] if not events.empty else events
    if not straw.empty:
        frames.append(gpd.GeoDataFrame({"id": "fire|" + straw["place"].astype(str), "kind": "fire",
                                        "name": [f"火点群 {len(ids)} 点" for ids in straw["point_ids"]],
                                        "emits": [FIRE_EMITS] * len(straw), "start_time": straw["start"],
                                        "end_time": straw["end"]},
                                       geometry=gpd.points_from_xy(straw["lon"], straw["lat"]), crs="EPSG:4326"))
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _json_number(number: float) -> str:
    """A float as json.dumps writes it."""
    if number != number:
        return "NaN"
    if abs(number) == float("inf"):
        return "Infinity" if number > 0 else "-Infinity"
    return repr(number)


def _json_numbers(values: pd.Series, decimals: int) -> pd.Series:
    """Each value rounded (Python's round, as the stored texts always were) and written as json.dumps writes it."""
    return pd.Series([_json_number(round(value, decimals)) for value in values.to_numpy(dtype=float).tolist()],
                     index=values.index, dtype=object)


def _score_parts_json(parts: pd.DataFrame, recurrences: pd.Series, rule_grades: pd.Series) -> pd.Series:
    """score_parts as JSON text, column by column: what json.dumps(sort_keys=True) writes for each
    row's parts and peak_over_threshold (3 decimals), recurrences and rule_grade (a grade's letters)."""
    fields = {**{name: _json_numbers(parts[name], 3) for name in parts.columns},
              "recurrences": recurrences.astype(np.int64).astype(str), "rule_grade": '"' + rule_grades.astype(str) + '"'}
    names = sorted(fields)
    text = "{" + f'"{names[0]}": ' + fields[names[0]]
    for name in names[1:]:
        text = text + f', "{name}": ' + fields[name]
    return text + "}"


JSON_COLUMNS = ("score_parts", "sources", "context")
DIGEST_DECIMALS = 6   # far below any figure a person reads, far above float noise between code paths


def _rounded(value):
    """``value`` (parsed JSON) with every float rounded to DIGEST_DECIMALS."""
    if isinstance(value, float):
        return round(value, DIGEST_DECIMALS)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value


def hotspots_digest(hotspots: pd.DataFrame) -> str:
    """SHA-256 of what the engine computed for ``hotspots`` (detect's shape: STORED_COLUMNS and rank):
    every column in rank order, floats rounded to DIGEST_DECIMALS, times to the second and the JSON
    columns parsed and written back with sorted keys, so two code paths that give the same hotspots
    give the same digest however they spell a float or order a dict's keys."""
    ordered = hotspots.sort_values("rank", ignore_index=True)
    columns = []
    for name in (*STORED_COLUMNS, "rank"):
        values = ordered[name]
        if name in JSON_COLUMNS:
            text = values.map(lambda value: _json(_rounded(json.loads(value))) if isinstance(value, str) else "")
        elif pd.api.types.is_datetime64_any_dtype(values):
            text = values.dt.strftime("%Y-%m-%dT%H:%M:%S").fillna("")
        elif pd.api.types.is_float_dtype(values):
            text = values.round(DIGEST_DECIMALS).map(lambda value: "" if pd.isna(value) else repr(float(value)))
        else:
            text = values.map(lambda value: "" if value is None or value is pd.NA or value != value else str(value))
        columns.append(text.to_numpy(dtype=object))
    rows = ["\x1f".join(fields) for fields in zip(*columns)]
    return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()


# What detect shows on its progress bar, in order (vocabulary keys progress.detect.<step>).
DETECT_STEPS = ("read", "stations", "anomalies", "fires", "grid", "scoring")


def detect(store: Store, start: dt.date, end: dt.date, config: HotspotConfig | None = None,
           write_rasters: bool = True, progress: bool = False,
           on_step: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Every hotspot of the window start…end (Beijing dates, inclusive), scored and attributed, best first.

    Columns: STORED_COLUMNS (score_parts, sources and context as JSON text)
    plus rank. Station and dust episodes that overlap the window are kept with their full extent;
    fire events, readings and grid months are those starting in it. ``write_rasters`` writes each
    month's PM2.5 surface GeoTIFF to Store.surface_path. ``progress`` shows a bar of the steps
    (DETECT_STEPS) on stderr; ``on_step`` is called with each step's vocabulary key as it begins.
    """
    config = config or configured()
    begin, finish = _window(start, end)
    # Every step is shown as it starts (each takes seconds at province scale, so no rate limit).
    with tqdm(total=len(DETECT_STEPS), unit="step", mininterval=0, miniters=1, disable=not progress) as bar:
        def step(name: str) -> None:
            bar.update(DETECT_STEPS.index(name) - bar.n)   # the steps before it are done
            bar.set_description_str(translate(f"progress.detect.{name}"))
            if on_step is not None:
                on_step(f"progress.detect.{name}")

        step("read")
        with store.read() as con:
            observations = read_hourly_observations(con, begin - EDGE, finish + EDGE, include_wind=True)
            stations = read_stations(con)
            townships = read_townships(con)
            zones = read_zones(con)
            enterprises = read_enterprises(con)
            dust_sources = read_dust_sources(con)
            readings = read_dust_readings(con, start, end)
            fires = read_fire_points(con, begin, finish)
            fire_history = read_fire_points(con, begin - dt.timedelta(days=config.fire_lookback_days), begin)
            history = read_hotspot_history(con, begin - dt.timedelta(days=config.recurrence_days), finish)

        step("stations")
        medians = network_medians(observations, MEDIAN_POLLUTANTS)
        episodes = station_episodes(observations, medians, config)
        episodes = episodes[(episodes["end"] >= begin) & (episodes["start"] < finish)]
        step("anomalies")
        anomalies = data_anomalies(observations, medians, config)
        anomalies = anomalies[(anomalies["end"] >= begin) & (anomalies["start"] < finish)]
        step("fires")
        classified = classify_fire_points(fires, fire_history, enterprises, store.landcover_path, config)
        events = fire_events(classified, config)
        exceedances = dust_reading_exceedances(readings, config)
        step("grid")
        region = unary_union(townships.geometry.to_numpy()) if not townships.empty else None
        grid = (_grid_rows(store if write_rasters else None, observations, stations, region, begin, finish, config)
                if region is not None else pd.DataFrame())

        step("scoring")
        parts = [frame for frame in (_station_rows(episodes, stations, config),
                                     _anomaly_rows(anomalies, stations, config), _fire_rows(events, config),
                                     _reading_rows(exceedances), grid) if len(frame)]
        found = (score_and_attribute(pd.concat(parts, ignore_index=True), history, townships, zones,
                                     _sources(enterprises, dust_sources, events), config)
                 if parts else pd.DataFrame(columns=[*STORED_COLUMNS, "rank"]))
        bar.update()
    return found


# Zone violations name their own source (the machine, truck or inspection): nothing to attribute.
NO_SOURCES = gpd.GeoDataFrame({"id": [], "kind": [], "name": [], "emits": []}, geometry=[], crs="EPSG:4326")
ATTRIBUTED_KINDS = (HotspotKind.STATION.value, HotspotKind.DUST.value, HotspotKind.GRID.value)


def score_and_attribute(hotspots: pd.DataFrame, history: pd.DataFrame, townships: gpd.GeoDataFrame,
                        zones: gpd.GeoDataFrame, sources: gpd.GeoDataFrame, config: HotspotConfig) -> pd.DataFrame:
    """Detected hotspots (hotspots.schema.detections' columns) with their id, township, zones,
    candidate sources, score parts, score and grade, in the stored shape (STORED_COLUMNS, JSON text
    columns) with rank, best first. Township, zones and sources a detector gave are kept; the rest
    come from the township and zone polygons and, for station, dust and grid hotspots, the sources."""
    hotspots = hotspots.reset_index(drop=True)
    made = hotspots["id"].map(lambda given: not isinstance(given, str))
    hotspots.loc[made, "id"] = hotspot_ids(hotspots.loc[made, "kind"], hotspots.loc[made, "place"],
                                           hotspots.loc[made, "start_time"])
    points = points_frame(hotspots["lon"], hotspots["lat"], hotspots.index)
    missing = hotspots["township_code"].isna()
    hotspots.loc[missing, "township_code"] = township_containing(points[missing.to_numpy()], townships)
    found_zones = zones_containing(points, zones, hotspots["start_time"])
    hotspots["zones"] = [given if given is not None else found for given, found in zip(hotspots["zones"], found_zones)]
    attributed = hotspots["kind"].isin(ATTRIBUTED_KINDS) & hotspots["sources"].isna()
    candidates = attribute(hotspots[attributed], sources, config)
    found_sources = dict(zip(candidates.index, candidates))
    hotspots["sources"] = [found_sources[index] if flag else (given or [])
                           for index, flag, given in zip(hotspots.index, attributed, hotspots["sources"])]
    hotspots["recurrence"] = recurrence(hotspots, history, config.recurrence_days)
    parts = score_parts(hotspots, config)
    hotspots["score"] = total_score(parts, config).round(2)
    hotspots["grade"] = grades(hotspots, hotspots["score"], recurring_days(hotspots, history, config.recurrence_window_days),
                               config)
    hotspots["score_parts"] = _score_parts_json(parts.assign(peak_over_threshold=hotspots["peak_over_threshold"]),
                                                hotspots["recurrence"], hotspots["grade"])
    hotspots["context"] = [_json({**(details or {}), "zones": zones_in, "audience": audience})
                           for details, zones_in, audience in zip(hotspots["details"], hotspots["zones"],
                                                                   hotspots["audience"])]
    hotspots["sources"] = hotspots["sources"].map(_json)
    hotspots["hours"] = hotspots["hours"].astype(int)
    ordered = hotspots.sort_values(["score", "start_time", "id"], ascending=[False, True, True], ignore_index=True)
    ordered["rank"] = np.arange(1, len(ordered) + 1)
    return ordered[[*STORED_COLUMNS, "rank"]]


def apply_grade_quota(con, hotspots: pd.DataFrame, config: HotspotConfig) -> int:
    """Re-grade every stored hotspot of the calendar months ``hotspots`` start in under the grade-I quota
    (hotspots.scoring.quota_grades), inside the caller's write transaction; returns the grades changed."""
    starts = pd.to_datetime(hotspots["start_time"])
    first = starts.min().to_period("M").to_timestamp().to_pydatetime()
    after = (starts.max().to_period("M") + 1).to_timestamp().to_pydatetime()
    stored = read_grading(con, first, after)
    return update_grades(con, stored.assign(grade=quota_grades(stored, config))) if len(stored) else 0


def detect_and_store(store: Store, start: dt.date, end: dt.date, config: HotspotConfig | None = None,
                     progress: bool = False, on_step: Callable[[str], None] | None = None) -> dict[str, int]:
    """Detect the window and upsert its hotspots in one write transaction; returns counts by kind and
    'new' / 'updated'. Then the window's fire points not yet reviewed get the classification's
    strike-off proposals and their duplicate reports linked (hotspots.fire_review.propose), so the
    daily run leaves them ready for review. Migrates the store first. ``progress`` and ``on_step`` as detect's."""
    store.migrate()
    config = config or configured()
    hotspots = detect(store, start, end, config, progress=progress, on_step=on_step)
    with store.write(spatial=True) as con:
        new, updated = upsert_hotspots(con, hotspots, now_beijing()) if len(hotspots) else (0, 0)
        if len(hotspots):
            apply_grade_quota(con, hotspots, config)
    propose_strike_offs(store, start, end, config)
    counts = hotspots["kind"].value_counts().to_dict()
    return {**{str(k): int(v) for k, v in counts.items()}, "new": new, "updated": updated}


@dataclass
class CheckResult:
    """What `zones check` found and stored."""

    violations: pd.DataFrame
    hotspots: pd.DataFrame
    new: int = 0
    updated: int = 0
    notes: list[str] = field(default_factory=list)


def check_zones(store: Store, first_day: dt.date, last_day: dt.date) -> CheckResult:
    """Check machinery GPS, truck fence events and coal inspections dated first_day…last_day (Beijing,
    inclusive) against the zones in force at each record's time, and upsert the violations as hotspots
    (kinds 'mobile' and 'coal', scored like every other hotspot; ids per machine/truck and day, so a
    re-run updates, never duplicates). Alerts in force tighten the rules by their emergency clauses
    (zones.emergency); what breaks only a clause is marked as an emergency-compliance finding."""
    if last_day < first_day:
        raise BadInputError("error.to_before_from", field="to")
    config = configured()
    start, end = _window(first_day, last_day)
    with store.read(spatial=True) as con:
        zones = read_zones(con)
        townships = read_townships(con)
        machinery = read_machinery(con)
        positions = read_machinery_positions(con, start, end)
        trucks = read_trucks(con)
        events = read_truck_events(con, start, end)
        inspections = read_coal_inspections(con, start, end)
        history = read_hotspot_history(con, start - dt.timedelta(days=config.recurrence_days), end)
        alert_periods = read_level_periods(con, start, end)
    found = [machinery_violations(positions, machinery, zones, townships, alert_periods),
             truck_violations(events, trucks, zones, townships, alert_periods),
             coal_violations(inspections, zones, townships)]
    parts = [item.violations for item in found if not item.violations.empty]
    violations = pd.concat(parts, ignore_index=True) if parts else found[0].violations
    detected = violation_detections(violations)
    hotspots = (score_and_attribute(detected, history, townships, zones, NO_SOURCES, config) if len(detected) else pd.DataFrame(columns=[*STORED_COLUMNS, "rank"]))
    result = CheckResult(violations, hotspots, notes=[note for item in found for note in item.notes])
    if not hotspots.empty:
        with store.write(spatial=True) as con:
            result.new, result.updated = upsert_hotspots(con, hotspots, now_beijing())
            apply_grade_quota(con, hotspots, config)
    return result
