"""Zone enforcement: machinery GPS, truck fence events and coal inspections checked against the zones in
force, as violations deduplicated per machine or truck per day (hotspots.violations turns them into hotspots).

Which positions a zone covers, and on which days, is zones.membership's rule (borders count as inside).
During an alert a zone's rule is tightened by its emergency clauses (zones.emergency); what breaks only
the tightened rule is an emergency-compliance finding naming the clause and the alert.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from core.vocabulary import Term, term
from zones.emergency import levels_in_force, rule_at_level
from zones.membership import in_force, points_frame, township_containing, zone_hits
from zones.rules import CoalBanRule, LowEmissionRule, parse_rules, stage_label

SAMPLE_POINTS = 3
# How far past the limit a scattered-coal finding is, for the intensity part: selling supplies many
# stoves, so it weighs more than one household burning.
COAL_SEVERITY = {"sale": 3.0, "use": 2.0}

VIOLATION_COLUMNS = ["kind", "subject", "subject_id", "day", "zone_id", "zone_kind", "zone_name", "zones",
                     "township_code", "start_time", "end_time", "lon", "lat", "count", "hours",
                     "peak_over_threshold", "reasons", "samples", "details", "clause", "alert_id"]
NO_ALERTS = pd.DataFrame({"alert_id": pd.Series(dtype=object), "level": pd.Series(dtype=object),
                          "area_codes": pd.Series(dtype=object), "from_time": pd.Series(dtype="datetime64[ns]"),
                          "to_time": pd.Series(dtype="datetime64[ns]")})


@dataclass
class Enforcement:
    """What one check found: violations (VIOLATION_COLUMNS) and what could not be judged."""

    violations: pd.DataFrame
    notes: list[Term] = field(default_factory=list)


def _zones_of(zones: gpd.GeoDataFrame, kind: str) -> gpd.GeoDataFrame:
    return zones[zones["kind"] == kind].sort_values("id")


def _zone_list(zone_ids: pd.Series, zones: gpd.GeoDataFrame) -> list[dict]:
    by_id = zones.set_index("id")
    return [{"id": zone_id, "kind": by_id.at[zone_id, "kind"], "name": by_id.at[zone_id, "name"]}
            for zone_id in sorted(set(zone_ids))]


def _with_levels(rows: pd.DataFrame, townships: gpd.GeoDataFrame, periods: pd.DataFrame) -> pd.DataFrame:
    """Rows (time, lon, lat) with the alert ``level`` and ``alert_id`` in force at their time and township."""
    levelled = rows.assign(level=None, alert_id=None)
    if periods.empty or rows.empty:
        return levelled
    # Only rows inside some alert's hours need their township (the point-in-polygon is the costly part).
    times = rows["time"].to_numpy()
    during = np.zeros(len(rows), dtype=bool)
    for period in periods.itertuples():
        during |= (times >= np.datetime64(period.from_time)) & (times < np.datetime64(period.to_time))
    if during.any():
        # Positional throughout: a position inside two zones appears twice under one index label.
        candidates = rows.iloc[np.flatnonzero(during)].reset_index(drop=True)
        codes = township_containing(points_frame(candidates["lon"], candidates["lat"]), townships)
        found = levels_in_force(candidates["time"], codes, periods)
        columns = [levelled.columns.get_loc(name) for name in ("level", "alert_id")]
        levelled.iloc[np.flatnonzero(during), columns] = found[["level", "alert_id"]].to_numpy()
    return levelled


def _judge(rows: pd.DataFrame, zones: gpd.GeoDataFrame, banned) -> pd.DataFrame:
    """Rows (one per position or event and zone, with ``zone_id``, ``level`` and ``alert_id``) that break
    their zone's rule, with ``reason``, ``over`` (how far past the limit: 1 + steps beyond it) and
    ``clause`` (the emergency clause broken, None when the everyday rule is). ``banned(rule, rows)``
    returns the rule's mask for the rows."""
    kept = []
    for zone in zones.itertuples():
        mine = rows[rows["zone_id"] == zone.id]
        if mine.empty:
            continue
        rule, _ = rule_at_level(zone.kind, zone.rules, None)
        everyday = banned(rule, mine)
        if everyday.any():
            broken = mine[everyday]
            kept.append(broken.assign(reason=rule.reasons(broken).to_numpy(), over=_over(rule, broken), clause=None))
        for level in mine.loc[~everyday, "level"].dropna().unique():
            tightened, clause = rule_at_level(zone.kind, zone.rules, level)
            if clause is None:
                continue
            candidates = mine[~everyday & (mine["level"] == level).to_numpy()]
            broken = candidates[banned(tightened, candidates)]
            if not broken.empty:
                kept.append(broken.assign(reason=tightened.reasons(broken).to_numpy(), over=_over(tightened, broken),
                                          clause=clause.key))
    empty = rows.iloc[0:0].assign(reason=pd.Series(dtype=object), over=np.nan, clause=pd.Series(dtype=object))
    return pd.concat(kept) if kept else empty


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
        # A day with any everyday breach is an everyday violation; otherwise it broke only a clause.
        emergency = group[group["clause"].notna()] if group["clause"].notna().all() else group.iloc[0:0]
        rows.append({
            "kind": "mobile", "subject": subject, "subject_id": subject_id, "day": day.date(),
            "zone_id": first["zone_id"], "zone_kind": by_id.at[first["zone_id"], "kind"],
            "zone_name": by_id.at[first["zone_id"], "name"],
            "zones": _zone_list(group["zone_id"], zones), "start_time": group["time"].min(),
            "end_time": group["time"].max(), "lon": float(first["lon"]), "lat": float(first["lat"]),
            "count": len(positions), "hours": int(positions["time"].dt.floor("h").nunique()),
            "peak_over_threshold": float(group["over"].max()),
            "reasons": "; ".join(dict.fromkeys(group["reason"])), "samples": samples,
            "details": details(first),
            "clause": emergency["clause"].iloc[0] if len(emergency) else None,
            "alert_id": emergency["alert_id"].iloc[0] if len(emergency) else None})
    frame = pd.DataFrame(rows)
    frame.insert(VIOLATION_COLUMNS.index("township_code"), "township_code",
                 township_containing(points_frame(frame["lon"], frame["lat"]), townships).to_numpy())
    return frame[VIOLATION_COLUMNS]


