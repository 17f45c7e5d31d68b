"""Rankings by level on a two-county region (Beijing's 12 real stations as 12 townships in two counties of
one city), the bottom-3 list and a reward/penalty table from a rule, and targets set and tracked."""
from __future__ import annotations

import contextlib
import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest

import cli
from core.errors import PermissionDeniedError
from core.policy import SYSTEM_USER, Role, User
from data.deductions import append_deduction
from data.store import Store
from stations.assessment import rank_store
from stations.evaluation import progress_of_targets, rank_level, set_target
from stations.ranking import Period
from stations.rewards import RewardRules, bottom_list, reward_table
from tests.ranking_support import beijing_hours, load_beijing

MONTH = "2016-01"
# The first six stations (by code) form county A, the other six county B; both belong to city C.
CITY, COUNTY_A, COUNTY_B = "C1", "CA", "CB"


@pytest.fixture(scope="module")
def region(tmp_path_factory, real_data):
    store = Store(tmp_path_factory.mktemp("two_counties") / "region.duckdb", busy_timeout_s=10)
    store.migrate()
    stations = load_beijing(store, real_data).sort_values("station_code")
    county_of = {f"T{code}": (COUNTY_A if index < 6 else COUNTY_B)
                 for index, code in enumerate(stations["station_code"])}
    with store.write() as con:
        con.execute("INSERT INTO admin_units VALUES (?, '示例市', 'city', NULL), (?, '甲县', 'county', ?), "
                    "(?, '乙县', 'county', ?)", [CITY, COUNTY_A, CITY, COUNTY_B, CITY])
        for township, county in county_of.items():
            con.execute("UPDATE townships SET county_code = ?, city_code = ? WHERE code = ?", [county, CITY, township])
        # A confirmed problem in January 2016 costs the first township 50,000 CNY.
        append_deduction(con, problem_type="open_burning", township_code=min(county_of), incurred_on=dt.date(2016, 1, 9),
                         amount_cny=50_000.0, recorded_at=dt.datetime(2016, 1, 10), recorded_by="test")
    return store, county_of, beijing_hours(real_data), stations


def test_townships_rank_within_their_county(region):
    store, county_of, _, _ = region
    overall = rank_store(store, Period.parse(MONTH), version="2012")
    levelled = rank_level(store, Period.parse(MONTH), "township_in_county", version="2012")
    assert set(levelled["parent_name"]) == {"甲县", "乙县"}
    for county in (COUNTY_A, COUNTY_B):
        mine = levelled[levelled["parent_code"] == county]
        assert set(mine["township_code"]) == {code for code, c in county_of.items() if c == county}
        ranked = mine.dropna(subset=["level_rank"])
        # Within a county the order is the overall order, renumbered from 1.
        expected = overall[overall["township_code"].isin(ranked["township_code"]) & overall["rank"].notna()]
        assert list(ranked["township_code"]) == list(expected["township_code"])
        assert list(ranked["level_rank"]) == list(range(1, len(ranked) + 1))


def test_counties_rank_within_the_city_on_their_townships_daily_means(region):
    store, county_of, hours, stations = region
    counties = rank_level(store, Period.parse(MONTH), "county_in_city", version="2012").set_index("township_code")
    assert set(counties.index) == {COUNTY_A, COUNTY_B}
    assert set(counties["parent_name"]) == {"示例市"}
    assert sorted(counties["level_rank"].dropna()) == [1, 2]
    # Independently: station daily PM2.5 (≥ 20 hours), the county's mean of them each day, the month's mean.
    january = hours[(hours["time"] >= "2016-01-01") & (hours["time"] < "2016-02-01")].copy()
    january["township"] = "T" + january["station_code"].astype(str)
    january["day"] = january["time"].dt.floor("D")
    daily = january.groupby(["township", "day"])["pm25"].agg(["mean", "count"])
    daily = daily["mean"].where(daily["count"] >= 20).rename("pm25").reset_index()
    daily["county"] = daily["township"].map(county_of)
    county_daily = daily.groupby(["county", "day"])["pm25"].mean()
    expected = county_daily.groupby("county").mean()
    for county in (COUNTY_A, COUNTY_B):
        assert counties.at[county, "pm25"] == pytest.approx(expected[county], rel=1e-9)
    # The deduction of a township counts for its county.
    assert counties.at[county_of[min(county_of)], "deduction_cny"] == 50_000.0
    better = counties["composite_index"].idxmin()
    assert counties.at[better, "level_rank"] == 1


