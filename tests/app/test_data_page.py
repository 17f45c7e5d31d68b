"""The data page as a supervisor and an inspector: every register offered with its templates, the township
register naming the townships still without a boundary, the rasters the store keeps."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.sidebar import USER_KEY
from core.policy import Role, User
from core.settings import get_settings
from core.vocabulary import translate
from data.store import Store
from ingest.stations import import_stations
from ingest.templates import template_xlsx
from tests.app_support import REPO_ROOT, demo_copy

APP = str(REPO_ROOT / "app.py")
SUPERVISOR = User("duban", Role.SUPERVISOR)
INSPECTOR = User("xuncha", Role.INSPECTOR)


@pytest.fixture
def data_store(demo_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    store = Store(demo_copy(demo_store, tmp_path), busy_timeout_s=30)
    monkeypatch.setenv("LANTIAN_DB", str(store.path))
    monkeypatch.setenv("LANTIAN_TILES", "none")
    get_settings.cache_clear()
    yield store
    get_settings.cache_clear()


def _data_page(user: User) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state[USER_KEY] = user
    at.run()
    at.switch_page("app_pages/data_page.py").run()
    assert not at.exception, at.exception
    return at


def test_every_register_is_offered_with_its_templates(data_store: Store):
    at = _data_page(SUPERVISOR)
    at.selectbox(key="upload_what").select_index(3).run()  # townships, stations, observations, cnemc: no template
    page_captions = [caption.value for caption in at.caption if translate("demo_store_notice", "zh") not in caption.value]
    assert page_captions[0] == translate("no_template", "zh")  # the demo notice first, then the page's own
    at.selectbox(key="upload_what").set_value("enterprises").run()
    buttons = at.get("download_button")
    assert [button.proto.label for button in buttons] == [translate("template_download", "zh", format="CSV"),
                                                          translate("template_download", "zh", format="Excel")]
    at.selectbox(key="upload_what").set_value("fires").run()
    labels = [button.proto.label for button in at.get("download_button")]
    assert len(labels) == 4 and any(translate("template_of_fires-video", "zh") in label for label in labels)
    assert len(template_xlsx("enterprises")) > 4000  # what the Excel button hands over is a workbook


def test_the_township_register_names_townships_without_a_boundary(data_store: Store, tmp_path: Path):
    at = _data_page(INSPECTOR)
    assert translate("all_townships_bounded", "zh") in [caption.value for caption in at.caption]
    assert at.get("file_uploader") == []
    path = tmp_path / "stations.csv"
    path.write_text("站点编码,站点名称,站点类型,乡镇,经度,纬度\nQY-T-01,柏香镇站,乡镇站,柏香镇,112.95,35.10\n", encoding="utf-8")
    import_stations(data_store, [path])
    at = _data_page(INSPECTOR)
    assert at.warning[0].value == translate("townships_without_boundary", "zh", count=1, names="柏香镇")
    register = next(frame.value for frame in at.dataframe if "has_boundary" in frame.value.columns)
    assert register.loc[register["code"] == "柏香镇", ["has_boundary", "provisional", "stations"]].values.tolist() == \
        [[False, True, 1]]
    rasters = next(frame.value for frame in at.dataframe if "period" in frame.value.columns)
    assert rasters["source"].tolist() == ["landcover.tif"]
