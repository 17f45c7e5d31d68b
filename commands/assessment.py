"""CLI commands for assessment: targets, the reward/penalty table, bottom and improvement lists, bulletins."""
from __future__ import annotations

import argparse
import sys

from commands import command_help
from commands.fires import as_of_time
from core.policy import SYSTEM_USER
from data.store import Store
from reports.bulletin import build_bulletin
from reports.writers import write_bulletin
from stations.assessment import rank_store
from stations.evaluation import progress_of_targets, set_target
from stations.levels import PERIOD_KINDS, period_of
from stations.rewards import bottom_list, configured_rules, most_improved, reward_table
from stations.standards import VERSIONS
from stations.targets import TARGET_METRICS


def _emit(frame, fmt: str) -> None:
    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
    elif fmt == "json":
        print(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
    else:
        print(frame.to_string(index=False, na_rep="-"))


def _target_set(args: argparse.Namespace) -> int:
    set_target(Store(args.db), SYSTEM_USER, unit_code=args.unit, year=args.year, metric=args.metric,
               value=args.value, version=args.standard)
    print(f"target set: {args.unit} {args.year} {args.metric} = {args.value}")
    return 0


def _target_show(args: argparse.Namespace) -> int:
    _emit(progress_of_targets(Store(args.db), args.year, args.as_of), args.format)
    return 0


def _rewards(args: argparse.Namespace) -> int:
    period = period_of(args.kind, args.period)
    ranking = rank_store(Store(args.db), period, as_of=args.as_of)
    rules = configured_rules()
    if args.list == "bottom":
        _emit(bottom_list(ranking, args.n or rules.bottom_n)[["place_from_bottom", "rank", "township_code",
                                                               "township", "composite_index"]], args.format)
    elif args.list == "improved":
        _emit(most_improved(ranking, args.n or 3)[["rank", "township_code", "township", "composite_index",
                                                   "composite_yoy_pct"]], args.format)
    else:
        _emit(reward_table(ranking, rules), args.format)
    return 0


def _bulletin(args: argparse.Namespace) -> int:
    document = build_bulletin(Store(args.db), args.period, args.kind, as_of=args.as_of)
    written = write_bulletin(document, args.out)
    print(f"bulletin written: {written} ({document.title})")
    return 0


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    formats = ("table", "csv", "json")
    target = subparsers.add_parser("target-set", parents=[common], help=command_help("target-set"))
    target.add_argument("--unit", required=True, help="township, county or city code")
    target.add_argument("--year", required=True, type=int)
    target.add_argument("--metric", required=True, choices=list(TARGET_METRICS))
    target.add_argument("--value", required=True, type=float,
                        help="µg/m³ for pm25/pm10, 0–1 for the ratios, the index itself for composite_index")
    target.add_argument("--standard", choices=VERSIONS, default=None,
                        help="edition the target is judged by (default: in force at the year's end)")
    target.set_defaults(handler=_target_set)

    show = subparsers.add_parser("targets", parents=[common],
                                 help=command_help("targets"))
    show.add_argument("--year", required=True, type=int)
    show.add_argument("--as-of", type=lambda text: as_of_time(text).date(), default=None, metavar="YYYY-MM-DD",
                      help="the day to measure on (default: the last day with observations)")
    show.add_argument("--format", choices=formats, default="table")
    show.set_defaults(handler=_target_show)

    rewards = subparsers.add_parser("rewards", parents=[common],
                                    help=command_help("rewards"))
    rewards.add_argument("--period", required=True)
    rewards.add_argument("--kind", choices=PERIOD_KINDS, default="month")
    rewards.add_argument("--list", choices=("amounts", "bottom", "improved"), default="amounts")
    rewards.add_argument("--n", type=int, default=None, help="list length (default: the rules' bottom_n, or 3)")
    rewards.add_argument("--as-of", type=as_of_time, default=None, metavar="YYYY-MM-DD[THH:MM]",
                         help="fire points and deductions as they stood then (default: now)")
    rewards.add_argument("--format", choices=formats, default="table")
    rewards.set_defaults(handler=_rewards)

    bulletin = subparsers.add_parser("bulletin", parents=[common], help=command_help("bulletin"))
    bulletin.add_argument("--period", required=True, help="2025-06 (or a date, 2025-Q2, 2025 by --kind)")
    bulletin.add_argument("--kind", choices=[kind for kind in PERIOD_KINDS if kind != "ytd"], default="month")
    bulletin.add_argument("--out", required=True, help="FILE.docx or FILE.pdf")
    bulletin.add_argument("--as-of", type=as_of_time, default=None, metavar="YYYY-MM-DD[THH:MM]",
                          help="fire points and deductions as they stood then (default: now)")
    bulletin.set_defaults(handler=_bulletin)
