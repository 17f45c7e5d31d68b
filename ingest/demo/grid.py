"""The demo's grid register: every township its own cell with a 网格长; 克井镇 split into two village cells
(illustrative, cut at the town seat's longitude) whose 网格员 answer for different kinds, one of them
signing in as the demo account `wangge`."""
from __future__ import annotations

import json

import pandas as pd
import shapely
from shapely.geometry import box

from ingest.demo.geography import TOWNSHIP_BY_CODE, TOWNSHIPS, township_polygons

KEJING = "419001100"
# (code suffix, name, side of the seat, member's name, duties, sign-in)
KEJING_VILLAGES = (
    ("01", "克井镇西片网格（示例）", "west", "李四（示例）", ("station", "grid", "mobile", "coal"), None),
    ("02", "克井镇东片网格（示例）", "east", "王五（示例）", ("fire", "dust", "field"), "wangge"),
)
# The demo's township official signs in as the town's 网格长.
CHIEF_SIGN_INS = {KEJING: "kejing"}


def township_cell(code: str) -> str:
    return f"{code}-00"


def grid_frames() -> dict[str, pd.DataFrame]:
    """The demo's grid_cells (geometry as WKB in ``geom_wkb``, None for a township's own cell) and
    grid_people rows."""
    polygons = township_polygons()
    cells = [{"code": township_cell(t.code), "name": t.name, "level": "township", "township_code": t.code,
              "parent_code": None, "geom_wkb": None} for t in TOWNSHIPS]
    people = [{"id": f"demo-gp-{t.code}-chief", "cell_code": township_cell(t.code), "name": f"{t.name}网格长（示例）",
               "post": "chief", "phone": None, "email": None, "duties": None, "user_name": CHIEF_SIGN_INS.get(t.code)}
              for t in TOWNSHIPS]
    kejing = polygons[KEJING]
    west, south, east, north = kejing.bounds
    seat_lon = TOWNSHIP_BY_CODE[KEJING].seat[0]
    halves = {"west": box(west - 0.01, south - 0.01, seat_lon, north + 0.01),
              "east": box(seat_lon, south - 0.01, east + 0.01, north + 0.01)}
    for suffix, name, side, member, duties, sign_in in KEJING_VILLAGES:
        code = f"{KEJING}-{suffix}"
        shape = shapely.set_precision(kejing.intersection(halves[side]), 1e-5)
        cells.append({"code": code, "name": name, "level": "village", "township_code": KEJING,
                      "parent_code": township_cell(KEJING), "geom_wkb": bytes(shapely.to_wkb(shape, output_dimension=2))})
        people.append({"id": f"demo-gp-{code}", "cell_code": code, "name": member, "post": "member", "phone": None,
                       "email": None, "duties": json.dumps(list(duties)), "user_name": sign_in})
    cell_frame = pd.DataFrame(cells).assign(source="demo")
    people_frame = pd.DataFrame(people).assign(active=True, source="demo")
    return {"grid_cells": cell_frame, "grid_people": people_frame}
