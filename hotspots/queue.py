"""Today's queue (今日待核查): the new hotspots nobody has handled yet, most urgent first, nearest first when
the inspector's position is known."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from core.timeutil import now_beijing
from data.hotspots import read_latest_hotspot_start
from data.store import Store
from hotspots.attribution import bearing_distance
from hotspots.scoring import GRADES

QUEUE_DAYS = 3
"""The queue holds hotspots that started on the last QUEUE_DAYS days: a daily dispatch (千里眼's rhythm)
with a weekend's slack."""


def queue_end_day(today: dt.date, latest_start: dt.datetime | None) -> dt.date:
    """The day the queue ends on: today, or the newest hotspot's day when the store's data stops earlier
    (an archive or the demo year), so the queue shows the last days there is data for."""
    return min(today, latest_start.date()) if latest_start is not None else today


def queue_order(hotspots: pd.DataFrame, position: tuple[float, float] | None = None) -> pd.DataFrame:
    """Hotspots without a task (``task_state`` missing) ordered for a day's work: by grade (I first), then
    nearest first when ``position`` (lon, lat, EPSG:4326) is given, else the highest score; the newest
    first among equals. Adds ``distance_m`` (geodesic, NaN without a position)."""
    open_ones = hotspots[hotspots["task_state"].isna()] if "task_state" in hotspots else hotspots
    open_ones = open_ones.assign(grade_order=open_ones["grade"].map({g: i for i, g in enumerate(GRADES)}).fillna(len(GRADES)))
    if position is not None and len(open_ones):
        _, metres = bearing_distance(position[0], position[1], open_ones["lon"].to_numpy(float),
                                     open_ones["lat"].to_numpy(float))
        open_ones = open_ones.assign(distance_m=metres)
        keys, ascending = ["grade_order", "distance_m", "start_time"], [True, True, False]
    else:
        open_ones = open_ones.assign(distance_m=np.nan)
        keys, ascending = ["grade_order", "score", "start_time"], [True, False, False]
    return open_ones.sort_values(keys, ascending=ascending, na_position="last").drop(columns="grade_order")


def queue_window(store: Store, today: dt.date | None = None, days: int = QUEUE_DAYS) -> tuple[dt.date, dt.date]:
    """The first and last day (Beijing dates, inclusive) of today's queue: the ``days`` days ending on
    queue_end_day."""
    with store.read() as con:
        latest = read_latest_hotspot_start(con)
    end = queue_end_day(today or now_beijing().date(), latest)
    return end - dt.timedelta(days=days - 1), end
