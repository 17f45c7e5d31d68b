"""Finding 7 of issue 20, the full disk: a photo upload that runs out of space leaves no file and no row, and a
store on a full disk reports it in words and stays as it was."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.errors import StoreFileError
from core.policy import SYSTEM_USER
from data.store import Store
from hotspots import task_service
from ingest.service import import_files
from tests.tasks_support import INSPECTOR, SUPERVISOR, T0, photo, region, seed_region

__all__ = ["region"]


def test_a_photo_upload_that_fills_the_disk_leaves_no_file_and_no_row(region, small_disk):
    folder = small_disk(region.attachments_dir, "96k")
    task = task_service.create_task_from_hotspot(region, SUPERVISOR, "H-KJ-PM25", now=T0)
    photos = [photo(name=f"{n}.png", size=(100, 100)) for n in range(4)]  # ~30 kB each: the fourth does not fit
    assert sum(len(upload.content) for upload in photos) > 96 * 1024 > len(photos[0].content)
    with pytest.raises(StoreFileError) as refused:
        task_service.add_evidence(region, INSPECTOR, task.id, photos=photos)
    assert "无法在" in str(refused.value) and str(folder) in str(refused.value)
    assert list(folder.iterdir()) == []
    assert task_service.task_attachments(region, task.id).empty


def _stations_file(path: Path, rows: int) -> Path:
    path.write_text("code,name,kind,lon,lat\n" + "".join(
        f"S{n},站{n}{'长名' * 40},micro,112.{n % 90 + 5:02d},35.15\n" for n in range(rows)), encoding="utf-8")
    return path


def test_an_import_larger_than_the_free_space_is_refused_before_it_starts(tmp_path: Path, small_disk):
    disk = small_disk(tmp_path / "disk", "6m")
    store = Store(disk / "lantian.duckdb", busy_timeout_s=5)
    store.migrate()
    seed_region(store)
    before, files_before = store.row_counts(), sorted(disk.iterdir())
    stations = _stations_file(tmp_path / "stations.csv", 60000)  # 15 MB of text for a 6 MB disk
    with pytest.raises(StoreFileError) as refused:
        import_files(store, SYSTEM_USER, "stations", [stations])
    message = str(refused.value)
    assert "磁盘空间不足" in message and str(store.path) in message
    needed = 3 * stations.stat().st_size / 2**20
    assert f"约需 {needed:.1f} MB" in message
    assert store.row_counts() == before and sorted(disk.iterdir()) == files_before  # not even a log was begun
    assert "not enough disk space" in refused.value.render("en")


def test_an_import_that_fits_the_free_space_goes_ahead(tmp_path: Path, small_disk):
    disk = small_disk(tmp_path / "disk", "6m")
    store = Store(disk / "lantian.duckdb", busy_timeout_s=5)
    store.migrate()
    report = import_files(store, SYSTEM_USER, "stations", [_stations_file(tmp_path / "stations.csv", 400)])
    assert report.new == 400


def test_a_commit_that_fills_the_disk_says_so_and_keeps_its_rows(tmp_path: Path, small_disk):
    disk = small_disk(tmp_path / "disk", "6m")
    store = Store(disk / "lantian.duckdb", busy_timeout_s=5)
    store.migrate()
    seed_region(store)
    before = store.row_counts()
    (disk / "filler").write_bytes(b"\0" * (shutil.disk_usage(disk).free - 256 * 1024))
    with pytest.raises(StoreFileError) as refused:
        with store.write() as con:  # half a megabyte of text that does not compress, in one transaction
            con.execute("CREATE TABLE bulky AS SELECT repeat(md5(i::VARCHAR), 8) AS text FROM range(2000) t(i)")
    assert "磁盘已满" in str(refused.value)
    (disk / "filler").unlink()
    assert store.row_counts() == before
    with store.read() as con:
        assert con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'bulky'").fetchone() == (0,)
