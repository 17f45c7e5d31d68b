"""The 16 compass points, clockwise from north: the codes wind directions are read, binned and named by."""
from __future__ import annotations

COMPASS_POINTS = ("N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW")
COMPASS_STEP_DEG = 360 / len(COMPASS_POINTS)
