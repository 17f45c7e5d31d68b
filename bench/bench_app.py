"""Benchmark: the app's cold start and the map page's render time and HTML size in Chromium, on the province store.

Usage: .venv/bin/python bench/bench_app.py [--quick] [--data-dir DIR]

Runs `streamlit run serve.py` (tests/app_support.running_app) on the store bench/bench_import.py builds
(built if missing) and opens it in Debian's chromium through Playwright, with every non-local request
blocked. Cold start: from starting the server process until the first page shows the Leaflet map
(.leaflet-container inside the st_folium iframe). Map render: a second, fresh browser session on the
warm server, from navigation until the map's overlays are drawn (the page is interactive). HTML size:
the map document inside the st_folium iframe. Peak memory: the server process's VmHWM. No baseline:
there is no other implementation of this page to compare with.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(Path(__file__).resolve().parent)]

import province  # noqa: E402
from report import Figure, measure, script_main  # noqa: E402

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT_MS = 180_000


def _open_map(browser, blocked: list[str], url: str) -> tuple[float, object]:
    """Seconds from navigation to a drawn Leaflet map in a fresh context, and the map's frame."""
    from tests.app_support import new_offline_context

    page = new_offline_context(browser, blocked).new_page()
    started = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    frame = page.wait_for_selector(MAP_FRAME, timeout=TIMEOUT_MS).content_frame()
    frame.wait_for_selector(".leaflet-container", timeout=TIMEOUT_MS)
    frame.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length > 0", timeout=TIMEOUT_MS)
    return time.perf_counter() - started, frame


def _server_peak_mb() -> float:
    """VmHWM of this process's child running streamlit."""
    children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()
    for pid in children:
        if b"streamlit" in Path(f"/proc/{pid}/cmdline").read_bytes():
            status = Path(f"/proc/{pid}/status").read_text().splitlines()
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    raise RuntimeError("no streamlit child process")


def app_in_chromium(db: str) -> dict:
    """Contender: cold start, warm map render and map HTML size (see the module docstring)."""
    from tests.app_support import offline_chromium, running_app

    with tempfile.TemporaryDirectory() as temporary, offline_chromium() as (browser, blocked):
        started = time.perf_counter()
        with running_app(Path(db), Path(temporary) / "streamlit.log", start_timeout_s=180) as url:
            _open_map(browser, blocked, url)
            cold_start = time.perf_counter() - started
            render, frame = _open_map(browser, blocked, url)
            html_bytes = len(frame.content().encode("utf-8"))
            server_peak = _server_peak_mb()
    if blocked:
        raise RuntimeError(f"the app asked the internet for {blocked[:3]}")
    return {"seconds": render, "cold_start_s": cold_start, "html_bytes": html_bytes, "server_peak_mb": server_peak}


def app_figures(db: Path) -> list[Figure]:
    """Cold start, map render and map HTML size."""
    measured = measure("bench_app:app_in_chromium", str(db))
    server = measured.extra["server_peak_mb"]
    return [Figure("app cold start to a drawn map (Chromium)", measured.extra["cold_start_s"], "s", peak_mb=server),
            Figure("map page render, warm server, until interactive", measured.seconds, "s", peak_mb=server,
                   target="< 3 s"),
            Figure("map page HTML size (st_folium document)", measured.extra["html_bytes"] / 1024, "KB")]


def main() -> int:
    return script_main(__doc__.splitlines()[0], lambda data, quick: app_figures(province.ensure_store(data)))

if __name__ == "__main__":
    sys.exit(main())
