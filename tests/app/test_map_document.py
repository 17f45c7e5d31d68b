"""The map rendered once for every session: the shared document draws what st_folium would draw, and a
new rendering is made only when the store or the view's inputs change."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.store_access import region_frames, shared_map_document
from data.store import Store
from layers.region_map import region_map
from tests.app_support import fill_region_store

# hour, theme, fire window, language, user, opening view, tile layers, asset URL, legends, raster
PUBLIC_VIEW = (None, "aqi", 30, "zh", None, None, (), "/app/static/node_modules", (), None)


@pytest.fixture
def region_store(store: Store, real_data: Path) -> Store:
    fill_region_store(store, real_data)
    return store


def test_one_rendering_serves_every_session_until_the_store_or_the_view_changes(region_store):
    townships, stations, zones = region_frames(region_store)
    builds: list[str] = []

    def build():
        builds.append("built")
        return region_map(townships, stations, zones, tiles="none")

    first = shared_map_document(region_store, PUBLIC_VIEW, build)
    again = shared_map_document(region_store, PUBLIC_VIEW, build)
    assert again is first and len(builds) == 1
    assert '"Feature"' in first.script and "L.control.layers" in first.script

    english = shared_map_document(region_store, PUBLIC_VIEW[:3] + ("en",) + PUBLIC_VIEW[4:], build)
    assert english is not first and len(builds) == 2

    with region_store.write() as con:  # another process's write: the version moves on
        con.execute("UPDATE townships SET name = name || '镇' WHERE code = (SELECT min(code) FROM townships)")
    after_write = shared_map_document(region_store, PUBLIC_VIEW, build)
    assert after_write is not first and len(builds) == 3


def _two_maps(db_path: str) -> None:
    """One page drawing the region with st_folium and, from a second identical map, the shared document."""
    import streamlit as st
    from streamlit_folium import st_folium

    from app_pages.store_access import region_frames as frames
    from data.store import Store as StoreFile
    from layers.map_document import render_map_document, show_map_document
    from layers.region_map import region_map as region

    townships, stations, zones = frames(StoreFile(db_path))
    returned = ["last_active_drawing", "center", "zoom"]
    st_folium(region(townships, stations, zones, tiles="none"), key="by_st_folium", height=500,
              use_container_width=True, returned_objects=returned, center=[35.1, 112.5], zoom=12)
    document = render_map_document(region(townships, stations, zones, tiles="none"))
    st.session_state["shown"] = show_map_document(document, key="by_document", height=500, returned_objects=returned,
                                                  center=[35.1, 112.5], zoom=12)


def test_the_shared_document_draws_exactly_what_st_folium_draws(region_store):
    at = AppTest.from_function(_two_maps, args=(str(region_store.path),), default_timeout=120).run()

    assert not at.exception, at.exception
    by_st_folium, by_document = (json.loads(element.proto.json_args) for element in at.main.get("component_instance"))
    # The component's own key is a hash of the script and the page's key, which differ on purpose here.
    assert {**by_document, "key": None} == {**by_st_folium, "key": None}
    assert len(by_document["script"]) > 10_000 and by_document["css_links"] and by_document["js_links"]
    # Before the browser answers, the page reads the same initial answer st_folium gives.
    assert at.session_state["shown"]["zoom"] == by_st_folium["default"]["zoom"]
