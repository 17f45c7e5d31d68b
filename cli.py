"""Command-line entry for Lantian: `python cli.py COMMAND [options]` from the repository root."""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from commands import COMMANDS
from core.errors import LantianError


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for ``argv``: the chosen command's module registers its commands in full (through
    register(subparsers, common)); every other command is listed by its help line only, its module
    not imported. With None, every module registers (the whole command line, for tests and docs)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH",
                        help="DuckDB store file (default: $LANTIAN_DB or data/local/lantian.duckdb)")
    parser = argparse.ArgumentParser(prog="python cli.py",
                                     description="Lantian 蓝天: township air quality and hotspot handling.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = next((word for word in argv if not word.startswith("-")), None) if argv is not None else None
    modules = {command.module for command in COMMANDS.values()} if argv is None else \
        {COMMANDS[chosen].module} if chosen in COMMANDS else set()
    for name, command in COMMANDS.items():
        if command.module in modules:
            importlib.import_module(command.module).register(subparsers, common)
            modules.discard(command.module)
        elif name not in subparsers.choices:
            subparsers.add_parser(name, help=command.help)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    # Imported here, after parsing: `--help` and a mistyped command need neither DuckDB nor pandas.
    from core.logs import configure_logging, log_unexpected
    from data.store import Store

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
    except Exception as error:  # noqa: BLE001 -- the traceback goes to the log, the reader gets a reference
        reference = log_unexpected(error, f"cli {args.command}")
        print(f"error: {LantianError('error.unexpected', reference=reference)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: nothing the command had not yet committed is stored", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
