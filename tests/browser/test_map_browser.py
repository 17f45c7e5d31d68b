"""The map in Debian's chromium with every outside request blocked, at 1440×900 and 390×844: the offline
base and township names are drawn with no tiles, a local tile set is served by the app and drawn, the
scale reads km, every visible layer has a legend, and a click on a township, a station and a hotspot opens
its details beside the map (below it on a phone). Screenshots go to artifacts/ and $LANTIAN_SHOTS_DIR."""
from __future__ import annotations

import io
import math
import os
import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Error as PlaywrightError

from app_pages.map_page import STATION_DAYS
from core.vocabulary import translate
from data.store import Store
from data.tiles import import_tiles
from tests.app_support import (
    MAP_FRAME,
    REPO_ROOT,
    demo_copy,
    new_offline_context,
    running_app,
    sign_in,
)

SHOT_DIRS = [REPO_ROOT / "artifacts"] + ([Path(os.environ["LANTIAN_SHOTS_DIR"])] if os.environ.get("LANTIAN_SHOTS_DIR") else [])
WAIT_MS = 60_000
DESKTOP, PHONE = (1440, 900), (390, 844)
TILE_RGB = (168, 204, 236)
# A point (in the map's container) where a feature of ``kind`` is the topmost element, so a click there
# reaches a feature of that kind, not a popup or a fire cluster.
FIND_JS = """kind => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    const box = map.getContainer().getBoundingClientRect(), size = map.getSize();
    const mine = [];
    map.eachLayer(layer => {
        const p = layer.feature && layer.feature.properties;
        if (p && p.layer === kind && layer._path) mine.push(layer);
    });
    const paths = new Set(mine.map(layer => layer._path));
    const place = layer => layer.getLatLng ? layer.getLatLng() : layer.getCenter();
    for (const layer of mine) {
        const q = map.latLngToContainerPoint(place(layer));
        if (q.x < 30 || q.y < 30 || q.x > size.x - 30 || q.y > size.y - 30) continue;
        if (paths.has(document.elementFromPoint(box.left + q.x, box.top + q.y))) return {x: q.x, y: q.y};
    }
    // On a small map the features may crowd the edge: bring the first into the middle and look again.
    if (mine.length) {
        map.setView(place(mine[0]), map.getZoom(), {animate: false});
        const q = map.latLngToContainerPoint(place(mine[0]));
        if (paths.has(document.elementFromPoint(box.left + q.x, box.top + q.y))) return {x: q.x, y: q.y};
    }
    return null;
}"""


# How many lines an element's text takes: its content height over its line height.
TEXT_LINES_JS = """element => { const style = getComputedStyle(element);
    const content = element.getBoundingClientRect().height - parseFloat(style.paddingTop)
        - parseFloat(style.paddingBottom);
    return content / parseFloat(style.lineHeight); }"""


