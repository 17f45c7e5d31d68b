"""The map page: townships (choropleth), zones, dust sources, fire points, stations coloured by the chosen
hour's AQI and hotspots on one folium map; a click on a station or hotspot opens its details."""
from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app_pages.hotspot_card import select_hotspot, selected_hotspot, show_card
from app_pages.session import current_language, escape_markdown, t
from app_pages.sidebar import current_user
from app_pages.store_access import (
    dust_sources,
    fire_points,
    hotspots_for,
    latest_hour,
    latest_tasks,
    open_store,
    ranking,
    region_frames,
    station_detail,
    stations_at_hour,
    store_busy_guard,
)
from core.errors import BadInputError
from core.policy import User
from core.settings import get_settings
from data.hotspots import HotspotFilter
from layers.assets import asset_base_url
from layers.charts import factor_chart, wind_rose_chart, wind_rose_table
from layers.clicks import selection_from_map
from layers.legend import NO_DATA_COLOUR, aqi_legend_items, class_legend_items, legend_html, quantile_classes
from layers.raster import readable_raster
from layers.region_map import region_map

MAP_HEIGHT_PX = 600
FIRE_WINDOWS_DAYS = (1, 7, 30, 90)
COLOUR_BY = ("composite", "rank", "none")
HOTSPOT_DAYS = 30
MAP_HOTSPOTS = 200
SELECTED_ZOOM = 14
# PM2.5 surface classes (µg/m³): the HJ 633 24-hour breakpoints 35, 75, 115, 150.
PM25_EDGES = [0.0, 35.0, 75.0, 115.0, 150.0, 250.0]


def map_hotspots(ranked: pd.DataFrame) -> gpd.GeoDataFrame:
    """Ranked hotspots (read_hotspots' columns plus task_state) that have a position, as points (EPSG:4326)."""
    placed = ranked.dropna(subset=["lon", "lat"])
    return gpd.GeoDataFrame(placed, geometry=gpd.points_from_xy(placed["lon"], placed["lat"]), crs="EPSG:4326")


def _chosen_hour(latest: dt.datetime) -> dt.datetime:
    """The date/time control: a date and an hour, defaulting to the newest observation hour."""
    day_column, hour_column, window_column, colour_column = st.columns([2, 3, 2, 2])
    day = day_column.date_input(t("map_date"), value=latest.date(), max_value=latest.date(), key="map_date")
    hour = hour_column.slider(t("map_hour"), 0, 23, value=latest.hour, key="map_hour")
    st.session_state.setdefault("fire_days", 30)
    window_column.selectbox(t("fire_window"), FIRE_WINDOWS_DAYS, key="fire_days",
                            format_func=lambda days: t("last_days", days=days))
    colour_column.selectbox(t("colour_townships"), COLOUR_BY, key="colour_by",
                            format_func=lambda key: t(f"colour_by_{key}"))
    return dt.datetime.combine(day, dt.time(hour))


def _township_colours(store, townships, hour: dt.datetime) -> tuple[pd.Series | None, pd.Series | None, str, list[str]]:
    """Choropleth colours, values, their label and legend for the month of ``hour``."""
    colour_by = st.session_state.get("colour_by", "composite")
    if colour_by == "none":
        return None, None, "", []
    try:
        table = ranking(store, f"{hour:%Y-%m}")
    except BadInputError:
        return None, None, "", []
    column = "composite_index" if colour_by == "composite" else "rank"
    values = townships["code"].map(table.set_index("township_code")[column]).astype("Float64")
    colours, edges = quantile_classes(values)
    label = t(f"colour_by_{colour_by}") + f" ({hour:%Y-%m})"
    legend = legend_html(label, class_legend_items(edges, decimals=2 if colour_by == "composite" else 0),
                         "legend-townships", corner="bottomleft")
    return colours, values.round(2), label, [legend]


def _station_panel(store, code: str, hour: dt.datetime, stations) -> None:
    names = dict(zip(stations["code"], stations["name"]))
    st.subheader(t("station_detail", name=escape_markdown(names.get(code, code))))
    detail = station_detail(store, code, hour)
    if detail.empty:
        st.info(t("no_recent_data"))
        return
    st.altair_chart(factor_chart(detail, current_language()))
    rose = wind_rose_table(detail["ws"], detail["wd"])
    if rose.empty:
        st.info(t("no_wind_data"))
    else:
        st.altair_chart(wind_rose_chart(rose, current_language()))


