"""The one way files enter the store, for the CLI and the data page alike: the registers by name, who may
import them (core.policy), and a log line for every import."""
from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.logs import logger
from core.policy import User, require_upload
from data.store import Store
from ingest.cnemc import import_cnemc
from ingest.common import ImportReport
from ingest.firms import import_firms
from ingest.mobile import LAYOUTS as MOBILE_LAYOUTS
from ingest.mobile import import_mobile
from ingest.observations import import_observations
from ingest.polygons import import_townships, import_zones
from ingest.stations import import_stations

LOG = logger("imports")
# Parts of a Shapefile that travel with its .shp and are read through it.
SIDECAR_SUFFIXES = (".shx", ".dbf", ".prj", ".cpg")


@dataclass(frozen=True)
class Register:
    """One kind of file a city hands over: the importer, and which of the shared options it takes."""

    importer: Callable[..., ImportReport]
    options: tuple[str, ...] = ()


def _mobile(what: str) -> Callable[..., ImportReport]:
    return lambda store, paths, **options: import_mobile(store, what, paths, **options)


REGISTERS: dict[str, Register] = {
    "stations": Register(import_stations, ("kind", "crs", "progress")),
    "observations": Register(import_observations, ("stations_file", "co_unit", "progress")),
    "cnemc": Register(import_cnemc, ("progress",)),
    "firms": Register(import_firms, ("progress",)),
    "townships": Register(import_townships, ("crs",)),
    "zones": Register(import_zones, ("kind", "crs")),
    **{what: Register(_mobile(what), ("crs", "progress") if layout.position != "none" else ("progress",))
       for what, layout in MOBILE_LAYOUTS.items()},
}


def import_files(store: Store, user: User, what: str, paths: Sequence[Path | str], *, skip_bad_rows: bool = False,
                 **options) -> ImportReport:
    """Import ``paths`` as the register ``what`` (a REGISTERS key) for ``user`` (who must be allowed to
    upload). Options a register does not take are ignored; None means the importer's default. Refusals
    are BadInputErrors naming file, row and field, with nothing stored."""
    require_upload(user)
    register = REGISTERS[what]
    given = {name: value for name, value in options.items() if name in register.options and value is not None}
    LOG.info("import %s by %s: %s", what, user.name, ", ".join(Path(path).name for path in paths))
    try:
        report = register.importer(store, list(paths), skip_bad_rows=skip_bad_rows, **given)
    except Exception as error:
        LOG.warning("import %s by %s refused: %s", what, user.name, error)
        raise
    LOG.info("import %s by %s: %s", what, user.name, report.summary("en"))
    return report


def import_uploads(store: Store, user: User, what: str, files: Sequence[tuple[str, bytes]], **options) -> ImportReport:
    """import_files for uploaded ``files`` ((name, bytes) pairs): written under their own names (never a
    path from the name) into a temporary folder, which is removed with any rejected-rows files after."""
    with tempfile.TemporaryDirectory(prefix="lantian-upload-") as folder:
        paths = []
        for name, content in files:
            path = Path(folder) / Path(name).name
            path.write_bytes(content)
            paths.append(path)
        importable = [path for path in paths if path.suffix.lower() not in SIDECAR_SUFFIXES]
        return import_files(store, user, what, importable, **options)
