"""Folium layers for pollution sources and hotspots: clustered fire points, dust sources, ranked hotspots."""
from __future__ import annotations

import math

import folium
import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from folium.plugins import MarkerCluster
from folium.template import Template

from core.vocabulary import MISSING, label, translate
from layers.overlays import geojson_layer
from layers.popups import display_text, hotspot_popup_html, popup_table, task_popup_html

DUST_STYLES: dict[str, dict[str, object]] = {
    "site": {"color": "#6d4c41", "fillColor": "#a1887f", "radius": 6},
    "road": {"color": "#8d6e63", "weight": 4, "dashArray": "6 4"},
    "stockpile": {"color": "#5d4037", "fillColor": "#d7ccc8", "radius": 6},
}
# Grade I is the most severe: darker. Teal, not the AQI's green-yellow-red, so a hotspot never reads as
# an AQI level; the size follows the score (HOTSPOT_RADIUS_PX).
HOTSPOT_GRADE_STYLES: dict[str, dict[str, object]] = {
    "I": {"fillColor": "#004d40"},
    "II": {"fillColor": "#00897b"},
    "III": {"fillColor": "#80cbc4"},
}
HOTSPOT_RADIUS_PX = (6, 15)
# Fire points and their clusters are blue: no AQI level is blue, so a fire never reads as 优/良/污染.
FIRE_COLOUR, FIRE_EDGE = "#1e63c8", "#0d2c6b"
# The ring shows where the closed loop stands: no task yet, open, or closed.
HOTSPOT_TASK_RINGS: dict[str, str] = {"none": "#212121", "open": "#1565c0", "closed": "#2e7d32"}
# Open tasks and field observations are squares (hotspots are circles), one colour per state of the loop;
# none is an AQI colour, so a task never reads as an air-quality level.
TASK_STATE_COLOURS: dict[str, str] = {
    "pending": "#607d8b", "assigned": "#1565c0", "feedback_submitted": "#6a1b9a", "returned": "#8d6e63",
    "escalated": "#c2185b", "accountability": "#212121",
}
TASK_SQUARE_PX = 12

# Clusters as blue discs with their count (markercluster's default green/yellow/orange would read as AQI).
_FIRE_CLUSTER_JS = """function (cluster) {
    var count = cluster.getChildCount(), size = count < 10 ? 28 : count < 100 ? 34 : 42;
    return L.divIcon({html: '<div style="width:' + size + 'px;height:' + size + 'px;line-height:' + size
        + 'px;border-radius:50%;background:$FILL;color:#fff;border:2px solid #fff;box-shadow:0 0 0 1px $EDGE;'
        + 'text-align:center;font:bold 12px sans-serif">' + count + '</div>',
        className: 'lantian-fire-cluster', iconSize: L.point(size, size)});
}""".replace("$EDGE", FIRE_EDGE).replace("$FILL", FIRE_COLOUR)


