"""One vocabulary of hotspot kinds: the CLI lists zone violations by their kinds (mobile, coal), and the CLI
list, the handling-list export and the map's popup show the same Chinese label for each kind."""
from __future__ import annotations

import csv
import io

import pytest

import cli
from core.policy import SYSTEM_USER, Role, User
from core.vocabulary import label
from data.hotspots import HotspotFilter
from data.store import Store
from hotspots import task_service
from hotspots.exports import to_csv
from hotspots.service import visible_hotspots
from layers.popups import hotspot_popup_html
from tests.app_support import demo_copy

SUPERVISOR = User("duban", Role.SUPERVISOR)


@pytest.fixture(scope="module")
def store(demo_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Store:
    return Store(demo_copy(demo_store, tmp_path_factory.mktemp("kinds")), busy_timeout_s=30)


@pytest.mark.parametrize("kind", ["mobile", "coal"])
def test_cli_lists_zone_violations_by_kind_with_the_chinese_label(store: Store, kind: str, capsys):
    assert cli.main(["hotspots", "list", "--kind", kind, "--format", "csv", "--db", str(store.path)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows, f"the demo's first start has {kind} hotspots (its zones are checked)"
    assert {row["kind"] for row in rows} == {kind}
    assert {row["kind_label"] for row in rows} == {label("hotspot_kind", kind, "zh")}


@pytest.mark.parametrize("kind", ["station", "dust", "fire", "grid", "mobile", "coal"])
def test_list_export_and_map_show_the_same_label(store: Store, kind: str):
    ranked = visible_hotspots(store, SYSTEM_USER, HotspotFilter(kinds=(kind,)), top=1)
    assert len(ranked) == 1, kind
    hotspot = ranked.iloc[0]
    chinese = label("hotspot_kind", kind, "zh")
    assert chinese in hotspot_popup_html(hotspot.to_dict(), "zh")
    task = task_service.create_task_from_hotspot(store, SUPERVISOR, hotspot["id"], township_code="419001100"
                                                 if hotspot["township_code"] is None else None)
    exported = to_csv(task_service.handling_list(store, SUPERVISOR)).decode("utf-8-sig")
    row = next(row for row in csv.DictReader(io.StringIO(exported)) if row["交办单号"] == task.id)
    assert row["类型"] == chinese
    assert label("hotspot_kind", "mobile", "zh") == "移动源"
