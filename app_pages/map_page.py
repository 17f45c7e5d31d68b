"""The map page: one thematic layer (the stations' hourly AQI, the townships' composite index or the PM2.5
surface) over the region's own base, with zones, dust sources, fire points and hotspots; a click on a
township, station or hotspot opens its details beside the map (below it on a phone)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import streamlit as st

from app_pages.hotspot_card import select_hotspot, selected_hotspot, show_card
from app_pages.page_scripts import PHONE_MAX_WIDTH_PX
from app_pages.session import current_language, escape_markdown, t
from app_pages.sidebar import acting_user
from app_pages.store_access import (
    dust_sources,
    fire_points,
    hotspots_for,
    latest_hour,
    latest_tasks,
    open_store,
    open_tasks,
    ranking,
    region_frames,
    station_detail,
    stations_at_hour,
    store_busy_guard,
    store_version,
)
from app_pages.tables import shown_table
from core.errors import BadInputError
from core.policy import User
from core.settings import get_settings
from core.vocabulary import label
from data.hotspots import HotspotFilter
from data.store import Store
from data.tiles import tile_set
from layers.assets import asset_base_url
from layers.basemap import TileSource, local_tile_url, tile_sources
from layers.charts import factor_chart, wind_rose_chart, wind_rose_table
from layers.clicks import selection_from_map
from layers.legend import (
    CHOROPLETH_COLOURS,
    NO_DATA_COLOUR,
    aqi_legend_items,
    class_legend_items,
    legend_html,
    quantile_classes,
)
from layers.map_component import RenderedMap, RenderedMaps, show_map
from layers.raster import readable_raster
from layers.region_map import region_map
from stations.aqi import aqi_levels

MAP_CONTROLS_KEY = "map_controls"
# On a phone the map comes right under the title: the day, hour, fire window and theme move below the map and
# its details (the page is one flex column, so its children can be reordered without a second layout).
PHONE_MAP_FIRST_CSS = (f"<style>@media (max-width: {PHONE_MAX_WIDTH_PX}px) "
                       f"{{div:has(> .st-key-{MAP_CONTROLS_KEY}) {{order: 1}}}}</style>")
# At 1440×900 the title, the controls and this map fit above the fold, so the first click lands on the map.
MAP_HEIGHT_PX = 500
FIRE_WINDOWS_DAYS = (1, 7, 30, 90)
# The thematic layer of the region, one at a time: stations' hourly AQI, township composite index, PM2.5 surface.
THEMES = ("aqi", "composite", "pm25")
HOTSPOT_DAYS = 30
MAP_HOTSPOTS = 200
SELECTED_ZOOM = 14
# A clicked station's hours shown: its reading, wind rose and curves.
STATION_DAYS = 7
# PM2.5 surface classes (µg/m³): the HJ 633 24-hour breakpoints 35, 75, 115, 150.
PM25_EDGES = [0.0, 35.0, 75.0, 115.0, 150.0, 250.0]


def map_hotspots(ranked: pd.DataFrame) -> gpd.GeoDataFrame:
    """Ranked hotspots (read_hotspots' columns plus task_state) that have a position, as points (EPSG:4326)."""
    placed = ranked.dropna(subset=["lon", "lat"])
    return gpd.GeoDataFrame(placed, geometry=gpd.points_from_xy(placed["lon"], placed["lat"]), crs="EPSG:4326")


def _go_to_newest(latest: dt.datetime) -> None:
    st.session_state["map_date"], st.session_state["map_hour"] = latest.date(), latest.hour


def _chosen_hour(latest: dt.datetime) -> dt.datetime:
    """The date/time control, the fire window and the thematic layer; defaults to the newest hour."""
    day_column, hour_column, window_column, theme_column = st.columns([2, 3, 2, 4])
    st.session_state.setdefault("map_date", latest.date())
    st.session_state.setdefault("map_hour", latest.hour)
    day = day_column.date_input(t("map_date"), max_value=latest.date(), key="map_date")
    hour = hour_column.slider(t("map_hour"), 0, 23, key="map_hour")
    st.session_state.setdefault("fire_days", 30)
    window_column.selectbox(t("fire_window"), FIRE_WINDOWS_DAYS, key="fire_days",
                            format_func=lambda days: t("last_days", days=days))
    theme_column.radio(t("map_theme"), THEMES, key="map_theme", horizontal=True,
                       format_func=lambda key: t(f"map_theme_{key}"))
    return dt.datetime.combine(day, dt.time(hour))


def tile_layers(store) -> list[TileSource]:
    """The base map's tile layers from the settings; 'local' points at the app's own tile route for an
    imported tile set (data.tiles), with the set's attribution unless the settings give one."""
    settings = get_settings()
    if settings.tiles != "local":
        return tile_sources(settings.tiles, settings.tianditu_key, url=settings.tiles_url,
                            attribution=settings.tiles_attribution, gcj02=settings.tiles_gcj02)
    imported = tile_set(store, settings.tiles_local)
    if imported is None:
        raise BadInputError("error.tile_set_missing", field="tiles_local", name=settings.tiles_local)
    return tile_sources("local", url=local_tile_url(imported.name, st.get_option("server.baseUrlPath")),
                        attribution=settings.tiles_attribution or imported.attribution)


def _township_colours(store, townships, hour: dt.datetime) -> tuple[pd.Series | None, pd.Series | None, str, list[str]]:
    """Composite-index choropleth colours, values, their label and legend for the month of ``hour``."""
    month = f"{hour:%Y-%m}"
    try:
        table = ranking(store, month)
    except BadInputError:
        table = pd.DataFrame()
    if table.empty:
        st.caption(t("map_no_ranking", month=month))
        return None, None, "", []
    values = townships["code"].map(table.set_index("township_code")["composite_index"]).astype("Float64")
    colours, edges = quantile_classes(values)
    label = t("colour_by_composite") + f" ({month})"
    legend = legend_html(label, class_legend_items(edges, decimals=2), "legend-townships")
    return colours, values.round(2), label, [legend]


def _pm25_legend(month: str) -> str:
    items = [(colour, t("legend_pm25_unit", low=f"{low:.0f}", high=f"{high:.0f}"))
             for colour, low, high in zip(CHOROPLETH_COLOURS, PM25_EDGES[:-1], PM25_EDGES[1:])]
    return legend_html(t("layer_pm25_surface", month=month), items, "legend-pm25")


def _township_panel(code: str, townships, stations, values: pd.Series | None, value_label: str) -> None:
    rows = townships[townships["code"] == code]
    if rows.empty:
        return
    township = rows.iloc[0]
    lang = current_language()
    name = township["name_en"] if lang == "en" and pd.notna(township.get("name_en")) else township["name"]
    st.subheader(t("township_detail", name=escape_markdown(str(name))))
    st.caption(f"{label('township_kind', township['kind'], lang)} · {escape_markdown(str(code))}")
    if values is not None and pd.notna(values.loc[rows.index[0]]):
        st.markdown(t("township_detail_value", label=escape_markdown(value_label), value=f"{values.loc[rows.index[0]]:.2f}"))
    inside = stations[stations["township_code"] == code]
    st.markdown(t("township_detail_stations", count=len(inside)))
    if "aqi" in inside and len(inside):
        st.dataframe(shown_table(pd.DataFrame({t("field_name"): inside["name"], "AQI": inside["aqi"]})), hide_index=True,
                     key="township_stations")


def _station_panel(store, code: str, hour: dt.datetime, stations) -> pd.DataFrame:
    """The station's name, its reading at ``hour`` and its wind rose beside the map; returns its hours (empty
    when it has none), whose curves need the page's whole width below the map."""
    st.subheader(t("station_detail", name=escape_markdown(_station_name(stations, code))))
    detail = station_detail(store, code, hour, days=STATION_DAYS)
    if detail.empty:
        st.info(t("no_recent_data", days=STATION_DAYS))
        return detail
    latest = detail.iloc[-1]
    level = aqi_levels([latest["aqi"]]).iloc[0]
    lang = current_language()
    st.markdown(t("station_reading", hour=f"{latest['time']:%Y-%m-%d %H:00}", aqi=_reading(latest["aqi"]),
                  level=level[f"name_{lang}"] if pd.notna(level["level"]) else t("no_data"),
                  pm25=_reading(latest.get("pm25")), pm10=_reading(latest.get("pm10"))))
    rose = wind_rose_table(detail["ws"], detail["wd"])
    if rose.empty:
        st.info(t("no_wind_data"))
    else:
        st.altair_chart(wind_rose_chart(rose, lang))
    st.caption(t("station_curves_below", days=STATION_DAYS))
    return detail


def _station_name(stations, code: str) -> str:
    names = stations.loc[stations["code"] == code, "name"]
    return str(names.iloc[0]) if len(names) else code


def _reading(value) -> str:
    """A reading as the panel writes it: whole numbers, '—' when missing."""
    return "—" if value is None or pd.isna(value) else f"{value:.0f}"


def _station_curves(detail: pd.DataFrame, name: str) -> None:
    """The station's six factors and AQI hour by hour, as wide as the page (beside the map they were 270 px)."""
    st.subheader(t("station_curves", name=escape_markdown(name), days=STATION_DAYS))
    st.altair_chart(factor_chart(detail, current_language()), width="stretch")


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
    summary = t("map_summary", townships=len(townships), stations=len(stations), zones=len(zones))
    st.caption(summary + (" · " + t("illustrative_note") if townships["illustrative"].any() else ""))
    hour = None
    if latest is not None:
        with st.container(key=MAP_CONTROLS_KEY):
            hour = _chosen_hour(latest)
    st.html(PHONE_MAP_FIRST_CSS)
    theme = st.session_state.get("map_theme", THEMES[0])
    legends: list[str] = []
    fires = dust = raster = None
    ranked = pd.DataFrame()
    tasks = open_task_points = None
    user = acting_user()
    township_colours = township_values = None
    value_label = ""
    with store_busy_guard():
        if hour is not None:
            readings = stations_at_hour(store, hour).set_index("station_code")
            if readings.empty:
                st.warning(t("map_no_data_day", day=f"{hour:%Y-%m-%d %H:00}", latest=f"{latest:%Y-%m-%d %H:00}"))
                st.button(t("map_go_newest", latest=f"{latest:%Y-%m-%d}"), on_click=_go_to_newest, args=(latest,),
                          key="map_go_newest")
            if theme == "aqi":
                stations = stations.assign(aqi=stations["code"].map(readings["aqi"]).astype("Int64"),
                                           colour=stations["code"].map(readings["colour"]).astype(object)
                                           .fillna(NO_DATA_COLOUR))
                legends.append(legend_html(t("aqi_legend", hour=f"{hour:%Y-%m-%d %H:00}"), aqi_legend_items(lang),
                                           "legend-aqi", shape="circle"))
            elif theme == "composite":
                township_colours, township_values, value_label, township_legend = _township_colours(
                    store, townships, hour)
                legends += township_legend
            else:
                surface = store.surface_path(f"{hour:%Y-%m}")
                if surface.exists() and readable_raster(surface):
                    raster = (surface, t("layer_pm25_surface", month=f"{hour:%Y-%m}"), PM25_EDGES)
                    legends.append(_pm25_legend(f"{hour:%Y-%m}"))
                elif surface.exists():
                    st.warning(t("raster_damaged_skipped", month=f"{hour:%Y-%m}"))
                else:
                    st.caption(t("map_no_surface", month=f"{hour:%Y-%m}"))
            fires = fire_points(store, hour - dt.timedelta(days=st.session_state["fire_days"]),
                                hour + dt.timedelta(hours=1))
            if user is not None:
                ranked = hotspots_for(store, user, HotspotFilter(start=(hour - dt.timedelta(days=HOTSPOT_DAYS)).date(),
                                                                 end=hour.date()), top=MAP_HOTSPOTS)
                tasks = latest_tasks(store)
        if user is not None:  # tasks and observations name places and people: never on the public map
            open_task_points = open_tasks(store)
        dust = dust_sources(store)
    try:
        sources = tile_layers(store)
    except BadInputError as error:  # a base-map setting the administrator must fix
        st.error(escape_markdown(error.render(lang)))
        st.stop()
    asset_url = asset_base_url(st.get_option("server.baseUrlPath"))
    inputs = (str(store.path), store_version(store), hour, theme, st.session_state.get("fire_days"), lang,
              user.name if user else None, tuple(sources), asset_url)
    rendered = rendered_maps().get(inputs, lambda: region_map(
        townships, stations, zones, lang=lang, tiles=sources, asset_url=asset_url,
        township_colours=township_colours, township_values=township_values, value_label=value_label,
        fires=fires, dust=dust, raster=raster, hotspots=map_hotspots(ranked) if not ranked.empty else None,
        hotspot_tasks=tasks, tasks=open_task_points, legends=tuple(legends)))
    _map_and_details(rendered, MapContext(store=store, user=user, hour=hour, townships=townships,
                                          stations=stations, ranked=ranked, township_values=township_values,
                                          value_label=value_label),
                     fires_caption=t("fires_in_window", count=len(fires), days=st.session_state["fire_days"])
                     if fires is not None else None, offline_caption=None if sources else t("map_offline_base"))


@dataclass(frozen=True)
class MapContext:
    """What the details panel reads, from the page's last full run (a click reruns only the panel)."""

    store: Store
    user: User | None
    hour: dt.datetime | None
    townships: gpd.GeoDataFrame
    stations: gpd.GeoDataFrame
    ranked: pd.DataFrame
    township_values: pd.Series | None
    value_label: str


@st.cache_resource(show_spinner=False)
def rendered_maps() -> RenderedMaps:
    """The process's rendered maps (layers.map_component), shared by every session: the key holds the reader."""
    return RenderedMaps()


@st.fragment
def _map_and_details(rendered: RenderedMap, context: MapContext, fires_caption: str | None,
                     offline_caption: str | None) -> None:
    """The map and the details beside it: a click on the map reruns only this, the map stays drawn."""
    ranked = context.ranked
    # The shared selection (today's queue sets it) centres the map on its hotspot and opens its card.
    shared = ranked[ranked["id"] == selected_hotspot()] if not ranked.empty else ranked
    centre = {"center": (float(shared.iloc[0]["lat"]), float(shared.iloc[0]["lon"])), "zoom": SELECTED_ZOOM} \
        if len(shared) else {}
    map_column, detail_column = st.columns([5, 2], gap="small")
    with map_column:
        # Only a click comes back: panning and zooming stay in the browser (layers.basemap.KeptView).
        returned = show_map(rendered, key="region_map", height=MAP_HEIGHT_PX,
                            returned_objects=["last_active_drawing"], **centre)
        for caption in (fires_caption, offline_caption):
            if caption:
                st.caption(caption)
    clicked = selection_from_map(returned)
    if clicked is not None and clicked.layer == "hotspot":
        select_hotspot(clicked.id)
    # The open card stays open when the hour changes (the new map has not been clicked yet).
    selection = clicked or st.session_state.get("map_selection")
    st.session_state["map_selection"] = selection
    station_hours = None
    with detail_column:
        if selection is None and len(shared):
            _hotspot_panel(context.store, context.user, str(shared.iloc[0]["id"]), ranked)
        elif selection is None:
            st.caption(t("map_details_hint"))
        elif selection.layer == "township":
            _township_panel(selection.id, context.townships, context.stations, context.township_values,
                            context.value_label)
        elif selection.layer == "station" and context.hour is not None:
            with store_busy_guard():
                station_hours = _station_panel(context.store, selection.id, context.hour, context.stations)
        elif selection.layer == "hotspot":
            _hotspot_panel(context.store, context.user, selection.id, ranked)
    if station_hours is not None and not station_hours.empty:
        _station_curves(station_hours, _station_name(context.stations, selection.id))

if __name__ == "__main__":
    render()
