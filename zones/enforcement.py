"""Zone enforcement: machinery GPS, truck fence events and coal inspections checked against the zones in
force, as violations deduplicated per machine or truck per day, and those violations as hotspots.

Which positions a zone covers, and on which days, is zones.membership's rule (borders count as inside).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from hotspots.config import HotspotConfig
from hotspots.repository import HOTSPOT_COLUMNS
from hotspots.scoring import grades, recurrence, recurring_days, score_parts, total_score
from zones.membership import in_force, points_frame, township_containing, zone_hits
from zones.rules import CoalBanRule, LowEmissionRule, parse_rules, stage_label

SAMPLE_POINTS = 3
# How far past the limit a scattered-coal finding is, for the intensity part: selling supplies many
# stoves, so it weighs more than one household burning.
COAL_SEVERITY = {"sale": 3.0, "use": 2.0}

VIOLATION_COLUMNS = ["kind", "subject", "subject_id", "day", "zone_id", "zone_kind", "zone_name", "zones",
                     "township_code", "start_time", "end_time", "lon", "lat", "count", "hours",
                     "peak_over_threshold", "reasons", "samples", "details"]


@dataclass
class Enforcement:
    """What one check found: violations (VIOLATION_COLUMNS) and what could not be judged."""

    violations: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _zones_of(zones: gpd.GeoDataFrame, kind: str) -> gpd.GeoDataFrame:
    return zones[zones["kind"] == kind].sort_values("id")


def _zone_list(zone_ids: pd.Series, zones: gpd.GeoDataFrame) -> list[dict]:
    by_id = zones.set_index("id")
    return [{"id": zone_id, "kind": by_id.at[zone_id, "kind"], "name": by_id.at[zone_id, "name"]}
            for zone_id in sorted(set(zone_ids))]


def _judge(rows: pd.DataFrame, zones: gpd.GeoDataFrame, banned) -> pd.DataFrame:
    """Rows (one per position or event and zone, with ``zone_id``) that break their zone's rule, with
    ``reason`` and ``over`` (how far past the limit: 1 + steps beyond it). ``banned(rule, rows)``
    returns the rule's mask for the rows."""
    kept = []
    for zone in zones.itertuples():
        mine = rows[rows["zone_id"] == zone.id]
        if mine.empty:
            continue
        rule = parse_rules(zone.kind, zone.rules)
        mine = mine[banned(rule, mine)]
        if mine.empty:
            continue
        mine = mine.assign(reason=rule.reasons(mine).to_numpy(), over=_over(rule, mine))
        kept.append(mine)
    return pd.concat(kept) if kept else rows.iloc[0:0].assign(reason=pd.Series(dtype=object), over=np.nan)


def _over(rule, rows: pd.DataFrame) -> np.ndarray:
    """1 + how many stages below the allowed one (or smoke classes above the limit): 2 for one step."""
    if isinstance(rule, LowEmissionRule):
        return 2.0 + rule.max_banned_standard - rows["emission_standard"].to_numpy(dtype=float)
    stage_steps = 1.0 + rule.max_banned_standard - rows["emission_stage"].to_numpy(dtype=float)
    smoke_steps = rows["smoke_class"].to_numpy(dtype=float) - rule.max_smoke_class
    steps = np.fmax(np.nan_to_num(stage_steps, nan=0.0), np.nan_to_num(smoke_steps, nan=0.0))
    return 1.0 + np.maximum(steps, 1.0)


