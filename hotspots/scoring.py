"""The hotspot score a person can read: intensity, duration, extent, recurrence and context, with the grade."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from hotspots.config import HotspotConfig

PARTS = ("intensity", "duration", "extent", "recurrence", "context")
GRADES = ("I", "II", "III")


def _at_place(hotspots: pd.DataFrame, history: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """This run's and the stored hotspots (one row per id) with ``place_code``, an integer per (kind,
    place), and the same code for each row of ``hotspots``."""
    combined = pd.concat([hotspots[["id", "kind", "place", "start_time"]], history[["id", "kind", "place", "start_time"]]],
                         ignore_index=True)
    codes = pd.MultiIndex.from_arrays([combined["kind"], combined["place"]]).factorize()[0]
    combined["place_code"] = codes
    return combined.drop_duplicates("id"), codes[:len(hotspots)]


def _count_between(codes: np.ndarray, times: np.ndarray, query_codes: np.ndarray, lower: np.ndarray,
                   upper: np.ndarray, upper_inclusive: bool) -> np.ndarray:
    """For each query, how many (code, time) pairs share its code with lower ≤ time < upper (≤ upper
    when ``upper_inclusive``): one sorted search over keys combining the code with each time's rank."""
    times, lower, upper = (np.asarray(values, dtype="datetime64[ns]") for values in (times, lower, upper))
    moments = np.unique(np.concatenate([times, lower, upper]))
    span = len(moments) + 1
    keys = np.sort(codes.astype(np.int64) * span + np.searchsorted(moments, times))
    base = query_codes.astype(np.int64) * span
    first = np.searchsorted(keys, base + np.searchsorted(moments, lower), side="left")
    last = np.searchsorted(keys, base + np.searchsorted(moments, upper), side="right" if upper_inclusive else "left")
    return last - first


def recurrence(hotspots: pd.DataFrame, history: pd.DataFrame, days: int) -> np.ndarray:
    """For each hotspot, how many other hotspots of the same kind and place started within ``days``
    days before it (this run's and the stored ``history``; both have id, kind, place, start_time)."""
    combined, codes = _at_place(hotspots, history)
    starts = hotspots["start_time"].to_numpy()
    return _count_between(combined["place_code"].to_numpy(), combined["start_time"].to_numpy(), codes,
                          starts - np.timedelta64(days, "D"), starts, upper_inclusive=False)


def recurring_days(hotspots: pd.DataFrame, history: pd.DataFrame, window_days: int) -> np.ndarray:
    """For each hotspot, on how many distinct days (its own included) hotspots of the same kind and
    place started within the ``window_days`` days ending on its start day."""
    combined, codes = _at_place(hotspots, history)
    days = pd.DataFrame({"code": combined["place_code"].to_numpy(),
                         "day": combined["start_time"].dt.normalize().to_numpy()}).drop_duplicates()
    own = hotspots["start_time"].dt.normalize().to_numpy()
    return _count_between(days["code"].to_numpy(), days["day"].to_numpy(), codes,
                          own - np.timedelta64(window_days - 1, "D"), own, upper_inclusive=True)


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


def rule_grade(grade: object, score_parts: object) -> str:
    """The grade the rules gave a stored hotspot before the month's quota (kept in score_parts as
    ``rule_grade``; rows stored before the quota existed have only their grade)."""
    parts = json.loads(score_parts) if isinstance(score_parts, str) and score_parts else {}
    return parts.get("rule_grade") or grade


def quota_grades(hotspots: pd.DataFrame, config: HotspotConfig) -> pd.Series:
    """The grade of each hotspot (columns id, start_time, score, grade, score_parts) under the grade-I
    quota: per calendar month of start_time, the floor(grade_i_share × n) (at least one) best-scored of
    those the rules grade I keep it, later ones first on equal scores; the others the rules grade I
    become II. Aligned to ``hotspots``."""
    by_rule = pd.Series([rule_grade(g, p) for g, p in zip(hotspots["grade"], hotspots["score_parts"])],
                        index=hotspots.index, dtype=object)
    month = pd.to_datetime(hotspots["start_time"]).dt.to_period("M")
    allowed = month.map(month.value_counts().map(lambda n: max(1, int(np.floor(config.grade_i_share * n + 1e-9)))))
    candidates = hotspots[by_rule == "I"].assign(month=month, score=hotspots["score"].fillna(0.0))
    ordered = candidates.sort_values(["month", "score", "start_time", "id"], ascending=[True, False, False, True])
    place = ordered.groupby("month").cumcount() + 1
    demoted = place.index[place.to_numpy() > allowed[place.index].to_numpy()]
    graded = by_rule.copy()
    graded[demoted] = "II"
    return graded