class FirePoints(MarkerCluster):
    """Fire points as clustered blue circle markers, drawn in the browser from columns: latitude,
    longitude, FRP (MW, one decimal, null when unknown) and the index of the point's time among the
    distinct times (a province's points fall on a few dozen satellite passes). The tooltip, the time
    and the FRP, is written in the browser. A province's 200,000 points take 5.8 MB where one
    [lat, lon, tooltip] array per point took 11.9 MB."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = (function () {
                var fires = {{ this.columns|tojson }};
                var cluster = L.markerClusterGroup({{ this.options|tojavascript }});
                cluster.options.iconCreateFunction = {{ this.icon_create_function.strip() }};
                var markers = new Array(fires.lat.length);
                for (var i = 0; i < fires.lat.length; i++) {
                    var frp = fires.frp[i];
                    markers[i] = L.circleMarker([fires.lat[i], fires.lon[i]], {{ this.style|tojson }})
                        .bindTooltip(fires.times[fires.time[i]] + (frp === null ? '' : ' \\u00b7 FRP ' + frp.toFixed(1) + ' MW'));
                }
                cluster.addLayers(markers);
                cluster.addTo({{ this._parent.get_name() }});
                return cluster;
            })();
        {% endmacro %}""")

    def __init__(self, fires: pd.DataFrame, name: str) -> None:
        super().__init__(name=name, icon_create_function=_FIRE_CLUSTER_JS, options={"maxClusterRadius": 40})
        self._name = "FirePoints"
        self.style = {"radius": 5, "color": FIRE_EDGE, "weight": 1, "fillColor": FIRE_COLOUR, "fillOpacity": 0.9}
        when, times = pd.factorize(pd.to_datetime(fires["time"]).dt.strftime("%Y-%m-%d %H:%M"))
        frp = pd.to_numeric(fires["frp"], errors="coerce").astype(float)
        # Python's round gives the double nearest the one-decimal figure, which JSON writes and toFixed(1)
        # reads back as that figure.
        self.columns = {"lat": fires["lat"].astype(float).round(5).tolist(),
                        "lon": fires["lon"].astype(float).round(5).tolist(),
                        "frp": [None if value != value else round(value, 1) for value in frp.tolist()],
                        "time": when.tolist(), "times": list(times)}


def fire_layer(fires: pd.DataFrame, lang: str) -> FirePoints:
    """Fire points (columns lon, lat in EPSG:4326, time naive Beijing, frp MW) as clustered circle
    markers; the tooltip gives the time and FRP (FirePoints)."""
    return FirePoints(fires, translate("layer_fires", lang))


def dust_layer(sources: gpd.GeoDataFrame, lang: str) -> folium.GeoJson:
    """Dust sources (EPSG:4326; columns id, kind in site/road/stockpile, name): sites and stockpiles as
    circles, roads as dashed lines."""
    kinds = sources["kind"].map(lambda kind: label("source_kind", kind, lang))
    properties = pd.DataFrame({
        "id": sources["id"].map(str), "layer": "dust", "kind": sources["kind"].map(str),
        "tooltip": [f"{display_text(name)} · {display_text(kind)}" for name, kind in zip(sources["name"], kinds)],
        "popup": [popup_table([(translate("field_name", lang), name), (translate("field_kind", lang), kind)])
                  for name, kind in zip(sources["name"], kinds)],
    })

    def style(feature: dict) -> dict:
        return {"weight": 2, "fillOpacity": 0.85, **DUST_STYLES[feature["properties"]["kind"]]}

    return geojson_layer(sources, translate("layer_dust", lang), properties, style=style,
                          marker=folium.CircleMarker(radius=6))


def task_ring(state: object) -> str:
    """The ring colour key of a hotspot whose latest task is in ``state`` (None: no task)."""
    if state is None or pd.isna(state):
        return "none"
    return "closed" if state == "closed" else "open"


def score_radii(scores: pd.Series) -> pd.Series:
    """Circle radii (px, HOTSPOT_RADIUS_PX) growing with the square root of the score, so a circle's area
    follows the score; missing scores get the smallest."""
    values = pd.to_numeric(scores, errors="coerce").astype(float)
    low, high = values.min(), values.max()
    share = ((values - low) / (high - low)).clip(0, 1) if high > low else pd.Series(1.0, index=values.index)
    smallest, largest = HOTSPOT_RADIUS_PX
    return (smallest + (largest - smallest) * share.fillna(0.0) ** 0.5).round(1)