def _per_day(judged: pd.DataFrame, key: str, subject: str, zones: gpd.GeoDataFrame,
             townships: gpd.GeoDataFrame, details) -> pd.DataFrame:
    """Judged rows grouped per subject (``key``) and Beijing day into one violation each; its place is
    the first violating position, its zone the first zone (by id) it was seen breaking."""
    if judged.empty:
        return pd.DataFrame(columns=VIOLATION_COLUMNS)
    judged = judged.sort_values(["time", "zone_id"]).assign(day=judged["time"].dt.normalize())
    by_id = zones.set_index("id")
    rows = []
    for (subject_id, day), group in judged.groupby([key, "day"], sort=True):
        first = group.iloc[0]
        picks = np.unique(np.linspace(0, len(group) - 1, min(SAMPLE_POINTS, len(group))).round().astype(int))
        samples = [{"time": f"{row.time:%Y-%m-%d %H:%M}", "lon": round(float(row.lon), 6),
                    "lat": round(float(row.lat), 6)} for row in group.iloc[picks].itertuples()]
        positions = group.drop_duplicates("time")
        rows.append({
            "kind": "mobile", "subject": subject, "subject_id": subject_id, "day": day.date(),
            "zone_id": first["zone_id"], "zone_kind": by_id.at[first["zone_id"], "kind"],
            "zone_name": by_id.at[first["zone_id"], "name"],
            "zones": _zone_list(group["zone_id"], zones), "start_time": group["time"].min(),
            "end_time": group["time"].max(), "lon": float(first["lon"]), "lat": float(first["lat"]),
            "count": len(positions), "hours": int(positions["time"].dt.floor("h").nunique()),
            "peak_over_threshold": float(group["over"].max()),
            "reasons": "; ".join(dict.fromkeys(group["reason"])), "samples": samples,
            "details": details(first)})
    frame = pd.DataFrame(rows)
    frame.insert(VIOLATION_COLUMNS.index("township_code"), "township_code",
                 township_containing(points_frame(frame["lon"], frame["lat"]), townships).to_numpy())
    return frame[VIOLATION_COLUMNS]


def machinery_violations(positions: pd.DataFrame, machinery: pd.DataFrame, zones: gpd.GeoDataFrame,
                         townships: gpd.GeoDataFrame) -> Enforcement:
    """Non-road machinery working in a 禁高区 against its rule, one violation per machine per day.

    ``positions``: machine_code, time (naive Beijing), lon, lat (EPSG:4326); ``machinery``: the
    registry (code, type, emission_stage, smoke_class, owner, site, colour_code); ``zones`` and
    ``townships`` as zones.repository.read_zones and stations.repository.read_townships.
    Machines missing from the registry cannot be judged: they are counted in the notes.
    """
    ban_zones = _zones_of(zones, "nonroad_ban")
    hits = zone_hits(positions["lon"].to_numpy(), positions["lat"].to_numpy(), positions["time"], ban_zones)
    inside = positions.iloc[hits["position"].to_numpy()].assign(zone_id=hits["zone_id"].to_numpy())
    registry = machinery.rename(columns={"code": "machine_code"})
    judged_rows = inside.merge(registry, on="machine_code", how="left", indicator=True)
    unknown = judged_rows.loc[judged_rows["_merge"] == "left_only", "machine_code"].unique()
    judged = _judge(judged_rows[judged_rows["_merge"] == "both"].drop(columns="_merge"), ban_zones,
                    lambda rule, rows: rule.banned_machines(rows))

    def details(row) -> dict:
        return {"type": row["type"], "emission_stage": None if pd.isna(row["emission_stage"])
                else stage_label(int(row["emission_stage"])),
                "smoke_class": None if pd.isna(row["smoke_class"]) else int(row["smoke_class"]),
                "colour_code": row["colour_code"], "owner": row["owner"], "site": row["site"]}

    violations = _per_day(judged, "machine_code", "machinery", ban_zones, townships, details)
    notes = [f"{len(unknown)} machine(s) seen in a 禁高区 are not in the registry and were not judged: "
             + ", ".join(map(str, sorted(unknown)[:8]))] if len(unknown) else []
    return Enforcement(violations, notes)


