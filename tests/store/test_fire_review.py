"""A fire point's life: industrial heat proposed for strike-off and charged nothing, a confirmed straw fire
charged once from the schedule, an accepted appeal reversing it, every change logged, the township
official seeing their points, reports of one fire from several sources counted once, and the
period's amount read again as it stood before later changes."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from core.errors import BadInputError, ConflictError, PermissionDeniedError
from data.store import Store
from hotspots import fire_review as fr
from hotspots.attachments import Upload
from hotspots.deductions import DeductionSchedule
from tests.tasks_support import (
    INSPECTOR,
    KEJING,
    KEJING_OFFICIAL,
    SUPERVISOR,
    ZHICHENG,
    ZHICHENG_OFFICIAL,
    photo,
    seed_region,
)

PLANT = "ent-zn-01"
# A zinc smelter's footprint in 克井镇 (EPSG:4326), about 300 m × 220 m.
FOOTPRINT = "POLYGON((112.540 35.150, 112.5433 35.150, 112.5433 35.152, 112.540 35.152, 112.540 35.150))"
HEAT_DAYS = [dt.datetime(2025, 1, 20, 13, 30) + dt.timedelta(days=day) for day in range(30)]  # January and February
STRAW = "straw-zc-0608"
FIRE_POINT_AMOUNT = DeductionSchedule().entry("fire_point").first_cny


def _point(con, point_id: str, when: dt.datetime, lon: float, lat: float, source: str = "firms_viirs",
           township: str | None = None) -> None:
    con.execute("INSERT INTO fire_points (id, source, time, lon, lat, frp, daynight, township_code, geom) "
                "VALUES (?, ?, ?, ?, ?, 12.0, 'D', ?, ST_Point(?, ?))",
                [point_id, source, when, lon, lat, township, lon, lat])


@pytest.fixture
def fires(store: Store) -> Store:
    """Two townships, a smelter in 克井镇 whose furnace the satellite sees on 30 days, and one straw
    fire in 轵城镇's fields; the classification run over the year."""
    seed_region(store)
    with store.write(spatial=True) as con:
        con.execute("INSERT INTO enterprises (id, name, industry, emits, township_code, lon, lat, footprint, geom) "
                    "VALUES (?, '锌冶炼厂', 'lead_zinc', '[\"so2\"]', ?, 112.5416, 35.151, "
                    "ST_GeomFromText(?), ST_Point(112.5416, 35.151))", [PLANT, KEJING, FOOTPRINT])
        for day, when in enumerate(HEAT_DAYS):
            _point(con, f"heat-{day:02d}", when, 112.5410 + 0.0001 * (day % 5), 35.1508 + 0.0001 * (day % 3))
        _point(con, STRAW, dt.datetime(2025, 6, 8, 13, 40), 112.655, 35.150)
    fr.propose(store, dt.date(2025, 1, 1), dt.date(2025, 12, 31), now=dt.datetime(2025, 6, 9, 6, 0))
    return store


def _year(store: Store, as_of: dt.datetime | None = None) -> pd.DataFrame:
    return fr.township_deductions(store, dt.date(2025, 1, 1), dt.date(2025, 12, 31), as_of).set_index("township_code")


def _actions(store: Store, point_id: str) -> list[tuple]:
    history = fr.review_history(store, point_id)
    return [(row.actor, row.action, row.from_state, row.to_state, None if pd.isna(row.reason) else row.reason)
            for row in history.itertuples()]


