"""Local base-map tiles: an MBTiles file or a z/x/y folder imported into the store's files, read back by
tile, re-imported to the same set, and bad sources refused with the file named."""
from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from cli import main as cli_main
from core.errors import BadInputError
from data.store import Store
from data.tiles import import_tiles, read_tile, tile_set


def png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def write_mbtiles(path: Path, tiles: dict[tuple[int, int, int], bytes], attribution: str = "© 测试测绘院") -> Path:
    """An MBTiles file (rows counted from the south, as the format has it) holding ``tiles`` keyed z, x, y (XYZ)."""
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        con.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
        con.executemany("INSERT INTO metadata VALUES (?, ?)", [("format", "png"), ("attribution", attribution)])
        con.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                        [(z, x, (1 << z) - 1 - y, data) for (z, x, y), data in tiles.items()])
    return path


def written(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_mbtiles_import_flips_rows_and_reads_back(store: Store, tmp_path: Path):
    red, blue = png((200, 0, 0)), png((0, 0, 200))
    source = write_mbtiles(tmp_path / "city.mbtiles", {(10, 834, 404): red, (10, 834, 405): blue})

    imported = import_tiles(store, source, name="city")

    assert (imported.tiles, imported.min_zoom, imported.max_zoom, imported.format) == (2, 10, 10, "png")
    assert imported.attribution == "© 测试测绘院"
    assert read_tile(store, "city", 10, 834, 404) == (red, "image/png")
    assert read_tile(store, "city", 10, 834, 405) == (blue, "image/png")
    assert read_tile(store, "city", 10, 834, 406) is None
    assert read_tile(store, "../city", 10, 834, 404) is None
    assert (store.tiles_dir / "city").is_relative_to(store.files_dir)


def test_folder_import_is_idempotent_and_replaces_the_set_whole(store: Store, tmp_path: Path):
    folder = tmp_path / "xyz"
    for z, x, y in ((9, 417, 202), (9, 418, 202)):
        (folder / str(z) / str(x)).mkdir(parents=True, exist_ok=True)
        (folder / str(z) / str(x) / f"{y}.png").write_bytes(png((0, 150, 0)))

    first = import_tiles(store, folder)
    again = import_tiles(store, folder)
    assert first == again and tile_set(store, "base") == first
    assert sorted(p.relative_to(store.tiles_dir / "base").as_posix() for p in (store.tiles_dir / "base").rglob("*.png")) \
        == ["9/417/202.png", "9/418/202.png"]

    (folder / "9" / "418" / "202.png").unlink()
    assert import_tiles(store, folder).tiles == 1
    assert read_tile(store, "base", 9, 418, 202) is None  # the old tile went with the old set
    assert not [p for p in store.tiles_dir.iterdir() if p.name.startswith(".")]  # no staging left behind


@pytest.mark.parametrize("make, key", [
    (lambda folder: folder / "missing.mbtiles", "error.tile_source_missing"),
    (lambda folder: written(folder / "tiles.zip", b"PK"), "error.tile_source_kind"),
    (lambda folder: written(folder / "bad.mbtiles", b"not sqlite at all"), "error.tile_file_unreadable"),
    (lambda folder: write_mbtiles(folder / "empty.mbtiles", {}), "error.tile_set_empty"),
    (lambda folder: write_mbtiles(folder / "off.mbtiles", {(2, 9, 0): png((1, 1, 1))}), "error.tile_out_of_range"),
])
def test_bad_sources_are_refused_and_the_old_set_stays(store: Store, tmp_path: Path, make, key):
    kept = import_tiles(store, write_mbtiles(tmp_path / "good.mbtiles", {(3, 6, 3): png((9, 9, 9))}))
    with pytest.raises(BadInputError) as raised:
        import_tiles(store, make(tmp_path))
    assert raised.value.key == key and raised.value.file
    assert tile_set(store, "base") == kept and read_tile(store, "base", 3, 6, 3) is not None


def test_bad_set_name_is_refused(store: Store, tmp_path: Path):
    with pytest.raises(BadInputError) as raised:
        import_tiles(store, write_mbtiles(tmp_path / "a.mbtiles", {(1, 0, 0): png((0, 0, 0))}), name="../x")
    assert raised.value.key == "error.tile_set_name"


def test_cli_imports_tiles(store: Store, tmp_path: Path, capsys):
    source = write_mbtiles(tmp_path / "c.mbtiles", {(5, 26, 12): png((5, 5, 5))})
    assert cli_main(["tiles", "import", str(source), "--db", str(store.path), "--name", "city",
                     "--attribution", "© 某市 | 审图号：测试"]) == 0
    assert "city" in capsys.readouterr().out
    assert tile_set(store, "city").attribution == "© 某市 | 审图号：测试"
