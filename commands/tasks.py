"""CLI commands for the closed loop: sweep overdue tasks, list tasks, manage users, export the handling list."""
from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date, datetime
from pathlib import Path

from accounts.users import add_user, list_users, set_active, set_password
from commands import command_help
from commands.handoff import register_export
from core.errors import BadInputError
from core.policy import STORED_ROLES, SYSTEM_USER
from core.vocabulary import label
from data.store import Store
from data.tasks import HandlingListFilter
from hotspots import task_service
from hotspots.exports import EXPORTERS
from hotspots.tasks import TaskState


def _sweep(args: argparse.Namespace) -> int:
    escalated = task_service.sweep_overdue(Store(args.db), now=args.now)
    print(f"escalated {len(escalated)} overdue task(s){': ' + ', '.join(escalated) if escalated else ''}")
    return 0


def _selection(args: argparse.Namespace) -> HandlingListFilter:
    return HandlingListFilter(start=args.start, end=args.end, township=args.township,
                              state=TaskState.parse(args.status) if args.status else None, kind=args.kind)


def _list(args: argparse.Namespace) -> int:
    tasks = task_service.list_tasks(Store(args.db), _selection(args))
    if tasks.empty:
        print("no tasks match")
        return 0
    shown = tasks[["id", "township_name", "state", "deadline", "overdue", "title"]].copy()
    shown["state"] = shown["state"].map(lambda code: label("task_state", code, "zh"))
    print(shown.to_string(index=False))
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password is not None:
        return args.password
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise BadInputError("error.passwords_differ", field="password")
    return first


def _user_add(args: argparse.Namespace) -> int:
    user = add_user(Store(args.db), SYSTEM_USER, args.name, _read_password(args), args.role,
                    township=args.township)
    township = f" of township {user.township_code}" if user.township_code else ""
    print(f"added {user.role.value} '{user.name}'{township}")
    return 0


def _user_passwd(args: argparse.Namespace) -> int:
    set_password(Store(args.db), SYSTEM_USER, args.name, _read_password(args))
    print(f"password of '{args.name}' replaced")
    return 0


def _user_active(args: argparse.Namespace) -> int:
    set_active(Store(args.db), SYSTEM_USER, args.name, args.active)
    print(f"'{args.name}' {'may sign in again' if args.active else 'can no longer sign in'}")
    return 0


def _user_list(args: argparse.Namespace) -> int:
    users = list_users(Store(args.db), SYSTEM_USER)
    print("no users" if users.empty else users.to_string(index=False, na_rep=""))
    return 0


def _add_password_options(parser: argparse.ArgumentParser) -> None:
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument("--password", help="the password (visible in the process list; prefer the prompt)")
    secret.add_argument("--password-stdin", action="store_true", help="read the password from standard input")


def _export_handling_list(args: argparse.Namespace) -> int:
    out = Path(args.out)
    exporter = EXPORTERS.get(out.suffix.lower())
    if exporter is None:
        raise BadInputError("error.export_suffix_unknown", file=str(out), suffixes=list(EXPORTERS))
    frame = task_service.handling_list(Store(args.db), SYSTEM_USER, _selection(args))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(exporter(frame))
    print(f"wrote {len(frame)} task(s) to {out}")
    return 0


def _add_selection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="first day (Beijing time) the tasks were created")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="last day (inclusive)")
    parser.add_argument("--township", help="township code or Chinese name")
    parser.add_argument("--status", help="task state: " + ", ".join(f"{s.value} ({s.label('zh')})" for s in TaskState))
    parser.add_argument("--kind", help="task kind: a hotspot kind (station, fire, dust, ...) or 'field'")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    tasks = subparsers.add_parser("tasks", help=command_help("tasks"))
    tasks_commands = tasks.add_subparsers(dest="tasks_command", required=True, metavar="ACTION")
    sweep = tasks_commands.add_parser("sweep", parents=[common], help="escalate (督办) every overdue task")
    sweep.add_argument("--now", type=datetime.fromisoformat, metavar="YYYY-MM-DDTHH:MM",
                       help="Beijing time to sweep as of (default: now)")
    sweep.set_defaults(handler=_sweep)
    listing = tasks_commands.add_parser("list", parents=[common], help="print tasks")
    _add_selection_options(listing)
    listing.set_defaults(handler=_list)

    user = subparsers.add_parser("user", help=command_help("user"))
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = user_commands.add_parser("add", parents=[common], help="add a user")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[role.value for role in STORED_ROLES])
    add.add_argument("--township", help="township code or Chinese name (township officials only)")
    _add_password_options(add)
    add.set_defaults(handler=_user_add)
    passwd = user_commands.add_parser("passwd", parents=[common], help="replace a user's password")
    passwd.add_argument("name")
    _add_password_options(passwd)
    passwd.set_defaults(handler=_user_passwd)
    for action, active, text in (("disable", False, "stop a user signing in (their history stays)"),
                                 ("enable", True, "let a disabled user sign in again")):
        switch = user_commands.add_parser(action, parents=[common], help=text)
        switch.add_argument("name")
        switch.set_defaults(handler=_user_active, active=active)
    listing_users = user_commands.add_parser("list", parents=[common], help="users, roles and townships (no hashes)")
    listing_users.set_defaults(handler=_user_list)

    export = subparsers.add_parser("export", help=command_help("export"))
    export_commands = export.add_subparsers(dest="export_command", required=True, metavar="WHAT")
    handling = export_commands.add_parser("handling-list", parents=[common],
                                          help="the handling list (处置清单) as .xlsx, .csv or .geojson")
    handling.add_argument("--out", required=True, metavar="FILE", help="FILE.xlsx, FILE.csv or FILE.geojson")
    _add_selection_options(handling)
    handling.set_defaults(handler=_export_handling_list)
    register_export(export_commands, common)
