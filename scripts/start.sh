#!/usr/bin/env bash
# Installs Lantian and starts the app; the demo region is built into the store on first start.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/python -m streamlit run serve.py "$@"
