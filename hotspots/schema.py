"""One hotspot shape from detection to the store to the map: its kinds, audiences, and the one row builder."""
from __future__ import annotations

from enum import Enum

import numpy as np
import pandas as pd

from data.hotspots import HOTSPOT_COLUMNS


class HotspotKind(str, Enum):
    """What found a hotspot. Labels are in core.vocabulary under 'hotspot_kind.<code>'."""

    STATION = "station"   # a station well above the region's same-hour level (站点高值)
    DUST = "dust"         # a coarse-dust episode or a dust reading over its limit (扬尘)
    FIRE = "fire"         # a burning episode or persistent industrial heat (火点)
    GRID = "grid"         # a 3 km cell of the PM2.5 surface well above the regional mean (热点网格)
    ANOMALY = "anomaly"   # a station's data that cannot be air (数据异常)
    MOBILE = "mobile"     # a truck or non-road machine breaking a zone's rule (移动源)
    COAL = "coal"         # scattered coal found in a coal-ban area (散煤)


class Audience(str, Enum):
    """Who sees a hotspot: everyone signed in, or only those core.policy lets see supervisor findings."""

    ALL = "all"
    SUPERVISOR = "supervisor"


KIND_CODES = tuple(kind.value for kind in HotspotKind)

# What a detector hands to scoring: every column of one detected hotspot, in this order. The stored
# columns (data.hotspots.HOTSPOT_COLUMNS) are made from these by hotspots.engine.score_and_attribute.
REQUIRED_COLUMNS = ("kind", "place", "start_time", "end_time", "hours", "peak", "peak_over_threshold", "lon", "lat")
OPTIONAL_COLUMNS = {
    "id": None,                  # a stable id the detector knows; else made from kind, place and start_time
    "station_code": None,
    "pollutant": None,
    "peak_ratio": np.nan,        # peak / the same-hour network median (or the limit, for readings)
    "against_limit": False,      # the threshold passed is a legal limit, not a screening ratio
    "extent": 1.0,               # stations, fire points, cells or positions involved
    "township_code": None,       # filled from the township polygons when the detector does not know it
    "wind_from": np.nan,         # degrees the wind came from, 0 = north
    "wind_speed": np.nan,        # m/s
    "grade": None,               # an episode's own grade; else graded from the score
    "audience": Audience.ALL.value,
    "zones": None,               # zones the hotspot lies in; found from the zone polygons when None
    "sources": None,             # candidate sources; attributed from the registers when None
    "details": None,             # the evidence behind the finding, stored in context
}
DETECTED_COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
STORED_COLUMNS = HOTSPOT_COLUMNS


def detections(**columns) -> pd.DataFrame:
    """Detected hotspots as one frame with every DETECTED_COLUMNS column: the REQUIRED_COLUMNS must be
    given, the rest default to OPTIONAL_COLUMNS. Values are scalars (broadcast) or sequences of one
    length. Times are naive Beijing time, lon/lat EPSG:4326, concentrations µg/m³ (CO mg/m³).

    >>> detections(kind="station", place="A|so2", start_time=[pd.Timestamp("2025-01-01")],
    ...            end_time=[pd.Timestamp("2025-01-01 05:00")], hours=6, peak=320.0,
    ...            peak_over_threshold=2.1, lon=112.6, lat=35.1).loc[0, ["kind", "extent", "audience"]].tolist()
    ['station', 1.0, 'all']
    """
    unknown = set(columns) - set(DETECTED_COLUMNS)
    missing = set(REQUIRED_COLUMNS) - set(columns)
    if unknown or missing:
        raise ValueError(f"hotspot columns unknown: {sorted(unknown)}, missing: {sorted(missing)}")
    lengths = {len(value) for value in columns.values() if _is_sequence(value)}
    if len(lengths) > 1:
        raise ValueError(f"hotspot columns of different lengths: {sorted(lengths)}")
    rows = lengths.pop() if lengths else 1
    frame = pd.DataFrame(index=pd.RangeIndex(rows))
    for name in DETECTED_COLUMNS:
        value = columns.get(name, OPTIONAL_COLUMNS.get(name))
        if isinstance(value, Enum):
            value = value.value
        frame[name] = list(value) if _is_sequence(value) else [value] * rows
    frame["start_time"] = pd.to_datetime(frame["start_time"])
    frame["end_time"] = pd.to_datetime(frame["end_time"])
    return frame


def _is_sequence(value) -> bool:
    return isinstance(value, (list, tuple, np.ndarray, pd.Series, pd.Index, pd.Categorical))
