"""CLI commands for the store itself: build the demo region, show what the store holds, migrate; settings."""
from __future__ import annotations

import argparse
import sys
import time

from commands import command_help
from core.settings import get_settings
from core.vocabulary import bilingual
from data.store import Store


def _demo(args: argparse.Namespace) -> int:
    if args.files is not None:
        from ingest.demo.files import write_demo_files

        written = write_demo_files(args.files, seed=args.seed, year=args.year)
        print(bilingual("note.demo_files_written", count=len(written), folder=str(args.files)))
        for path in written:
            print(f"  {path.name}")
        return 0
    from ingest.demo import build_demo_store

    store = Store(args.db)
    started = time.perf_counter()
    # Each step of the minute's build is named on a terminal as it begins, as detection's progress is.
    show_step = (lambda key: print(bilingual(key), file=sys.stderr)) if sys.stderr.isatty() else None
    promised = build_demo_store(store.path, seed=args.seed, year=args.year, replace=args.replace, on_step=show_step)
    elapsed = time.perf_counter() - started
    print(f"demo region built in {store.path} (seed {args.seed}, year {args.year}) in {elapsed:.1f} s")
    for table, count in promised.items():
        print(f"  {table:<16} {count:>9,}")
    return 0


def _info(args: argparse.Namespace) -> int:
    store = Store(args.db)
    counts = store.row_counts()
    print(f"store {store.path}  schema version {store.schema_version()}")
    for table, count in counts.items():
        print(f"  {table:<18} {count:>9,}")
    return 0


def _settings(args: argparse.Namespace) -> int:
    settings = get_settings()
    for name, field in type(settings).model_fields.items():
        print(f"LANTIAN_{name.upper()} = {getattr(settings, name)!r}")
        print(f"    {field.description}")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    applied = Store(args.db).migrate()
    print(f"applied {len(applied)} migration(s){': ' + ', '.join(applied) if applied else ''}")
    return 0


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    settings = get_settings()
    demo = subparsers.add_parser("demo", parents=[common],
                                 help=command_help("demo"))
    demo.add_argument("--seed", type=int, default=settings.demo_seed, help="random seed (default %(default)s)")
    demo.add_argument("--year", type=int, default=settings.demo_year,
                      help="calendar year of hourly history (default %(default)s)")
    demo.add_argument("--replace", action="store_true",
                      help="replace an existing store at --db (its users, tasks and imports are lost)")
    demo.add_argument("--files", metavar="DIR",
                      help="write the demo region into DIR as the register files a city hands over (one per "
                           "register, as the templates), for `import folder DIR`, instead of building a store")
    demo.set_defaults(handler=_demo)

    info = subparsers.add_parser("info", parents=[common], help=command_help("info"))
    info.set_defaults(handler=_info)

    listing = subparsers.add_parser("settings", help=command_help("settings"))
    listing.set_defaults(handler=_settings)

    migrate = subparsers.add_parser("migrate", parents=[common], help=command_help("migrate"))
    migrate.set_defaults(handler=_migrate)
