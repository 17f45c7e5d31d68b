"""Grid, target and upload writes re-read the acting user in the change's own transaction: a user disabled,
or moved to another role, between loading the page and acting is refused and nothing is written."""
from __future__ import annotations

from pathlib import Path

import pytest

from accounts.users import add_user, set_active
from core.errors import PermissionDeniedError
from core.policy import Role, User
from data.store import Store
from hotspots.grid_register import grid_people, update_people
from ingest.service import import_files, import_uploads
from stations.evaluation import progress_of_targets, set_target
from tests.store.test_grid_notify import grid
from tests.tasks_support import ADMIN, KEJING, region

__all__ = ["grid", "region"]

STATIONS_CSV = "监测点编码,监测点名称,经度,纬度\nJY01,济源市监测站,112.60,35.07\nJY02,沁园街道站,112.58,35.09\n"


@pytest.fixture
def supervisor(region: Store) -> User:
    """A stored supervisor, as their page holds them after signing in."""
    return add_user(region, ADMIN, "钱督办", "correct horse", Role.SUPERVISOR)


def _disable(store: Store, user: User) -> None:
    set_active(store, ADMIN, user.name, False)


def test_a_target_set_by_a_user_disabled_since_the_page_loaded_is_refused(region: Store, supervisor: User):
    _disable(region, supervisor)
    with pytest.raises(PermissionDeniedError) as refused:
        set_target(region, supervisor, unit_code=KEJING, year=2025, metric="pm25", value=40.0, version="2012")
    assert refused.value.key == "error.user_disabled"
    assert progress_of_targets(region, 2025).empty


def test_a_target_set_by_a_supervisor_made_township_official_since_is_refused(region: Store, supervisor: User):
    with region.write() as con:  # an administrator changes the role (no service for it yet)
        con.execute("UPDATE users SET role = 'township', township_code = ? WHERE name = ?", [KEJING, supervisor.name])
    with pytest.raises(PermissionDeniedError) as refused:
        set_target(region, supervisor, unit_code=KEJING, year=2025, metric="pm25", value=40.0, version="2012")
    assert refused.value.key == "error.user_changed" and "sign in again" in refused.value.render("en")
    assert progress_of_targets(region, 2025).empty


def test_a_grid_edit_by_a_user_disabled_since_the_page_loaded_is_refused(grid: Store):
    editor = add_user(grid, ADMIN, "孙督办", "correct horse", Role.SUPERVISOR)
    change = {"id": "P-WEST", "phone": "13900000009", "email": "", "duties": ["dust"], "user_name": None,
              "active": True}
    _disable(grid, editor)
    with pytest.raises(PermissionDeniedError) as refused:
        update_people(grid, editor, [change])
    assert refused.value.key == "error.user_disabled"
    assert grid_people(grid).set_index("id").loc["P-WEST", "phone"] == "13800000001"


def test_an_upload_by_a_user_disabled_since_the_page_loaded_is_refused(region: Store, supervisor: User,
                                                                     tmp_path: Path):
    stations = tmp_path / "stations.csv"
    stations.write_text(STATIONS_CSV, encoding="utf-8")
    before = region.row_counts()
    _disable(region, supervisor)
    with pytest.raises(PermissionDeniedError) as refused:
        import_uploads(region, supervisor, "stations", [("stations.csv", stations.read_bytes())], kind="township")
    assert refused.value.key == "error.user_disabled"
    with pytest.raises(PermissionDeniedError):
        import_files(region, supervisor, "stations", [stations], kind="township")
    assert region.row_counts() == before
    set_active(region, ADMIN, supervisor.name, True)
    assert import_files(region, supervisor, "stations", [stations], kind="township").new == 2