def hotspot_layer(hotspots: gpd.GeoDataFrame, lang: str, tasks: pd.DataFrame | None = None) -> folium.GeoJson:
    """Ranked hotspots (EPSG:4326 points; columns id, kind, grade, score, pollutant, peak, start_time,
    end_time, township_code, station_code, task_state) as circles sized by score, filled by grade and
    ringed by the state of their task; the largest are drawn first so a small one on top of a large one
    can still be clicked (SpreadOverlaps moves apart those that would still hide another). The popup says why they rank where they do and, with ``tasks``
    (handling-list rows of task_service.list_tasks indexed by hotspot id), where its task stands."""
    hotspots = hotspots.assign(radius=score_radii(hotspots["score"])).sort_values("radius", ascending=False,
                                                                                   kind="stable")
    rings = hotspots["task_state"].map(task_ring) if "task_state" in hotspots else pd.Series("none", index=hotspots.index)
    tasks = tasks if tasks is not None else pd.DataFrame()
    popups = [hotspot_popup_html(row, lang)
              + (task_popup_html(tasks.loc[row["id"]].to_dict(), lang) if row["id"] in tasks.index else "")
              for row in hotspots.drop(columns=["geometry", "radius"]).to_dict("records")]
    properties = pd.DataFrame({
        "id": hotspots["id"].map(str), "layer": "hotspot", "grade": hotspots["grade"].fillna("III").map(str),
        "ring": rings.to_numpy(), "radius": hotspots["radius"].to_numpy(),
        "tooltip": [display_text(" · ".join(text for text in (label("hotspot_kind", kind, lang),
                                                              label("pollutant", pollutant, lang), label("grade", grade, lang))
                                            if text != MISSING))
                    for kind, pollutant, grade in zip(hotspots["kind"], hotspots["pollutant"], hotspots["grade"])],
        "popup": popups,
    })

    def style(feature: dict) -> dict:
        grade = HOTSPOT_GRADE_STYLES.get(feature["properties"]["grade"], HOTSPOT_GRADE_STYLES["III"])
        return {**grade, "radius": feature["properties"]["radius"],
                "color": HOTSPOT_TASK_RINGS[feature["properties"]["ring"]], "weight": 3,
                "fill": True, "fillOpacity": 0.85}

    return geojson_layer(hotspots, translate("layer_hotspots", lang), properties, style=style,
                          marker=folium.CircleMarker(radius=8))


class SpreadOverlaps(MacroElement):
    """Moves ``circles`` (a GeoJson layer of circle markers, drawn largest first) apart at every zoom until
    each can be clicked at its centre: in drawing order, a circle is shifted along a spiral from its place
    until no circle drawn before it has its centre under it (stroke included) and its own centre is under
    none of the ``obstacles``' markers (task squares, drawn above it); a thin line leads from where it
    stands back to its place. Several hotspots of one station share a place exactly; before, only the
    last of them could be clicked. Add it to the map after both layers."""

    _template = Template("""{% macro script(this, kwargs) %}
        (function (layer, obstacles, gap, cell, stroke, obstacleReach) {
            const circles = [];
            layer.eachLayer(function (circle) {
                if (circle.getLatLng) { circle.homeLatLng = circle.getLatLng(); circles.push(circle); }
            });
            const leaders = L.layerGroup();
            function spread(map) {
                leaders.clearLayers();
                /* the centres placed so far, hashed by cells wider than any circle: a look is 9 cells */
                const placed = new Map(), key = (x, y) => x + "," + y;
                const blocked = [];
                if (obstacles) {
                    obstacles.eachLayer(function (marker) {
                        if (marker.getLatLng) { blocked.push(map.latLngToLayerPoint(marker.getLatLng())); }
                    });
                }
                const covered = function (point, reach) {
                    if (blocked.some(other => point.distanceTo(other) < obstacleReach)) { return true; }
                    const x = Math.floor(point.x / cell), y = Math.floor(point.y / cell);
                    for (let dx = -1; dx <= 1; dx++) {
                        for (let dy = -1; dy <= 1; dy++) {
                            for (const other of placed.get(key(x + dx, y + dy)) || []) {
                                if (point.distanceTo(other) < reach) { return true; }
                            }
                        }
                    }
                    return false;
                };
                for (const circle of circles) {
                    const home = map.latLngToLayerPoint(circle.homeLatLng);
                    const reach = circle.getRadius() + stroke;
                    let point = home;
                    for (let step = 1; step < 400 && covered(point, reach); step++) {
                        const angle = step * 2.4, distance = gap * Math.sqrt(step);  /* a sunflower spiral */
                        point = home.add(L.point(Math.cos(angle) * distance, Math.sin(angle) * distance));
                    }
                    circle.setLatLng(map.layerPointToLatLng(point));
                    if (point !== home) {
                        leaders.addLayer(L.polyline([circle.homeLatLng, circle.getLatLng()],
                                                    {color: "#212121", weight: 1, opacity: 0.7, interactive: false}));
                    }
                    const here = key(Math.floor(point.x / cell), Math.floor(point.y / cell));
                    placed.set(here, (placed.get(here) || []).concat([point]));
                }
            }
            function start() {
                const map = layer._map;
                spread(map);
                leaders.addTo(map);
                map.on("zoomend", function () { spread(map); });
                layer.on("add", function () { leaders.addTo(map); });
                layer.on("remove", function () { map.removeLayer(leaders); });
            }
            if (layer._map) { start(); } else { layer.once("add", start); }
        })({{ this.circles.get_name() }}, {{ this.obstacles.get_name() if this.obstacles else "null" }},
           {{ this.gap_px }}, {{ this.cell_px }}, {{ this.stroke_px }}, {{ this.obstacle_reach_px }});
    {% endmacro %}""")

    def __init__(self, circles: folium.GeoJson, obstacles: folium.GeoJson | None = None, gap_px: int = 5) -> None:
        super().__init__()
        self._name = "SpreadOverlaps"
        self.circles, self.obstacles, self.gap_px = circles, obstacles, gap_px
        # Wider than any circle with its stroke; the stroke (weight 3) reaches 1.5 px past the radius.
        self.cell_px, self.stroke_px = 2 * HOTSPOT_RADIUS_PX[1] + 4, 3
        self.obstacle_reach_px = math.ceil((TASK_SQUARE_PX + 4) / math.sqrt(2)) + 2  # a square with its edge: half its diagonal


