"""The field observation form (现场巡查发现): its position from the browser's geolocation, a tap on a map or typed,
photos from the camera or the gallery, recorded as a pending task through hotspots.task_service."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components
from streamlit_folium import st_folium

from app_pages.actions import run_action, uploads
from app_pages.session import current_language, t
from app_pages.store_access import dust_sources, store_busy_guard
from core.policy import User, may_take
from core.vocabulary import label
from data.store import Store
from hotspots import task_service
from hotspots.tasks import GRADES, Action
from layers.assets import asset_base_url
from layers.place_map import place_map
from layers.region_map import FALLBACK_BOUNDS

FLASH_KEY = "observation_flash"
SOURCE_KEY = "observation_position_source"
LON_KEY, LAT_KEY = "observation_lon", "observation_lat"
# Bumped by 重新定位: the position component is mounted anew under the next key and asks the browser again.
LOCATE_ROUND_KEY = "observation_locate_round"
GEOLOCATION_KEY = "observation_geolocation"
# Bumped once an observation is recorded: the form's fields come back empty under new keys (a widget keeps what
# the browser holds for it while its key stays).
FORM_ROUND_KEY = "observation_form_round"
CAMERA_KEY = "observation_camera"
POSITION_SOURCES = ("located", "picked", "typed")
PICK_MAP_KEY = "observation_pick_map"
# The map's last click already put into the position fields: the map keeps reporting it on every run.
PICKED_KEY = "observation_picked"
PICK_MAP_HEIGHT_PX = 280
LOCATE_ERRORS = ("denied", "unavailable", "timeout", "insecure", "unsupported")
# A fix may take a while outdoors (satellites); a position the phone took in the last half minute will do.
LOCATE_TIMEOUT_MS = 20_000
LOCATE_MAX_AGE_MS = 30_000
PHOTO_TYPES = ["jpg", "jpeg", "png", "webp"]

_browser_position = components.declare_component(
    "lantian_geolocation", path=str(Path(__file__).resolve().parent / "geolocation"))


@dataclass(frozen=True)
class BrowserPosition:
    """Where the browser says it is: longitude and latitude in WGS-84 (EPSG:4326, as navigator.geolocation
    gives them) and its accuracy radius in metres."""

    lon: float
    lat: float
    accuracy_m: float


def browser_answer(value: object) -> BrowserPosition | str | None:
    """The position component's answer read: a BrowserPosition, one of LOCATE_ERRORS, or None while the browser
    has not answered (or gave something that is not a position, which counts as unavailable)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        return "unavailable"
    if "error" in value:
        return value["error"] if value["error"] in LOCATE_ERRORS else "unavailable"
    try:
        position = BrowserPosition(float(value["lon"]), float(value["lat"]), float(value["accuracy_m"]))
    except (KeyError, TypeError, ValueError):
        return "unavailable"
    if not (-180 <= position.lon <= 180 and -90 <= position.lat <= 90):
        return "unavailable"
    return position


def _located() -> BrowserPosition | None:
    """Ask the browser where it is (only now that the person chose 定位: the browser asks them first) and put
    the answer into the position fields; a refusal or failure says what to do instead."""
    round_number = st.session_state.setdefault(LOCATE_ROUND_KEY, 0)
    # The component shows nothing; out of the flow, its empty frame leaves no gap in the form.
    st.html(f'<style>[class*="st-key-{GEOLOCATION_KEY}_"] {{position: absolute; width: 0; height: 0; '
            f'overflow: hidden;}}</style>')
    answer = browser_answer(_browser_position(timeout_ms=LOCATE_TIMEOUT_MS, max_age_ms=LOCATE_MAX_AGE_MS,
                                              key=f"{GEOLOCATION_KEY}_{round_number}", default=None))
    if st.button(t("field.locate_again"), key="observation_locate_again", icon=":material/my_location:"):
        st.session_state[LOCATE_ROUND_KEY] = round_number + 1
        st.rerun()
    if answer is None:
        st.info(t("field.locating"), icon=":material/location_searching:")
        return None
    if isinstance(answer, str):
        st.warning(t(f"field.locate_failed.{answer}"), icon=":material/location_disabled:")
        return None
    st.session_state[LON_KEY], st.session_state[LAT_KEY] = answer.lon, answer.lat
    return answer


