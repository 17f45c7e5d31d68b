"""The app and the CLI share one store file: a CLI import runs while the app's server keeps reading it."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from data.store import Store
from tests.app_support import REPO_ROOT, fill_region_store, load_map, new_offline_context, offline_chromium, running_app

SUMMARY = re.compile(r"(\d+) 个监测站点")


def _stations_shown(page) -> int:
    return int(SUMMARY.search(page.get_by_text("个监测站点").first.inner_text()).group(1))


def test_cli_import_runs_while_the_app_reads_the_store(tmp_path: Path, real_data: Path):
    store = Store(tmp_path / "shared.duckdb", busy_timeout_s=30)
    store.migrate()
    townships, stations_before, _zones = fill_region_store(store, real_data)
    beijing = real_data / "beijing_multisite"
    import_command = [sys.executable, "cli.py", "import", "observations", *sorted(map(str, beijing.glob("PRSA_*.csv"))),
                      "--stations", str(beijing / "stations.csv"), "--db", str(store.path)]
    log = tmp_path / "streamlit.log"
    with running_app(store.path, log) as url, offline_chromium() as (browser, blocked):
        page = new_offline_context(browser, blocked).new_page()
        load_map(page, url, townships)
        assert _stations_shown(page) == stations_before
        importer = subprocess.Popen(import_command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
        visits_during_import = 0
        while importer.poll() is None:  # the app's server keeps opening the store the whole time
            load_map(page, url, townships)
            visits_during_import += 1
        out, err = importer.communicate()
        assert importer.returncode == 0, err
        load_map(page, url, townships)  # the next visit sees what the CLI wrote
        stations_after = _stations_shown(page)

    assert visits_during_import >= 1
    assert "420,768 new" in out or "420768 new" in out, out
    assert stations_after == stations_before + 12
    assert store.row_counts()["observations"] == 420_768
    server_output = log.read_text(encoding="utf-8", errors="replace")
    # Waiting for the CLI's write lock is logged, as it should be; giving up (a "store busy" page) is not allowed.
    assert "Traceback" not in server_output and "giving up" not in server_output
    assert blocked == []