def truck_violations(events: pd.DataFrame, trucks: pd.DataFrame, zones: gpd.GeoDataFrame,
                     townships: gpd.GeoDataFrame) -> Enforcement:
    """Banned trucks inside a low-emission zone without a valid permit, one violation per plate per day.

    ``events``: plate, time (naive Beijing), lon, lat (EPSG:4326, may be missing), fence_id, crossing;
    an event is inside a zone when its position is covered by it, or when its fence_id is that zone's
    id (a gate camera on the fence). A fence event without a position is placed at the zone's
    representative point. ``trucks``: plate, fuel, gross_weight_t, emission_standard, permit_until.
    """
    lez = _zones_of(zones, "low_emission")
    located = events[events["lon"].notna() & events["lat"].notna()]
    hits = zone_hits(located["lon"].to_numpy(), located["lat"].to_numpy(), located["time"], lez)
    by_position = located.iloc[hits["position"].to_numpy()].assign(zone_id=hits["zone_id"].to_numpy())
    fence_parts = []
    for zone in lez.itertuples():
        crossing = events[(events["fence_id"] == zone.id)]
        crossing = crossing[in_force(crossing["time"].dt.normalize().to_numpy(), zone.valid_from, zone.valid_to)]
        if crossing.empty:
            continue
        anchor = zone.geometry.representative_point()
        fence_parts.append(crossing.assign(zone_id=zone.id, lon=crossing["lon"].fillna(anchor.x),
                                           lat=crossing["lat"].fillna(anchor.y)))
    inside = pd.concat([by_position, *fence_parts]).drop_duplicates(["plate", "time", "zone_id"])
    judged_rows = inside.merge(trucks, on="plate", how="left", indicator=True)
    unknown = judged_rows.loc[judged_rows["_merge"] == "left_only", "plate"].unique()
    judged = _judge(judged_rows[judged_rows["_merge"] == "both"].drop(columns="_merge"), lez,
                    lambda rule, rows: rule.banned_trucks(rows))

    def details(row) -> dict:
        return {"fuel": row["fuel"], "gross_weight_t": float(row["gross_weight_t"]),
                "emission_standard": stage_label(int(row["emission_standard"])),
                "permit_until": None if pd.isna(row["permit_until"]) else str(pd.Timestamp(row["permit_until"]).date()),
                "fences": sorted({str(value) for value in judged.loc[judged["plate"] == row["plate"], "fence_id"].dropna()})}

    violations = _per_day(judged, "plate", "truck", lez, townships, details)
    notes = [f"{len(unknown)} plate(s) seen in a low-emission zone are not in the truck registry and were "
             "not judged: " + ", ".join(map(str, sorted(unknown)[:8]))] if len(unknown) else []
    return Enforcement(violations, notes)


def coal_violations(inspections: pd.DataFrame, zones: gpd.GeoDataFrame, townships: gpd.GeoDataFrame) -> Enforcement:
    """Scattered coal found for sale or in use inside a coal-ban area in force, one violation per
    inspection record. ``inspections``: id, time (naive Beijing), lon, lat (EPSG:4326), finding,
    note, inspector."""
    bans = _zones_of(zones, "coal_ban")
    hits = zone_hits(inspections["lon"].to_numpy(), inspections["lat"].to_numpy(), inspections["time"], bans)
    inside = inspections.iloc[hits["position"].to_numpy()].assign(zone_id=hits["zone_id"].to_numpy())
    rows = []
    for zone in bans.itertuples():
        rule: CoalBanRule = parse_rules(zone.kind, zone.rules)
        mine = inside[inside["zone_id"] == zone.id]
        rows.append(mine[rule.banned_findings_mask(mine)])
    found = pd.concat(rows).sort_values(["time", "zone_id"]).drop_duplicates("id") if rows else inside.iloc[0:0]
    if found.empty:
        return Enforcement(pd.DataFrame(columns=VIOLATION_COLUMNS))
    zones_by_id = bans.set_index("id")
    violations = pd.DataFrame({
        "kind": "coal", "subject": "coal", "subject_id": found["id"].to_numpy(),
        "day": found["time"].dt.date.to_numpy(), "zone_id": found["zone_id"].to_numpy(),
        "zone_kind": "coal_ban", "zone_name": zones_by_id.loc[found["zone_id"], "name"].to_numpy(),
        "zones": [_zone_list(inside.loc[inside["id"] == inspection, "zone_id"], bans) for inspection in found["id"]],
        "township_code": township_containing(points_frame(found["lon"], found["lat"], found.index), townships).to_numpy(),
        "start_time": found["time"].to_numpy(), "end_time": found["time"].to_numpy(),
        "lon": found["lon"].to_numpy(dtype=float), "lat": found["lat"].to_numpy(dtype=float), "count": 1, "hours": 0,
        "peak_over_threshold": found["finding"].map(COAL_SEVERITY).to_numpy(dtype=float),
        "reasons": found["finding"].map({"sale": "scattered coal for sale", "use": "scattered coal in use"}).to_numpy(),
        "samples": [[{"time": f"{row.time:%Y-%m-%d %H:%M}", "lon": row.lon, "lat": row.lat}] for row in found.itertuples()],
        "details": [{"finding": row.finding, "note": row.note, "inspector": row.inspector} for row in found.itertuples()]})
    return Enforcement(violations[VIOLATION_COLUMNS])


