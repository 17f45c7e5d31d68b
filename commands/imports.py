"""CLI `import KIND FILE...` for every register, `import folder DIR`, and `templates DIR`: one validated path
into the store (ingest.service), and the templates officials fill."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from commands import command_help
from core.errors import BadInputError
from core.policy import SYSTEM_USER
from core.vocabulary import bilingual, both_languages, term
from data.stations import STATION_KINDS
from data.store import Store
from data.zones import ZONE_KINDS
from ingest.common import ImportReport, first_items
from ingest.dust import DUST_KINDS
from ingest.fires import FIRE_KINDS
from ingest.folder import import_folder
from ingest.rasters import RASTER_KINDS
from ingest.service import REGISTERS, import_files
from ingest.templates import write_templates


def _interruptible(run):
    """Run ``run()``; DuckDB turns Ctrl-C during a query into "Query interrupted" (InterruptException or a
    plain RuntimeError): the transaction is rolled back either way, so report it as the interrupt it is."""
    try:
        return run()
    except (duckdb.InterruptException, RuntimeError) as error:
        if isinstance(error, duckdb.InterruptException) or "interrupted" in str(error).lower():
            raise KeyboardInterrupt from error
        raise


def _run(args: argparse.Namespace) -> int:
    _print(_interruptible(lambda: _import(args)))
    return 0


def _import(args: argparse.Namespace) -> ImportReport:
    store = Store(args.db)
    store.migrate()
    return import_files(store, SYSTEM_USER, args.what, args.files, skip_bad_rows=args.skip_bad_rows, progress=True,
                        kind=getattr(args, "kind", None), crs=getattr(args, "crs", None),
                        stations_file=getattr(args, "stations", None), co_unit=getattr(args, "co_unit", None),
                        sheet=getattr(args, "sheet", None), period=getattr(args, "period", None))


def _print(report: ImportReport) -> None:
    print(both_languages(report.summary))
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)


def _folder(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    if not folder.is_dir():
        raise BadInputError("error.not_a_folder", file=str(folder), folder=str(folder))
    store = Store(args.db)
    store.migrate()
    result = _interruptible(lambda: import_folder(store, SYSTEM_USER, folder, skip_bad_rows=args.skip_bad_rows))
    for _, _, report in result.imported:
        _print(report)
    if result.unrecognised:
        print(f"note: {term('note.folder_unrecognised', files=first_items(p.name for p in result.unrecognised))}",
              file=sys.stderr)
    if not result.imported and result.refused is None:
        print(bilingual("note.folder_empty"))
    if result.refused is not None:
        path, what, error = result.refused
        print(f"error: {error}", file=sys.stderr)
        print(bilingual("note.folder_refused", file=path.name, what=term(f"import_{what}"),
                        files=first_items(p.name for p in result.not_reached)), file=sys.stderr)
        return 2
    return 0


def _templates(args: argparse.Namespace) -> int:
    written = write_templates(args.folder)
    print(bilingual("note.templates_written", count=len(written), folder=str(Path(args.folder))))
    for path in written:
        print(f"  {path.name}")
    return 0


DESCRIPTIONS = {
    "townships": "township boundaries (GeoJSON, GeoPackage, Shapefile, or a table with 边界(WKT)) or the township "
                 "register (codes, names, county and city) as CSV/Excel",
    "stations": "station lists: code, name, kind, township, lon, lat, any other identifier (CSV UTF-8/GBK, Excel, "
                "Parquet; CNEMC headers 监测点编码/监测点名称/经度/纬度 too)",
    "observations": "hourly observations, one row per station and hour (wide CSV, Excel or Parquet); stations "
                    "named by any identifier their list gave",
    "cnemc": "national network daily files china_sites_YYYYMMDD.csv (hourly values and published AQI)",
    "enterprises": "enterprise register: id (统一社会信用代码), name, industry, pollutants, permit, stack height, "
                   "performance grade (绩效分级), responsible unit and person, lon/lat, footprint WKT",
    "dust-sources": "construction sites, roads and stockpiles: kind, name, shape (lon/lat or WKT), area, phase, "
                    "the 六个百分百 checks, road grade, material; responsible unit and person",
    "dust-readings": "road dust load (g/m²) per road and date, dustfall (t/(km²·30 d)) per point and month",
    "fires": "fire reports: official satellite fire lists and 蓝天卫士 video alarms (Beijing time), or FIRMS (UTC)",
    "firms": "NASA FIRMS active-fire CSV (MODIS or VIIRS); UTC times become Beijing time",
    "zones": "zone polygons (GeoJSON, GeoPackage, Shapefile or a table with WKT) with name, kind and rules",
    "machinery": "non-road machinery registry: code, type, emission_stage, smoke_class, owner, site, colour_code",
    "machinery-gps": "machinery GPS positions: machine_code, time (Beijing), lon, lat",
    "trucks": "truck registry: plate, fuel, gross_weight_t, emission_standard, permit_until",
    "truck-events": "electronic-fence truck events: plate, time (Beijing), lon/lat and/or fence_id, crossing",
    "coal-inspections": "scattered-coal inspections: id, time (Beijing), lon, lat, finding (sale/use/none), "
                        "note, inspector",
    "raster": "GeoTIFFs: satellite PM2.5 of a month (--period YYYY-MM) or land cover (classes 1-4), checked and "
              "kept with the store's files",
}
KIND_CHOICES = {"stations": (STATION_KINDS, "station kind where the file has no kind column "
                                            "(codes like 1001A are national without it)"),
                "zones": (ZONE_KINDS, "zone kind where the file has no kind column"),
                "dust-sources": (tuple(dict.fromkeys(DUST_KINDS.values())),
                                 "dust-source kind where the file has no kind column"),
                "fires": (FIRE_KINDS, "the files' shape (default: told by their header)"),
                "raster": (RASTER_KINDS, "what the raster holds (default: told by the file's name)")}


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    command = subparsers.add_parser("import", help=command_help("import"))
    kinds = command.add_subparsers(dest="what", required=True, metavar="WHAT")
    skip = argparse.ArgumentParser(add_help=False)
    skip.add_argument("--skip-bad-rows", action="store_true",
                      help="import the good rows and write the rejected ones, with reasons, to "
                           "<file>.rejected.csv beside the input (default: refuse the whole file)")
    shared = argparse.ArgumentParser(add_help=False, parents=[common, skip])
    shared.add_argument("files", nargs="+", metavar="FILE")
    crs = argparse.ArgumentParser(add_help=False)
    crs.add_argument("--crs", help="coordinate system of the input: gcj02 (Gaode/Tencent lon/lat) or any "
                                   "EPSG code, e.g. EPSG:4547 (default: the file's own, else WGS84)")
    sheet = argparse.ArgumentParser(add_help=False)
    sheet.add_argument("--sheet", help="the Excel sheet to read, by name or number (default: the first)")
    for what, description in DESCRIPTIONS.items():
        options = REGISTERS[what].options
        parents = [shared] + ([crs] if "crs" in options else []) + ([sheet] if "sheet" in options else [])
        sub = kinds.add_parser(what, parents=parents, help=description, description=description)
        if what in KIND_CHOICES:
            choices, text = KIND_CHOICES[what]
            sub.add_argument("--kind", choices=choices, help=text)
        if what == "observations":
            sub.add_argument("--stations", metavar="FILE",
                             help="station list imported with the observations, mapping the names the "
                                  "files use (e.g. Aotizhongxin) to station codes")
            sub.add_argument("--co-unit", choices=("mg", "ug"),
                             help="CO unit in the files when neither the header nor the values tell")
        if what == "raster":
            sub.add_argument("--period", metavar="YYYY-MM",
                             help="the month of a satellite PM2.5 raster (default: the one in the file's name)")
        sub.set_defaults(handler=_run)
    folder = kinds.add_parser("folder", parents=[common, skip],
                              help="import every register file of a folder in dependency order (files named "
                                   "as the templates are: stations.xlsx, observations_2025.csv, landcover.tif ...)")
    folder.add_argument("folder", metavar="DIR")
    folder.set_defaults(handler=_folder)

    templates = subparsers.add_parser("templates", help=command_help("templates"))
    templates.add_argument("folder", metavar="DIR")
    templates.set_defaults(handler=_templates)
