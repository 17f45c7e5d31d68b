#!/usr/bin/env bash
# Installs Lantian with its test tools, the optional Spark engine and the test browser (Debian's chromium),
# checks lint and the import contracts, and runs every test (arguments go to pytest, e.g. `-m pure` for the
# fast tier).
set -euo pipefail
cd "$(dirname "$0")/.."
LANTIAN_REQUIREMENTS=requirements-dev.txt bash scripts/install.sh
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"

# Browser tests drive Debian's chromium (Playwright's own browser download cannot work offline); the bulletin
# embeds WenQuanYi Micro Hei and its tests read PDFs with poppler-utils (pdftotext, pdftoppm, pdfimages).
if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1 \
    || ! fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei"; then
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium fonts-wqy-microhei poppler-utils >/dev/null
fi

# The optional Spark engine is tested too (tests/store/test_spark_ranking.py): PySpark needs a Java 17 runtime.
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-spark.txt
if ! command -v java >/dev/null 2>&1; then
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq openjdk-17-jre-headless >/dev/null || \
    echo "no Java runtime could be installed: the Spark ranking test will be skipped" >&2
fi

# Lint and the layer contracts of ARCHITECTURE.md first: they take seconds and fail fast.
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache
# One worker per core (LANTIAN_TEST_WORKERS overrides; 0 runs in this process); a test file stays on one worker,
# so the app a browser test file starts once serves all of its tests.
exec .venv/bin/python -m pytest -n "${LANTIAN_TEST_WORKERS:-auto}" --dist loadfile "$@"
