"""Routing (定点、定人、定责): a hotspot or a field observation goes to the finest grid cell containing it and to
the person of that cell on duty for its kind; a pure choice over the candidate cells and their people."""
from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb
import pandas as pd

from data import grid as grid_repo

# Finest first: a grid cell inside a village, a village, the township's own cell.
LEVELS = ("cell", "village", "township")
# Within a cell the 网格员 on duty answers first; the 网格长 when no member answers for the kind.
POSTS = ("member", "chief")


@dataclass(frozen=True)
class Route:
    """Where a task belongs: the finest cell containing it and the person who holds it (None: the
    township as a whole), with their names for messages."""

    cell: str | None = None
    cell_name: str | None = None
    holder: str | None = None
    holder_name: str | None = None


def duties_of(duties: str | None) -> frozenset[str]:
    """The kinds a person answers for, from the stored JSON list; empty means every kind."""
    return frozenset(json.loads(duties)) if isinstance(duties, str) and duties else frozenset()


def on_duty(duties: str | None, kind: str) -> bool:
    """Whether a person with ``duties`` (JSON list of kinds) answers for ``kind``."""
    kinds = duties_of(duties)
    return not kinds or kind in kinds


def choose_route(cells: pd.DataFrame, people: pd.DataFrame, kind: str) -> Route:
    """The route of a task of ``kind`` given the cells containing its place (code, name, level, shaped)
    and those cells' active people (id, cell_code, name, post, duties).

    The cells are tried finest first (by LEVELS; a cell with its own polygon before one standing on the
    township's boundary); in each, members before the chief, each in id order, and the first person on
    duty for ``kind`` holds the task. The route's cell is the finest one, whoever in the chain answers.

    >>> cells = pd.DataFrame({"code": ["T", "V"], "name": ["克井镇", "东村"], "level": ["township", "village"],
    ...                       "shaped": [False, True]})
    >>> people = pd.DataFrame({"id": ["p1", "p2"], "cell_code": ["T", "V"], "name": ["甲", "乙"],
    ...                        "post": ["chief", "member"], "duties": [None, '["fire"]']})
    >>> choose_route(cells, people, "fire").holder, choose_route(cells, people, "dust").holder
    ('p2', 'p1')
    """
    if cells.empty:
        return Route()
    ordered = cells.assign(level_rank=cells["level"].map(LEVELS.index), unshaped=~cells["shaped"].astype(bool)
                           ).sort_values(["level_rank", "unshaped", "code"])
    finest = ordered.iloc[0]
    for cell in ordered.itertuples():
        staff = people[people["cell_code"] == cell.code]
        staff = staff.assign(post_rank=staff["post"].map(POSTS.index)).sort_values(["post_rank", "id"])
        for person in staff.itertuples():
            if on_duty(person.duties, kind):
                return Route(finest["code"], finest["name"], person.id, person.name)
    return Route(finest["code"], finest["name"])


def route_place(con: duckdb.DuckDBPyConnection, kind: str, lon: float | None, lat: float | None,
                township_code: str | None) -> Route:
    """The route of a task of ``kind`` at (lon, lat) in EPSG:4326 in ``township_code``, read from the grid
    register inside the caller's (spatial) connection."""
    cells = grid_repo.cells_at(con, lon, lat, township_code)
    cells = cells[cells["township_code"] == township_code] if township_code is not None else cells
    return choose_route(cells, grid_repo.people_of_cells(con, list(cells["code"])), kind)
