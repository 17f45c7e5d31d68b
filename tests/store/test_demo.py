"""The demo region: counts as promised, deterministic per seed, realistic cycles, planted events in place."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from pyproj import Geod
from shapely import wkb as shapely_wkb

from data.store import Store
from ingest.demo import build_demo
from ingest.demo.planted import controls, planted_events
from tests.conftest import DEMO_SEED, DEMO_YEAR

REPO = Path(__file__).resolve().parents[2]
GEOD = Geod(ellps="WGS84")
CROPLAND, BUILT_UP = 1, 2
EVENTS = planted_events(DEMO_YEAR)
DEMO_TABLES = ("admin_units", "townships", "stations", "station_aliases", "observations", "zones", "fire_points",
               "dust_sources", "dust_readings", "enterprises", "machinery", "machinery_positions", "trucks",
               "truck_events", "coal_inspections", "reduction_measures", "aqi_forecasts", "alerts", "alert_events",
               "emergency_checks", "grid_cells", "grid_people")


def _table_checksums(store: Store) -> dict[str, tuple[int, int]]:
    with store.read() as con:
        return {table: con.execute(f"SELECT count(*), sum(hash(t)::HUGEINT) FROM {table} t").fetchone()
                for table in DEMO_TABLES}


def _counts_printed(output: str) -> dict[str, int]:
    return {name: int(count.replace(",", ""))
            for name, count in re.findall(r"^\s+(\w+)\s+([\d,]+)\s*$", output, flags=re.MULTILINE)}


def _frame(store: Store, sql: str, params: list | None = None, spatial: bool = False) -> pd.DataFrame:
    with store.read(spatial=spatial) as con:
        return con.execute(sql, params or []).df()


def _metres_from(lon: float, lat: float, places: pd.DataFrame) -> np.ndarray:
    """Geodesic distances in metres from (lon, lat) to each row's lon/lat (EPSG:4326)."""
    count = len(places)
    return GEOD.inv(np.full(count, lon), np.full(count, lat), places["lon"].to_numpy(),
                    places["lat"].to_numpy())[2]


def _observations(store: Store, station: str, start, end) -> pd.DataFrame:
    return _frame(store, "SELECT * FROM observations WHERE station_code = ? AND time BETWEEN ? AND ? "
                         "ORDER BY time", [station, start, end])


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, dict[str, int], dict[str, int]]:
    """The demo built through the CLI with the session fixture's seed and year; the promised counts
    printed by `demo` and the counts printed by `info`."""
    db = tmp_path_factory.mktemp("cli") / "x.duckdb"
    run = [sys.executable, "cli.py"]
    built = subprocess.run(run + ["demo", "--db", str(db), "--seed", str(DEMO_SEED), "--year", str(DEMO_YEAR)],
                           cwd=REPO, capture_output=True, text=True, check=True)
    info = subprocess.run(run + ["info", "--db", str(db)], cwd=REPO, capture_output=True, text=True, check=True)
    return Store(db, busy_timeout_s=30), _counts_printed(built.stdout), _counts_printed(info.stdout)


def test_cli_demo_counts_match_info(cli_store):
    _, promised, stored = cli_store
    assert set(promised) == set(DEMO_TABLES) | {"hotspots"}
    assert {table: stored[table] for table in promised} == promised
    assert promised["townships"] == 16
    assert promised["observations"] > 0.95 * 62 * 8760


def test_same_seed_gives_identical_tables(cli_store, demo_store: Store):
    store, _, _ = cli_store
    assert _table_checksums(store) == _table_checksums(demo_store)


def test_rebuild_replaces_demo_content_and_another_seed_differs(tmp_path: Path, demo_store: Store):
    store = Store(tmp_path / "rebuilt.duckdb", busy_timeout_s=30)
    build_demo(store, seed=DEMO_SEED + 1, year=DEMO_YEAR)
    promised = build_demo(store, seed=DEMO_SEED + 1, year=DEMO_YEAR)
    counts = store.row_counts()
    assert {table: counts[table] for table in promised} == promised
    mine, session = _table_checksums(store), _table_checksums(demo_store)
    assert mine["observations"] != session["observations"]
    assert mine["fire_points"] != session["fire_points"]
    assert mine["townships"] == session["townships"]  # the layout does not depend on the seed


