"""Folium layers for townships, stations and zones, built from their GeoDataFrames (EPSG:4326).

Every layer is one ``folium.GeoJson`` whose features carry ``id`` and ``layer`` properties, so a click
comes back from st_folium as the feature itself. Text shown in tooltips and popups is HTML-escaped
by layers.popups (Leaflet inserts it as HTML, and names may be typed in by users); times become strings.
"""
from __future__ import annotations

from collections.abc import Callable

import folium
import geopandas as gpd
import pandas as pd
import shapely

from core.vocabulary import label, translate
from layers.popups import display_text, popup_table

STATION_STYLES: dict[str, dict[str, object]] = {
    "national": {"radius": 9, "fillColor": "#d62728", "color": "#7f0000"},
    "provincial": {"radius": 8, "fillColor": "#ff7f0e", "color": "#8a4000"},
    "township": {"radius": 6, "fillColor": "#1f77b4", "color": "#0b3c61"},
    "micro": {"radius": 4, "fillColor": "#17becf", "color": "#0b5f68"},
}
ZONE_STYLES: dict[str, dict[str, object]] = {
    "low_emission": {"color": "#2ca02c", "fillColor": "#2ca02c", "dashArray": None},
    "nonroad_ban": {"color": "#9467bd", "fillColor": "#9467bd", "dashArray": "8 6"},
    "coal_ban": {"color": "#8c564b", "fillColor": "#8c564b", "dashArray": "2 6"},
    "fuel_ban": {"color": "#e377c2", "fillColor": "#e377c2", "dashArray": "12 4 2 4"},
}
# Coordinates sent to the browser are snapped to this grid (degrees): 1e-5° is about 1 m, far finer than
# a township map shows, while folium would otherwise write every float64 with 15-17 digits.
DISPLAY_GRID_DEG = 1e-5
# Township and zone outlines are simplified (Douglas-Peucker, topology kept) within this distance
# (degrees, about 50 m): invisible at township zoom, and it drops most vertices of surveyed boundaries.
DISPLAY_SIMPLIFY_DEG = 5e-4
# Popups wide enough for a Chinese label and its value on one line (labels do not wrap, see POPUP_CSS).
POPUP_MIN_WIDTH_PX, POPUP_MAX_WIDTH_PX = 220, 360
# A map this narrow is on a phone, where the details open below it (Streamlit stacks columns under 640 px):
# there a hotspot's popup is its title alone, so the card does not cover the map it was clicked on.
PHONE_MAP_WIDTH_PX = 600
POPUP_CSS = f"""<style>
.leaflet-popup-content table {{border-collapse:collapse; font-size:12px}}
.leaflet-popup-content th {{white-space:nowrap; text-align:left; padding:1px 8px 1px 0; color:#555; font-weight:normal}}
.leaflet-popup-content td {{padding:1px 0}}
@media (max-width: {PHONE_MAP_WIDTH_PX}px) {{.lantian-card-body, .lantian-card ~ * {{display:none}}}}
</style>"""
TOWNSHIP_STYLE: dict[str, object] = {"color": "#34495e", "weight": 1.5, "fillColor": "#95a5a6",
                                     "fillOpacity": 0.08}


def _date_text(value: object) -> str:
    """A date as 'YYYY-MM-DD' (GeoJSON cannot carry timestamps); missing dates become ''."""
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def display_geometries(geometries: gpd.GeoSeries, simplify_deg: float = 0.0,
                       grid_deg: float = DISPLAY_GRID_DEG) -> gpd.GeoSeries:
    """A copy of ``geometries`` (EPSG:4326, degrees) for drawing only: simplified within ``simplify_deg``
    degrees keeping topology (0 leaves vertices as they are), then snapped to a ``grid_deg`` grid so
    the GeoJSON carries short coordinates. The stored geometries are not touched."""
    simplified = geometries.simplify(simplify_deg, preserve_topology=True) if simplify_deg > 0 else geometries
    return gpd.GeoSeries(shapely.set_precision(simplified.values, grid_deg), index=geometries.index,
                         crs=geometries.crs)


def geojson_layer(frame: gpd.GeoDataFrame, name: str, properties: pd.DataFrame,
                   style: Callable[[dict], dict], marker: folium.CircleMarker | None = None,
                   show: bool = True, simplify_deg: float = 0.0) -> folium.GeoJson:
    """One GeoJson layer of ``frame``'s geometries (EPSG:4326) carrying exactly ``properties`` (all
    strings), with the 'tooltip' property as the tooltip and the 'popup' property as the popup.
    Geometries are drawn as display_geometries(..., simplify_deg) makes them."""
    features = gpd.GeoDataFrame(properties.reset_index(drop=True),
                                geometry=display_geometries(frame.geometry, simplify_deg).reset_index(drop=True),
                                crs=frame.crs)
    return folium.GeoJson(
        features.to_json(drop_id=True),
        name=name,
        style_function=style,
        marker=marker,
        show=show,
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, min_width=POPUP_MIN_WIDTH_PX,
                                  max_width=POPUP_MAX_WIDTH_PX),
        highlight_function=lambda _feature: {"weight": 3},
        zoom_on_click=False,
    )


