"""The grid register as the pages see it: cells and people to read, and a supervisor's edits of people
(phone, e-mail, duties, linked sign-in, on duty) in one transaction."""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import pandas as pd

from core.errors import BadInputError
from core.logs import logger
from core.policy import User, require_grid_edit
from data import grid as repo
from data.store import Store
from hotspots.tasks import TASK_KINDS

LOG = logger("grid")


def grid_cells(store: Store) -> pd.DataFrame:
    """Every cell (data.grid.read_cells' columns)."""
    with store.read() as con:
        return repo.read_cells(con)


def grid_people(store: Store) -> pd.DataFrame:
    """Every person (data.grid.read_people's columns) with ``duties`` as a list of kind codes ([] = every kind)."""
    with store.read() as con:
        people = repo.read_people(con)
    return people.assign(duties=[json.loads(text) if isinstance(text, str) else [] for text in people["duties"]])


def people_of_township(store: Store, township_code: str | None) -> pd.DataFrame:
    """The active people of a township's cells, the ones a task of that township may be handed over to."""
    people = grid_people(store)
    return people[(people["township_code"] == township_code) & people["active"]]


def _text(value) -> str | None:
    return None if value is None or pd.isna(value) or not str(value).strip() else str(value).strip()


def update_people(store: Store, user: User, changes: Sequence[Mapping]) -> int:
    """Apply each change (id, phone, email, duties as kind codes, user_name, active) to its person, all in
    one transaction (supervisor); a kind the task list does not know refuses the lot, naming the person."""
    require_grid_edit(user)
    with store.acting_as(user).write() as con:
        for change in changes:
            unknown = sorted(set(change["duties"]) - set(TASK_KINDS))
            if unknown:
                raise BadInputError("error.unknown_duties", field="duties", person=change["id"], kinds=unknown,
                                    known=list(TASK_KINDS))
            if not repo.update_person(con, change["id"], phone=_text(change["phone"]), email=_text(change["email"]),
                                      duties=json.dumps(list(change["duties"])) if change["duties"] else None,
                                      user_name=_text(change["user_name"]), active=bool(change["active"])):
                raise BadInputError("error.no_such_grid_person", field="id", person=change["id"])
    LOG.info("grid people edited by %s: %s", user.name, ", ".join(change["id"] for change in changes))
    return len(changes)
