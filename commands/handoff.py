"""CLI commands for running beyond one machine: the Parquet hand-off (`export parquet DIR`) and the ranking
on Spark (`rank --engine spark --source DIR`)."""
from __future__ import annotations

import argparse
import time

from data.handoff import export_parquet
from data.store import Store


def _export_parquet(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    with Store(args.db).read() as con:
        result = export_parquet(con, args.directory)
    print(f"{len(result.written)} month(s) written ({result.rows:,} rows: {', '.join(result.written) or '-'}), "
          f"{len(result.unchanged)} unchanged, in {time.perf_counter() - started:.1f} s → {result.directory}")
    return 0


def register_export(export_commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add `export parquet DIR` to the export command group."""
    parquet = export_commands.add_parser(
        "parquet", parents=[common],
        help="observations as Parquet partitioned by province, city and month (only new or changed months), "
             "with stations, township days and a manifest, for `rank --engine spark`")
    parquet.add_argument("directory", metavar="DIR")
    parquet.set_defaults(handler=_export_parquet)


def add_engine_options(rank: argparse.ArgumentParser) -> None:
    """The ranking's engine options: DuckDB on the store (default) or Spark on an export folder."""
    rank.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb",
                      help="duckdb: the store (default); spark: an `export parquet` folder given by --source")
    rank.add_argument("--source", metavar="DIR", help="the export folder the Spark engine reads")
    rank.add_argument("--master", default="local[*]",
                      help="Spark master: local[*] (default), local[N], spark://host:7077, yarn")
