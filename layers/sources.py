"""Folium layers for pollution sources and hotspots: clustered fire points, dust sources, ranked hotspots."""
from __future__ import annotations

import html

import folium
import geopandas as gpd
import pandas as pd
from folium.plugins import FastMarkerCluster

from core.vocabulary import MISSING, label, translate
from layers.overlays import geojson_layer
from layers.popups import display_text, hotspot_popup_html, popup_table, task_popup_html

DUST_STYLES: dict[str, dict[str, object]] = {
    "site": {"color": "#6d4c41", "fillColor": "#a1887f", "radius": 6},
    "road": {"color": "#8d6e63", "weight": 4, "dashArray": "6 4"},
    "stockpile": {"color": "#5d4037", "fillColor": "#d7ccc8", "radius": 6},
}
# Grade I is the most severe: larger and darker.
HOTSPOT_GRADE_STYLES: dict[str, dict[str, object]] = {
    "I": {"radius": 13, "fillColor": "#b71c1c"},
    "II": {"radius": 10, "fillColor": "#ef6c00"},
    "III": {"radius": 8, "fillColor": "#fbc02d"},
}
# The ring shows where the closed loop stands: no task yet, open, or closed.
HOTSPOT_TASK_RINGS: dict[str, str] = {"none": "#212121", "open": "#1565c0", "closed": "#2e7d32"}

# One circle per fire point, drawn in the browser from a compact [lat, lon, label] array.
_FIRE_MARKER_JS = """function (row) {
    var marker = L.circleMarker(new L.LatLng(row[0], row[1]),
        {radius: 5, color: '#b71c1c', weight: 1, fillColor: '#ff5722', fillOpacity: 0.9});
    marker.bindTooltip(row[2]);
    return marker;
}"""


def fire_layer(fires: pd.DataFrame, lang: str) -> FastMarkerCluster:
    """Fire points (columns lon, lat in EPSG:4326, time naive Beijing, frp MW) as clustered circle
    markers; the tooltip gives the time and FRP. The HTML grows by one short array per point."""
    labels = [html.escape(f"{pd.Timestamp(time):%Y-%m-%d %H:%M}" + (f" · FRP {frp:.1f} MW" if pd.notna(frp) else ""))
              for time, frp in zip(fires["time"], fires["frp"])]
    data = [[round(float(lat), 5), round(float(lon), 5), label]
            for lat, lon, label in zip(fires["lat"], fires["lon"], labels)]
    return FastMarkerCluster(data, callback=_FIRE_MARKER_JS, name=translate("layer_fires", lang),
                             options={"maxClusterRadius": 40})


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


def hotspot_layer(hotspots: gpd.GeoDataFrame, lang: str, tasks: pd.DataFrame | None = None) -> folium.GeoJson:
    """Ranked hotspots (EPSG:4326 points; columns id, kind, grade, score, pollutant, peak, start_time,
    end_time, township_code, station_code, task_state) as circles sized and filled by grade and ringed
    by the state of their task; the popup says why they rank where they do and, with ``tasks``
    (handling-list rows of task_service.list_tasks indexed by hotspot id), where its task stands."""
    rings = hotspots["task_state"].map(task_ring) if "task_state" in hotspots else pd.Series("none", index=hotspots.index)
    tasks = tasks if tasks is not None else pd.DataFrame()
    popups = [hotspot_popup_html(row, lang)
              + (task_popup_html(tasks.loc[row["id"]].to_dict(), lang) if row["id"] in tasks.index else "")
              for row in hotspots.drop(columns="geometry").to_dict("records")]
    properties = pd.DataFrame({
        "id": hotspots["id"].map(str), "layer": "hotspot", "grade": hotspots["grade"].fillna("III").map(str),
        "ring": rings.to_numpy(),
        "tooltip": [display_text(" · ".join(text for text in (label("hotspot_kind", kind, lang),
                                                              label("pollutant", pollutant, lang), label("grade", grade, lang))
                                            if text != MISSING))
                    for kind, pollutant, grade in zip(hotspots["kind"], hotspots["pollutant"], hotspots["grade"])],
        "popup": popups,
    })

    def style(feature: dict) -> dict:
        grade = HOTSPOT_GRADE_STYLES.get(feature["properties"]["grade"], HOTSPOT_GRADE_STYLES["III"])
        return {**grade, "color": HOTSPOT_TASK_RINGS[feature["properties"]["ring"]], "weight": 3,
                "fill": True, "fillOpacity": 0.85}

    return geojson_layer(hotspots, translate("layer_hotspots", lang), properties, style=style,
                          marker=folium.CircleMarker(radius=8))
