"""On the demo year: every hotspot states the thresholds of the rule it passed (what the hotspot card will
say), the planted SO2 spikes downwind of the smelters are found under the pollutant-aware rule with the
right station and hours, and the demo's fire points wait for review with their proposals."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from data.hotspots import HotspotFilter, read_hotspots
from data.store import Store
from hotspots import fire_review
from hotspots.config import HotspotConfig
from ingest.demo.planted import planted_events
from tests.conftest import DEMO_YEAR

CONFIG = HotspotConfig()


@pytest.fixture(scope="module")
def hotspots(demo_store: Store) -> pd.DataFrame:
    with demo_store.read() as con:
        stored = read_hotspots(con, HotspotFilter())
    stored["context"] = stored["context"].map(json.loads)
    return stored


def test_every_detected_hotspot_states_its_rule(hotspots: pd.DataFrame):
    detected = hotspots[hotspots["kind"].isin(["station", "dust", "fire", "grid", "anomaly"])]
    assert len(detected) and detected["context"].map(lambda context: bool(context.get("rule"))).all()
    stations = detected[detected["kind"] == "station"]
    for row in stations.itertuples():
        rule, at_peak = row.context["rule"], row.context["at_peak"]
        assert rule["ratio_to_median"] == CONFIG.ratio_to_median[row.pollutant]
        assert rule["robust_z"] == CONFIG.robust_z and rule["min_hours"] == CONFIG.min_hours
        assert rule["unit"] == ("mg/m³" if row.pollutant == "co" else "µg/m³")
        assert row.peak >= at_peak["threshold"] >= rule["floor_at_peak"]
        assert at_peak["robust_z"] >= CONFIG.robust_z
        assert row.peak >= rule["ratio_to_median"] * at_peak["median"]
    so2 = stations[stations["pollutant"] == "so2"]
    assert (so2["context"].map(lambda context: context["rule"]["floor"]) == 20.0).all()
    fires = detected[detected["kind"] == "fire"]
    assert fires["context"].map(lambda context: "fire_eps_m" in context["rule"]
                                or "persistent_min_days" in context["rule"]).all()
    readings = hotspots[hotspots["pollutant"].isin(["road_dust_load", "dustfall"])]
    assert readings["context"].map(lambda context: context["rule"]["limit"] == context["limit"]).all()


def test_planted_so2_spikes_are_found_far_above_their_neighbours(hotspots: pd.DataFrame):
    so2 = hotspots[(hotspots["kind"] == "station") & (hotspots["pollutant"] == "so2")]
    for event in (e for e in planted_events(DEMO_YEAR) if e.kind == "so2_spike"):
        found = so2[(so2["station_code"] == event.station_code) & (so2["start_time"] <= pd.Timestamp(event.end))
                    & (so2["end_time"] >= pd.Timestamp(event.start))]
        assert len(found) == 1, event.key
        assert found["peak_ratio"].iloc[0] >= CONFIG.ratio_to_median["so2"], event.key
    counts = hotspots[hotspots["kind"] == "station"].groupby("pollutant").size().to_dict()
    print(f"\nstation hotspots per pollutant on the demo year: {counts}")


def test_demo_fire_points_wait_for_review_with_the_heat_proposed_for_strike_off(demo_store: Store):
    owed = fire_review.township_deductions(demo_store, dt.date(DEMO_YEAR, 1, 1), dt.date(DEMO_YEAR, 12, 31))
    assert (owed["deduction_cny"] == 0).all() and owed["fire_points_pending"].sum() == owed["fire_points"].sum()
    points = fire_review.list_fire_points(demo_store, None, dt.date(DEMO_YEAR, 1, 1), dt.date(DEMO_YEAR, 12, 31))
    heat = [event for event in planted_events(DEMO_YEAR) if event.kind == "industrial_heat"]
    proposed = points[points["proposed_reason"] == "industrial_heat"]
    assert len(proposed) >= sum(event.points for event in heat)
    for event in heat:
        assert proposed["proposal"].str.contains(event.source_id).sum() >= event.points, event.key
