"""Benchmark: the map page in Debian's chromium (internet blocked) — first draw, clicks to details, hour change.

Usage: .venv/bin/python bench/bench_map_browser.py [--baseline-ref main] [--repeats N]

Builds the demo region (seed 7, 2025, hotspots detected) and runs the same walk against two servers on
127.0.0.1, each on its own copy of the store: this checkout, and the baseline — the git ref
``--baseline-ref`` (default main) exported with `git archive` into a temporary folder (with a copy of this
checkout's static/node_modules). For each, with a warm server (one walk-through first), the median of N
(default 3) of:

- map interactive: navigation → the Leaflet map's stations and layer control drawn;
- station click → its details: a click on a station → the panel's heading names that station;
- hotspot click → its details (signed in as the demo supervisor): a click → the panel's card shows that
  hotspot's title;
- hour change: one step of the hour slider → the new hour's map drawn in the page.

Ratios are baseline / this checkout (above 1: faster here). Targets (issue #14): interactive ≤ 1.5 s,
click → details ≤ 1 s, hour change ≤ 1 s.
"""
from __future__ import annotations

import argparse
import html
import io
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from report import Figure, format_table, machine_lines  # noqa: E402

from core.vocabulary import translate  # noqa: E402
from data.store import Store  # noqa: E402
from ingest.demo import build_demo_store  # noqa: E402
from tests.app_support import MAP_FRAME, new_offline_context, offline_chromium, running_app, sign_in  # noqa: E402

SEED, YEAR = 7, 2025
WAIT_MS = 180_000  # a cold server on a loaded machine
VIEWPORT = (1440, 900)
# Clickable features of a kind: where each is the topmost element, with its id and the title its details show.
TARGETS_JS = """kind => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    const box = map.getContainer().getBoundingClientRect(), size = map.getSize(), found = [];
    map.eachLayer(layer => {
        const p = layer.feature && layer.feature.properties;
        if (!p || p.layer !== kind || !layer._path) return;
        const q = map.latLngToContainerPoint(layer.getLatLng ? layer.getLatLng() : layer.getCenter());
        if (q.x < 30 || q.y < 30 || q.x > size.x - 30 || q.y > size.y - 30) return;
        if (document.elementFromPoint(box.left + q.x, box.top + q.y) !== layer._path) return;
        found.push({x: q.x, y: q.y, id: p.id, tooltip: p.tooltip || '', popup: p.popup || ''});
    });
    return found;
}"""
# True once a map frame other than the ones marked old shows a drawn Leaflet map.
NEW_MAP_JS = """selector => [...document.querySelectorAll(selector)].some(f => {
    const w = f.contentWindow;
    return w && !w.__benchOld && w.map && w.document.querySelectorAll('.leaflet-overlay-pane path').length > 40;
})"""
VIEW_JS = """() => { const map = Object.values(window).find(v => v instanceof L.Map), c = map.getCenter();
    return {lat: c.lat, lng: c.lng, zoom: map.getZoom()}; }"""
RESET_JS = """view => { const map = Object.values(window).find(v => v instanceof L.Map);
    map.closePopup(); map.setView([view.lat, view.lng], view.zoom, {animate: false}); }"""
MARK_OLD_JS = "selector => document.querySelectorAll(selector).forEach(f => { f.contentWindow.__benchOld = true; })"


def baseline_checkout(ref: str, folder: Path) -> Path:
    """``ref`` of this repository exported into ``folder`` (git archive), with this checkout's map assets."""
    archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=REPO, capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    # Copied, not linked: Streamlit's static serving does not follow a link out of ./static.
    shutil.copytree(REPO / "static" / "node_modules", folder / "static" / "node_modules")
    return folder


def _frame(page):
    return page.locator(MAP_FRAME).last.element_handle().content_frame()


def _interactive_seconds(browser, blocked, url: str) -> float:
    context = new_offline_context(browser, blocked, viewport=VIEWPORT)
    try:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded")
        page.wait_for_function(NEW_MAP_JS, arg=MAP_FRAME, timeout=WAIT_MS)
        _frame(page).wait_for_selector(".leaflet-control-layers", timeout=WAIT_MS)
        return time.perf_counter() - started
    finally:
        context.close()


