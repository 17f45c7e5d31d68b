"""Today's queue page (今日待核查): the last days' hotspots nobody has handled, most urgent first, each row
its card's sentence; tapping a row opens its card here and selects it on the map."""
from __future__ import annotations

import streamlit as st

from app_pages.actions import signed_in_page
from app_pages.field_observation import field_observation
from app_pages.hotspot_card import select_hotspot, selected_hotspot, show_card
from app_pages.session import current_language, escape_markdown, t
from app_pages.store_access import hotspots_for, open_store, region_frames, store_busy_guard
from core.vocabulary import label
from data.hotspots import HotspotFilter
from hotspots.card import card_sentence
from hotspots.queue import QUEUE_DAYS, queue_order, queue_window

QUEUE_ROWS = 30


def render() -> None:
    """Draw the page."""
    user = signed_in_page("queue.title", "queue.sign_in", "queue_flash")
    if user is None:
        return
    lang = current_language()
    with store_busy_guard():
        store = open_store()
        first, last = queue_window(store)
        ranked = hotspots_for(store, user, HotspotFilter(start=first, end=last))
    queue = queue_order(ranked).head(QUEUE_ROWS)
    st.caption(t("queue.window", first=f"{first:%Y-%m-%d}", last=f"{last:%Y-%m-%d}", days=QUEUE_DAYS,
                 count=len(queue)))
    with store_busy_guard():
        townships = region_frames(store)[0]
    # What the inspector finds on the way is recorded right here (one folded line above the rows), located by
    # the phone.
    field_observation(store, user, townships)
    if queue.empty:
        st.info(t("queue.empty"))
    else:
        _queue_rows(store, user, queue, lang)


def _queue_rows(store, user, queue, lang: str) -> None:
    """One button per hotspot (its heading and the card's sentence); the chosen one opens its card below it."""
    chosen = selected_hotspot()
    for row in queue.to_dict("records"):
        heading = " · ".join([label("grade", row["grade"], lang), row.get("township_name") or label("hotspot_kind", None, lang),
                              f"{row['start_time']:%m-%d %H:%M}", label("hotspot_kind", row["kind"], lang)])
        if st.button(escape_markdown(heading) + "\n\n" + escape_markdown(card_sentence(row, lang)), key=f"queue_{row['id']}", use_container_width=True,
                     type="primary" if row["id"] == chosen else "secondary"):
            select_hotspot(row["id"])
            chosen = row["id"]
        if row["id"] == chosen:
            show_card(store, user, row, key="queue")
            st.page_link("app_pages/map_page.py", label=t("queue.on_map"), icon=":material/map:")
    if chosen is not None and chosen not in set(queue["id"]):
        st.caption(escape_markdown(t("queue.selected_elsewhere")))


if __name__ == "__main__":
    render()
