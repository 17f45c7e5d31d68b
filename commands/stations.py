"""CLI commands for the science: the township ranking, a station's AQI, sand-dust days."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import pandas as pd

from commands import command_help
from commands.fires import as_of_time
from commands.handoff import add_engine_options
from core.errors import BadInputError
from data.store import Store
from hotspots.exports import defuse_formulas
from stations.assessment import mark_dust_day, rank_store, station_aqi
from stations.evaluation import rank_level
from stations.levels import LEVELS, PERIOD_KINDS, period_of
from stations.ranking import RANK_KEYS, Period
from stations.standards import STANDARD_NAMES, VERSIONS

RANK_CSV_COLUMNS = ["rank", "township", "composite_index", "pm25", "pm10", "so2", "no2", "co_p95",
                    "o3_8h_p90", "good_day_ratio", "heavy_days", "valid_days", "composite_yoy_pct",
                    "fire_points", "fire_points_pending", "fire_points_confirmed", "fire_points_struck_off",
                    "deduction_cny", "rank_change"]
# Table and JSON also say why a township is unranked and which standard and period apply.
RANK_EXTRA_COLUMNS = ["township_code", "pm25_yoy_pct", "primary_pollutant", "invalid_reason",
                      "standard_version", "period"]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from error


def _emit(frame: pd.DataFrame, fmt: str, csv_columns: list[str], extra_columns: list[str]) -> None:
    if fmt == "csv":
        defuse_formulas(frame[csv_columns]).to_csv(sys.stdout, index=False, lineterminator="\n")
    elif fmt == "json":
        print(frame[csv_columns + extra_columns].to_json(orient="records", force_ascii=False, date_format="iso"))
    else:
        print(frame[csv_columns + extra_columns].to_string(index=False, na_rep="-", float_format="{:.3f}".format))


# A ranking by level also says which parent unit each row is ranked within, and its rank there.
LEVEL_COLUMNS = ["level_rank", "parent_code", "parent_name"]


def _rank(args: argparse.Namespace) -> int:
    period = period_of(args.kind, args.period) if args.kind else Period.parse(args.period)
    if args.engine == "spark":
        if not args.source:
            raise BadInputError("error.spark_needs_source", field="--source")
        from stations.spark import rank_on_spark  # Spark and sqlglot are the optional install

        ranking = rank_on_spark(Path(args.source), period, by=args.by, version=args.standard, master=args.master)
    elif args.level:
        ranking = rank_level(Store(args.db), period, args.level, by=args.by, version=args.standard, as_of=args.as_of)
    else:
        ranking = rank_store(Store(args.db), period, by=args.by, version=args.standard, as_of=args.as_of)
    version = ranking["standard_version"].iloc[0]
    note = (f"ranking {period.label} by {args.by} under {STANDARD_NAMES[version]}; "
            f"{int(ranking['rank'].notna().sum())} of {len(ranking)} townships ranked")
    print(note, file=sys.stderr if args.format != "table" else sys.stdout)
    for row in ranking[ranking["rank"].isna()].itertuples():
        print(f"  unranked {row.township_code} {row.township}: {row.invalid_reason_zh} / {row.invalid_reason}",
              file=sys.stderr)
    levelled = LEVEL_COLUMNS if args.level else []
    _emit(ranking, args.format, levelled + RANK_CSV_COLUMNS, RANK_EXTRA_COLUMNS)
    return 0


def _aqi(args: argparse.Namespace) -> int:
    frame = station_aqi(Store(args.db), args.station, args.date, hourly=args.hourly)
    iaqi_columns = [column for column in frame if column.startswith("iaqi_") and frame[column].notna().any()]
    _emit(frame, args.format, ["time", "aqi", "level", "primary_pollutant"] + iaqi_columns,
          ["name_zh", "name_en", "colour"])
    return 0


def _dust_day(args: argparse.Namespace) -> int:
    mark_dust_day(Store(args.db), args.date, args.township, args.note)
    print(f"sand-dust day {args.date} marked for {args.township or 'the whole region'}")
    return 0


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    formats = ("table", "csv", "json")
    rank = subparsers.add_parser("rank", parents=[common], help=command_help("rank"))
    rank.add_argument("--period", required=True,
                      help="2024-01 (month), 2024 (year), 2024-01..2024-03 or 2024-01-05..2024-02-10")
    rank.add_argument("--kind", choices=PERIOD_KINDS, default=None,
                      help="read --period as a week (a date in it, or a month: its last whole week), month, "
                           "quarter (2025-Q2 or a month in it), ytd (to a date or a month's end), year or range")
    rank.add_argument("--level", choices=list(LEVELS), default=None,
                      help="rank townships within their county or city, or counties within their city")
    rank.add_argument("--by", choices=list(RANK_KEYS), default="composite", help="ranking key (default composite)")
    rank.add_argument("--standard", choices=VERSIONS, default=None,
                      help="standard edition for every township and period (default: in force at period end)")
    rank.add_argument("--as-of", type=as_of_time, default=None, metavar="YYYY-MM-DD[THH:MM]",
                      help="fire points and deductions as they stood then (default: now)")
    rank.add_argument("--format", choices=formats, default="table")
    add_engine_options(rank)
    rank.set_defaults(handler=_rank)

    aqi = subparsers.add_parser("aqi", parents=[common], help=command_help("aqi"))
    aqi.add_argument("--station", required=True, help="station code")
    aqi.add_argument("--date", required=True, type=_date, help="YYYY-MM-DD (Beijing)")
    aqi.add_argument("--hourly", action="store_true", help="each hour's AQI instead of the daily AQI")
    aqi.add_argument("--format", choices=formats, default="table")
    aqi.set_defaults(handler=_aqi)

    dust = subparsers.add_parser("dust-day", parents=[common],
                                 help=command_help("dust-day"))
    dust.add_argument("--date", required=True, type=_date, help="YYYY-MM-DD (Beijing)")
    dust.add_argument("--township", default=None, help="township code (default: the whole region)")
    dust.add_argument("--note", default=None)
    dust.set_defaults(handler=_dust_day)
