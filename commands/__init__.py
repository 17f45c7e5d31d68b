"""The command line: one module of subcommands per subject, each calling the same functions the app calls."""
from __future__ import annotations

from types import MappingProxyType
from typing import NamedTuple


class Command(NamedTuple):
    """A top-level command: the module whose register() adds it, and its one-line help."""

    module: str
    help: str


# Every top-level command, in the order `cli.py --help` lists them. Only the chosen command's module is
# imported (scikit-learn, geopandas and GDAL cost seconds); the others appear in the help by this line.
COMMANDS = MappingProxyType({
    "demo": Command("commands.store", "build the built-in Jiyuan-like demo region into the store"),
    "info": Command("commands.store", "row counts per table"),
    "settings": Command("commands.store", "every LANTIAN_* setting: its value now and what it means"),
    "migrate": Command("commands.store", "bring the store's schema up to date"),
    "rank": Command("commands.stations", "rank townships for a period (HJ 663)"),
    "aqi": Command("commands.stations", "a station's daily or hourly AQI (HJ 633)"),
    "dust-day": Command("commands.stations", "mark a sand-dust day (left out of PM and the composite index)"),
    "tasks": Command("commands.tasks", "handling tasks (交办单)"),
    "user": Command("commands.tasks", "users and roles"),
    "export": Command("commands.tasks", "exports"),
    "import": Command("commands.imports", "import data files into the store (validated, idempotent)"),
    "templates": Command("commands.imports", "write one template per register (CSV and XLSX) with the Chinese "
                                             "headers the importers read, units and an example row"),
    "zones": Command("commands.zones", "zone statistics and enforcement (low-emission, 禁高区, coal, fuel)"),
    "hotspots": Command("commands.hotspots", "detect and list ranked hotspots (热点)"),
    "fires": Command("commands.fires", "fire-point review (火点核查) and deductions"),
    "daily": Command("commands.daily", "the daily run: detect the day, sweep overdue tasks, dispatch grade I, notify"),
    "notify": Command("commands.daily", "notification outbox"),
    "tiles": Command("commands.tiles", "local base-map tiles served by the app itself"),
    "alert": Command("commands.alerts", "heavy-pollution alerts (重污染天气预警): issue, change, lift, report"),
    "target-set": Command("commands.assessment", "set a unit's target for a year"),
    "targets": Command("commands.assessment", "every target of a year: year to date, on track, allowance left"),
    "rewards": Command("commands.assessment", "the reward/penalty table, or the bottom-N or most-improved list"),
    "bulletin": Command("commands.assessment", "write the period's bulletin (通报) as DOCX or PDF"),
})


def command_help(name: str) -> str:
    """The one-line help of top-level command ``name``."""
    return COMMANDS[name].help
