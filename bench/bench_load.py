"""Benchmark: N map sessions opened at once against one app server on 127.0.0.1 — each session's time to its map.

Usage: .venv/bin/python bench/bench_load.py [--sessions 10 30] [--browsers 2] [--timeout 60] [--db STORE]
                                           [--streamlit-defaults]

Builds the demo region (seed 7, 2025, hotspots detected; or copies --db), starts `streamlit run serve.py` on
it (the app as scripts/start.sh serves it, with its .streamlit/config.toml; base-map tiles off) and opens
each round's N sessions at the same moment:

- ``--browsers`` of them in Debian's chromium (internet blocked), each its own context, so its own
  Streamlit session: time from navigation until Leaflet has drawn the townships, stations and layer
  control in the map's frame (as bench_map.py); an error or exception box counts as an error;
- the others as a protocol client: the Streamlit websocket a browser opens (/_stcore/stream), the same
  first run a browser asks for, then the rerun a browser's drawn map sends with its view; the time is until
  the map component (st_folium, its Leaflet script holding the townships' GeoJSON and the layer control)
  has arrived, and the session must also see both runs finish.

Why both: on this 2-core machine one chromium rendering 30 Streamlit pages at once is itself the
bottleneck — each page costs the browser a few seconds of CPU, where in use every official has their own
computer — so most sessions speak the protocol and the chromium sessions show what a person sees while
the server carries all N. ``--browsers N`` makes every session a browser.

A session that errs or has not finished within --timeout seconds counts as an error. Reported per N and
kind: median and max time, sessions within the 10 s target, errors, and the load average before the
round. The named baseline is one session of the same kind alone on the same warm server in the same run:
the ratio is that time over the round's median (1 would mean N sessions cost nothing extra). With
--streamlit-defaults the rounds are run again against a server with Streamlit's default source watcher
and post-run GC, the two settings the shipped config turns off (the shared map document stays on).
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from report import Figure, format_table, machine_lines  # noqa: E402

from data.store import Store  # noqa: E402
from ingest.demo import build_demo_store  # noqa: E402
from tests.app_support import CHROMIUM, CHROMIUM_ARGS, LOCAL_HOSTS, MAP_FRAME, running_app  # noqa: E402

SEED, YEAR = 7, 2025
TARGET_S = 10.0
# What a drawn demo map has: the offline base and township polygons, zones and stations are all paths.
DRAWN_PATHS = 40
ERROR_BOXES = '[data-testid="stException"], [data-testid="stAlertContentError"]'
MAP_COMPONENT = "streamlit_folium.st_folium"
# Streamlit's own defaults for what .streamlit/config.toml turns off; environment settings override the file.
STREAMLIT_DEFAULTS = {"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "auto", "STREAMLIT_RUNNER_POST_SCRIPT_GC": "true"}


@dataclass(frozen=True)
class Session:
    """One session's outcome: seconds to its map, or the error that stopped it."""

    seconds: float | None
    error: str = ""


