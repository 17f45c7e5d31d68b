"""Who may see which ranked hotspots: the one rule the app's pages and the CLI's `hotspots list` share."""
from __future__ import annotations

import dataclasses

import pandas as pd

from core.policy import Role, User
from data.store import Store
from data.hotspots import HotspotFilter, read_hotspots

# Data anomalies and industrial heat (audience 'supervisor') are for supervisors and inspectors, not
# township officials; the CLI (SYSTEM) works for the environment bureau and sees everything.
SUPERVISOR_HOTSPOT_ROLES = frozenset({Role.SUPERVISOR, Role.INSPECTOR, Role.ADMIN, Role.SYSTEM})


def visible_hotspots(store: Store, user: User, selection: HotspotFilter, top: int | None = None) -> pd.DataFrame:
    """Stored hotspots matching ``selection`` that ``user`` may see, best first (the columns of
    data.hotspots.read_hotspots; lon/lat EPSG:4326, times naive Beijing). Supervisor-only
    hotspots are left out for roles outside SUPERVISOR_HOTSPOT_ROLES whatever ``selection`` asks."""
    allowed = dataclasses.replace(selection, include_supervisor=selection.include_supervisor
                                  and user.role in SUPERVISOR_HOTSPOT_ROLES)
    with store.read() as con:
        return read_hotspots(con, allowed, top)
