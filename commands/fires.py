"""CLI commands of fire-point review: `fires propose` (the classification's strike-off proposals and linked
duplicates), `fires list` (each point with its review state) and `fires deductions` (per township, as it
stood on a day)."""
from __future__ import annotations

import argparse
import datetime as dt
import sys

import pandas as pd

from commands import command_help
from core.policy import SYSTEM_USER
from core.vocabulary import label
from data.deductions import DEDUCTION_COLUMNS
from data.store import Store
from hotspots import fire_review
from hotspots.fire_review import FireState
from stations.ranking import Period

LIST_COLUMNS = ["id", "time", "source", "township_code", "township_name", "state", "state_label", "proposed_reason",
                "reason", "duplicate_of", "appeals", "charged_cny", "lon", "lat"]


def _emit(frame: pd.DataFrame, fmt: str) -> None:
    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
    elif fmt == "json":
        print(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
    else:
        print(frame.to_string(index=False, na_rep="-"))


def _propose(args: argparse.Namespace) -> int:
    counts = fire_review.propose(Store(args.db), args.start, args.end)
    print(f"fire points {args.start}…{args.end}: " + ", ".join(f"{key} {value}" for key, value in counts.items()))
    return 0


def _list(args: argparse.Namespace) -> int:
    period = Period.parse(args.period)
    rows = fire_review.list_fire_points(Store(args.db), SYSTEM_USER, period.start, period.end,
                                        township=args.township, state=args.state)
    rows["state_label"] = rows["state"].map(lambda code: label("fire_state", code, "zh"))
    _emit(rows[LIST_COLUMNS], args.format)
    return 0


def _deductions(args: argparse.Namespace) -> int:
    period = Period.parse(args.period)
    frame = fire_review.township_deductions(Store(args.db), period.start, period.end, args.as_of)
    note = f"deductions {period.label}" + (f" as they stood at {args.as_of:%Y-%m-%d %H:%M}" if args.as_of else "")
    print(note, file=sys.stderr if args.format != "table" else sys.stdout)
    _emit(frame[DEDUCTION_COLUMNS], args.format)
    return 0


def as_of_time(text: str) -> dt.datetime:
    """A Beijing time 'YYYY-MM-DD' (the end of that day) or 'YYYY-MM-DDTHH:MM'."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a time YYYY-MM-DD[THH:MM]: {text!r}") from error
    return moment.replace(hour=23, minute=59, second=59) if len(text) == 10 else moment


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    formats = ("table", "csv", "json")
    fires = subparsers.add_parser("fires", help=command_help("fires"))
    actions = fires.add_subparsers(dest="fires_command", required=True, metavar="ACTION")
    propose = actions.add_parser("propose", parents=[common],
                                 help="propose strike-offs and link duplicate reports for points not yet reviewed")
    propose.add_argument("--from", dest="start", required=True, type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
    propose.add_argument("--to", dest="end", required=True, type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
    propose.set_defaults(handler=_propose)
    listing = actions.add_parser("list", parents=[common], help="fire points of a period with their review state")
    listing.add_argument("--period", required=True, help="2025-06, 2025, 2025-05..2025-06 or 2025-06-01..2025-06-10")
    listing.add_argument("--township", help="township code or Chinese name")
    listing.add_argument("--state", choices=[state.value for state in FireState])
    listing.add_argument("--format", choices=formats, default="table")
    listing.set_defaults(handler=_list)
    owed = actions.add_parser("deductions", parents=[common],
                              help="per township: fire points by review state and the period's deductions (CNY)")
    owed.add_argument("--period", required=True, help="as for `rank`")
    owed.add_argument("--as-of", type=as_of_time, default=None, metavar="YYYY-MM-DD[THH:MM]",
                      help="as the ledger and the reviews stood then (default: now)")
    owed.add_argument("--format", choices=formats, default="table")
    owed.set_defaults(handler=_deductions)
