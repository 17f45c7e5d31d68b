"""Zone violations (zones.enforcement) as detected hotspots of kinds mobile and coal, with stable daily ids;
what broke only an emergency clause is marked in its evidence as an emergency-compliance finding."""
from __future__ import annotations

import numpy as np
import pandas as pd

from hotspots.schema import detections


def violation_place(violations: pd.DataFrame) -> pd.Series:
    """The stable place of each violation: its subject (machine code, plate or inspection id), by kind."""
    return violations["subject"] + ":" + violations["subject_id"].astype(str)


def violation_ids(violations: pd.DataFrame) -> pd.Series:
    """Deterministic hotspot ids (kind, subject and Beijing day), so a re-run updates, never duplicates, even
    when later fixes of the same day move its first time: mobile-machinery-<code>-<YYYYMMDD>,
    mobile-truck-<plate>-<YYYYMMDD>, coal-<inspection id>."""
    day = pd.to_datetime(violations["day"]).dt.strftime("%Y%m%d")
    return pd.Series(np.where(violations["subject"] == "coal", "coal-" + violations["subject_id"].astype(str),
                              "mobile-" + violations["subject"] + "-" + violations["subject_id"].astype(str) + "-" + day),
                     index=violations.index)


def violation_detections(violations: pd.DataFrame) -> pd.DataFrame:
    """Violations (zones.enforcement.VIOLATION_COLUMNS) as detected hotspots for the engine's scoring:
    intensity from how far past the limit (stages below the allowed one, or the coal finding), duration
    from the hours seen in the zone, extent from the positions or events seen, the zones it was seen
    breaking, the machine, truck or inspection as its source, and the evidence (first and last time,
    reasons, sample positions, the registry's details, and for an emergency-compliance finding
    ``emergency``: the clause broken and the alert)."""
    if violations.empty:
        return pd.DataFrame()
    frame = violations.reset_index(drop=True)
    evidence = [{"subject": row.subject, "subject_id": row.subject_id, "day": str(row.day),
                 "first_time": f"{pd.Timestamp(row.start_time):%Y-%m-%d %H:%M}",
                 "last_time": f"{pd.Timestamp(row.end_time):%Y-%m-%d %H:%M}", "count": int(row.count),
                 "reasons": row.reasons, "samples": row.samples, **row.details,
                 **({"emergency": {"clause": row.clause, "alert_id": row.alert_id}} if pd.notna(row.clause) else {})}
                for row in frame.itertuples()]
    return detections(
        id=violation_ids(frame), kind=frame["kind"], place=violation_place(frame), start_time=frame["start_time"],
        end_time=frame["end_time"], hours=frame["hours"].astype(int), peak=frame["peak_over_threshold"],
        peak_ratio=frame["peak_over_threshold"], peak_over_threshold=frame["peak_over_threshold"],
        extent=frame["count"].astype(float), lon=frame["lon"].astype(float), lat=frame["lat"].astype(float),
        township_code=frame["township_code"], zones=frame["zones"],
        sources=[[{"id": row.subject_id, "kind": row.subject}] for row in frame.itertuples()], details=evidence)
