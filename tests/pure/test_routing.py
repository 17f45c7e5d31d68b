"""Routing's pure choice (finest cell first, members before the chief, duties by kind) and the loop
dashboard's figures, on hand-made frames."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from hotspots.loop_stats import loop_figures
from hotspots.routing import choose_route, on_duty
from ingest.grid import duty_codes

CELLS = pd.DataFrame({"code": ["T", "V", "C"], "name": ["克井镇", "东村", "东村一组"],
                      "level": ["township", "village", "cell"], "shaped": [False, True, True]})
PEOPLE = pd.DataFrame({"id": ["chief", "v-member", "c-member", "v-chief"], "cell_code": ["T", "V", "C", "V"],
                       "name": ["镇网格长", "村网格员", "组网格员", "村网格长"],
                       "post": ["chief", "member", "member", "chief"],
                       "duties": [None, '["dust"]', '["fire"]', '["station", "dust"]']})


@pytest.mark.parametrize(("kind", "holder"), [("fire", "c-member"), ("dust", "v-member"), ("station", "v-chief"),
                                              ("coal", "chief")])
def test_the_finest_cell_with_someone_on_duty_for_the_kind_holds_it(kind, holder):
    route = choose_route(CELLS, PEOPLE, kind)
    assert route.holder == holder and route.cell == "C"  # the cell is always the finest containing one


def test_a_place_in_no_cell_has_no_route_and_a_cell_without_people_keeps_the_cell():
    assert choose_route(CELLS.iloc[0:0], PEOPLE, "fire").holder is None
    alone = choose_route(CELLS[CELLS["code"] == "V"], PEOPLE.iloc[0:0], "fire")
    assert (alone.cell, alone.holder) == ("V", None)


def test_duties_as_registers_write_them():
    assert duty_codes("火点、扬尘") == '["fire", "dust"]'
    assert duty_codes("秸秆焚烧,Station；数据异常") == '["fire", "station", "anomaly"]'
    assert duty_codes("全部") == "[]" and duty_codes("烧烤") is None
    assert on_duty(None, "coal") and on_duty("[]", "coal") and not on_duty('["fire"]', "coal")


def test_loop_figures_count_on_time_late_overdue_and_the_median():
    created = pd.Timestamp("2025-01-01 08:00")
    rows = pd.DataFrame({
        "holder_name": ["甲", "甲", "甲", None],
        "state": ["closed", "closed", "assigned", "escalated"],
        "deadline": pd.to_datetime(["2025-01-02 08:00", "2025-01-01 12:00", "2025-01-05 08:00", "2025-01-02 08:00"]),
        "created_at": [created] * 4,
        "closed_at": pd.to_datetime(["2025-01-01 20:00", "2025-01-02 08:00", None, None]),
        "returns": [1, 0, 0, 0], "escalations": [0, 0, 0, 2]})
    figures = loop_figures(rows, "holder_name", datetime(2025, 1, 3)).set_index("group")
    first = figures.loc["甲"]
    assert (first["tasks"], first["open"], first["closed_on_time"], first["closed_late"]) == (3, 1, 1, 1)
    assert (first["overdue_open"], first["returned"], first["median_hours"]) == (0, 1, 18.0)
    nobody = figures.loc[""]
    assert (nobody["overdue_open"], nobody["escalated"]) == (1, 1) and pd.isna(nobody["median_hours"])