def violation_place(violations: pd.DataFrame) -> pd.Series:
    """The stable place of each violation: its subject (machine code, plate or inspection id), by kind."""
    return violations["subject"] + ":" + violations["subject_id"].astype(str)


def violation_ids(violations: pd.DataFrame) -> pd.Series:
    """Deterministic hotspot ids (kind, subject and Beijing day), so a re-run updates, never duplicates:
    mobile-machinery-<code>-<YYYYMMDD>, mobile-truck-<plate>-<YYYYMMDD>, coal-<inspection id>."""
    day = pd.to_datetime(violations["day"]).dt.strftime("%Y%m%d")
    return pd.Series(np.where(violations["subject"] == "coal", "coal-" + violations["subject_id"].astype(str),
                              "mobile-" + violations["subject"] + "-" + violations["subject_id"].astype(str) + "-" + day),
                     index=violations.index)


def violations_to_hotspots(violations: pd.DataFrame, history: pd.DataFrame, config: HotspotConfig) -> pd.DataFrame:
    """Violations as rows of the hotspots table (hotspots.repository.HOTSPOT_COLUMNS), scored with the
    engine's parts: intensity from how far past the limit (stages below the allowed one, or the coal
    finding), duration from the hours seen in the zone, extent from the positions or events seen,
    recurrence from the same machine's, truck's or place's earlier violations (``history`` as
    hotspots.repository.read_hotspot_history), context from the zones it was in."""
    if violations.empty:
        return pd.DataFrame(columns=list(HOTSPOT_COLUMNS))
    frame = violations.reset_index(drop=True)
    scored = pd.DataFrame({"id": violation_ids(frame), "kind": frame["kind"], "place": violation_place(frame),
                           "start": pd.to_datetime(frame["start_time"]),
                           "peak_over_threshold": frame["peak_over_threshold"], "hours": frame["hours"],
                           "extent": frame["count"], "zones": frame["zones"]})
    scored["recurrence"] = recurrence(scored, history, config.recurrence_days)
    parts = score_parts(scored, config)
    scores = total_score(parts, config)
    grade = grades(scored, scores, recurring_days(scored, history, config.recurrence_window_days), config)
    evidence = [{"subject": row.subject, "subject_id": row.subject_id, "day": str(row.day),
                 "first_time": f"{pd.Timestamp(row.start_time):%Y-%m-%d %H:%M}",
                 "last_time": f"{pd.Timestamp(row.end_time):%Y-%m-%d %H:%M}", "count": int(row.count),
                 "reasons": row.reasons, "samples": row.samples, **row.details} for row in frame.itertuples()]
    return pd.DataFrame({
        "id": scored["id"], "kind": frame["kind"], "township_code": frame["township_code"],
        "station_code": None, "pollutant": None, "start_time": scored["start"],
        "end_time": pd.to_datetime(frame["end_time"]), "peak": frame["peak_over_threshold"],
        "peak_ratio": frame["peak_over_threshold"], "grade": grade, "score": scores.round(2),
        "score_parts": [json.dumps(row, sort_keys=True) for row in parts.round(4).to_dict("records")],
        "sources": [json.dumps([{"id": row.subject_id, "kind": row.subject}], ensure_ascii=False)
                    for row in frame.itertuples()],
        "context": [json.dumps({"zones": row.zones, "evidence": item}, ensure_ascii=False, default=str)
                    for row, item in zip(frame.itertuples(), evidence)],
        "lon": frame["lon"].astype(float), "lat": frame["lat"].astype(float), "place": scored["place"],
        "hours": frame["hours"].astype(int), "audience": "all"})[list(HOTSPOT_COLUMNS)]