def township_layer(townships: gpd.GeoDataFrame, lang: str, fill_colours: pd.Series | None = None,
                   values: pd.Series | None = None, value_label: str = "") -> folium.GeoJson:
    """Township polygons (EPSG:4326; columns code, name, name_en, kind) with name tooltips.

    With ``fill_colours`` (hex colours on the townships' index, see layers.legend.quantile_classes) the
    polygons are a choropleth; ``values`` (same index) and ``value_label`` add the value to the popup."""
    names = townships["name"]
    if lang == "en" and "name_en" in townships:
        names = townships["name_en"].where(townships["name_en"].notna(), names)
    kinds = townships["kind"].map(lambda kind: label("township_kind", kind, lang))
    shown = values.reindex(townships.index) if values is not None else pd.Series(None, index=townships.index)
    popups = [
        popup_table([(translate("field_name", lang), name), (translate("field_code", lang), code),
                     (translate("field_kind", lang), kind)]
                    + ([(value_label, value)] if values is not None else []))
        for name, code, kind, value in zip(names, townships["code"], kinds, shown)
    ]
    properties = pd.DataFrame({"id": townships["code"].map(str), "layer": "township",
                               "tooltip": names.map(display_text), "popup": popups})
    if fill_colours is not None:
        properties["fill"] = fill_colours.reindex(townships.index).to_numpy()

    def style(feature: dict) -> dict:
        fill = feature["properties"].get("fill")
        return {**TOWNSHIP_STYLE, "fillColor": fill, "fillOpacity": 0.55} if fill else dict(TOWNSHIP_STYLE)

    return geojson_layer(townships, translate("layer_townships", lang), properties, style=style,
                          simplify_deg=DISPLAY_SIMPLIFY_DEG)


def station_layer(stations: gpd.GeoDataFrame, lang: str,
                  township_names: dict[str, str] | None = None) -> folium.GeoJson:
    """Station points (EPSG:4326; columns code, name, kind, township_code) as circle markers sized by
    kind. With columns ``aqi`` and ``colour`` (the chosen hour's AQI and its HJ 633 colour) they are
    filled with that colour and the AQI is in tooltip and popup; otherwise coloured by kind.
    ``township_names`` maps township codes to names for popups."""
    township_names = township_names or {}
    kinds = stations["kind"].map(lambda kind: label("station_kind", kind, lang))
    has_aqi = "aqi" in stations and "colour" in stations
    aqi_text = stations["aqi"].map(display_text) if has_aqi else pd.Series("", index=stations.index)
    popups = [
        popup_table([(translate("field_name", lang), name), (translate("field_code", lang), code),
                     (translate("field_kind", lang), kind_label),
                     (translate("field_township", lang), township_names.get(township, township))]
                    + ([("AQI", aqi or "—")] if has_aqi else []))
        for name, code, kind_label, township, aqi in zip(stations["name"], stations["code"], kinds,
                                                          stations["township_code"], aqi_text)
    ]
    properties = pd.DataFrame({
        "id": stations["code"].map(str), "layer": "station", "kind": stations["kind"].map(str),
        "tooltip": [f"{display_text(name)} · {display_text(kind)}" + (f" · AQI {aqi}" if aqi else "")
                    for name, kind, aqi in zip(stations["name"], kinds, aqi_text)],
        "popup": popups,
    })
    if has_aqi:
        properties["fill"] = stations["colour"].to_numpy()

    def style(feature: dict) -> dict:
        kind_style = STATION_STYLES[feature["properties"]["kind"]]
        fill = feature["properties"].get("fill")
        coloured = {"fillColor": fill, "color": "#333333"} if fill else {}
        return {**kind_style, **coloured, "weight": 1, "fill": True, "fillOpacity": 0.9}

    return geojson_layer(stations, translate("layer_stations", lang), properties, style=style,
                          marker=folium.CircleMarker(radius=6))


def zone_layer(zones: gpd.GeoDataFrame, lang: str) -> folium.GeoJson:
    """Zone polygons (EPSG:4326; columns id, name, kind, valid_from, valid_to) as outlines, one colour
    and dash pattern per kind (low_emission, nonroad_ban, coal_ban, fuel_ban)."""
    kinds = zones["kind"].map(lambda kind: label("zone_kind", kind, lang))
    valid = [f"{_date_text(start) or '…'} – {_date_text(end) or translate('open_ended', lang)}"
             for start, end in zip(zones["valid_from"], zones["valid_to"])]
    popups = [
        popup_table([(translate("field_name", lang), name), (translate("field_kind", lang), kind),
                     (translate("field_valid", lang), period)])
        for name, kind, period in zip(zones["name"], kinds, valid)
    ]
    properties = pd.DataFrame({
        "id": zones["id"].map(str), "layer": "zone", "kind": zones["kind"].map(str),
        "tooltip": [f"{display_text(name)} · {display_text(kind)}" for name, kind in zip(zones["name"], kinds)],
        "popup": popups,
    })

    # Outlines only: a click inside a zone reaches the township beneath; the zone answers on its edge.
    def style(feature: dict) -> dict:
        return {**ZONE_STYLES[feature["properties"]["kind"]], "weight": 3, "fill": False}

    return geojson_layer(zones, translate("layer_zones", lang), properties, style=style,
                          simplify_deg=DISPLAY_SIMPLIFY_DEG)
