"""Local base-map tile sets kept with the store's files: imported from an MBTiles file or a z/x/y folder,
read back one tile at a time for the app's tile route (serve.py)."""
from __future__ import annotations

import json
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from core.errors import BadInputError
from data.store import Store

TILE_FORMATS = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
METADATA_FILE = "tileset.json"
MAX_TILE_ZOOM = 22


@dataclass(frozen=True)
class TileSet:
    """An imported tile set: its name, image format, zoom range, how many tiles and its attribution."""
    name: str
    format: str
    min_zoom: int
    max_zoom: int
    tiles: int
    attribution: str = ""


def _checked_name(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise BadInputError("error.tile_set_name", field="name", name=name)
    return name


def _mbtiles_tiles(source: Path) -> tuple[list[tuple[int, int, int, bytes]], dict[str, str]]:
    """Every tile of an MBTiles file as (z, x, y in the XYZ scheme, bytes), and its metadata."""
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as con:
            metadata = dict(con.execute("SELECT name, value FROM metadata").fetchall())
            rows = con.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles").fetchall()
    except sqlite3.DatabaseError as error:
        raise BadInputError("error.tile_file_unreadable", file=str(source), reason=str(error)) from error
    # MBTiles rows count from the south (TMS); web maps count from the north.
    return [(z, x, (1 << z) - 1 - row, bytes(data)) for z, x, row, data in rows], metadata


def _folder_tiles(source: Path) -> list[tuple[int, int, int, Path]]:
    """Every z/x/y.<ext> tile file under ``source`` (XYZ scheme) as (z, x, y, path)."""
    tiles = []
    for path in sorted(source.glob("*/*/*.*")):
        z_text, x_text = path.parent.parent.name, path.parent.name
        if not (z_text.isdigit() and x_text.isdigit() and path.stem.isdigit()):
            raise BadInputError("error.tile_path", file=str(path.relative_to(source)))
        tiles.append((int(z_text), int(x_text), int(path.stem), path))
    return tiles


def _format_of(suffix: str, file: str) -> str:
    image_format = suffix.lower().lstrip(".")
    if image_format not in TILE_FORMATS:
        raise BadInputError("error.tile_format", file=file, found=image_format, known=sorted(TILE_FORMATS))
    return image_format


def import_tiles(store: Store, source: Path, name: str = "base", attribution: str = "") -> TileSet:
    """Copy the tiles of ``source`` (an .mbtiles file, or a folder of z/x/y.png|jpg|webp in the XYZ
    scheme as a Web Mercator tile server lays them out) into the store's tiles folder as set ``name``.

    The set is written to a temporary folder and swapped in whole, so a failed import leaves the old set,
    and importing the same source again gives the same set."""
    source = Path(source)
    name = _checked_name(name)
    if not source.exists():
        raise BadInputError("error.tile_source_missing", file=str(source))
    if source.is_dir():
        found = _folder_tiles(source)
        metadata: dict[str, str] = {}
        formats = {_format_of(path.suffix, str(path)) for *_zxy, path in found}
    else:
        if source.suffix.lower() != ".mbtiles":
            raise BadInputError("error.tile_source_kind", file=str(source))
        found, metadata = _mbtiles_tiles(source)
        formats = {_format_of(metadata.get("format", "png"), str(source))}
    if not found:
        raise BadInputError("error.tile_set_empty", file=str(source))
    if len(formats) > 1:
        raise BadInputError("error.tile_format_mixed", file=str(source), found=sorted(formats))
    image_format = formats.pop()
    for z, x, y, _tile in found:
        if not (0 <= z <= MAX_TILE_ZOOM and 0 <= x < (1 << z) and 0 <= y < (1 << z)):
            raise BadInputError("error.tile_out_of_range", file=str(source), z=z, x=x, y=y)
    store.tiles_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=store.tiles_dir))
    try:
        for z, x, y, tile in found:
            target = staging / str(z) / str(x) / f"{y}.{image_format}"
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(tile, Path):
                shutil.copyfile(tile, target)
            else:
                target.write_bytes(tile)
        zooms = [z for z, *_rest in found]
        tile_set = TileSet(name, image_format, min(zooms), max(zooms), len(found),
                           attribution or metadata.get("attribution", ""))
        (staging / METADATA_FILE).write_text(json.dumps(tile_set.__dict__, ensure_ascii=False), encoding="utf-8")
        final = store.tiles_dir / name
        retired = store.tiles_dir / f".{name}-retired"
        shutil.rmtree(retired, ignore_errors=True)
        if final.exists():
            final.rename(retired)
        staging.rename(final)
        shutil.rmtree(retired, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return tile_set


def tile_set(store: Store, name: str) -> TileSet | None:
    """The imported tile set ``name``, or None when the store has none of that name."""
    if not NAME_PATTERN.match(name):
        return None
    metadata = store.tiles_dir / name / METADATA_FILE
    if not metadata.is_file():
        return None
    return TileSet(**json.loads(metadata.read_text(encoding="utf-8")))


def read_tile(store: Store, name: str, z: int, x: int, y: int) -> tuple[bytes, str] | None:
    """The bytes and media type of tile z/x/y (XYZ scheme) of set ``name``, or None when it has none."""
    found = tile_set(store, name)
    if found is None:
        return None
    path = store.tiles_dir / name / str(int(z)) / str(int(x)) / f"{int(y)}.{found.format}"
    return (path.read_bytes(), TILE_FORMATS[found.format]) if path.is_file() else None