def _hotspot_panel(store, user: User | None, hotspot_id: str, ranked: pd.DataFrame) -> None:
    if user is None:
        st.info(t("sign_in_for_hotspots"))
        return
    rows = ranked[ranked["id"] == hotspot_id]
    if not rows.empty:
        show_card(store, user, rows.iloc[0].to_dict(), key="map")


def render() -> None:
    """Draw the page."""
    st.title(t("map_title"))
    lang = current_language()
    with store_busy_guard():
        store = open_store()
        townships, stations, zones = region_frames(store)
        latest = latest_hour(store)
    st.caption(t("map_summary", townships=len(townships), stations=len(stations), zones=len(zones)))
    if townships["illustrative"].any():
        st.caption(t("illustrative_note"))
    hour = _chosen_hour(latest) if latest is not None else None
    legends: list[str] = []
    fires = dust = raster = None
    ranked = pd.DataFrame()
    tasks = None
    user = current_user()
    township_colours = township_values = None
    value_label = ""
    with store_busy_guard():
        if hour is not None:
            readings = stations_at_hour(store, hour).set_index("station_code")
            stations = stations.assign(aqi=stations["code"].map(readings["aqi"]).astype("Int64"),
                                       colour=stations["code"].map(readings["colour"]).astype(object).fillna(NO_DATA_COLOUR))
            legends.append(legend_html(t("aqi_legend", hour=f"{hour:%Y-%m-%d %H:00}"), aqi_legend_items(lang),
                                       "legend-aqi"))
            fires = fire_points(store, hour - dt.timedelta(days=st.session_state["fire_days"]),
                                hour + dt.timedelta(hours=1))
            township_colours, township_values, value_label, township_legend = _township_colours(store, townships, hour)
            legends += township_legend
            surface = store.surface_path(f"{hour:%Y-%m}")
            if surface.exists() and readable_raster(surface):
                raster = (surface, t("layer_pm25_surface", month=f"{hour:%Y-%m}"), PM25_EDGES)
            elif surface.exists():
                st.warning(t("raster_damaged_skipped", month=f"{hour:%Y-%m}"))
            if user is not None:
                ranked = hotspots_for(store, user, HotspotFilter(start=(hour - dt.timedelta(days=HOTSPOT_DAYS)).date(),
                                                                 end=hour.date()), top=MAP_HOTSPOTS)
                tasks = latest_tasks(store)
        dust = dust_sources(store)
    if fires is not None:
        st.caption(t("fires_in_window", count=len(fires), days=st.session_state["fire_days"]))
    settings = get_settings()
    try:
        folium_map = region_map(townships, stations, zones, lang=lang, tiles=settings.tiles,
                                tianditu_key=settings.tianditu_key,
                                asset_url=asset_base_url(st.get_option("server.baseUrlPath")),
                                township_colours=township_colours, township_values=township_values,
                                value_label=value_label, fires=fires, dust=dust, raster=raster,
                                hotspots=map_hotspots(ranked) if not ranked.empty else None, hotspot_tasks=tasks,
                                legends=tuple(legends))
    except BadInputError as error:  # a base-map setting the administrator must fix
        st.error(escape_markdown(error.render(lang)))
        st.stop()
    # Only a click on a feature reruns the page: panning and zooming return nothing.
    # The shared selection (today's queue sets it) centres the map on its hotspot.
    shared = ranked[ranked["id"] == selected_hotspot()] if not ranked.empty else ranked
    centre = {"center": [float(shared.iloc[0]["lat"]), float(shared.iloc[0]["lon"])], "zoom": SELECTED_ZOOM} \
        if len(shared) else {}
    returned = st_folium(folium_map, key="region_map", height=MAP_HEIGHT_PX, use_container_width=True,
                         returned_objects=["last_active_drawing"], **centre)
    selection = selection_from_map(returned)
    if selection is not None and selection.layer == "hotspot":
        select_hotspot(selection.id)
    if selection is None and len(shared):
        _hotspot_panel(store, user, str(shared.iloc[0]["id"]), ranked)
    elif selection is None:
        st.caption(t("click_hint"))
    elif selection.layer == "station" and hour is not None:
        with store_busy_guard():
            _station_panel(store, selection.id, hour, stations)
    elif selection.layer == "hotspot":
        _hotspot_panel(store, user, selection.id, ranked)


if __name__ == "__main__":
    render()
