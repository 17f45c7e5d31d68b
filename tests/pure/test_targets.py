"""Targets against a hand calculation: year-to-date value, on track, and the allowance left, per edition."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from core.errors import BadInputError
from stations.targets import heavy_days_allowed, mean_allowance, non_good_days_allowed, target_progress

# Ten days of January 2025: seven at PM2.5 50, one at 70 (good under 2012, light pollution under 2026's
# 60 µg/m³ breakpoint), two at 200 (heavy under both); the other pollutants stay low.
PM25 = [50, 50, 50, 50, 50, 50, 50, 70, 200, 200]


def _daily() -> pd.DataFrame:
    days = pd.date_range("2025-01-01", periods=len(PM25), freq="D")
    return pd.DataFrame({"township_code": "T1", "date": days, "pm25": [float(v) for v in PM25], "pm10": 40.0,
                         "so2": 5.0, "no2": 10.0, "co": 0.5, "o3_8h": 60.0, "o3_1h": 80.0})


def _targets(version: str) -> pd.DataFrame:
    return pd.DataFrame({"unit_code": "T1", "year": 2025,
                         "metric": ["pm25", "good_day_ratio", "heavy_day_ratio", "composite_index"],
                         "target_value": [40.0, 0.7, 0.015, 4.0], "standard_version": version})


def test_allowance_left_matches_a_hand_calculation():
    progress = target_progress(_daily(), _targets("2012"), dt.date(2025, 1, 10)).set_index("metric")
    # Mean so far (7·50 + 70 + 2·200)/10 = 82; 355 days left; (40·365 − 82·10)/355 = 13780/355.
    assert progress.at["pm25", "ytd_value"] == pytest.approx(82.0)
    assert progress.at["pm25", "allowance"] == pytest.approx(13780 / 355)
    assert progress.at["pm25", "days_left"] == 355
    assert not progress.at["pm25", "on_track"]
    # Heavy days: ⌊0.015·365⌋ = 5 allowed in the year, 2 used → 3 left; 2/10 so far is off track.
    assert progress.at["heavy_day_ratio", "allowance"] == 3
    assert progress.at["heavy_day_ratio", "ytd_value"] == pytest.approx(0.2)
    # Good days under 2012: 8 of 10; the year needs ⌈0.7·365⌉ = 256, so 248 of the 355 left → 107 may fail.
    assert progress.at["good_day_ratio", "ytd_value"] == pytest.approx(0.8)
    assert progress.at["good_day_ratio", "allowance"] == 107
    assert progress.at["good_day_ratio", "on_track"]
    # Composite so far (2012 divisors): 5/60 + 10/40 + 40/70 + 82/35 + CO p95 0.5/4 + O3 p90 60/160.
    expected = 5 / 60 + 10 / 40 + 40 / 70 + 82 / 35 + 0.5 / 4 + 60 / 160
    assert progress.at["composite_index", "ytd_value"] == pytest.approx(expected)
    assert progress.at["composite_index", "allowance"] == pytest.approx(4.0 - expected)


def test_the_targets_edition_decides_good_days_and_the_composite():
    progress = target_progress(_daily(), _targets("2026"), dt.date(2025, 1, 10)).set_index("metric")
    # Under 2026 the 70 µg/m³ day is not good: 7 of 10, 256 − 7 = 249 needed → 106 may fail.
    assert progress.at["good_day_ratio", "ytd_value"] == pytest.approx(0.7)
    assert progress.at["good_day_ratio", "allowance"] == 106
    expected = 5 / 60 + 10 / 40 + 40 / 60 + 82 / 30 + 0.5 / 4 + 60 / 160
    assert progress.at["composite_index", "ytd_value"] == pytest.approx(expected)


def test_the_formulas_at_their_edges():
    assert mean_allowance(30.0, 100, 265, 35.0) == pytest.approx((35 * 365 - 3000) / 265)
    assert mean_allowance(30.0, 365, 0, 35.0) != mean_allowance(30.0, 365, 0, 35.0)  # NaN: no day left
    assert heavy_days_allowed(6, 200, 165, 0.015) == -1  # already past the year's 5
    assert heavy_days_allowed(0, 10, 3, 0.5) == 3  # never more than the days left
    assert non_good_days_allowed(300, 320, 45, 0.7) == 45  # already met: every day left may fail


def test_an_unknown_metric_is_refused():
    targets = _targets("2012").assign(metric="so2")
    with pytest.raises(BadInputError) as raised:
        target_progress(_daily(), targets, dt.date(2025, 1, 10))
    assert raised.value.field == "metric"