def test_townships_are_illustrative_and_tile_the_region(demo_store: Store):
    townships = _frame(demo_store, "SELECT * FROM townships ORDER BY code")
    assert len(townships) == 16
    assert townships["illustrative"].all() and (townships["source"] == "demo (illustrative)").all()
    assert (townships["code"].str.fullmatch(r"419001[01]\d{2}")).all()
    assert set(townships.loc[townships["kind"] == "street", "name"]) == {
        "沁园街道", "济水街道", "北海街道", "天坛街道", "玉泉街道"}
    polygons = [shapely_wkb.loads(bytes(value)) for value in townships["geom"]]
    assert all(polygon.is_valid and polygon.geom_type == "Polygon" for polygon in polygons)
    total = sum(polygon.area for polygon in polygons)
    union = shapely.union_all(polygons)
    assert union.area == pytest.approx(total, rel=1e-3)  # no overlaps
    west, south, east, north = union.bounds
    assert 112.0 < west < 112.1 and 112.7 < east < 112.8 and 34.85 < south < 34.95 and 35.25 < north < 35.3
    centroid_lon = dict(zip(townships["name"], [polygon.centroid.x for polygon in polygons]))
    terrain = dict(zip(townships["name"], townships["terrain"]))
    for mountain in ("王屋镇", "邵原镇", "下冶镇", "大峪镇"):
        assert terrain[mountain] == "mountain" and centroid_lon[mountain] < centroid_lon["梨林镇"]


def test_stations_stand_in_their_townships(demo_store: Store):
    placed = _frame(demo_store, "SELECT s.code, s.kind, s.township_code, s.city, "
                                "ST_Contains(t.geom, s.geom) AS inside FROM stations s "
                                "LEFT JOIN townships t ON t.code = s.township_code", spatial=True)
    kinds = placed["kind"].value_counts()
    assert kinds["township"] == 16 and kinds["national"] == 2 and kinds["micro"] >= 40
    national = placed[placed["kind"] == "national"]
    assert national["township_code"].isna().all() and (national["city"] == "济源市").all()
    local = placed[placed["kind"] != "national"]
    assert local["inside"].all()
    assert placed.loc[placed["kind"] == "township", "township_code"].nunique() == 16


def test_every_station_has_a_full_year_of_mostly_valid_days(demo_store: Store):
    days = _frame(demo_store, "SELECT station_code, time::DATE AS day, count(*) AS hours, "
                              "count(DISTINCT source) AS sources, max(quality_flag) AS flag "
                              "FROM observations GROUP BY ALL")
    assert days.groupby("station_code")["day"].nunique().min() == 365
    assert (days["hours"] >= 20).mean() > 0.98
    assert (days["flag"] == 0).all()
    bounds = _frame(demo_store, "SELECT min(time) AS first, max(time) AS last FROM observations")
    assert bounds["first"][0] == pd.Timestamp(DEMO_YEAR, 1, 1, 0)
    assert bounds["last"][0] == pd.Timestamp(DEMO_YEAR, 12, 31, 23)


def test_seasonal_and_daily_cycles_are_realistic(demo_store: Store):
    monthly = _frame(demo_store, "SELECT month(time) AS month, avg(pm25) AS pm25, avg(pm10) AS pm10, "
                                 "avg(so2) AS so2, avg(co) AS co FROM observations o JOIN stations s "
                                 "ON s.code = o.station_code WHERE s.kind <> 'micro' GROUP BY ALL "
                                 "ORDER BY month").set_index("month")
    assert monthly.loc[1, "pm25"] > 2 * monthly.loc[7, "pm25"]
    assert 70 < monthly.loc[1, "pm25"] < 130 and 15 < monthly.loc[7, "pm25"] < 40
    assert 1.4 < monthly["pm10"].sum() / monthly["pm25"].sum() < 2.1
    assert 5 < monthly["so2"].mean() < 20 and 0.4 < monthly["co"].mean() < 1.6
    summer_o3 = _frame(demo_store, "SELECT hour(time) AS hour, avg(o3) AS o3 FROM observations "
                                   "WHERE month(time) IN (6, 7, 8) GROUP BY ALL").set_index("hour")["o3"]
    assert 13 <= summer_o3.idxmax() <= 17
    no2 = _frame(demo_store, "SELECT hour(time) AS hour, avg(no2) AS no2 FROM observations "
                             "GROUP BY ALL").set_index("hour")["no2"]
    assert no2[8] > no2[14] and no2[19] > no2[14]


