"""The engine's output is a function of the store: the same hotspots (by digest) in a second process with
another hash seed, and every optimised step equal to a plain recomputation on the demo region's hours."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.stations import read_hourly_observations
from data.store import Store
from hotspots.anomalies import _previous_hours
from hotspots.engine import detect, hotspots_digest
from hotspots.episodes import HourLookup, median_of_others, network_medians
from tests.conftest import DEMO_YEAR

REPO = Path(__file__).resolve().parents[2]
YEAR_START, YEAR_END = dt.date(DEMO_YEAR, 1, 1), dt.date(DEMO_YEAR, 12, 31)
IN_ANOTHER_PROCESS = (
    "import datetime as dt, sys\n"
    "from data.store import Store\n"
    "from hotspots.engine import detect, hotspots_digest\n"
    "found = detect(Store(sys.argv[1]), dt.date.fromisoformat(sys.argv[2]), dt.date.fromisoformat(sys.argv[3]),"
    " write_rasters=False)\n"
    "print(hotspots_digest(found))\n")


@pytest.fixture(scope="module")
def year_hotspots(demo_store: Store) -> pd.DataFrame:
    """The demo year's hotspots as detect gives them (nothing written)."""
    return detect(demo_store, YEAR_START, YEAR_END, write_rasters=False)


def test_a_second_process_with_another_hash_seed_finds_the_same_hotspots(demo_store: Store,
                                                                         year_hotspots: pd.DataFrame) -> None:
    # Every kind is there, so every detector's columns are in the digest.
    assert set(year_hotspots["kind"]) >= {"station", "dust", "fire", "grid", "anomaly"}
    seeds = {os.environ.get("PYTHONHASHSEED"), "0"}
    environment = {**os.environ, "PYTHONHASHSEED": "12345" if "12345" not in seeds else "54321"}
    again = subprocess.run([sys.executable, "-c", IN_ANOTHER_PROCESS, str(demo_store.path), YEAR_START.isoformat(),
                            YEAR_END.isoformat()], cwd=REPO, env=environment, capture_output=True, text=True,
                           check=True)
    assert again.stdout.strip() == hotspots_digest(year_hotspots)


@pytest.mark.parametrize("column", ["score", "context", "rank", "township_code", "start_time"])
def test_the_digest_sees_a_change_in_any_computed_column(year_hotspots: pd.DataFrame, column: str) -> None:
    changed = year_hotspots.copy()
    first = changed.index[0]
    changed.at[first, column] = {"score": changed.at[first, "score"] + 0.01,
                                 "context": changed.at[first, "context"].replace('"audience"', '"Audience"'),
                                 "rank": changed.at[first, "rank"] + len(changed),
                                 "township_code": "elsewhere",
                                 "start_time": changed.at[first, "start_time"] + pd.Timedelta(hours=1)}[column]
    assert hotspots_digest(changed) != hotspots_digest(year_hotspots)


def test_the_digest_ignores_how_a_json_text_is_spelled(year_hotspots: pd.DataFrame) -> None:
    respelled = year_hotspots.assign(score_parts=year_hotspots["score_parts"].str.replace(", ", ",", regex=False))
    assert hotspots_digest(respelled) == hotspots_digest(year_hotspots)


@pytest.fixture(scope="module")
def year_observations(demo_store: Store) -> pd.DataFrame:
    with demo_store.read() as con:
        return read_hourly_observations(con, dt.datetime(DEMO_YEAR, 1, 1), dt.datetime(DEMO_YEAR + 1, 1, 1),
                                        include_wind=True)


def _nan_equal(mine: np.ndarray, reference: np.ndarray) -> bool:
    return bool(np.array_equal(np.asarray(mine, float), np.asarray(reference, float), equal_nan=True))


def test_score_parts_are_written_as_json_dumps_writes_them(year_hotspots: pd.DataFrame) -> None:
    for text in year_hotspots["score_parts"]:
        assert text == json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True)


def test_previous_hours_by_one_sort_equal_each_stations_shift(year_observations: pd.DataFrame) -> None:
    shuffled = year_observations.sample(frac=1.0, random_state=3)   # the sort must not rely on the read's order
    previous = _previous_hours(shuffled, ["pm25", "so2"])
    ordered = shuffled.sort_values(["station_code", "time"])
    one_hour = ordered.groupby("station_code")["time"].diff() == pd.Timedelta(hours=1)
    for column in ("pm25", "so2"):
        reference = ordered.groupby("station_code")[column].shift(1).where(one_hour).reindex(shuffled.index)
        assert _nan_equal(previous[column].to_numpy(), reference.to_numpy())


def test_the_median_of_the_other_stations_equals_a_per_hour_recomputation(year_observations: pd.DataFrame) -> None:
    month = year_observations[year_observations["time"].dt.month == 3].reset_index(drop=True)
    fast = median_of_others(month["pm10"], HourLookup(network_medians(month, ["pm10"]), month["time"]), "pm10")
    reference = np.full(len(month), np.nan)
    for _, hour in month.groupby("time"):
        values = hour["pm10"].to_numpy()
        for position, row in enumerate(hour.index):
            others = np.delete(values, position)
            others = others[~np.isnan(others)]
            if not np.isnan(values[position]) and len(others):
                reference[row] = np.median(others)
    assert np.isfinite(fast).sum() > 1000 and _nan_equal(fast, reference)
