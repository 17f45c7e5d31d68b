"""CLI `zones stats` (areas, built-up cover, township coverage) and `zones check` (violations → hotspots)."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date

import pandas as pd

from commands import command_help
from core.timeutil import now_beijing
from data.store import Store
from hotspots.engine import check_zones
from zones.stats import ZONE_KINDS, ZoneStats, zone_stats


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, found {text!r}") from error


def _stats(args: argparse.Namespace) -> int:
    stats = zone_stats(Store(args.db), args.on or now_beijing().date())
    built = stats.built_up
    if args.format == "json":
        print(json.dumps({
            "on": stats.on.isoformat(), "crs": stats.crs,
            "zones": json.loads(stats.zones.to_json(orient="records", date_format="iso")),
            "built_up": {"definition": built.definition, "built_up_km2": built.builtup_km2,
                         "fuel_ban_covered_km2": built.covered_km2, "share": built.share,
                         "required_share": built.required_share, "meets_requirement": built.meets_requirement},
            "townships": json.loads(stats.townships.to_json(orient="records"))}, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        _long_table(stats).to_csv(sys.stdout, index=False)
    else:
        print(f"zones in force on {stats.on} (areas in km², {stats.crs})")
        print(stats.zones.to_string(index=False, float_format="{:.2f}".format))
        verdict = "meets" if built.meets_requirement else "FAILS"
        print(f"\nbuilt-up area ({built.definition}): {built.builtup_km2:.2f} km², fuel-ban covers "
              f"{built.covered_km2:.2f} km² = {built.share:.1%} ({verdict} the ≥ {built.required_share:.0%} requirement)")
        shares = stats.townships[["code", "name", "area_km2", *[f"{kind}_share" for kind in ZONE_KINDS]]]
        print("\ntownship coverage by zone kind (share of the township's area)")
        print(shares.to_string(index=False, float_format="{:.2f}".format))
    return 0


def _long_table(stats: ZoneStats) -> pd.DataFrame:
    """All three statistics as one tidy table: section, id, name, kind, area_km2, covered_km2, share."""
    built = stats.built_up
    rows = [{"section": "zone", "id": row.id, "name": row.name, "kind": row.kind, "area_km2": row.area_km2}
            for row in stats.zones.itertuples()]
    rows.append({"section": "built_up", "id": "fuel_ban", "name": built.definition, "kind": "fuel_ban",
                 "area_km2": built.builtup_km2, "covered_km2": built.covered_km2, "share": built.share})
    for row in stats.townships.itertuples():
        for kind in ZONE_KINDS:
            rows.append({"section": "township", "id": row.code, "name": row.name, "kind": kind,
                         "area_km2": row.area_km2, "covered_km2": getattr(row, f"{kind}_km2"),
                         "share": getattr(row, f"{kind}_share")})
    return pd.DataFrame(rows, columns=["section", "id", "name", "kind", "area_km2", "covered_km2", "share"])


def _check(args: argparse.Namespace) -> int:
    result = check_zones(Store(args.db), args.first_day, args.last_day)
    violations = result.violations
    counts = violations.groupby("subject").size().to_dict() if not violations.empty else {}
    print(f"{len(violations):,} violation(s) {args.first_day}…{args.last_day}: "
          f"{counts.get('machinery', 0):,} machinery, {counts.get('truck', 0):,} truck, "
          f"{counts.get('coal', 0):,} coal; hotspots {result.new:,} new, {result.updated:,} updated")
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    command = subparsers.add_parser("zones", help=command_help("zones"))
    actions = command.add_subparsers(dest="action", required=True, metavar="ACTION")
    stats = actions.add_parser("stats", parents=[common],
                               help="zone areas (km²), fuel-ban cover of the built-up area, township coverage")
    stats.add_argument("--on", type=_day, help="zones in force on this date (default: today, Beijing time)")
    stats.add_argument("--format", choices=("table", "csv", "json"), default="table")
    stats.set_defaults(handler=_stats)
    check = actions.add_parser("check", parents=[common],
                               help="find machinery, truck and coal violations in a date range and store "
                                    "them as hotspots (kinds mobile and coal)")
    check.add_argument("--from", dest="first_day", type=_day, required=True, help="first day, YYYY-MM-DD")
    check.add_argument("--to", dest="last_day", type=_day, required=True, help="last day (inclusive), YYYY-MM-DD")
    check.set_defaults(handler=_check)
