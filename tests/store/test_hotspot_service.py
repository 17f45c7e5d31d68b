"""Which ranked hotspots each role sees (hotspots.service), and that `hotspots list` applies the same rule."""
from __future__ import annotations

import pytest

import cli
from core.policy import SYSTEM_USER
from data.hotspots import HotspotFilter
from data.store import Store
from hotspots.service import visible_hotspots
from tests.tasks_support import ADMIN, INSPECTOR, KEJING_OFFICIAL, SUPERVISOR, region

__all__ = ["region"]
SUPERVISOR_ONLY = "H-ZC-FIRE"


@pytest.fixture
def audiences(region: Store) -> Store:
    """The region with one hotspot (industrial heat, say) meant for supervisors only."""
    with region.write() as con:
        con.execute("UPDATE hotspots SET audience = 'supervisor' WHERE id = ?", [SUPERVISOR_ONLY])
    return region


@pytest.mark.parametrize("user", [SUPERVISOR, INSPECTOR, ADMIN, SYSTEM_USER], ids=lambda user: user.role.value)
def test_supervisors_inspectors_and_the_cli_see_supervisor_only_hotspots(audiences, user):
    assert SUPERVISOR_ONLY in set(visible_hotspots(audiences, user, HotspotFilter())["id"])


def test_township_official_never_sees_them_even_when_the_filter_asks(audiences):
    seen = visible_hotspots(audiences, KEJING_OFFICIAL, HotspotFilter(include_supervisor=True))
    assert len(seen) == 3 and SUPERVISOR_ONLY not in set(seen["id"])
    assert list(seen["rank"]) == [1, 2, 3]


def test_a_supervisor_may_still_leave_them_out(audiences):
    seen = visible_hotspots(audiences, SUPERVISOR, HotspotFilter(include_supervisor=False), top=10)
    assert SUPERVISOR_ONLY not in set(seen["id"]) and len(seen) == 3


def test_cli_list_uses_the_same_rule(audiences, capsys):
    assert cli.main(["hotspots", "list", "--db", str(audiences.path), "--format", "csv"]) == 0
    listed = capsys.readouterr().out
    assert SUPERVISOR_ONLY in listed and "H-KJ-PM25" in listed
