"""`import folder DIR`: every register file of a folder, recognised by its name and imported in dependency
order through ingest.service, one import per file, reported file by file."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from core.errors import LantianError
from core.policy import User, require_upload
from data.store import Store
from ingest.common import ImportReport
from ingest.service import RASTER_SUFFIXES, REGISTERS, SIDECAR_SUFFIXES, import_files

REJECTED_SUFFIX = ".rejected.csv"


def register_of(path: Path) -> str | None:
    """The register a file belongs to by its name (REGISTERS' names; the longest that starts the name
    wins, so machinery_gps.csv is not machinery), a GeoTIFF being a raster; None when none fits."""
    if path.suffix.lower() in RASTER_SUFFIXES:
        return "raster"
    stem = path.name.lower().replace("-", "_")
    matches = [(len(name), what) for what, register in REGISTERS.items() if what != "raster"
               for name in register.names if stem.startswith(name)]
    return max(matches)[1] if matches else None


@dataclass
class FolderImport:
    """What `import folder` did: each file's register and report in the order imported, the files it
    did not recognise, and — when a file was refused — that file, its error and the files not reached."""

    imported: list[tuple[Path, str, ImportReport]] = field(default_factory=list)
    unrecognised: list[Path] = field(default_factory=list)
    refused: tuple[Path, str, LantianError] | None = None
    not_reached: list[Path] = field(default_factory=list)


def folder_plan(folder: Path) -> tuple[list[tuple[str, Path]], list[Path]]:
    """The folder's files as (register, path) in import order (REGISTERS' order, then by name), and the
    files no register takes. Shapefile parts travel with their .shp; rejected-rows files are left out."""
    planned, unrecognised = [], []
    for path in sorted(item for item in folder.iterdir() if item.is_file()):
        if path.suffix.lower() in SIDECAR_SUFFIXES or path.name.endswith(REJECTED_SUFFIX) or path.name.startswith("."):
            continue
        what = register_of(path)
        if what is None:
            unrecognised.append(path)
        else:
            planned.append((what, path))
    order = list(REGISTERS)
    return sorted(planned, key=lambda item: (order.index(item[0]), item[1].name)), unrecognised


def import_folder(store: Store, user: User, folder: Path | str, *, skip_bad_rows: bool = False) -> FolderImport:
    """Import every register file of ``folder`` for ``user`` in dependency order, each in its own
    transaction; stops at the first refused file (the ones before it stay imported: re-running the
    folder after a fix imports them again without change)."""
    require_upload(user)
    planned, unrecognised = folder_plan(Path(folder))
    result = FolderImport(unrecognised=unrecognised)
    for index, (what, path) in enumerate(planned):
        try:
            report = import_files(store, user, what, [path], skip_bad_rows=skip_bad_rows)
        except LantianError as error:
            result.refused = (path, what, error)
            result.not_reached = [later for _, later in planned[index + 1:]]
            break
        result.imported.append((path, what, report))
    return result
