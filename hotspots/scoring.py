"""The hotspot score a person can read: intensity, duration, extent, recurrence and context, with the grade."""
from __future__ import annotations

import numpy as np
import pandas as pd

from hotspots.config import HotspotConfig

PARTS = ("intensity", "duration", "extent", "recurrence", "context")
GRADES = ("I", "II", "III")


def recurrence(hotspots: pd.DataFrame, history: pd.DataFrame, days: int) -> np.ndarray:
    """For each hotspot, how many other hotspots of the same kind and place started within ``days``
    days before it (this run's and the stored ``history``; both have id, kind, place, start)."""
    combined = pd.concat([hotspots[["id", "kind", "place", "start"]], history[["id", "kind", "place", "start"]]],
                         ignore_index=True).drop_duplicates("id")
    counts = pd.Series(0, index=hotspots.index)
    window = pd.Timedelta(days=days)
    for (kind, place), group in combined.groupby(["kind", "place"], sort=False):
        mine = hotspots[(hotspots["kind"] == kind) & (hotspots["place"] == place)]
        if mine.empty or len(group) == 1:
            continue
        starts = np.sort(group["start"].to_numpy())
        first = np.searchsorted(starts, (mine["start"] - window).to_numpy(), side="left")
        before = np.searchsorted(starts, mine["start"].to_numpy(), side="left")
        counts.loc[mine.index] = before - first
    return counts.to_numpy()


def recurring_days(hotspots: pd.DataFrame, history: pd.DataFrame, window_days: int) -> np.ndarray:
    """For each hotspot, on how many distinct days (its own included) hotspots of the same kind and
    place started within the ``window_days`` days ending on its start day."""
    combined = pd.concat([hotspots[["id", "kind", "place", "start"]], history[["id", "kind", "place", "start"]]],
                         ignore_index=True).drop_duplicates("id")
    result = pd.Series(1, index=hotspots.index)
    for (kind, place), group in combined.groupby(["kind", "place"], sort=False):
        mine = hotspots[(hotspots["kind"] == kind) & (hotspots["place"] == place)]
        if mine.empty or len(group) == 1:
            continue
        days = np.unique(group["start"].dt.normalize().to_numpy())
        own = mine["start"].dt.normalize()
        first = np.searchsorted(days, (own - pd.Timedelta(days=window_days - 1)).to_numpy(), side="left")
        last = np.searchsorted(days, own.to_numpy(), side="right")
        result.loc[mine.index] = last - first
    return result.to_numpy()


def score_parts(hotspots: pd.DataFrame, config: HotspotConfig) -> pd.DataFrame:
    """Each part of the score, 0–1, for hotspots with kind, peak_over_threshold (the peak over the
    threshold it had to pass: ≥ 1), hours (duration), extent (stations, fire points, cells or pollutants
    involved), recurrence (earlier hotspots at the place within recurrence_days) and zones (list of
    zones containing it), and optionally against_limit (True where the threshold is a legal limit).
    Intensity is logarithmic: 1× the threshold gives 0, intensity_full× (limit_intensity_full× for a
    legal limit) gives 1."""
    ratio = hotspots["peak_over_threshold"].astype(float).clip(lower=1.0).fillna(1.0)
    against_limit = hotspots.get("against_limit", pd.Series(False, index=hotspots.index)).fillna(False).astype(bool)
    full = np.where(against_limit, config.limit_intensity_full, config.intensity_full)
    full_extent = hotspots["kind"].map(config.extent_full).fillna(1.0).astype(float)
    zone_kinds = hotspots["zones"].map(lambda zones: len({zone["kind"] for zone in zones}) if zones else 0)
    return pd.DataFrame({
        "intensity": np.clip(np.log(ratio) / np.log(full), 0.0, 1.0),
        "duration": np.clip(hotspots["hours"].astype(float) / config.duration_full_hours, 0.0, 1.0),
        "extent": np.clip(hotspots["extent"].astype(float) / full_extent, 0.0, 1.0),
        "recurrence": np.clip(hotspots["recurrence"].astype(float) / config.recurrence_full, 0.0, 1.0),
        "context": np.clip(zone_kinds.astype(float) / 2.0, 0.0, 1.0),
    }, index=hotspots.index)


def total_score(parts: pd.DataFrame, config: HotspotConfig) -> pd.Series:
    """100 × the weighted mean of the parts (0–100)."""
    weights = pd.Series({part: float(config.weights.get(part, 0.0)) for part in PARTS})
    return (parts[list(PARTS)] * weights).sum(axis=1) * 100.0 / weights.sum()


def grades(hotspots: pd.DataFrame, scores: pd.Series, days_recurring: np.ndarray, config: HotspotConfig) -> np.ndarray:
    """Grade I–III: an episode's own grade (column ``grade``) where it has one, else from the score;
    raised one step (III → II → I) at a place with hotspots on ≥ recurrence_days_raise days within
    recurrence_window_days."""
    by_score = np.select([scores >= config.grade_i_score, scores >= config.grade_ii_score], ["I", "II"], "III")
    own = hotspots["grade"] if "grade" in hotspots else pd.Series(None, index=hotspots.index)
    grade = np.where(own.isin(GRADES), own, by_score)
    level = np.array([GRADES.index(g) for g in grade])
    raised = np.where(days_recurring >= config.recurrence_days_raise, np.maximum(level - 1, 0), level)
    return np.array(GRADES)[raised]
