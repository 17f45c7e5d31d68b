"""The command line starts without its heavy modules: only the chosen command's module is imported."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cli
from commands import COMMANDS

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("sklearn", "geopandas", "streamlit", "shapely", "rasterio", "scipy", "folium")


def _loaded_after(code: str) -> dict:
    """Run ``code`` in a fresh interpreter at the repository root; the heavy modules then loaded and what it printed."""
    probe = (f"import json, sys\n{code}\n"
             f"print(json.dumps(sorted(name for name in {HEAVY!r} if name in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    *printed, loaded = done.stdout.strip().splitlines()
    return {"loaded": json.loads(loaded), "printed": "\n".join(printed)}


def test_import_cli_loads_no_heavy_module():
    assert _loaded_after("import cli")["loaded"] == []


def test_help_lists_every_command_without_importing_them():
    result = _loaded_after("import cli\ntry:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass")
    assert result["loaded"] == []
    for name, command in COMMANDS.items():
        assert name in result["printed"]
        assert command.help.split()[0] in result["printed"]


def test_a_command_imports_its_own_module_only():
    result = _loaded_after("import cli\ntry:\n    cli.main(['rank', '--help'])\nexcept SystemExit:\n    pass\n"
                           "print('commands.hotspots' in sys.modules, 'commands.stations' in sys.modules)")
    assert "--period" in result["printed"]
    assert result["printed"].splitlines()[-1] == "False True"


def test_the_command_table_names_every_registered_command():
    """A command module that registers a command the table lacks would vanish from `--help`."""
    full = cli.build_parser()
    subcommands = next(action for action in full._actions if action.dest == "command")
    assert list(subcommands.choices) == list(COMMANDS)
    assert {action.dest: action.help for action in subcommands._choices_actions} == \
        {name: command.help for name, command in COMMANDS.items()}
