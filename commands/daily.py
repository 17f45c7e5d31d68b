"""CLI commands of the scheduled work: `daily` (detect, sweep, dispatch, notify) and `notify deliver` (retry the outbox)."""
from __future__ import annotations

import argparse
import sys
from datetime import date, datetime

from commands import command_help
from data.store import Store
from hotspots.dispatch import run_daily
from notify.outbox import deliver_pending


def _daily(args: argparse.Namespace) -> int:
    run = run_daily(Store(args.db), args.date, now=args.now, progress=sys.stderr.isatty())
    print(f"daily run for {run.day}: {run.detected} hotspot(s) detected or updated, {len(run.escalated)} overdue "
          f"task(s) escalated, {len(run.dispatched)} dispatched{': ' + ', '.join(run.dispatched) if run.dispatched else ''}; "
          f"{run.delivered} message(s) sent, {run.retrying} to retry, {run.given_up} given up")
    return 0


def _deliver(args: argparse.Namespace) -> int:
    store = Store(args.db)
    store.migrate()
    report = deliver_pending(store, args.now)
    print(f"{report.delivered} message(s) sent, {report.retrying} to retry, {report.given_up} given up")
    return 0


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    daily = subparsers.add_parser("daily", parents=[common],
                                  help=command_help("daily"))
    daily.add_argument("--date", type=date.fromisoformat, metavar="YYYY-MM-DD",
                       help="the day to detect and dispatch (default: yesterday, Beijing time)")
    daily.add_argument("--now", type=datetime.fromisoformat, metavar="YYYY-MM-DDTHH:MM",
                       help="Beijing time the run acts at (default: now): deadlines and the overdue sweep count from it")
    daily.set_defaults(handler=_daily)
    notify = subparsers.add_parser("notify", help=command_help("notify"))
    actions = notify.add_subparsers(dest="notify_command", required=True, metavar="ACTION")
    deliver = actions.add_parser("deliver", parents=[common], help="send due mails and webhook calls (retries)")
    deliver.add_argument("--now", type=datetime.fromisoformat, metavar="YYYY-MM-DDTHH:MM", help="default: now")
    deliver.set_defaults(handler=_deliver)
