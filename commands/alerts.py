"""CLI `alert issue|change|lift|list|suggest|checklist|report`: heavy-pollution alerts (重污染天气预警)."""
from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from commands import command_help
from core.policy import SYSTEM_USER
from core.timeutil import now_beijing
from core.vocabulary import label
from data.alerts import ALERT_LEVELS
from data.store import Store
from emergency import alerts
from emergency.checklist import checklist, measure_text, reduction_totals
from emergency.report import alert_summary, notice_text, report_docx


def _moment(text: str) -> datetime:
    """'YYYY-MM-DD' (its 00:00) or 'YYYY-MM-DDTHH:MM' / 'YYYY-MM-DD HH:MM', Beijing time."""
    try:
        return datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD[THH:MM], found {text!r}") from error


def _end(text: str) -> datetime:
    """A last day 'YYYY-MM-DD' means until the end of that day; a time is taken as it is."""
    moment = _moment(text)
    return moment + timedelta(days=1) if len(text) == 10 else moment


def _issue(args: argparse.Namespace) -> int:
    alert = alerts.issue_alert(Store(args.db), SYSTEM_USER, args.level, args.starts_at, args.ends_at,
                               area_codes=args.area or (), trigger_kind=args.trigger, trigger_aqi=args.aqi,
                               note=args.note)
    print(f"issued {alert['id']}: {label('alert_level', alert['level'])} {alert['starts_at']:%Y-%m-%d %H:%M} – "
          f"{alert['ends_at']:%Y-%m-%d %H:%M}, {', '.join(alert['area_codes']) or 'whole city / 全市'}")
    return 0


def _change(args: argparse.Namespace) -> int:
    alert = alerts.change_alert(Store(args.db), SYSTEM_USER, args.alert_id, level=args.level, ends_at=args.ends_at,
                                at=args.at, comment=args.note)
    print(f"changed {alert['id']}: now {label('alert_level', alert['level'])} until {alert['ends_at']:%Y-%m-%d %H:%M}")
    return 0


def _lift(args: argparse.Namespace) -> int:
    alert = alerts.lift_alert(Store(args.db), SYSTEM_USER, args.alert_id, at=args.at, comment=args.note)
    print(f"lifted {alert['id']} at {alert['lifted_at']:%Y-%m-%d %H:%M}")
    return 0


def _list(args: argparse.Namespace) -> int:
    store = Store(args.db)
    listed = alerts.list_alerts(store)
    if listed.empty:
        print("no alerts / 尚无预警")
        return 0
    for row in listed.itertuples():
        lifted = f"lifted {row.lifted_at:%Y-%m-%d %H:%M}" if pd.notna(row.lifted_at) else "not lifted"
        print(f"{row.id}  {label('alert_level', row.level)}  {row.starts_at:%Y-%m-%d %H:%M} – {row.ends_at:%Y-%m-%d %H:%M}"
              f"  {lifted}  {', '.join(row.area_codes) or '全市'}  by {row.issuer}")
        if args.history:
            for event in alerts.alert_history(store, row.id).itertuples():
                print(f"    {event.occurred_at:%Y-%m-%d %H:%M}  {label('alert_action', event.action)}  "
                      f"{label('alert_level', event.level)}  {event.actor}  {event.comment or ''}")
    return 0


def _suggest(args: argparse.Namespace) -> int:
    suggestion, days = alerts.alert_suggestion(Store(args.db), args.on or now_beijing().date(),
                                               area_codes=args.area or ())
    for row in days.itertuples():
        print(f"{row.date:%Y-%m-%d}  AQI {row.aqi:.0f}{'  (forecast / 预报)' if row.forecast else ''}")
    if suggestion is None:
        print("no level's trigger is met / 未达到预警启动条件")
    else:
        print(f"suggested: {label('alert_level', suggestion.level)} ({suggestion.days} days AQI > 200 "
              f"{suggestion.first_day:%Y-%m-%d}…{suggestion.last_day:%Y-%m-%d}, peak {suggestion.peak_aqi}, "
              f"{suggestion.forecast_days} forecast)")
    return 0