def machinery_violations(positions: pd.DataFrame, machinery: pd.DataFrame, zones: gpd.GeoDataFrame,
                         townships: gpd.GeoDataFrame, alerts: pd.DataFrame = NO_ALERTS) -> Enforcement:
    """Non-road machinery working in a 禁高区 against its rule, one violation per machine per day.

    ``positions``: machine_code, time (naive Beijing), lon, lat (EPSG:4326); ``machinery``: the
    registry (code, type, emission_stage, smoke_class, owner, site, colour_code); ``zones`` and
    ``townships`` as data.zones.read_zones and data.stations.read_townships.
    ``alerts``: the alert level periods (data.alerts.read_level_periods) that tighten the rule.
    Machines missing from the registry cannot be judged: they are counted in the notes.
    """
    ban_zones = _zones_of(zones, "nonroad_ban")
    hits = zone_hits(positions["lon"].to_numpy(), positions["lat"].to_numpy(), positions["time"], ban_zones)
    inside = _with_levels(positions.iloc[hits["position"].to_numpy()].assign(zone_id=hits["zone_id"].to_numpy()),
                          townships, alerts)
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
    notes = [term("note.machines_not_in_registry", count=len(unknown), codes=sorted(map(str, unknown))[:8])
             ] if len(unknown) else []
    return Enforcement(violations, notes)


def truck_violations(events: pd.DataFrame, trucks: pd.DataFrame, zones: gpd.GeoDataFrame,
                     townships: gpd.GeoDataFrame, alerts: pd.DataFrame = NO_ALERTS) -> Enforcement:
    """Banned trucks inside a low-emission zone without a valid permit, one violation per plate per day.

    ``events``: plate, time (naive Beijing), lon, lat (EPSG:4326, may be missing), fence_id, crossing;
    an event is inside a zone when its position is covered by it, or when its fence_id is that zone's
    id (a gate camera on the fence). A fence event without a position is placed at the zone's
    representative point. ``trucks``: plate, fuel, gross_weight_t, emission_standard, permit_until.
    ``alerts``: the alert level periods (data.alerts.read_level_periods) that tighten the rule.
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
    inside = _with_levels(pd.concat([by_position, *fence_parts]).drop_duplicates(["plate", "time", "zone_id"]),
                          townships, alerts)
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
    notes = [term("note.trucks_not_in_registry", count=len(unknown), plates=sorted(map(str, unknown))[:8])
             ] if len(unknown) else []
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
        "details": [{"finding": row.finding, "note": row.note, "inspector": row.inspector} for row in found.itertuples()],
        "clause": None, "alert_id": None})
    return Enforcement(violations[VIOLATION_COLUMNS])
