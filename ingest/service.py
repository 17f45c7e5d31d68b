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
from ingest.dust import import_dust_readings, import_dust_sources
from ingest.emergency import import_emergency
from ingest.enterprises import import_enterprises
from ingest.fires import import_fires
from ingest.firms import import_firms
from ingest.grid import import_grid_cells, import_grid_people
from ingest.mobile import LAYOUTS as MOBILE_LAYOUTS
from ingest.mobile import import_mobile
from ingest.observations import import_observations
from ingest.polygons import import_townships, import_zones
from ingest.rasters import import_rasters
from ingest.stations import import_stations
from ingest.targets import import_targets

LOG = logger("imports")
# While an import runs, the store's write-ahead log holds the new rows and the checkpoint then writes them
# into the file (rasters are copied beside the store): text that does not compress (identifiers, hashes)
# took up to 2.6 times the file's size in a test on a small tmpfs, so three times the files' size is asked.
IMPORT_SPACE_FACTOR = 3
# Parts of a Shapefile that travel with its .shp and are read through it.
SIDECAR_SUFFIXES = (".shx", ".dbf", ".prj", ".cpg")


@dataclass(frozen=True)
class Register:
    """One kind of file a city hands over: the importer, which of the shared options it takes, and the
    names its files go by (the start of a file's name, lower case, '-' as '_'), for a folder import."""

    importer: Callable[..., ImportReport]
    options: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


def _mobile(what: str) -> Callable[..., ImportReport]:
    return lambda store, paths, **options: import_mobile(store, what, paths, **options)


def _emergency(what: str) -> Callable[..., ImportReport]:
    return lambda store, paths, **options: import_emergency(store, what, paths, **options)


MOBILE_NAMES = {"machinery": ("machinery", "非道路移动机械", "机械登记"), "machinery-gps": ("machinery_gps", "机械定位"),
                "trucks": ("trucks", "货车登记", "货车"), "truck-events": ("truck_events", "货车进出", "电子围栏"),
                "coal-inspections": ("coal_inspections", "散煤检查", "散煤")}
# In dependency order: a folder is imported in this order (townships before the stations that name them,
# stations before their observations, dust sources before their readings, boundaries before rasters).
REGISTERS: dict[str, Register] = {
    "townships": Register(import_townships, ("crs", "sheet", "replace"), ("townships", "township", "乡镇", "boundaries")),
    "stations": Register(import_stations, ("kind", "crs", "progress", "sheet"),
                         ("stations", "station_list", "站点", "监测站点")),
    "observations": Register(import_observations, ("stations_file", "co_unit", "progress", "sheet"),
                             ("observations", "prsa_data", "监测数据", "小时数据")),
    "cnemc": Register(import_cnemc, ("progress",), ("china_sites", "cnemc")),
    "enterprises": Register(import_enterprises, ("crs", "sheet"), ("enterprises", "企业", "涉气企业", "重点排污单位")),
    "dust-sources": Register(import_dust_sources, ("kind", "crs", "sheet"), ("dust_sources", "扬尘源")),
    "dust-readings": Register(import_dust_readings, ("crs", "sheet"), ("dust_readings", "积尘负荷", "降尘")),
    "fires": Register(import_fires, ("kind", "crs", "progress", "sheet"), ("fires", "火点", "蓝天卫士", "video_alarms")),
    "firms": Register(import_firms, ("progress", "sheet"), ("firms", "modis", "viirs", "fire_archive", "fire_nrt")),
    "zones": Register(import_zones, ("kind", "crs", "sheet"), ("zones", "管控区")),
    **{what: Register(_mobile(what), ("crs", "progress", "sheet") if layout.position != "none"
                      else ("progress", "sheet"), MOBILE_NAMES[what])
       for what, layout in MOBILE_LAYOUTS.items()},
    # Grid cells after the townships they lie in, their people after the cells.
    "grid-cells": Register(import_grid_cells, ("crs", "sheet"), ("grid_cells", "网格", "网格划分")),
    "grid-people": Register(import_grid_people, ("sheet",), ("grid_people", "网格员", "网格人员")),
    # After the enterprises and dust sources, whose townships and positions a list row may take.
    "reduction-list": Register(_emergency("reduction-list"), ("crs", "sheet"),
                               ("reduction_list", "reduction_measures", "应急减排清单", "减排清单")),
    "aqi-forecasts": Register(_emergency("aqi-forecasts"), ("sheet",), ("aqi_forecasts", "空气质量预报", "预报")),
    "targets": Register(import_targets, ("sheet",), ("targets", "考核目标", "目标")),
    "raster": Register(import_rasters, ("kind", "period"), ("landcover", "land_cover", "satellite_pm25", "pm25",
                                                            "土地利用", "地表覆盖")),
}
RASTER_SUFFIXES = (".tif", ".tiff")


def import_files(store: Store, user: User, what: str, paths: Sequence[Path | str], *, skip_bad_rows: bool = False,
                 **options) -> ImportReport:
    """Import ``paths`` as the register ``what`` (a REGISTERS key) for ``user`` (who must be allowed to
    upload). Options a register does not take are ignored; None means the importer's default. Refusals
    are BadInputErrors naming file, row and field, with nothing stored; a disk without three times the
    files' size free is refused before anything is read (data.store.Store.ensure_free_space)."""
    require_upload(user)
    register = REGISTERS[what]
    given = {name: value for name, value in options.items() if name in register.options and value is not None}
    LOG.info("import %s by %s: %s", what, user.name, ", ".join(Path(path).name for path in paths))
    try:
        store.ensure_free_space(IMPORT_SPACE_FACTOR * sum(Path(path).stat().st_size for path in paths
                                                          if Path(path).is_file()))
        # Every write of the import re-reads the user in its own transaction (Store.acting_as).
        report = register.importer(store.acting_as(user), list(paths), skip_bad_rows=skip_bad_rows, **given)
    except Exception as error:
        LOG.warning("import %s by %s refused: %s", what, user.name, error)
        raise
    LOG.info("import %s by %s: %s", what, user.name, report.summary("en"))
    return report


def import_uploads(store: Store, user: User, what: str, files: Sequence[tuple[str, bytes]], **options) -> ImportReport:
    """import_files for uploaded ``files`` ((name, bytes) pairs): written under their own names (never a
    path from the name) into a temporary folder, which is removed after; the report names the files as
    uploaded and holds the rejected-rows files in ``rejected_downloads``."""
    with tempfile.TemporaryDirectory(prefix="lantian-upload-") as folder:
        paths = []
        for name, content in files:
            path = Path(folder) / Path(name).name
            path.write_bytes(content)
            paths.append(path)
        importable = [path for path in paths if path.suffix.lower() not in SIDECAR_SUFFIXES]
        report = import_files(store, user, what, importable, **options)
        # The temporary folder goes: the report names the files as uploaded and keeps their rejected rows.
        report.files = [Path(name).name for name in report.files]
        report.rejected_downloads = [(path.name, path.read_bytes()) for path in report.rejected_files]
        report.rejected_files = []
        return report
