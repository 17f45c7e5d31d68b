"""A township's standing for its card, against a ranking worked out by hand: the next rank up, the bottom-3
boundary, the top pollutant, and reasons for unranked townships."""
from __future__ import annotations

import pandas as pd
import pytest

from stations.standards import composite_config
from stations.standing import township_standing, with_unranked_reasons

# Five townships ranked by composite index (A best) and one unranked (F, too few days).
INDICES = {"A": 3.0, "B": 3.5, "C": 4.0, "D": 4.2, "E": 5.0}


def _ranking() -> pd.DataFrame:
    codes = [*INDICES, "F"]
    frame = pd.DataFrame({"township_code": codes, "township": [f"{code}镇" for code in codes],
                          "composite_index": [*INDICES.values(), float("nan")],
                          "rank": pd.array([1, 2, 3, 4, 5, None], dtype="Int64"),
                          "rank_change": pd.array([0, 1, -1, None, 2, None], dtype="Int64"),
                          "composite_yoy_pct": [float("nan")] * 6,
                          "invalid_reason": [pd.NA] * 5 + ["PM2.5: 20 valid days, fewer than 27"],
                          "invalid_reason_zh": [pd.NA] * 5 + ["PM2.5：有效天数 20 天，少于要求的 27 天"]})
    # Statistics whose 2012 sub-indices make PM2.5 the largest for everyone.
    for column, value in {"so2": 6.0, "no2": 8.0, "pm10": 35.0, "co_p95": 0.4, "o3_8h_p90": 80.0}.items():
        frame[column] = value
    frame["pm25"] = 35.0 * (frame["composite_index"] - 1.6)
    return frame


CONFIG = composite_config("2012")


def test_the_next_rank_and_the_bottom_boundary():
    standing = township_standing(_ranking(), "D", "composite", 3, CONFIG)
    assert (standing.rank, standing.ranked) == (4, 5)
    assert standing.next_up == "C镇" and standing.gap_to_next == pytest.approx(0.2)
    # Bottom 3 of 5 are ranks 3–5: D must pass B (rank 2, the last outside) to leave it.
    assert standing.in_bottom and standing.bottom_neighbour == "B镇"
    assert standing.bottom_gap == pytest.approx(0.7)
    assert standing.rank_change is None
    assert standing.top_pollutant == "pm25"
    sub_indices = {"so2": 6 / 60, "no2": 8 / 40, "pm10": 35 / 70, "pm25": 35 * 2.6 / 35, "co": 0.4 / 4, "o3": 0.5}
    assert standing.top_share == pytest.approx(sub_indices["pm25"] / sum(sub_indices.values()))


def test_outside_the_bottom_and_at_the_top():
    first = township_standing(_ranking(), "A", "composite", 3, CONFIG)
    assert first.next_up is None and not first.in_bottom
    assert first.bottom_neighbour == "C镇" and first.bottom_gap == pytest.approx(1.0)


def test_an_unranked_township_says_why():
    standing = township_standing(_ranking(), "F", "composite", 3, CONFIG)
    assert standing.rank is None and "27" in standing.reason_zh


def test_a_valid_township_without_a_year_on_year_value_gets_a_reason():
    ranking = _ranking().assign(rank=pd.array([None] * 6, dtype="Int64"))
    explained = with_unranked_reasons(ranking, "yoy")
    assert set(explained["invalid_reason_zh"][:5]) == {"上年同期无有效数据，无法计算同比"}
    assert explained["invalid_reason_zh"].iloc[5].startswith("PM2.5")