def _checklist(args: argparse.Namespace) -> int:
    rows = checklist(Store(args.db), args.alert_id, args.township)
    for row in rows.itertuples():
        checked = "—" if pd.isna(row.compliant) else ("落实 / complied" if row.compliant else "未落实 / not complied")
        print(f"{row.township_code}  {row.source_id}  {row.name}  {label('performance_grade', row.grade)}  "
              f"{measure_text(row)}  task {row.task_id if isinstance(row.task_id, str) else '—'}  {checked}")
    print(f"{len(rows)} source(s) must act")
    return 0


def _totals(args: argparse.Namespace) -> int:
    print(reduction_totals(Store(args.db)).to_string(index=False))
    return 0


def _report(args: argparse.Namespace) -> int:
    summary = alert_summary(Store(args.db), args.alert_id)
    Path(args.out).write_bytes(report_docx(summary, args.lang))
    totals = summary.totals
    print(f"wrote {args.out}: {len(summary.history)} event(s), {totals['checked']} check(s), "
          f"{totals['not_compliant']} not compliant")
    if args.notices:
        for kind in ("issue", "lift"):
            print(notice_text(summary, kind, args.lang))
    return 0


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    command = subparsers.add_parser("alert", help=command_help("alert"))
    actions = command.add_subparsers(dest="action", required=True, metavar="ACTION")
    levels = [*ALERT_LEVELS, "蓝色", "黄色", "橙色", "红色"]
    issue = actions.add_parser("issue", parents=[common], help="issue an alert for the city or some townships")
    issue.add_argument("--level", required=True, choices=levels)
    issue.add_argument("--from", dest="starts_at", type=_moment, required=True, help="start, YYYY-MM-DD[THH:MM]")
    issue.add_argument("--to", dest="ends_at", type=_end, required=True,
                       help="planned end: a last day YYYY-MM-DD (inclusive) or YYYY-MM-DDTHH:MM")
    issue.add_argument("--area", nargs="+", metavar="CODE", help="township codes (default: the whole city)")
    issue.add_argument("--trigger", choices=alerts.TRIGGER_KINDS, default="forecast",
                       help="what the decision rests on (default forecast)")
    issue.add_argument("--aqi", type=int, help="the AQI it rests on")
    issue.add_argument("--note")
    issue.set_defaults(handler=_issue)
    change = actions.add_parser("change", parents=[common], help="change an alert's level or planned end")
    change.add_argument("alert_id")
    change.add_argument("--level", choices=levels)
    change.add_argument("--to", dest="ends_at", type=_end, help="new planned end")
    change.add_argument("--at", type=_moment, help="when the change takes effect (default now)")
    change.add_argument("--note")
    change.set_defaults(handler=_change)
    lift = actions.add_parser("lift", parents=[common], help="lift an alert")
    lift.add_argument("alert_id")
    lift.add_argument("--at", type=_moment, help="when (default now)")
    lift.add_argument("--note")
    lift.set_defaults(handler=_lift)
    listing = actions.add_parser("list", parents=[common], help="every alert, newest first")
    listing.add_argument("--history", action="store_true", help="with each alert's events")
    listing.set_defaults(handler=_list)
    suggest = actions.add_parser("suggest", parents=[common],
                                 help="the level the observed and forecast daily AQI calls for (the trigger rule)")
    suggest.add_argument("--on", type=date.fromisoformat, default=None,
                         help="the day to judge, YYYY-MM-DD (default today, Beijing time)")
    suggest.add_argument("--area", nargs="+", metavar="CODE", help="township codes (default: the whole city)")
    suggest.set_defaults(handler=_suggest)
    listed = actions.add_parser("checklist", parents=[common], help="the sources that must act during an alert")
    listed.add_argument("alert_id")
    listed.add_argument("--township", help="one township's code")
    listed.set_defaults(handler=_checklist)
    totals = actions.add_parser("totals", parents=[common], help="the reduction list's totals per level")
    totals.set_defaults(handler=_totals)
    report = actions.add_parser("report", parents=[common], help="the alert's report as DOCX")
    report.add_argument("alert_id")
    report.add_argument("--out", required=True, metavar="FILE.docx")
    report.add_argument("--lang", choices=("zh", "en"), default="zh")
    report.add_argument("--notices", action="store_true", help="also print the public notices")
    report.set_defaults(handler=_report)