async def browser_session(browser, url: str, timeout_s: float, blocked: list[str]) -> Session:
    """Open ``url`` in a fresh context and wait for the drawn map (or an error box, or the timeout)."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")

    async def only_local(route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS or route.request.url.startswith("data:"):
            await route.continue_()
        else:
            blocked.append(route.request.url)
            await route.abort()

    await context.route("**/*", only_local)
    page = await context.new_page()
    wait_ms = timeout_s * 1000
    started = time.perf_counter()

    async def drawn() -> str:
        frame = await (await page.wait_for_selector(MAP_FRAME, state="attached", timeout=wait_ms)).content_frame()
        await frame.wait_for_selector(".leaflet-control-layers", timeout=wait_ms)
        await frame.wait_for_function(f"() => document.querySelectorAll('.leaflet-overlay-pane path').length"
                                      f" > {DRAWN_PATHS}", timeout=wait_ms)
        return ""

    async def failed() -> str:
        await page.wait_for_selector(ERROR_BOXES, timeout=wait_ms)
        return "error shown: " + (await page.inner_text(ERROR_BOXES))[:80]

    try:
        await page.goto(url, wait_until="domcontentloaded", timeout=wait_ms)
        finished, pending = await asyncio.wait([asyncio.create_task(drawn()), asyncio.create_task(failed())],
                                               timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        seconds = time.perf_counter() - started
        if not finished:
            return Session(None, f"not drawn within {timeout_s:.0f} s")
        error = finished.pop().result()
        return Session(None, error) if error else Session(seconds)
    except Exception as error:  # a failed navigation or wait is this session's error, not the run's
        return Session(None, f"{type(error).__name__}: {str(error).splitlines()[0][:80]}")
    finally:
        await context.close()


async def _until_finished(socket, started: float) -> tuple[float | None, str | None]:
    """Read ForwardMsgs until the run finishes: (seconds when the map component arrived, its element id)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    arrived = element_id = None
    while True:
        message = ForwardMsg()
        message.ParseFromString(await socket.recv())
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.WhichOneof("type") == "new_element" \
                and message.delta.new_element.WhichOneof("type") == "component_instance":
            component = message.delta.new_element.component_instance
            script = json.loads(component.json_args).get("script", "")
            if component.component_name == MAP_COMPONENT and "L.control.layers" in script \
                    and '"Feature"' in script:
                arrived, element_id = time.perf_counter() - started, component.id
        elif kind == "delta" and message.delta.new_element.WhichOneof("type") == "exception":
            raise RuntimeError("exception shown: " + message.delta.new_element.exception.message[:80])
        elif kind == "script_finished":
            return arrived, element_id