def _picked(store: Store, townships) -> None:
    """A small map of the region around the position so far, its square where the observation will be: a tap
    moves the square there and puts its longitude and latitude into the position fields."""
    st.caption(t("field.pick_hint"))
    with store_busy_guard():
        dust = dust_sources(store)
    lon, lat = st.session_state[LON_KEY], st.session_state[LAT_KEY]
    chooser = place_map(townships, lon, lat, "pending", current_language(), roads=dust.geometry[dust["kind"] == "road"],
                        asset_url=asset_base_url(st.get_option("server.baseUrlPath")))
    clicked = (st_folium(chooser, key=PICK_MAP_KEY, height=PICK_MAP_HEIGHT_PX, use_container_width=True,
                         returned_objects=["last_clicked"]) or {}).get("last_clicked")
    if not clicked or (clicked["lng"], clicked["lat"]) == st.session_state.get(PICKED_KEY):
        return
    st.session_state[PICKED_KEY] = (clicked["lng"], clicked["lat"])
    st.session_state[LON_KEY], st.session_state[LAT_KEY] = round(clicked["lng"], 6), round(clicked["lat"], 6)
    st.rerun()  # the square moves to the tapped place


def field_observation(store: Store, user: User, townships) -> None:
    """The form, for those who may record an observation; the position (lon/lat, EPSG:4326) starts at the
    centre of the region's ``townships`` until located or typed."""
    if not may_take(user, Action.RECORD_OBSERVATION):
        return
    # Always there, filled or not: a notice that moved the form down would mount the position component anew,
    # which asks the browser again and reruns the page (taking the notice away).
    notice = st.container()
    if FLASH_KEY in st.session_state:
        notice.success(st.session_state.pop(FLASH_KEY))
    west, south, east, north = townships.total_bounds if not townships.empty else FALLBACK_BOUNDS
    st.session_state.setdefault(LON_KEY, float((west + east) / 2))
    st.session_state.setdefault(LAT_KEY, float((south + north) / 2))
    with st.expander(t("record_observation"), icon=":material/add_location_alt:"):
        # Typed first: the browser asks for the position only once the person chooses 定位.
        source = st.radio(t("field.position_source"), POSITION_SOURCES, key=SOURCE_KEY, horizontal=True,
                          index=POSITION_SOURCES.index("typed"), format_func=lambda code: t(f"field.source.{code}"))
        located = _located() if source == "located" else None
        if source == "picked":
            _picked(store, townships)
        camera = st.toggle(t("field.use_camera"), key=CAMERA_KEY)
        form_round = st.session_state.setdefault(FORM_ROUND_KEY, 0)
        with st.form("observation"):
            lon_column, lat_column = st.columns(2)
            # A located position is shown as it came; choosing 手动 makes it editable from there.
            fixed = source == "located"
            lon = lon_column.number_input(t("longitude"), -180.0, 180.0, format="%.6f", key=LON_KEY, disabled=fixed)
            lat = lat_column.number_input(t("latitude"), -90.0, 90.0, format="%.6f", key=LAT_KEY, disabled=fixed)
            where = t("field.located", accuracy=f"{located.accuracy_m:.0f}") if located \
                else t("field.picked" if source == "picked" else "field.typed")
            st.caption(where)
            grade = st.selectbox(t("task_grade"), GRADES, index=len(GRADES) - 1, key="observation_grade",
                                 format_func=lambda code: label("grade", code, current_language()))
            title = st.text_input(t("task_title"), key=f"observation_title_{form_round}")
            description = st.text_area(t("observation_description"), key=f"observation_description_{form_round}")
            shot = st.camera_input(t("field.camera"), key=f"observation_shot_{form_round}") if camera else None
            files = st.file_uploader(t("field.gallery"), type=PHOTO_TYPES, accept_multiple_files=True,
                                     key=f"observation_photos_{form_round}")
            action_label = Action.RECORD_OBSERVATION.label(current_language())
            if st.form_submit_button(action_label, type="primary", disabled=fixed and located is None):
                # The gallery's files and the camera's shot take the one path every photo takes.
                photos = uploads([*(files or []), *([shot] if shot else [])])
                def record() -> None:
                    task_service.record_field_observation(store, user, lon, lat, title=title,
                                                          description=description, grade=grade, photos=photos)
                    # Recorded: the next run opens an empty form, so the same finding is not sent twice.
                    st.session_state[FORM_ROUND_KEY] = form_round + 1

                run_action(FLASH_KEY, f"{action_label} · {where}", record)