def _click_seconds(page, kind: str, detail_text, repeats: int) -> list[float]:
    """Seconds from a click on each of ``repeats`` different features of ``kind`` to their details."""
    page.wait_for_timeout(2000)  # the first draw's quiet rerun passes
    seconds, clicked = [], set()
    start = _frame(page).evaluate(VIEW_JS)
    for _ in range(repeats):
        # A hotspot click centres the map on it (the shared selection): go back to the first view and look
        # for the features again.
        _frame(page).evaluate(RESET_JS, start)
        page.wait_for_timeout(400)
        target = next((found for found in _frame(page).evaluate(TARGETS_JS, kind) if found["id"] not in clicked), None)
        if target is None:
            raise RuntimeError(f"no other clickable {kind} in view after {len(clicked)}")
        clicked.add(target["id"])
        box = page.locator(MAP_FRAME).last.bounding_box()
        started = time.perf_counter()
        page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
        page.get_by_text(detail_text(target), exact=True).first.wait_for(timeout=WAIT_MS)
        seconds.append(time.perf_counter() - started)
        page.wait_for_timeout(1500)
    return seconds


def _hour_change_seconds(page, repeats: int) -> list[float]:
    seconds = []
    slider = page.get_by_role("slider").first
    for _ in range(repeats):
        page.wait_for_timeout(1500)
        page.evaluate(MARK_OLD_JS, MAP_FRAME)
        slider.focus()
        started = time.perf_counter()
        page.keyboard.press("ArrowLeft")
        page.wait_for_function(NEW_MAP_JS, arg=MAP_FRAME, timeout=WAIT_MS)
        seconds.append(time.perf_counter() - started)
    return seconds


def walk(browser, blocked, url: str, repeats: int) -> dict[str, float]:
    """Median seconds of each step of the walk (see the module docstring) against the app at ``url``."""
    interactive = statistics.median(_interactive_seconds(browser, blocked, url) for _ in range(repeats))
    context = new_offline_context(browser, blocked, viewport=VIEWPORT)
    try:
        page = context.new_page()
        sign_in(page, url, "duban", "lantian-duban")
        page.wait_for_function(NEW_MAP_JS, arg=MAP_FRAME, timeout=WAIT_MS)
        station = _click_seconds(page, "station", lambda target: translate(
            "station_detail", "zh", name=html.unescape(target["tooltip"].split(" · ")[0])), repeats)
        hotspot = _click_seconds(page, "hotspot", lambda target: html.unescape(
            re.search(r"<b>(.*?)</b>", target["popup"]).group(1)), repeats)
        hour = _hour_change_seconds(page, repeats)
    finally:
        context.close()
    return {"interactive": interactive, "station": statistics.median(station),
            "hotspot": statistics.median(hotspot), "hour": statistics.median(hour)}


STEPS = {"interactive": ("map interactive after navigation", "≤ 1.5 s"),
         "station": ("station click → its details", "≤ 1 s"),
         "hotspot": ("hotspot click → its details", "≤ 1 s"),
         "hour": ("hour change → the new hour's map", "≤ 1 s")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-ref", default="main", help="the git ref measured as the baseline")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print("\n".join(machine_lines()))
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="lantian-bench-map-browser-") as folder_name:
        folder = Path(folder_name)
        demo = folder / "demo.duckdb"
        build_demo_store(demo, seed=SEED, year=YEAR)
        apps = {"ours": REPO, "baseline": baseline_checkout(args.baseline_ref, folder / "baseline")}
        with offline_chromium() as (browser, blocked):
            for name, app_dir in apps.items():
                db = folder / name / "demo.duckdb"
                db.parent.mkdir(exist_ok=True)
                shutil.copy(demo, db)
                if Store(demo).files_dir.exists():
                    shutil.copytree(Store(demo).files_dir, Store(db).files_dir)
                with running_app(db, folder / f"{name}.log", app_dir=app_dir) as url:
                    walk(browser, blocked, url, 1)  # warm-up: the server's first runs fill its caches
                    results[name] = walk(browser, blocked, url, args.repeats)
        if blocked:
            print(f"warning: the pages asked the internet for {blocked[:5]}", file=sys.stderr)
    figures = [Figure(f"{label} (target {target})", results["ours"][step], "s", baseline=results["baseline"][step],
                      baseline_name=f"{args.baseline_ref}'s map page") for step, (label, target) in STEPS.items()]
    print(format_table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
