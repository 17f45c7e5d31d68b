"""Demo dust measurements: monthly road dust load on the key roads and monthly dustfall at a few points."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from ingest.demo.geography import township_at
from ingest.demo.layout import DUST_SOURCE_BY_ID, DUST_SOURCES, station_by_code
from ingest.demo.planted import PlantedEvent

ROAD_DUST_LOAD_LIMIT = 0.8   # g/m²
DUSTFALL_LIMIT = 7.5         # t/(km²·month)
DUSTFALL_SOURCES = ("demo-site-01", "demo-pile-03", "demo-site-06", "demo-site-10", "demo-site-13")


CITY_POINT_NAME = "济源市监测站降尘点（示例）"


def _reading(metric: str, day: date, value: float, source_id: str | None, lon: float, lat: float) -> dict:
    place = source_id or "city-monitoring-point"
    return {"id": f"demo-{metric}-{place}-{day:%Y-%m}", "metric": metric, "date": day,
            "value": round(value, 2), "source_id": source_id,
            "place_name": DUST_SOURCE_BY_ID[source_id].name if source_id else CITY_POINT_NAME,
            "township_code": township_at(lon, lat), "lon": lon, "lat": lat}


def dust_readings(events: tuple[PlantedEvent, ...], year: int, rng: np.random.Generator) -> pd.DataFrame:
    """Monthly readings (dated the 15th) with the dust_readings table's columns: road dust load in g/m²
    and dustfall in t/(km²·month). Everything stays below its limit except the planted exceedances."""
    planted = {(event.kind, event.source_id, event.start.month): event.peak for event in events
               if event.kind in ("road_dust_load", "dustfall")}
    spring = np.array([1.0, 1.1, 1.35, 1.4, 1.25, 1.0, 0.8, 0.8, 0.9, 1.0, 1.1, 1.05])
    rows = []
    places = [("road_dust_load", source.id, *source.anchor) for source in DUST_SOURCES if source.kind == "road"]
    places += [("dustfall", source_id, *DUST_SOURCE_BY_ID[source_id].anchor) for source_id in DUSTFALL_SOURCES]
    city = station_by_code("JY-N-01")
    places.append(("dustfall", None, city.lon, city.lat))
    for metric, source_id, lon, lat in places:
        median, limit = (0.42, ROAD_DUST_LOAD_LIMIT) if metric == "road_dust_load" else (4.2, DUSTFALL_LIMIT)
        values = np.minimum(median * spring * rng.lognormal(0.0, 0.2, 12), 0.95 * limit)
        for month in range(1, 13):
            value = planted.get((metric, source_id, month), float(values[month - 1]))
            rows.append(_reading(metric, date(year, month, 15), value, source_id, lon, lat))
    return pd.DataFrame(rows)
