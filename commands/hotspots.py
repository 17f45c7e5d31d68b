"""CLI commands of the hotspot engine: `hotspots detect` over a window and `hotspots list` of the ranked table."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date

import geopandas as gpd
import pandas as pd

from commands import command_help
from core.errors import BadInputError
from core.policy import SYSTEM_USER
from core.vocabulary import label
from data.hotspots import HotspotFilter
from data.store import Store
from hotspots.engine import detect_and_store
from hotspots.exports import defuse_formulas
from hotspots.schema import KIND_CODES
from hotspots.service import visible_hotspots

LIST_COLUMNS = ["id", "kind", "rank", "score", "grade", "township_name", "station_code", "pollutant", "start_time",
                "end_time", "peak",
                "lon", "lat"]
FORMATS = ("table", "csv", "json", "geojson")


def _detect(args: argparse.Namespace) -> int:
    if args.end < args.start:
        raise BadInputError("error.detect_to_before_from", field="to")
    # A bar only for a person watching: never in a log or a pipe.
    counts = detect_and_store(Store(args.db), args.start, args.end, progress=sys.stderr.isatty())
    new, updated = counts.pop("new"), counts.pop("updated")
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items())) or "none"
    print(f"hotspots {args.start}…{args.end}: {new} new, {updated} updated ({kinds})")
    return 0


def _labelled(rows: pd.DataFrame) -> pd.DataFrame:
    """The listed columns with each kind's Chinese label beside its code, as the map and the export name it."""
    shown = rows[LIST_COLUMNS].copy()
    shown.insert(shown.columns.get_loc("kind") + 1, "kind_label",
                 shown["kind"].map(lambda code: label("hotspot_kind", code, "zh")))
    return shown


def _list(args: argparse.Namespace) -> int:
    selection = HotspotFilter(kinds=tuple(args.kind) if args.kind else None, township=args.township,
                                         start=args.start, end=args.end)
    store = Store(args.db)
    store.migrate()
    rows = visible_hotspots(store, SYSTEM_USER, selection, top=args.top)
    if args.format == "geojson":
        frame = rows.drop(columns=["detected_at", "updated_at"]).copy()
        for column in ("start_time", "end_time"):
            frame[column] = frame[column].astype(str)
        for column in ("score_parts", "sources", "context"):
            frame[column] = frame[column].map(lambda text: json.loads(text) if text else None)
        shapes = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")
        sys.stdout.write(shapes.to_json(ensure_ascii=False, na="null") + "\n")
    elif args.format == "json":
        shown = rows[LIST_COLUMNS + ["score_parts", "sources", "context"]].copy()
        for column in ("score_parts", "sources", "context"):
            shown[column] = shown[column].map(lambda text: json.loads(text) if text else None)
        sys.stdout.write(shown.to_json(orient="records", date_format="iso", force_ascii=False) + "\n")
    elif args.format == "csv":
        sys.stdout.write(defuse_formulas(_labelled(rows)).to_csv(index=False))
    elif rows.empty:
        print("no hotspots match")
    else:
        print(_labelled(rows).to_string(index=False, na_rep=""))
    return 0


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    hotspots = subparsers.add_parser("hotspots", help=command_help("hotspots"))
    actions = hotspots.add_subparsers(dest="hotspots_command", required=True, metavar="ACTION")
    detect = actions.add_parser("detect", parents=[common],
                                help="detect, attribute and score every hotspot of a window (re-runs update)")
    detect.add_argument("--from", dest="start", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="first day (Beijing time)")
    detect.add_argument("--to", dest="end", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="last day (inclusive)")
    detect.set_defaults(handler=_detect)
    listing = actions.add_parser("list", parents=[common], help="the stored hotspots, best first")
    listing.add_argument("--top", type=int, metavar="N", help="only the first N")
    listing.add_argument("--kind", action="append", choices=KIND_CODES,
                         help="only this kind (repeatable)")
    listing.add_argument("--township", help="township code or Chinese name")
    listing.add_argument("--from", dest="start", type=date.fromisoformat, metavar="YYYY-MM-DD",
                         help="hotspots starting on or after this day")
    listing.add_argument("--to", dest="end", type=date.fromisoformat, metavar="YYYY-MM-DD",
                         help="hotspots starting on or before this day")
    listing.add_argument("--format", choices=FORMATS, default="table")
    listing.set_defaults(handler=_list)