def _tile_png(z: int, x: int, y: int) -> bytes:
    image = Image.new("RGB", (256, 256), TILE_RGB)
    ImageDraw.Draw(image).rectangle([0, 0, 255, 255], outline=(90, 120, 160))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _tile_folder(folder: Path, bounds: tuple[float, float, float, float], zooms=range(8, 13)) -> Path:
    """A z/x/y folder of plain tiles covering ``bounds`` (lon/lat) at ``zooms``: a stand-in city tile set."""
    west, south, east, north = bounds

    def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
        n = 1 << z
        y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
        return int((lon + 180) / 360 * n), int(y)

    for z in zooms:
        (x0, y0), (x1, y1) = tile_of(west - 0.3, north + 0.3, z), tile_of(east + 0.3, south - 0.3, z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                (folder / str(z) / str(x)).mkdir(parents=True, exist_ok=True)
                (folder / str(z) / str(x) / f"{y}.png").write_bytes(_tile_png(z, x, y))
    return folder


@pytest.fixture(scope="module")
def demo_db(demo_store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("map14")
    db = demo_copy(demo_store, folder)
    with Store(db).read(spatial=True) as con:
        bounds = con.execute("SELECT min(ST_XMin(geom)), min(ST_YMin(geom)), max(ST_XMax(geom)), max(ST_YMax(geom)) "
                             "FROM townships WHERE geom IS NOT NULL").fetchone()
    import_tiles(Store(db), _tile_folder(folder / "city_tiles", bounds), name="city", attribution="© 测试瓦片")
    return db


def _page(browser, viewport):
    chromium, blocked = browser
    context = new_offline_context(chromium, blocked, viewport=viewport)
    return context, context.new_page()


def _shot(page, name: str) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    page.wait_for_timeout(700)
    for folder in SHOT_DIRS:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"))


def _map_frame(page):
    frame = page.wait_for_selector(MAP_FRAME, timeout=WAIT_MS).content_frame()
    frame.wait_for_selector(".lantian-label", state="attached", timeout=WAIT_MS)
    frame.wait_for_function("() => document.querySelectorAll('.leaflet-overlay-pane path').length > 40",
                            timeout=WAIT_MS)
    return frame


def _sign_in(page, url: str, name: str, password: str) -> None:
    sign_in(page, url, name, password)


def _wait_for_hotspots(page) -> None:
    """Wait until the signed-in rerun's map (a new frame: the first one is replaced) holds hotspots."""
    count_js = ("() => { const m = Object.values(window).find(v => v instanceof L.Map); let n = 0; if (!m) return 0;"
                " m.eachLayer(l => { if (l.feature && l.feature.properties.layer === 'hotspot') n++; }); return n; }")
    for _attempt in range(60):
        try:
            current = page.locator(MAP_FRAME).last.element_handle().content_frame()
            if current is not None and current.evaluate(count_js) > 0:  # None: the new frame has not loaded yet
                page.wait_for_timeout(500)
                return
        except PlaywrightError:
            pass  # the frame was replaced while we asked
        page.wait_for_timeout(1000)
    raise AssertionError("the signed-in map never showed hotspots")


@pytest.fixture(scope="module")
def offline_url(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    with running_app(demo_db, tmp_path_factory.mktemp("srv") / "streamlit.log") as url:
        yield url


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1440x900", "390x844"])
def test_no_tiles_still_shows_the_region_names_km_scale_and_legends(offline_url: str, demo_db: Path, browser,
                                                                    viewport):
    context, page = _page(browser, viewport)
    try:
        page.goto(offline_url, wait_until="domcontentloaded")
        frame = _map_frame(page)
        with Store(demo_db).read() as con:
            townships = con.execute("SELECT count(*) FROM townships WHERE geom IS NOT NULL").fetchone()[0]
        assert frame.locator(".lantian-label").count() == townships
        names = set(frame.locator(".lantian-label").all_inner_texts())
        assert "克井镇" in names
        assert frame.locator(".leaflet-lantianBase-pane path").count() >= townships + 1  # land and outline
        assert frame.locator("img.leaflet-tile").count() == 0
        scale = frame.locator(".leaflet-control-scale-line").all_inner_texts()
        assert len(scale) == 1 and scale[0].strip().endswith(("km", "m")), scale
        for legend in ("legend-aqi", "legend-zones", "legend-dust", "legend-fires", "legend-base"):
            assert frame.locator(f"#{legend}").count() == 1, legend
        box = page.locator(MAP_FRAME).bounding_box()
        if viewport == DESKTOP:
            assert box["y"] + box["height"] <= DESKTOP[1], box  # the whole map above the fold
        else:
            # The map first, right under the one-line title; the day, hour and theme below it.
            title_lines = page.get_by_role("heading", name=translate("map_title", "zh")).evaluate(TEXT_LINES_JS)
            day = page.locator('[data-testid="stDateInput"]').first.bounding_box()
            assert title_lines < 1.5 and box["y"] < PHONE[1] / 2 < box["y"] + box["height"], (title_lines, box)
            assert day["y"] > box["y"] + box["height"], (day, box)
        _shot(page, f"map_offline_{viewport[0]}x{viewport[1]}")
    finally:
        context.close()


# Every fire marker the map drew: its place and the tooltip the browser wrote for it.
FIRE_MARKERS_JS = """() => {
    const name = Object.keys(window).find(key => key.startsWith('fire_points_'));
    return window[name].getLayers().map(marker => [marker.getLatLng().lat, marker.getLatLng().lng,
                                                   marker.getTooltip().getContent()]);
}"""


def test_each_fire_point_is_drawn_with_its_time_and_frp_written_in_the_browser(offline_url: str, demo_db: Path,
                                                                                browser):
    context, page = _page(browser, DESKTOP)
    try:
        page.goto(offline_url, wait_until="domcontentloaded")
        drawn = _map_frame(page).evaluate(FIRE_MARKERS_JS)
    finally:
        context.close()
    with Store(demo_db).read() as con:
        stored = con.execute("SELECT round(lat, 5) AS lat, round(lon, 5) AS lon, strftime(time, '%Y-%m-%d %H:%M') "
                             "AS time, frp FROM fire_points").df()
    labels = {(lat, lon): time + ("" if frp != frp else f" · FRP {frp:.1f} MW")
              for lat, lon, time, frp in stored.itertuples(index=False)}
    assert drawn and any("FRP" in tooltip for _, _, tooltip in drawn)
    for lat, lon, tooltip in drawn:
        assert labels[(lat, lon)] == tooltip, (lat, lon)


@pytest.mark.parametrize("base_url_path", ["", "lantian"], ids=["at-root", "under-baseUrlPath"])
def test_a_local_tile_set_is_served_by_the_app_and_drawn(demo_db: Path, browser, tmp_path: Path, base_url_path: str):
    with running_app(demo_db, tmp_path / "streamlit.log", base_url_path=base_url_path,
                     extra_env={"LANTIAN_TILES": "local", "LANTIAN_TILES_LOCAL": "city"}) as url:
        context, page = _page(browser, DESKTOP)
        try:
            page.goto(url, wait_until="domcontentloaded")
            frame = _map_frame(page)
            tiles = ("/" + base_url_path if base_url_path else "") + "/api/tiles/city/"
            frame.wait_for_function("path => [...document.querySelectorAll('img.leaflet-tile-loaded')]"
                                    ".filter(i => new URL(i.src).pathname.startsWith(path) && i.naturalWidth === 256)"
                                    ".length >= 4", arg=tiles, timeout=WAIT_MS)
            assert "© 测试瓦片" in frame.locator(".leaflet-control-attribution").inner_text()
            if not base_url_path:
                _shot(page, "map_local_tiles_1440x900")
        finally:
            context.close()


# Of the hotspots whose place is in view and not under the legend or a map control: how many, and how many a
# click can reach (the topmost element at their centre, or 3 px inside their edge on one of four sides, is
# their own circle).
CLICKABLE_HOTSPOTS_JS = """() => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    const box = map.getContainer().getBoundingClientRect(), size = map.getSize();
    let shown = 0, reachable = 0;
    map.eachLayer(layer => {
        const p = layer.feature && layer.feature.properties;
        if (!p || p.layer !== 'hotspot' || !layer._path) return;
        const q = map.latLngToContainerPoint(layer.getLatLng());
        if (q.x < 0 || q.y < 0 || q.x > size.x || q.y > size.y) return;
        const top = document.elementFromPoint(box.left + q.x, box.top + q.y);
        if (top && top.closest('.lantian-legends, .leaflet-control')) return;  /* under the legend: pan to it */
        shown += 1;
        const r = Math.max(1, layer.getRadius() - 3);
        if ([[0, 0], [r, 0], [-r, 0], [0, r], [0, -r]].some(([dx, dy]) =>
                document.elementFromPoint(box.left + q.x + dx, box.top + q.y + dy) === layer._path)) reachable += 1;
    });
    return [shown, reachable];
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1440x900", "390x844"])
def test_hotspots_sharing_a_place_are_moved_apart_so_each_can_be_clicked(offline_url: str, browser, viewport):
    context, page = _page(browser, DESKTOP)
    try:
        _sign_in(page, offline_url, "duban", "lantian-duban")
        page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        _wait_for_hotspots(page)
        page.locator(MAP_FRAME).last.scroll_into_view_if_needed()
        frame = page.locator(MAP_FRAME).last.element_handle().content_frame()
        page.mouse.move(1, 1)  # no tooltip under the pointer
        frame.evaluate(CLOSE_POPUPS_JS)
        for zoom_in in (0, 1):
            if zoom_in:
                frame.evaluate("() => { const m = Object.values(window).find(v => v instanceof L.Map);"
                               " m.setZoom(m.getZoom() + 1, {animate: false}); }")
            page.wait_for_timeout(800)
            shown, reachable = frame.evaluate(CLICKABLE_HOTSPOTS_JS)
            # Before they were moved apart: 32 of 68 at 1440x900 and 22 of 68 at 390x844. Fire clusters,
            # re-drawn at every zoom, may still sit on one or two.
            assert shown >= (30 if not zoom_in else 5) and reachable >= shown - 3, (viewport, zoom_in, shown, reachable)
        _shot(page, f"map_hotspots_spread_{viewport[0]}x{viewport[1]}")
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1440x900", "390x844"])
def test_clicks_open_township_station_and_hotspot_details_beside_the_map(offline_url: str, browser, viewport):
    context, page = _page(browser, DESKTOP)
    try:
        _sign_in(page, offline_url, "duban", "lantian-duban")  # a phone's sidebar is folded: sign in wide
        page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        page.get_by_role("heading", name=translate("map_title", "zh")).wait_for(timeout=WAIT_MS)
        _wait_for_hotspots(page)
        # A click reruns only the panel: the drawn map (its frame, its window, this mark) stays.
        page.locator(MAP_FRAME).last.element_handle().content_frame().evaluate("() => { window.__sameMap = true; }")
        expected = {"township": page.get_by_text(translate("township_detail_stations", "zh", count=0)[:4]),
                    "station": page.get_by_role("heading", name=re.compile("^" + translate("station_detail", "zh", name=""))),
                    "hotspot": page.get_by_text(translate("card.evidence", "zh"), exact=True)}
        for kind, detail in expected.items():
            page.locator(MAP_FRAME).last.scroll_into_view_if_needed()  # a phone's map starts below the fold
            frame = page.locator(MAP_FRAME).last.element_handle().content_frame()
            frame.evaluate(CLOSE_POPUPS_JS)
            page.wait_for_timeout(400)  # Leaflet fades a closed popup out for 200 ms before removing it
            target = frame.evaluate(FIND_JS, kind)
            assert target, (f"no clickable {kind} in view: ", frame.evaluate(DIAGNOSE_JS, kind))
            box = page.locator(MAP_FRAME).last.bounding_box()
            page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
            detail = detail.first
            detail.wait_for(timeout=WAIT_MS)
            assert page.locator(MAP_FRAME).count() == 1
            assert frame.evaluate("() => window.__sameMap === true"), f"the map was drawn again after a {kind} click"
            where = detail.bounding_box()
            if viewport == DESKTOP:
                assert where["x"] >= box["x"] + box["width"] - 5, (kind, where, box)  # beside the map
                assert where["y"] < DESKTOP[1]
            else:
                assert where["y"] >= box["y"] + box["height"] - 5, (kind, where, box)  # below it
            if kind == "hotspot":
                _check_hotspot_popup(frame, phone=viewport == PHONE)
            _shot(page, f"map_{kind}_click_{viewport[0]}x{viewport[1]}")
            if kind == "station":
                _check_station_curves(page)
                _shot(page, f"map_station_curves_{viewport[0]}x{viewport[1]}")
    finally:
        context.close()


# What a screen reader is given of the charts: every label and role name outside what is hidden from it.
CHART_ARIA_JS = """() => [...document.querySelectorAll('[data-testid=stVegaLiteChart], [data-testid=stVegaLiteChart] *')]
    .filter(element => !element.closest('[aria-hidden=true]'))
    .map(element => ['aria-label', 'aria-roledescription'].map(name => element.getAttribute(name) || '').join(' '))
    .filter(text => text.trim())"""


def _check_station_curves(page) -> None:
    """The station's hourly curves (six factors over AQI, one chart) are drawn below the map, at least as wide
    as it; the wind rose stays beside it."""
    heading = page.get_by_role("heading", name=re.compile(translate("station_curves", "zh", name="", days=STATION_DAYS).lstrip("：")))
    heading.first.wait_for(timeout=WAIT_MS)
    curves = page.locator('[data-testid="stVegaLiteChart"]').filter(has=page.locator("canvas, svg"))
    page.wait_for_function("() => document.querySelectorAll('[data-testid=stVegaLiteChart] canvas, "
                           "[data-testid=stVegaLiteChart] svg').length >= 2", timeout=WAIT_MS)
    heading.first.evaluate("element => element.scrollIntoView({block: 'start'})")
    map_box = page.locator(MAP_FRAME).last.bounding_box()
    # A screen reader hears each chart's Chinese description, not Vega's English labels of its parts.
    labels = page.evaluate(CHART_ARIA_JS)
    assert translate("chart.describe.factors", "zh") in " ".join(labels), labels
    assert not set(re.findall(r"[A-Za-z]{2,}", " ".join(labels))) - {"AQI", "PM"}, labels
    *_rose, curves_box = (curve.bounding_box() for curve in curves.all())
    assert curves_box["y"] >= map_box["y"] + map_box["height"], (curves_box, map_box)
    assert curves_box["width"] >= map_box["width"] - 2, (curves_box, map_box)


POPUP_JS = """() => { const content = document.querySelector('.leaflet-popup-content');
    if (!content) return null;
    return {height: content.closest('.leaflet-popup').getBoundingClientRect().height,
            text: content.innerText.trim(), title: content.querySelector('.lantian-card > b').textContent.trim()}; }"""


def _check_hotspot_popup(frame, phone: bool) -> None:
    """On a phone the hotspot's popup is its title alone (the card is in the panel below the map); at a
    desk its title and one sentence (the card is in the panel beside the map)."""
    popup = frame.evaluate(POPUP_JS)
    assert popup is not None, "a hotspot click opens its popup"
    if phone:
        assert popup["text"] == popup["title"], popup  # innerText leaves out what is not displayed
        assert popup["height"] < 90, popup
    else:
        assert popup["text"].startswith(popup["title"]) and popup["text"] != popup["title"], popup
        assert translate("card.evidence", "zh") not in popup["text"] and popup["height"] < 160, popup


CLOSE_POPUPS_JS = "() => Object.values(window).find(v => v instanceof L.Map).closePopup()"
DIAGNOSE_JS = """kind => {
    const map = Object.values(window).find(v => v instanceof L.Map), out = [], size = map.getSize();
    map.eachLayer(layer => {
        const p = layer.feature && layer.feature.properties;
        if (out.length > 6 || !p || p.layer !== kind) return;
        const q = map.latLngToContainerPoint(layer.getLatLng ? layer.getLatLng() : layer.getCenter());
        const hit = document.elementFromPoint(q.x, q.y);
        out.push([Math.round(q.x), Math.round(q.y), !!layer._path, hit && hit.tagName, hit && String(hit.className.baseVal ?? hit.className)]);
    });
    return [size.x, size.y, out];
}"""
MAP_STATE_JS = """() => { const m = Object.values(window).find(v => v instanceof L.Map);
    return m && {zoom: m.getZoom(), lat: m.getCenter().lat, lng: m.getCenter().lng}; }"""


# Whether the overlay of this name is on the map, and ticked in the layer control.
OVERLAY_ON_JS = """name => { const box = [...document.querySelectorAll('.leaflet-control-layers-overlays label')]
        .find(label => label.textContent.trim() === name).querySelector('input');
    const m = Object.values(window).find(v => v instanceof L.Map);
    const shown = Object.entries(window).some(([key, value]) => key.endsWith('_layers') && value && value.overlays
        && value.overlays[name] && m.hasLayer(value.overlays[name]));
    return box.checked === shown ? shown : 'control and map disagree'; }"""


def test_the_view_the_layers_and_the_open_card_survive_a_change_of_hour(offline_url: str, browser):
    context, page = _page(browser, DESKTOP)
    try:
        page.goto(offline_url, wait_until="domcontentloaded")
        frame = _map_frame(page)
        target = frame.evaluate(FIND_JS, "station")
        box = page.locator(MAP_FRAME).last.bounding_box()
        page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
        heading = page.get_by_role("heading", name=re.compile("^" + translate("station_detail", "zh", name="")))
        heading.first.wait_for(timeout=WAIT_MS)
        before = frame.evaluate(MAP_STATE_JS)
        frame.evaluate("() => { const m = Object.values(window).find(v => v instanceof L.Map);"
                       " m.setView([m.getCenter().lat + 0.02, m.getCenter().lng + 0.03], m.getZoom() + 2, {animate: false}); }")
        zoomed = frame.evaluate(MAP_STATE_JS)
        assert zoomed["zoom"] == before["zoom"] + 2
        # The reader switches the zones off in the layer control.
        zones_name = translate("layer_zones", "zh")
        assert frame.evaluate(OVERLAY_ON_JS, zones_name) is True
        frame.locator(".leaflet-control-layers").hover()
        frame.locator(".leaflet-control-layers-overlays label").filter(has_text=zones_name).locator("input").click()
        assert frame.evaluate(OVERLAY_ON_JS, zones_name) is False
        page.wait_for_timeout(1000)  # the view is kept in the browser tab: panning reruns nothing
        slider = page.get_by_role("slider").first
        shown_hour = page.locator('[data-testid="stSliderThumbValue"]').first
        hour = int(shown_hour.inner_text())
        slider.focus()
        page.keyboard.press("ArrowLeft")
        page.wait_for_timeout(4000)  # the rerun draws the earlier hour's map
        after = None
        for _attempt in range(30):
            try:
                current = page.locator(MAP_FRAME).last.element_handle().content_frame()
                after = current.evaluate(MAP_STATE_JS) if current is not None else None
            except PlaywrightError:  # the frame was replaced while we asked
                after = None
            if after:
                break
            page.wait_for_timeout(1000)
        assert shown_hour.inner_text() == str(hour - 1)
        assert after["zoom"] == zoomed["zoom"], (after, zoomed)
        assert abs(after["lat"] - zoomed["lat"]) < 1e-3 and abs(after["lng"] - zoomed["lng"]) < 1e-3
        assert heading.count() >= 1  # the station's card is still open
        new_map = page.locator(MAP_FRAME).last.element_handle().content_frame()
        assert new_map.evaluate(OVERLAY_ON_JS, zones_name) is False  # still off on the new hour's map
        _shot(page, "map_view_kept_after_hour_change_1440x900")
    finally:
        context.close()
