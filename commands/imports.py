"""CLI `import stations|observations|cnemc|firms|townships|zones|<mobile sources> FILE...`: one validated path into the store."""
from __future__ import annotations

import argparse
import sys

import duckdb

from core.policy import SYSTEM_USER
from core.vocabulary import both_languages
from data.stations import STATION_KINDS
from data.store import Store
from data.zones import ZONE_KINDS
from ingest.common import ImportReport
from ingest.service import import_files


def _run(args: argparse.Namespace) -> int:
    try:
        report = _import(args)
    except (duckdb.InterruptException, RuntimeError) as error:
        # DuckDB turns Ctrl-C during a query into "Query interrupted" (InterruptException or a plain
        # RuntimeError); the transaction is rolled back either way, so report it as the interrupt it is.
        if isinstance(error, duckdb.InterruptException) or "interrupted" in str(error).lower():
            raise KeyboardInterrupt from error
        raise
    _print(report)
    return 0


def _import(args: argparse.Namespace) -> ImportReport:
    store = Store(args.db)
    store.migrate()
    return import_files(store, SYSTEM_USER, args.what, args.files, skip_bad_rows=args.skip_bad_rows, progress=True,
                        kind=getattr(args, "kind", None), crs=getattr(args, "crs", None),
                        stations_file=getattr(args, "stations", None), co_unit=getattr(args, "co_unit", None))


def _print(report: ImportReport) -> None:
    print(both_languages(report.summary))
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    command = subparsers.add_parser("import", help="import data files into the store (validated, idempotent)")
    kinds = command.add_subparsers(dest="what", required=True, metavar="WHAT")
    shared = argparse.ArgumentParser(add_help=False, parents=[common])
    shared.add_argument("files", nargs="+", metavar="FILE")
    shared.add_argument("--skip-bad-rows", action="store_true",
                        help="import the good rows and write the rejected ones, with reasons, to "
                             "<file>.rejected.csv beside the input (default: refuse the whole file)")
    crs = argparse.ArgumentParser(add_help=False)
    crs.add_argument("--crs", help="coordinate system of the input: gcj02 (Gaode/Tencent lon/lat) or any "
                                   "EPSG code, e.g. EPSG:4547 (default: the file's own, else WGS84)")
    descriptions = {
        "stations": "station lists: code, name, kind, township, lon, lat (CSV UTF-8/GBK or Parquet; "
                    "CNEMC headers 监测点编码/监测点名称/经度/纬度 too)",
        "observations": "hourly observations, one row per station and hour (wide CSV or Parquet)",
        "cnemc": "national network daily files china_sites_YYYYMMDD.csv (hourly values and published AQI)",
        "firms": "NASA FIRMS active-fire CSV (MODIS or VIIRS); UTC times become Beijing time",
        "townships": "township polygons (GeoJSON, GeoPackage, Shapefile) with code and name",
        "zones": "zone polygons (GeoJSON, GeoPackage, Shapefile) with name and kind",
        "machinery": "non-road machinery registry: code, type, emission_stage, smoke_class, owner, site, colour_code",
        "machinery-gps": "machinery GPS positions: machine_code, time (Beijing), lon, lat",
        "trucks": "truck registry: plate, fuel, gross_weight_t, emission_standard, permit_until",
        "truck-events": "electronic-fence truck events: plate, time (Beijing), lon/lat and/or fence_id, crossing",
        "coal-inspections": "scattered-coal inspections: id, time (Beijing), lon, lat, finding (sale/use/none), "
                            "note, inspector",
    }
    for what, description in descriptions.items():
        positioned = ("stations", "townships", "zones", "machinery-gps", "truck-events", "coal-inspections")
        parents = [shared, crs] if what in positioned else [shared]
        sub = kinds.add_parser(what, parents=parents, help=description, description=description)
        if what == "stations":
            sub.add_argument("--kind", choices=STATION_KINDS,
                             help="station kind where the file has no kind column "
                                  "(codes like 1001A are national without it)")
        if what == "zones":
            sub.add_argument("--kind", choices=ZONE_KINDS, help="zone kind where the file has no kind column")
        if what == "observations":
            sub.add_argument("--stations", metavar="FILE",
                             help="station list imported with the observations, mapping the names the "
                                  "files use (e.g. Aotizhongxin) to station codes")
            sub.add_argument("--co-unit", choices=("mg", "ug"),
                             help="CO unit in the files when neither the header nor the values tell")
        sub.set_defaults(handler=_run)
