"""Who may see which ranked hotspots: the one rule the app's pages and the CLI's `hotspots list` share."""
from __future__ import annotations

import dataclasses

import pandas as pd

from core.policy import User, sees_supervisor_findings
from data.hotspots import HotspotFilter, read_hotspots
from data.store import Store


def visible_hotspots(store: Store, user: User, selection: HotspotFilter, top: int | None = None) -> pd.DataFrame:
    """Stored hotspots matching ``selection`` that ``user`` may see, best first (the columns of
    data.hotspots.read_hotspots; lon/lat EPSG:4326, times naive Beijing). Supervisor-only
    hotspots are left out for those core.policy keeps them from, whatever ``selection`` asks."""
    allowed = dataclasses.replace(selection, include_supervisor=selection.include_supervisor
                                  and sees_supervisor_findings(user))
    with store.read() as con:
        return read_hotspots(con, allowed, top)