def task_square_html(colour: str) -> str:
    """The square a task is drawn as, in ``colour`` with a white edge (TASK_SQUARE_PX across)."""
    return (f'<div style="width:{TASK_SQUARE_PX}px;height:{TASK_SQUARE_PX}px;background:{colour};'
            'border:2px solid #fff;box-shadow:0 0 0 1px #333"></div>')


def task_marker(colour: str, location: tuple[float, float] | None = None) -> folium.Marker:
    """A marker drawn as a task's square (task_square_html) centred on ``location`` (lat, lon)."""
    side = TASK_SQUARE_PX + 4  # the square and its 2 px edge
    return folium.Marker(location, icon=folium.DivIcon(html=task_square_html(colour), icon_size=(side, side),
                                                       icon_anchor=(side // 2, side // 2), class_name="lantian-task"))


def task_layer(tasks: gpd.GeoDataFrame, lang: str) -> folium.GeoJson:
    """Open tasks and field observations (EPSG:4326 points; handling-list rows of task_service.list_tasks:
    id, title, kind, state, township_name, department, deadline, ...) as squares coloured by state
    (TASK_STATE_COLOURS); the popup is the task's (layers.popups.task_popup_html)."""
    properties = pd.DataFrame({
        "id": tasks["id"].map(str), "layer": "task", "state": tasks["state"].map(str),
        "tooltip": [display_text(f"{title} · {label('task_state', state, lang)}")
                    for title, state in zip(tasks["title"], tasks["state"])],
        "popup": [task_popup_html(row, lang) for row in tasks.drop(columns="geometry").to_dict("records")],
    })

    def style(feature: dict) -> dict:
        return {"html": task_square_html(TASK_STATE_COLOURS.get(feature["properties"]["state"],
                                                       TASK_STATE_COLOURS["pending"]))}

    return geojson_layer(tasks, translate("layer_tasks", lang), properties, style=style,
                         marker=task_marker(TASK_STATE_COLOURS["pending"]))
