"""Command-line entry for Lantian: `python cli.py COMMAND [options]` from the repository root."""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from core.errors import LantianError
from core.logs import configure_logging
from data.store import Store

# Each module contributes its commands through register(subparsers, common).
COMMAND_MODULES = ("commands.store", "commands.stations", "commands.tasks", "commands.imports",
                   "commands.zones", "commands.hotspots", "commands.fires", "commands.tiles")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH",
                        help="DuckDB store file (default: $LANTIAN_DB or data/local/lantian.duckdb)")
    parser = argparse.ArgumentParser(prog="python cli.py",
                                     description="Lantian 蓝天: township air quality and hotspot handling.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Results go to stdout; the log file beside the store keeps the record, stderr only warnings.
    configure_logging(Store(getattr(args, "db", None)).logs_dir, stderr_level=logging.WARNING)
    try:
        return args.handler(args) or 0
    except LantianError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`| head`): not an error; stop writing to it quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted: the store is unchanged by the unfinished command", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