def test_persistent_heat_is_proposed_for_strike_off_and_costs_nothing_until_confirmed(fires: Store):
    points = fr.list_fire_points(fires, SUPERVISOR, dt.date(2025, 1, 1), dt.date(2025, 12, 31), township=KEJING)
    assert len(points) == 30
    assert (points["state"] == "pending").all()
    assert (points["proposed_reason"] == "industrial_heat").all()
    assert points["proposal"].str.contains(PLANT).all()
    kejing = _year(fires).loc[KEJING]
    assert (kejing["fire_points"], kejing["fire_points_pending"], kejing["deduction_cny"]) == (30, 30, 0.0)
    assert _actions(fires, "heat-00") == [("system", "propose", "pending", "pending", "industrial_heat")]
    # A second run changes nothing: the proposals stand, no event is repeated.
    again = fr.propose(fires, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert again == {"points": 31, "linked": 0}
    assert len(fr.review_history(fires, "heat-00")) == 1
    # The supervisor agrees with the proposal on one point; it stays uncharged.
    fr.strike_off(fires, SUPERVISOR, "heat-00", reason="industrial_heat", now=dt.datetime(2025, 6, 10, 9, 0))
    kejing = _year(fires).loc[KEJING]
    assert (kejing["fire_points_pending"], kejing["fire_points_struck_off"], kejing["deduction_cny"]) == (29, 1, 0.0)


def test_confirming_a_straw_fire_charges_one_schedule_amount_and_an_accepted_appeal_returns_it(fires: Store):
    assert _year(fires).loc[ZHICHENG, "deduction_cny"] == 0.0
    confirmed = fr.confirm(fires, INSPECTOR, STRAW, note="田间焚烧痕迹约 2 亩", photos=[photo()],
                           now=dt.datetime(2025, 6, 10, 9, 0))
    assert confirmed.state is fr.FireState.CONFIRMED and confirmed.charged_cny == FIRE_POINT_AMOUNT
    zhicheng = _year(fires).loc[ZHICHENG]
    assert (zhicheng["fire_points_confirmed"], zhicheng["deduction_cny"]) == (1, FIRE_POINT_AMOUNT)
    assert len(fr.review_attachments(fires, STRAW)) == 1

    fr.appeal(fires, ZHICHENG_OFFICIAL, STRAW, evidence="村民烧荒引燃田埂杂草，非秸秆焚烧", photos=[photo("JPEG", "现场.jpg")],
              now=dt.datetime(2025, 6, 11, 9, 0))
    assert _year(fires).loc[ZHICHENG, "deduction_cny"] == FIRE_POINT_AMOUNT   # charged until decided
    decided = fr.decide_appeal(fires, SUPERVISOR, STRAW, accept=True, reason="accidental", comment="核实为意外失火",
                               now=dt.datetime(2025, 6, 12, 9, 0))
    assert decided.state is fr.FireState.STRUCK_OFF and decided.charged_cny == 0.0
    zhicheng = _year(fires).loc[ZHICHENG]
    assert (zhicheng["fire_points_struck_off"], zhicheng["deduction_cny"]) == (1, 0.0)
    assert _actions(fires, STRAW) == [
        ("赵巡查", "confirm", "pending", "confirmed", None),
        ("陈轵城", "appeal", "confirmed", "appealed", None),
        ("王督办", "accept_appeal", "appealed", "struck_off", "accidental")]
    # The ledger keeps both dated rows; the amount as it stood on 11 June can be read again.
    ledger = fr.read_ledger(fires, dt.date(2025, 6, 1), dt.date(2025, 6, 30))
    assert ledger["amount_cny"].tolist() == [FIRE_POINT_AMOUNT, -FIRE_POINT_AMOUNT]
    assert set(ledger["incurred_on"].astype(str)) == {"2025-06-08"}
    before = _year(fires, as_of=dt.datetime(2025, 6, 11, 12, 0)).loc[ZHICHENG]
    assert (before["fire_points_confirmed"], before["deduction_cny"]) == (1, FIRE_POINT_AMOUNT)
    assert _year(fires, as_of=dt.datetime(2025, 6, 9, 12, 0)).loc[ZHICHENG, "fire_points_pending"] == 1


def test_the_township_official_sees_every_point_of_the_township_and_appeals_once(fires: Store):
    seen = fr.list_fire_points(fires, KEJING_OFFICIAL, dt.date(2025, 1, 1), dt.date(2025, 12, 31), township=ZHICHENG)
    assert len(seen) == 30 and set(seen["township_code"]) == {KEJING}     # their own, whatever they ask
    assert set(seen["state"]) == {"pending"} and set(seen["proposed_reason"]) == {"industrial_heat"}
    fr.confirm(fires, SUPERVISOR, STRAW, note="现场确认", photos=[photo()])
    with pytest.raises(PermissionDeniedError):
        fr.appeal(fires, KEJING_OFFICIAL, STRAW, evidence="不是我们的")           # another township's point
    with pytest.raises(PermissionDeniedError):
        fr.appeal(fires, INSPECTOR, STRAW, evidence="巡查员不能申诉")
    fr.appeal(fires, ZHICHENG_OFFICIAL, STRAW, evidence="申诉理由")
    fr.decide_appeal(fires, SUPERVISOR, STRAW, accept=False, comment="卫星与现场照片一致，维持认定")
    review = fr.get_review(fires, STRAW)
    assert review.state is fr.FireState.CONFIRMED and review.appeals == 1
    assert fr.actions_now(ZHICHENG_OFFICIAL, review) == []                  # the one appeal is used
    with pytest.raises(ConflictError):
        fr.appeal(fires, ZHICHENG_OFFICIAL, STRAW, evidence="再次申诉")
    assert _year(fires).loc[ZHICHENG, "deduction_cny"] == FIRE_POINT_AMOUNT


def test_refusals_leave_the_point_and_the_ledger_as_they_were(fires: Store):
    with pytest.raises(BadInputError):
        fr.confirm(fires, INSPECTOR, STRAW, note="无照片", photos=[])
    with pytest.raises(BadInputError):
        fr.strike_off(fires, INSPECTOR, STRAW, reason="")
    with pytest.raises(BadInputError):
        fr.strike_off(fires, INSPECTOR, STRAW, reason="not_a_reason")
    with pytest.raises(PermissionDeniedError):
        fr.confirm(fires, ZHICHENG_OFFICIAL, STRAW, note="乡镇不能确认", photos=[photo()])
    with pytest.raises(BadInputError):
        fr.confirm(fires, INSPECTOR, STRAW, note="坏照片", photos=[photo(), Upload("坏.png", b"not an image")])
    with pytest.raises(ConflictError):
        fr.confirm(fires, INSPECTOR, STRAW, note="旧版本", photos=[photo()], expected_version=7)
    review = fr.get_review(fires, STRAW)
    assert review.state is fr.FireState.PENDING and review.version == 0
    assert fr.review_history(fires, STRAW).empty and fr.read_ledger(fires, dt.date(2025, 1, 1), dt.date(2025, 12, 31)).empty
    assert not fires.attachments_dir.exists() or not any(fires.attachments_dir.iterdir())
    fr.strike_off(fires, INSPECTOR, STRAW, reason="no_trace", note="周边 1 公里内未见焚烧痕迹")
    with pytest.raises(ConflictError):
        fr.confirm(fires, SUPERVISOR, STRAW, note="已核减的不能再确认", photos=[photo()])


def test_reports_of_one_fire_from_several_sources_count_once(store: Store):
    seed_region(store)
    day = dt.datetime(2025, 6, 4, 13, 30)
    with store.write(spatial=True) as con:
        _point(con, "official-1", day, 112.650, 35.150, source="official")
        _point(con, "viirs-1", day + dt.timedelta(hours=1), 112.6540, 35.150)      # ~360 m east: the same fire
        _point(con, "video-1", day - dt.timedelta(hours=3), 112.651, 35.1530)      # ~350 m north, earlier
        _point(con, "viirs-2", day, 112.6525, 35.1515)                              # same source as viirs-1: its own
        _point(con, "viirs-far", day, 112.690, 35.150)                              # 3.6 km away: another fire
        _point(con, "viirs-next-day", day + dt.timedelta(days=1), 112.650, 35.150)  # next day: a new fire
    counts = fr.propose(store, dt.date(2025, 6, 1), dt.date(2025, 6, 30))
    assert counts["linked"] == 3
    points = fr.list_fire_points(store, SUPERVISOR, dt.date(2025, 6, 1), dt.date(2025, 6, 30)).set_index("id")
    assert points.loc[["viirs-1", "video-1", "viirs-2"], "duplicate_of"].tolist() == ["official-1"] * 3
    assert (points.loc[["viirs-1", "video-1", "viirs-2"], "state"] == "merged").all()
    assert points.loc[["official-1", "viirs-far", "viirs-next-day"], "state"].tolist() == ["pending"] * 3
    assert _year(store).loc[ZHICHENG, "fire_points"] == 3
    assert _actions(store, "viirs-1") == [("system", "link", "pending", "merged", "duplicate")]
    with pytest.raises(ConflictError):
        fr.confirm(store, INSPECTOR, "viirs-1", note="合并的报告不能单独确认", photos=[photo()])


def test_schedule_first_then_each_and_other_problems():
    xuchang = DeductionSchedule().with_overrides({"fire_point": {"first_cny": 100_000, "then_cny": 10_000}})
    entry = xuchang.entry("fire_point")
    assert [entry.amount(earlier) for earlier in (0, 1, 5)] == [100_000, 10_000, 10_000]
    assert DeductionSchedule().entry("open_burning").first_cny == 50_000
    with pytest.raises(BadInputError):
        DeductionSchedule().entry("no_such_problem")
    with pytest.raises(BadInputError):
        DeductionSchedule().with_overrides({"fire_point": {"amount": 1}})


def test_a_supervisor_records_another_problem_of_the_schedule(fires: Store):
    amount = fr.record_problem(fires, SUPERVISOR, "open_burning", KEJING, dt.date(2025, 3, 2), note="焚烧垃圾一处")
    assert amount == 50_000
    assert _year(fires).loc[KEJING, "deduction_cny"] == 50_000
    with pytest.raises(PermissionDeniedError):
        fr.record_problem(fires, INSPECTOR, "open_burning", KEJING, dt.date(2025, 3, 2), note="巡查员不能登记")
    with pytest.raises(BadInputError):
        fr.record_problem(fires, SUPERVISOR, "fire_point", KEJING, dt.date(2025, 3, 2), note="火点须核查")
