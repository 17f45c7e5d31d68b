"""Shared setup for the closed-loop tests: two townships, graded hotspots, one user of each role."""
from __future__ import annotations

import io
from datetime import datetime

import numpy as np
import pytest
from PIL import Image

from core.policy import Role, User
from data.store import Store
from hotspots.attachments import Upload

KEJING, ZHICHENG = "419001101", "419001102"
TOWNSHIP_NAMES = {KEJING: "克井镇", ZHICHENG: "轵城镇"}
# Two adjoining 0.1° squares near Jiyuan (EPSG:4326).
TOWNSHIP_POLYGONS = {
    KEJING: "POLYGON((112.50 35.10, 112.60 35.10, 112.60 35.20, 112.50 35.20, 112.50 35.10))",
    ZHICHENG: "POLYGON((112.60 35.10, 112.70 35.10, 112.70 35.20, 112.60 35.20, 112.60 35.10))",
}
# id -> (kind, township, pollutant, grade, lon, lat)
HOTSPOTS = {
    "H-KJ-PM25": ("station", KEJING, "pm25", "I", 112.55, 35.15),
    "H-KJ-DUST": ("dust", KEJING, "pm10", "II", 112.52, 35.12),
    "H-ZC-SO2": ("station", ZHICHENG, "so2", "II", 112.65, 35.15),
    "H-ZC-FIRE": ("fire", ZHICHENG, None, "III", 112.68, 35.18),
}
T0 = datetime(2025, 6, 1, 9, 0)

SUPERVISOR = User("王督办", Role.SUPERVISOR)
INSPECTOR = User("赵巡查", Role.INSPECTOR)
KEJING_OFFICIAL = User("李克井", Role.TOWNSHIP, KEJING)
ZHICHENG_OFFICIAL = User("陈轵城", Role.TOWNSHIP, ZHICHENG)
ADMIN = User("admin", Role.ADMIN)


@pytest.fixture
def region(store: Store) -> Store:
    """The empty temp store with the two townships and four hotspots written in."""
    return seed_region(store)


def seed_region(store: Store) -> Store:
    """Write the two townships and four hotspots into a migrated store and return it."""
    with store.write(spatial=True) as con:
        for code, polygon in TOWNSHIP_POLYGONS.items():
            con.execute("INSERT INTO townships (code, name, kind, illustrative, geom) "
                        "VALUES (?, ?, 'town', TRUE, ST_GeomFromText(?))", [code, TOWNSHIP_NAMES[code], polygon])
        for hotspot_id, (kind, township, pollutant, grade, lon, lat) in HOTSPOTS.items():
            con.execute("INSERT INTO hotspots (id, kind, township_code, pollutant, grade, peak, lon, lat, geom, "
                        "start_time, detected_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, 150.0, ?, ?, ST_Point(?, ?), ?, ?, ?)",
                        [hotspot_id, kind, township, pollutant, grade, lon, lat, lon, lat, T0, T0, T0])
    return store


def photo(image_format: str = "PNG", name: str = "photo.png", size: tuple[int, int] = (8, 6)) -> Upload:
    """A real image of random pixels (so it does not compress away) as an upload."""
    pixels = np.random.default_rng(0).integers(0, 256, size=(size[1], size[0], 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format=image_format)
    return Upload(original_name=name, content=buffer.getvalue())