def test_bottom_three_and_the_reward_table_follow_the_rule(region):
    store, county_of, _, _ = region
    ranking = rank_store(store, Period.parse(MONTH), version="2012")
    ranked = ranking[ranking["rank"].notna()]
    bottom = bottom_list(ranking, 3)
    worst = ranked.sort_values("rank", ascending=False).head(3)
    assert list(bottom["township_code"]) == list(worst["township_code"])
    assert list(bottom["place_from_bottom"]) == [1, 2, 3]

    rules = RewardRules(top_amounts={1: 30_000.0, 2: 20_000.0}, bottom_amounts={1: -30_000.0, 2: -20_000.0,
                                                                                    3: -10_000.0},
                        bottom_n=3, eco_cny_per_ug=10_000.0)
    table = reward_table(ranking, rules).set_index("township_code")
    best = ranked.set_index("rank")["township_code"]
    assert table.at[best[1], "rank_amount_cny"] == 30_000.0
    assert table.at[best[2], "rank_amount_cny"] == 20_000.0
    for place, amount in zip(bottom["township_code"], (-30_000.0, -20_000.0, -10_000.0)):
        assert table.at[place, "rank_amount_cny"] == amount
    middle = set(ranked["township_code"]) - set(bottom["township_code"]) - {best[1], best[2]}
    assert all(table.loc[list(middle), "rank_amount_cny"] == 0)
    # Eco-compensation: 10,000 CNY for each µg/m³ PM2.5 fell against January 2015 (ranked on its own).
    year_ago = rank_store(store, Period.parse("2015-01"), version="2012").set_index("township_code")["pm25"]
    now = ranking.set_index("township_code")["pm25"]
    change = (now - year_ago).round(1)
    for code in ranked["township_code"]:
        assert table.at[code, "eco_compensation_cny"] == pytest.approx(-10_000 * change[code])
    charged = min(county_of)
    assert table.at[charged, "deduction_cny"] == -50_000.0
    row = table.loc[charged]
    assert row["total_cny"] == pytest.approx(row["rank_amount_cny"] + row["eco_compensation_cny"] - 50_000.0)
    assert reward_table(ranking, rules).equals(reward_table(ranking, rules))  # reproducible


def test_a_supervisor_sets_targets_and_sees_their_progress(region):
    store, county_of, hours, _ = region
    township = min(county_of)
    supervisor = User(name="督办", role=Role.SUPERVISOR)
    with pytest.raises(PermissionDeniedError):
        set_target(store, User(name="乡镇", role=Role.TOWNSHIP, township_code=township), unit_code=township,
                   year=2016, metric="pm25", value=60.0)
    set_target(store, supervisor, unit_code=township, year=2016, metric="pm25", value=60.0, version="2012")
    set_target(store, SYSTEM_USER, unit_code=COUNTY_A, year=2016, metric="heavy_day_ratio", value=0.1)
    progress = progress_of_targets(store, 2016, dt.date(2016, 1, 31)).set_index("unit_code")
    assert progress.at[township, "unit_name"]
    assert progress.at[COUNTY_A, "unit_level"] == "county"
    station = township[1:]
    january = hours[(hours["station_code"].astype(str) == station) & (hours["time"] >= "2016-01-01")
                    & (hours["time"] < "2016-02-01")].copy()
    january["day"] = january["time"].dt.floor("D")
    daily = january.groupby("day")["pm25"].agg(["mean", "count"])
    valid = daily["mean"][daily["count"] >= 20]
    assert progress.at[township, "ytd_value"] == pytest.approx(valid.mean())
    expected = (60.0 * (len(valid) + 335) - valid.sum()) / 335
    assert progress.at[township, "allowance"] == pytest.approx(expected)
    assert progress.at[township, "standard_version"] == "2012"
    assert np.isfinite(progress.at[COUNTY_A, "allowance"])


def test_the_cli_ranks_by_level_and_period_kind(region):
    store, _, _, _ = region
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(["rank", "--db", str(store.path), "--period", "2016-01-20", "--kind", "week",
                         "--level", "county_in_city", "--standard", "2012", "--format", "csv"])
    assert code == 0
    frame = pd.read_csv(io.StringIO(out.getvalue()))
    assert set(frame["township"]) == {"甲县", "乙县"}
    assert "level_rank" in frame
