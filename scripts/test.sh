#!/usr/bin/env bash
# Installs Lantian plus the test browser (Debian's chromium) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh

# Browser tests drive Debian's chromium; Playwright's own browser download cannot work offline.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei"; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
fi

exec .venv/bin/python -m pytest "$@"