def test_pm25_is_worse_under_calm_easterly_winds_and_in_the_plain(demo_store: Store):
    by_wind = _frame(demo_store, "SELECT avg(pm25) FILTER (ws < 1.5 AND wd BETWEEN 45 AND 135) AS calm_east, "
                                 "avg(pm25) FILTER (ws > 3 AND wd BETWEEN 225 AND 315) AS strong_west "
                                 "FROM observations")
    assert by_wind["calm_east"][0] > 1.3 * by_wind["strong_west"][0]
    by_terrain = _frame(demo_store, "SELECT t.terrain, avg(o.pm25) AS pm25 FROM observations o "
                                    "JOIN stations s ON s.code = o.station_code "
                                    "JOIN townships t ON t.code = s.township_code "
                                    "WHERE s.kind = 'township' GROUP BY ALL").set_index("terrain")["pm25"]
    assert by_terrain["mountain"] < by_terrain["plain"]


@pytest.mark.parametrize("event", [e for e in EVENTS if e.kind == "so2_spike"], ids=lambda e: e.key)
def test_so2_spike_stands_out_with_wind_from_its_source(demo_store: Store, event):
    spike = _observations(demo_store, event.station_code, event.start, event.end)
    median = _frame(demo_store, "SELECT time, median(so2) AS so2 FROM observations WHERE time BETWEEN ? AND ? "
                                "GROUP BY time ORDER BY time", [event.start, event.end])
    assert len(spike) == event.hours
    assert (spike["so2"].to_numpy() > 3 * median["so2"].to_numpy()).all()
    assert spike["so2"].max() == pytest.approx(event.peak)
    plant = _frame(demo_store, "SELECT lon, lat FROM enterprises WHERE id = ?", [event.source_id])
    towards_plant, _, _ = GEOD.inv(event.lon, event.lat, plant["lon"][0], plant["lat"][0])
    mean_from = np.degrees(np.arctan2(np.sin(np.radians(spike["wd"])).mean(),
                                      np.cos(np.radians(spike["wd"])).mean()))
    assert abs((mean_from - towards_plant + 180) % 360 - 180) < 20


@pytest.mark.parametrize("event", [e for e in EVENTS if e.kind == "dust_episode"], ids=lambda e: e.key)
def test_dust_episode_is_coarse_and_next_to_its_site(demo_store: Store, event):
    episode = _observations(demo_store, event.station_code, event.start, event.end)
    assert len(episode) == event.hours
    assert episode["pm10"].max() >= event.peak
    assert (episode["pm25"] / episode["pm10"] < 0.35).all()
    sources = _frame(demo_store, "SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM dust_sources "
                                 "WHERE kind <> 'road'", spatial=True)
    metres = _metres_from(event.lon, event.lat, sources)
    assert sources["id"][metres.argmin()] == event.source_id and metres.min() < 300
    month = _frame(demo_store, "SELECT quantile_cont(pm10, 0.5) AS pm10 FROM observations "
                               "WHERE station_code = ? AND month(time) = ?", [event.station_code, event.start.month])
    assert event.peak > 3 * month["pm10"][0]


@pytest.mark.parametrize("event", [e for e in EVENTS if e.kind == "flatline"], ids=lambda e: e.key)
def test_flatlined_station_is_constant_only_in_its_window(demo_store: Store, event):
    window = _observations(demo_store, event.station_code, event.start, event.end)
    assert len(window) == event.hours
    for pollutant in ("pm25", "pm10", "so2", "no2", "o3", "co"):
        assert window[pollutant].nunique() == 1
    after = _observations(demo_store, event.station_code, event.end + pd.Timedelta(hours=1),
                          event.end + pd.Timedelta(hours=24))
    assert after["pm25"].nunique() > 10


@pytest.mark.parametrize("event", [e for e in EVENTS if e.kind == "burning_cluster"], ids=lambda e: e.key)
def test_burning_cluster_is_on_plain_cropland(demo_store: Store, event):
    fires = _frame(demo_store, "SELECT f.lon, f.lat, f.township_code, t.terrain, ST_Contains(t.geom, f.geom) AS inside "
                               "FROM fire_points f JOIN townships t ON t.code = f.township_code "
                               "WHERE f.time BETWEEN ? AND ?", [event.start, event.end], spatial=True)
    fires = fires[_metres_from(event.lon, event.lat, fires) <= event.radius_m + 50]
    assert len(fires) == event.points
    assert fires["inside"].all() and (fires["terrain"] == "plain").all()
    assert (fires["township_code"] == event.township_code).all()
    assert event.start.month in (5, 6, 10)
    with rasterio.open(demo_store.landcover_path) as raster:
        classes = [value[0] for value in raster.sample(zip(fires["lon"], fires["lat"]))]
    assert all(value == CROPLAND for value in classes)


