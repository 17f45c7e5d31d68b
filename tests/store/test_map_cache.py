"""The rendered-map cache on a real demo store: a rerun with the same store version and view reuses the
rendered map, a write to the store (any process) or another hour renders it again with the new data."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from data.sources import read_fire_points
from data.stations import latest_observation_time, read_stations
from data.store import Store
from data.townships import read_townships
from data.zones import read_zones
from layers.map_component import RenderedMaps, render_map
from layers.region_map import region_map
from tests.app_support import demo_copy, drawn_fire_points


@pytest.fixture
def store(demo_store: Store, tmp_path: Path) -> Store:
    return Store(demo_copy(demo_store, tmp_path), busy_timeout_s=30)


class CountingBuilds:
    """Builds the demo's region map for an hour (the last day's fire points) and counts the builds."""

    def __init__(self, store: Store) -> None:
        self.store, self.count = store, 0

    def __call__(self, hour: dt.datetime):
        self.count += 1
        with self.store.read(spatial=True) as con:
            townships, stations, zones = read_townships(con), read_stations(con), read_zones(con)
            fires = read_fire_points(con, hour - dt.timedelta(days=1), hour + dt.timedelta(hours=1))
        return region_map(townships, stations, zones, tiles="none", fires=fires)


def _add_fire_point(store: Store, hour: dt.datetime, lon: float, lat: float) -> None:
    with store.write(spatial=True) as con:
        con.execute("INSERT INTO fire_points (id, source, time, lon, lat, frp, geom) "
                    "VALUES ('cache-test', 'official', ?, ?, ?, 7.5, ST_Point(?, ?))", [hour, lon, lat, lon, lat])


def test_the_same_store_version_and_hour_reuse_the_rendered_map_and_a_write_renders_it_again(store: Store):
    with store.read() as con:
        hour = latest_observation_time(con)
    maps, build = RenderedMaps(), CountingBuilds(store)

    first = maps.get((store.version(), hour), lambda: build(hour))
    again = maps.get((store.version(), hour), lambda: build(hour))
    assert again is first and build.count == 1

    _add_fire_point(store, hour, 112.43217, 35.07659)
    after_write = maps.get((store.version(), hour), lambda: build(hour))
    assert build.count == 2 and after_write is not first
    fire = (35.07659, 112.43217)
    assert fire in drawn_fire_points(after_write.script) and fire not in drawn_fire_points(first.script)

    earlier = hour - dt.timedelta(hours=1)
    maps.get((store.version(), earlier), lambda: build(earlier))
    assert build.count == 3 and len(maps) == 3


def test_rendering_is_deterministic_so_the_browser_keeps_the_drawn_map(store: Store):
    with store.read() as con:
        hour = latest_observation_time(con)
    build = CountingBuilds(store)
    one, other = render_map(build(hour)), render_map(build(hour))
    assert one.script == other.script and one.html == other.html and one.header == other.header
    assert one.js_links and all(link.startswith("/app/static/node_modules/") for link in one.js_links)
    assert one.size_bytes > len(one.script)


def test_the_cache_keeps_only_its_newest_maps(store: Store):
    with store.read() as con:
        hour = latest_observation_time(con)
    maps, build = RenderedMaps(capacity=2), CountingBuilds(store)
    hours = [hour - dt.timedelta(hours=step) for step in range(3)]
    for each in hours:
        maps.get(each, lambda each=each: build(each))
    assert len(maps) == 2 and build.count == 3
    maps.get(hours[2], lambda: build(hours[2]))  # still held
    assert build.count == 3
    maps.get(hours[0], lambda: build(hours[0]))  # the oldest was let go
    assert build.count == 4
