#!/usr/bin/env bash
# Installs the map's browser files (Leaflet and its marker-cluster plugin) from
# the npm registry into static/node_modules, pinned by static/package-lock.json, and checks that every
# file the map links to is there. Streamlit serves them at /app/static, so the map needs no CDN.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq npm >/dev/null
fi

# --ignore-scripts: these packages are plain files; none needs an install script to work.
npm ci --prefix static --ignore-scripts --no-audit --no-fund --loglevel=error

python_bin=.venv/bin/python
[ -x "$python_bin" ] || python_bin=$(command -v python3)
"$python_bin" -m layers.assets
echo "map assets installed in static/node_modules"
