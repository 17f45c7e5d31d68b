"""The bulletin of a demo month as DOCX (read back with python-docx) and PDF (read with pdftotext): every
township's name, rank and composite index as the ranking gives them, and the map image; the PDF's first
page kept as a PNG under artifacts/."""
from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
from pathlib import Path

import docx
import pandas as pd
import pytest

import cli
from core.errors import SetupError
from reports import fonts
from reports.bulletin import build_bulletin
from reports.writers import pdf_bytes
from stations.assessment import rank_store
from stations.ranking import Period

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
MONTH = "2025-06"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _bulletin(demo_store, out: Path) -> str:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert cli.main(["bulletin", "--db", str(demo_store.path), "--period", MONTH, "--kind", "month",
                         "--out", str(out)]) == 0
    return printed.getvalue()


def _expected_rows(demo_store) -> list[tuple[str, str, str]]:
    ranking = rank_store(demo_store, Period.parse(MONTH))
    assert ranking["rank"].notna().sum() >= 10
    return [(row.township, "—" if pd.isna(row.rank) else str(int(row.rank)),
             "—" if pd.isna(row.composite_index) else f"{row.composite_index:.2f}") for row in ranking.itertuples()]


def test_the_docx_bulletin_holds_every_township_and_the_map(demo_store, tmp_path):
    out = tmp_path / "通报.docx"
    assert "bulletin written" in _bulletin(demo_store, out)
    document = docx.Document(str(out))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert any("2025年6月" in text and "通报" in text for text in texts)
    first_table = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert first_table[0][:3] == ["排名", "乡镇", "综合指数"]
    rows = {row[1]: row for row in first_table[1:]}
    for name, rank, index in _expected_rows(demo_store):
        assert rows[name][0] == rank and rows[name][2] == index, name
    images = [part for part in document.part.package.parts if part.content_type == "image/png"]
    assert images and images[0].blob.startswith(PNG_SIGNATURE)
    assert len(document.inline_shapes) == 1


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is installed by scripts/test.sh")
def test_the_pdf_bulletin_holds_every_township_and_the_map(demo_store, tmp_path):
    out = tmp_path / "bulletin.pdf"
    _bulletin(demo_store, out)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "关于2025年6月乡镇（街道）环境空气质量排名情况的通报" in text
    lines = text.splitlines()
    for name, rank, index in _expected_rows(demo_store):
        # The township's table row: its rank first, then its name and composite index.
        assert any(line.split()[:3] == [rank, name, index] for line in lines if line.split()), name
    listing = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True, check=True).stdout
    assert len(listing.splitlines()) >= 3  # two header lines, then at least the map
    fonts_used = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts_used and "yes" in fonts_used  # the CJK font is embedded
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(out),
                    str(ARTIFACTS / "bulletin_page1")], check=True)
    assert (ARTIFACTS / "bulletin_page1.png").read_bytes().startswith(PNG_SIGNATURE)


def test_without_a_cjk_font_the_pdf_says_so(demo_store, tmp_path, monkeypatch):
    document = build_bulletin(demo_store, MONTH)
    # A fontconfig that knows no font directory: what a machine without fonts-wqy-microhei sees.
    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                     f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>", encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    fonts.cjk_font_path.cache_clear()
    try:
        with pytest.raises(SetupError) as raised:
            pdf_bytes(document)
    finally:
        fonts.cjk_font_path.cache_clear()
    assert "未安装中文字体" in raised.value.render("zh")
