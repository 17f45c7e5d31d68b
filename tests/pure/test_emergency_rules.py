"""The emergency rules without a store: the trigger rule's suggestion, the level in force per record, and
the zone clauses each level switches on."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from core.errors import BadInputError
from emergency.levels import level_code, suggest_level
from zones.emergency import levels_in_force, rule_at_level


def _days(values: list[float], forecast_from: int) -> pd.DataFrame:
    return pd.DataFrame({"date": pd.date_range("2025-01-10", periods=len(values)), "aqi": values,
                         "forecast": [index >= forecast_from for index in range(len(values))]})


@pytest.mark.parametrize("values, level", [
    ([120, 150, 210, 230], "yellow"),              # two forecast days > 200
    ([120, 150, 210, 190, 230], None),             # broken runs of one day each
    ([120, 210, 240, 290, 150], "yellow"),         # three days > 200 without one > 300: still yellow
    ([120, 210, 320, 290, 150], "orange"),
    ([210, 320, 330, 250, 150], "red"),
    ([120, 130, 500, 140], "red"),                 # any day at 500
    ([120, 130, 140, 150], None),
])
def test_the_ministrys_trigger_rule_suggests_the_level(values, level):
    found = suggest_level(_days(values, forecast_from=2))
    assert (found.level if found else None) == level


def test_a_run_that_ended_before_today_suggests_nothing():
    assert suggest_level(_days([310, 320, 330, 150, 140], forecast_from=5)) is None


def test_levels_are_read_as_officials_write_them():
    assert [level_code(text) for text in ("橙色", "橙色预警", "II级", "orange", "红")] == [
        "orange", "orange", "orange", "orange", "red"]
    with pytest.raises(BadInputError):
        level_code("紫色")


def test_the_highest_alert_in_force_applies_per_time_and_township():
    periods = pd.DataFrame({"alert_id": ["city", "town"], "level": ["yellow", "red"],
                            "area_codes": [[], ["T2"]],
                            "from_time": pd.to_datetime(["2025-01-10", "2025-01-11"]),
                            "to_time": pd.to_datetime(["2025-01-13", "2025-01-12"])})
    times = pd.Series(pd.to_datetime(["2025-01-09 23:59", "2025-01-10 00:00", "2025-01-11 08:00", "2025-01-11 08:00",
                                      "2025-01-13 00:00"]))
    found = levels_in_force(times, pd.Series(["T1", "T1", "T1", "T2", "T2"]), periods)
    def values(column: str) -> list:
        return [None if pd.isna(value) else value for value in found[column]]

    assert values("level") == [None, "yellow", "yellow", "red", None]
    assert values("alert_id") == [None, "city", "city", "town", None]


def test_orange_voids_truck_passes_and_a_zone_may_set_its_own_clause():
    everyday, clause = rule_at_level("low_emission", json.dumps({"max_banned_standard": 3}), "yellow")
    assert clause is None and not everyday.permits_void and everyday.max_banned_standard == 3
    orange, clause = rule_at_level("low_emission", json.dumps({"max_banned_standard": 3}), "orange")
    assert clause.key == "lez_china4_orange" and orange.permits_void and orange.max_banned_standard == 4
    own = {"emergency": [{"clause": "lez_china5_red", "from_level": "red", "overrides": {"max_banned_standard": 5}}]}
    assert rule_at_level("low_emission", json.dumps(own), "orange")[1] is None
    red, clause = rule_at_level("low_emission", json.dumps(own), "red")
    assert clause.key == "lez_china5_red" and red.max_banned_standard == 5 and not red.permits_void
    with pytest.raises(BadInputError):
        rule_at_level("low_emission", json.dumps({"emergency": [{"clause": "x", "from_level": "purple"}]}), "red")