async def protocol_session(url: str, timeout_s: float) -> Session:
    """One Streamlit session over its websocket, as a browser runs it: the first run, then the rerun the
    drawn map sends with its view (st_folium reports centre and zoom once drawn)."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg

    async def run() -> Session:
        started = time.perf_counter()
        async with websockets.connect(url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                                      origin=url, max_size=None, compression="deflate") as socket:
            first = BackMsg()
            first.rerun_script.widget_states.SetInParent()
            await socket.send(first.SerializeToString())
            arrived, element_id = await _until_finished(socket, started)
            if arrived is None:
                return Session(None, "no map in the first run")
            view = BackMsg()
            drawn = view.rerun_script.widget_states.widgets.add()
            drawn.id = element_id
            drawn.json_value = json.dumps({"last_active_drawing": None, "zoom": 11,
                                           "center": {"lat": 35.1, "lng": 112.5}})
            await socket.send(view.SerializeToString())
            await _until_finished(socket, started)
            return Session(arrived)

    try:
        return await asyncio.wait_for(run(), timeout_s)
    except TimeoutError:
        return Session(None, f"not finished within {timeout_s:.0f} s")
    except Exception as error:  # a refused or dropped connection is this session's error, not the run's
        return Session(None, f"{type(error).__name__}: {str(error)[:80]}")


async def _round(url: str, browsers: int, protocols: int, timeout_s: float
                 ) -> tuple[list[Session], list[Session], list[str]]:
    """``browsers`` chromium contexts and ``protocols`` protocol sessions started at once: their outcomes
    and the requests the pages made to the internet (blocked)."""
    from playwright.async_api import async_playwright

    blocked: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            outcomes = await asyncio.gather(*(browser_session(browser, url, timeout_s, blocked)
                                              for _ in range(browsers)),
                                            *(protocol_session(url, timeout_s) for _ in range(protocols)))
        finally:
            await browser.close()
    return list(outcomes[:browsers]), list(outcomes[browsers:]), blocked


def _load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def _figures(label: str, outcomes: list[Session], alone_s: float, load: str) -> list[Figure]:
    times = [outcome.seconds for outcome in outcomes if outcome.seconds is not None]
    errors = [outcome.error for outcome in outcomes if outcome.seconds is None]
    within = sum(seconds <= TARGET_S for seconds in times)
    note = f"load before: {load}; ≤ {TARGET_S:.0f} s: {within}/{len(outcomes)}; errors: {len(errors)}"
    if errors:
        note += f" ({errors[0]})"
    return [Figure(f"{label}: median", statistics.median(times) if times else float("nan"), "s",
                   baseline=alone_s, baseline_name="one session alone", target=f"each ≤ {TARGET_S:.0f} s",
                   note=note),
            Figure(f"{label}: max", max(times) if not errors else float("inf"), "s")]


def round_figures(url: str, sessions: int, browsers: int, timeout_s: float,
                  alone: tuple[float, float]) -> list[Figure]:
    """The figures of one round of ``sessions`` at once, ``browsers`` of them in chromium."""
    load = _load_average()
    browsers = min(browsers, sessions)
    in_browser, by_protocol, blocked = asyncio.run(_round(url, browsers, sessions - browsers, timeout_s))
    if blocked:
        print(f"warning: the pages asked the internet for {blocked[:3]}", file=sys.stderr)
    figures: list[Figure] = []
    if in_browser:
        figures += _figures(f"{sessions} at once, {browsers} in chromium: time to drawn map", in_browser,
                            alone[0], load)
    if by_protocol:
        figures += _figures(f"{sessions} at once, {len(by_protocol)} by protocol: time to map delivered",
                            by_protocol, alone[1], load)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 30], help="concurrent sessions per round")
    parser.add_argument("--browsers", type=int, default=2, help="of each round's sessions, how many in chromium")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a session may take before it counts "
                                                                    "as an error")
    parser.add_argument("--db", type=Path, help="a store to copy instead of building the demo region")
    parser.add_argument("--streamlit-defaults", action="store_true",
                        help="then the same rounds against a server with Streamlit's default source watcher and "
                             "post-run garbage collection (what .streamlit/config.toml turns off)")
    args = parser.parse_args()

    print("\n".join(machine_lines()))
    with tempfile.TemporaryDirectory(prefix="lantian-bench-load-") as folder_name:
        folder = Path(folder_name)
        db = folder / "demo.duckdb"
        if args.db:
            shutil.copy(args.db, db)
            if Store(args.db).files_dir.exists():
                shutil.copytree(Store(args.db).files_dir, Store(db).files_dir)
        else:
            build_demo_store(db, seed=SEED, year=YEAR)
        servers = [("", {})] + ([(" [Streamlit's default watcher and GC]", STREAMLIT_DEFAULTS)]
                                if args.streamlit_defaults else [])
        figures: list[Figure] = []
        for suffix, env in servers:
            with running_app(db, folder / "server.log", extra_env=env) as url:
                warm = asyncio.run(_round(url, 1, 0, args.timeout))[0][0]  # the first run fills the caches
                if warm.seconds is None:
                    print(f"the map did not draw for a single session: {warm.error}", file=sys.stderr)
                    print((folder / "server.log").read_text(errors="replace")[-3000:], file=sys.stderr)
                    return 1
                browser_alone = asyncio.run(_round(url, 1, 0, args.timeout))[0][0]
                protocol_alone = asyncio.run(_round(url, 0, 1, args.timeout))[1][0]
                if protocol_alone.seconds is None:
                    print(f"the protocol session got no map: {protocol_alone.error}", file=sys.stderr)
                    return 1
                round_start = len(figures)
                figures += [Figure("one session alone in chromium: time to drawn map", browser_alone.seconds, "s",
                                   note=f"warm server; the first session {warm.seconds:.1f} s"),
                            Figure("one session alone by protocol: time to map delivered", protocol_alone.seconds,
                                   "s")]
                for sessions in args.sessions:
                    figures += round_figures(url, sessions, args.browsers, args.timeout,
                                             (browser_alone.seconds, protocol_alone.seconds))
                figures[round_start:] = [dataclasses.replace(figure, name=figure.name + suffix)
                                         for figure in figures[round_start:]]
    print(format_table(figures))
    print("load average (1/5/15 min) at end: " + _load_average())
    return 0


if __name__ == "__main__":
    sys.exit(main())
