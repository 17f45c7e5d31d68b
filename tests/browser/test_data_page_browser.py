"""The data page in Debian's chromium with every outside request blocked, on a desktop and on a phone: a
supervisor picks the enterprise register, downloads its Excel template, uploads the filled file and reads
the import's summary; the township register names a township still without a boundary. Screenshots go to
artifacts/ (git-ignored)."""
from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from core.vocabulary import translate
from data.store import Store
from ingest.demo.accounts import DEMO_ACCOUNTS
from ingest.stations import import_stations
from tests.app_support import REPO_ROOT, demo_copy, new_offline_context, running_app, sign_in

ARTIFACTS = REPO_ROOT / "artifacts"
WAIT_MS = 60_000
VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}


@pytest.fixture(scope="module")
def app_url(demo_store, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("data_page")
    db = demo_copy(demo_store, folder)
    stations = folder / "stations.csv"
    stations.write_text("站点编码,站点名称,站点类型,乡镇,经度,纬度\nQY-T-01,柏香镇站,乡镇站,柏香镇,112.95,35.10\n",
                        encoding="utf-8")
    import_stations(Store(db), [stations])  # a township known by name only, for the register to show
    with running_app(db, folder / "streamlit.log") as url:
        yield url


def _sign_in(page, url: str) -> None:
    sign_in(page, url, *next((a[0], a[1]) for a in DEMO_ACCOUNTS if a[0] == "duban"))
    link = page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=translate("data_page", "zh"))
    link.dispatch_event("click")  # on a phone the folded-out sidebar may lie partly off the screen
    page.get_by_role("heading", name=translate("upload_title", "zh")).wait_for(timeout=WAIT_MS)


def _settled(page) -> None:
    """Wait until the app's rerun has finished (Streamlit's status widget gone)."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=WAIT_MS)


def _shot(page, name: str) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(600)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_supervisor_downloads_a_template_and_uploads_the_register(app_url: str, browser, screen: str,
                                                                   tmp_path: Path):
    chromium, blocked = browser
    context = new_offline_context(chromium, blocked, viewport=VIEWPORTS[screen])
    page = context.new_page()
    try:
        _sign_in(page, app_url)
        page.locator('[data-testid="stSelectbox"]').filter(has_text=translate("upload_what", "zh")).click()
        page.get_by_role("option", name=translate("import_enterprises", "zh")).click()
        chosen = translate("import_enterprises", "zh")
        page.locator(f'[data-testid="stSelectbox"] input[value="{chosen}"]').wait_for(state="attached", timeout=WAIT_MS)
        _settled(page)
        # Streamlit marks an element with its key: the enterprise template's button, once the rerun drew it.
        button = page.locator(".st-key-template_xlsx_enterprises").get_by_role(
            "button", name=translate("template_download", "zh", format="Excel"))
        with page.expect_download(timeout=WAIT_MS) as download:
            button.click()
        template = tmp_path / "enterprises.xlsx"
        download.value.save_as(template)
        book = openpyxl.load_workbook(io.BytesIO(template.read_bytes()))
        sheet = book.worksheets[0]
        assert [cell.value for cell in sheet[1]][:3] == ["统一社会信用代码", "企业名称", "行业"]
        sheet["A2"], sheet["B2"] = f"91419001TEST{screen[:4].upper()}", f"测试企业（{screen}）"
        filled = tmp_path / "企业清单.xlsx"
        book.save(filled)
        _shot(page, f"data_template_{screen}")
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(filled))
        page.get_by_role("button", name=translate("upload_run", "zh")).click()
        page.get_by_text("企业导入完成").wait_for(timeout=WAIT_MS)
        assert "新增 1 条" in page.locator('[data-testid="stAlert"]').filter(has_text="企业导入完成").inner_text()
        # The status that ran while the file was checked and stored now says it is done.
        done = translate("upload_done", "zh", what=translate("import_enterprises", "zh"))
        page.locator('[data-testid="stExpander"]').filter(has_text=done).wait_for(timeout=WAIT_MS)
        register = page.get_by_text(translate("townships_without_boundary", "zh", count=1, names="柏香镇"))
        register.wait_for(timeout=WAIT_MS)
        _shot(page, f"data_upload_{screen}")
    finally:
        context.close()
    assert blocked == [], f"the app asked the internet for {blocked}"