@pytest.mark.parametrize("event", [e for e in EVENTS if e.kind == "industrial_heat"], ids=lambda e: e.key)
def test_industrial_heat_recurs_inside_the_plant(demo_store: Store, event):
    heat = _frame(demo_store, "SELECT f.time FROM fire_points f JOIN enterprises e ON ST_Contains(e.footprint, f.geom) "
                              "WHERE e.id = ?", [event.source_id], spatial=True)
    assert len(heat) == event.points
    assert heat["time"].dt.date.nunique() == event.points
    assert heat["time"].dt.month.nunique() >= 6


def test_dust_readings_exceed_limits_only_where_planted(demo_store: Store):
    readings = _frame(demo_store, "SELECT * FROM dust_readings")
    limits = {"road_dust_load": 0.8, "dustfall": 7.5}
    over = readings[readings["value"] > readings["metric"].map(limits)]
    planted = {(e.kind, e.source_id, e.start.date()) for e in EVENTS if e.kind in limits}
    assert set(zip(over["metric"], over["source_id"], over["date"].dt.date)) == planted
    assert {"road_dust_load", "dustfall"} == set(readings["metric"])
    roads = _frame(demo_store, "SELECT name FROM dust_sources WHERE kind = 'road'")
    assert set(roads["name"]) == {"焦克路", "丰田路", "玉川大道", "东二环", "金马大道", "海航路"}


def test_sites_and_stockpiles_concentrate_in_the_dust_towns(demo_store: Store):
    sites = _frame(demo_store, "SELECT t.name FROM dust_sources d JOIN townships t ON t.code = d.township_code "
                               "WHERE d.kind IN ('site', 'stockpile')")
    assert sites["name"].isin(["克井镇", "轵城镇", "五龙口镇"]).mean() > 0.7


def test_zones_cover_what_the_rules_say(demo_store: Store):
    zones = _frame(demo_store, "SELECT kind, rules, ST_AsWKB(geom) AS geom FROM zones", spatial=True)
    assert set(zones["kind"]) == {"low_emission", "nonroad_ban", "coal_ban", "fuel_ban"}
    shapes = {kind: shapely_wkb.loads(bytes(geom)) for kind, geom in zip(zones["kind"], zones["geom"])}
    assert '"min_weight_t": 3.5' in zones.set_index("kind").loc["low_emission", "rules"]
    plain = _frame(demo_store, "SELECT ST_AsWKB(geom) AS geom FROM townships WHERE terrain IN ('plain', 'urban')",
                   spatial=True)
    for polygon in plain["geom"]:
        assert shapes["nonroad_ban"].buffer(1e-6).contains(shapely_wkb.loads(bytes(polygon)))
    with rasterio.open(demo_store.landcover_path) as raster:
        assert raster.crs.to_epsg() == 4326
        grid = raster.read(1)
        rows, cols = np.nonzero(grid == BUILT_UP)
        lons, lats = rasterio.transform.xy(raster.transform, rows, cols)
    covered = shapely.contains_xy(shapes["fuel_ban"], np.asarray(lons), np.asarray(lats))
    assert covered.mean() > 0.8


def _longest_run(flags: pd.Series) -> int:
    runs = flags.ne(flags.shift()).cumsum()
    return int(flags.groupby(runs).sum().max())


def test_controls_stay_quiet(demo_store: Store):
    network = _frame(demo_store, "SELECT time, median(pm10) AS pm10_median, median(so2) AS so2_median "
                                 "FROM observations GROUP BY time")
    for control in controls():
        hours = _frame(demo_store, "SELECT time, pm25, pm10, so2 FROM observations WHERE station_code = ? "
                                   "ORDER BY time", [control.station_code]).merge(network, on="time")
        coarse_high = (hours["pm10"] > 2 * hours["pm10_median"]) & (hours["pm25"] / hours["pm10"] < 0.35)
        so2_high = (hours["so2"] > 3 * hours["so2_median"]) & (hours["so2"] > 150)
        assert _longest_run(coarse_high) < 3, control.key
        assert _longest_run(so2_high) == 0, control.key
    for event in (e for e in EVENTS if e.kind in ("dust_episode", "so2_spike")):
        hours = _observations(demo_store, event.station_code, event.start, event.end).merge(network, on="time")
        if event.kind == "dust_episode":
            hot = (hours["pm10"] > 2 * hours["pm10_median"]) & (hours["pm25"] / hours["pm10"] < 0.35)
        else:
            hot = (hours["so2"] > 3 * hours["so2_median"]) & (hours["so2"] > 150)
        assert _longest_run(hot) >= 3, event.key  # the same rule does find what was planted
