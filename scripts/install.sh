#!/usr/bin/env bash
# Installs everything Lantian needs to run: Python packages into .venv (LANTIAN_REQUIREMENTS names another
# requirements file, e.g. requirements-dev.txt for the tests), map assets into static/node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."

python_bin=$(command -v python3.11 || command -v python3)
if ! "$python_bin" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "Lantian needs Python 3.11; found $("$python_bin" --version)" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$python_bin" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "${LANTIAN_REQUIREMENTS:-requirements.txt}"
# The project itself, editable, so the `lantian` command (the CLI) is on .venv/bin.
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
bash scripts/install_assets.sh
