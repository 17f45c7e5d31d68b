"""The map page: township polygons, zones and stations on one folium map."""
from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from app_pages.session import current_language, t
from app_pages.store_access import open_store, region_frames, store_busy_guard
from core.errors import BadInputError
from core.settings import get_settings
from layers.assets import asset_base_url
from layers.region_map import region_map

MAP_HEIGHT_PX = 640


def render() -> None:
    """Draw the page."""
    st.title(t("map_title"))
    with store_busy_guard():
        townships, stations, zones = region_frames(open_store())
    st.caption(t("map_summary", townships=len(townships), stations=len(stations), zones=len(zones)))
    if townships["illustrative"].any():
        st.caption(t("illustrative_note"))
    settings = get_settings()
    try:
        folium_map = region_map(townships, stations, zones, lang=current_language(), tiles=settings.tiles,
                                tianditu_key=settings.tianditu_key,
                                asset_url=asset_base_url(st.get_option("server.baseUrlPath")))
    except BadInputError as error:  # a base-map setting the administrator must fix
        st.error(str(error))
        st.stop()
    # Nothing on this page reacts to the map yet, so panning, zooming and clicks never rerun it.
    st_folium(folium_map, key="region_map", height=MAP_HEIGHT_PX, use_container_width=True,
              returned_objects=[])
