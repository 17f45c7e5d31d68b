"""CLI commands for local base-map tiles: import an MBTiles file or a z/x/y folder into the store's files."""
from __future__ import annotations

import argparse
from pathlib import Path

from commands import command_help
from core.vocabulary import bilingual
from data.store import Store
from data.tiles import import_tiles


def _import(args: argparse.Namespace) -> int:
    tile_set = import_tiles(Store(args.db), Path(args.source), name=args.name, attribution=args.attribution)
    print(bilingual("note.tiles_imported", **tile_set.__dict__))
    return 0


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    tiles = subparsers.add_parser("tiles", help=command_help("tiles"))
    actions = tiles.add_subparsers(dest="tiles_command", required=True, metavar="ACTION")
    importing = actions.add_parser(
        "import", parents=[common],
        help="copy FILE.mbtiles or a folder of z/x/y.png|jpg|webp tiles (Web Mercator, XYZ) into the store's "
             "files; then LANTIAN_TILES=local (and LANTIAN_TILES_LOCAL=NAME) draws them")
    importing.add_argument("source", metavar="FILE.mbtiles|DIR")
    importing.add_argument("--name", default="base", help="tile set name (default %(default)s)")
    importing.add_argument("--attribution", default="",
                           help="attribution drawn on the map, with the 审图号 of a published map "
                                "(default: the MBTiles metadata's)")
    importing.set_defaults(handler=_import)
