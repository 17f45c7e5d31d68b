"""The hotspot handling page (热点清单): the handling list with filters, the selected task's history and
the actions the signed-in role may take, and downloads of the list as Excel, CSV and GeoJSON."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from app_pages.field_observation import field_observation
from app_pages.session import current_language, escape_markdown, t
from app_pages.sidebar import acting_user
from app_pages.store_access import dust_sources, hotspots_for, open_store, region_frames, store_busy_guard
from app_pages.tables import shown_table, table_config
from core.errors import LantianError
from core.policy import EXPORT_ROLES, Role, User, may_take
from core.timeutil import now_beijing
from core.vocabulary import MISSING, label
from data.hotspots import HotspotFilter
from data.store import Store
from data.tasks import HandlingListFilter
from hotspots import task_service
from hotspots.attachments import Upload
from hotspots.card import card_sentence
from hotspots.dispatch import dispatch
from hotspots.exports import EXPORTERS
from hotspots.grid_register import people_of_township
from hotspots.task_card import countdown, deadline_text, department_choices, history_sentences, photo_sides
from hotspots.tasks import TASK_KINDS, Action, TaskState, actions_now
from layers.assets import asset_base_url
from layers.place_map import place_map

FLASH_KEY = "task_flash"
HOTSPOT_COLUMNS = ["rank", "grade", "card", "kind", "score", "township_name", "station_code", "pollutant", "peak",
                   "start_time", "end_time",
                   "task_state"]
LISTED_HOTSPOTS = 500
LIST_COLUMNS = ["id", "title", "kind", "grade", "township_name", "holder_name", "grid_cell_name", "department", "state",
                "deadline", "overdue", "returns", "escalations", "latest_feedback", "attachments"]
# The inbox links here with ?task=ID: that task is chosen once, then the person may choose another.
TASK_PARAMETER = "task"
# The deadline the picker proposes, days from today by grade (the supervisor changes it).
DEFAULT_DEADLINE_DAYS = {"I": 1, "II": 3, "III": 7}
EXPORT_MEDIA = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ".csv": "text/csv", ".geojson": "application/geo+json"}


def state_label(state: str) -> str:
    """A task state's name in the interface language."""
    return label("task_state", state, current_language())


def _filters(user: User, township_names: dict[str, str]) -> HandlingListFilter:
    state_column, township_column, kind_column, dates_column = st.columns(4)
    # "" stands for "all" in each filter.
    state = state_column.selectbox(t("filter_state"), [""] + [s.value for s in TaskState], key="filter_state",
                                   format_func=lambda s: state_label(s) if s else t("all"))
    codes = [""] + list(township_names)
    own = codes.index(user.township_code) if user.township_code in codes else 0
    township = township_column.selectbox(t("filter_township"), codes, index=own, key="filter_township",
                                         format_func=lambda c: township_names[c] if c else t("all"))
    kind = kind_column.selectbox(t("filter_kind"), [""] + list(TASK_KINDS), key="filter_kind",
                                 format_func=lambda k: label("task_kind", k, current_language()) if k else t("all"))
    dates = dates_column.date_input(t("filter_dates"), value=(), key="filter_dates")
    start, end = (dates + (None, None))[:2] if isinstance(dates, tuple) else (dates, None)
    return HandlingListFilter(start=start, end=end, township=township or None,
                              state=state or None, kind=kind or None)


def _act(label: str, action: Callable[[], object]) -> None:
    """Run a service call; a refusal or bad input shows its message, success reruns with a notice."""
    try:
        with store_busy_guard():
            action()
    except LantianError as error:
        st.error(escape_markdown(error.render(current_language())))
        return
    st.session_state[FLASH_KEY] = t("action_done", action=label)
    st.rerun()


def _uploads(files) -> list[Upload]:
    return [Upload(original_name=file.name, content=file.getvalue()) for file in files or []]


def _action_label(action: Action) -> str:
    return action.label(current_language())


def offered_actions(user: User, task) -> set[Action]:
    """The actions the task card offers: those the state machine allows now for the reader's role
    (hotspots.tasks.actions_now), none on another township's task for a township official."""
    if user.role is Role.TOWNSHIP and task.township_code != user.township_code:
        return set()
    return set(actions_now(user, task.state)) - {Action.CREATE, Action.RECORD_OBSERVATION}


def _deadline_picker(task, key: str) -> dt.datetime:
    """The township's deadline picked as a day in the Chinese calendar (the grade's default period ahead); a
    day means the end of that day (24:00, Beijing time)."""
    default_day = (now_beijing() + dt.timedelta(days=DEFAULT_DEADLINE_DAYS.get(task.grade, 7))).date()
    day = st.date_input(t("task_card.deadline_day"), value=default_day, min_value=now_beijing().date(), key=key)
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(days=1)


def _task_actions(store: Store, user: User, task, departments: list[str]) -> None:
    """One small form per action the task's state and the reader's role allow now, and nothing else."""
    allowed = offered_actions(user, task)
    if not allowed:
        st.caption(t("task_card.not_yours") if user.role is Role.TOWNSHIP and task.township_code != user.township_code
                   else t("no_task_actions"))
        return
    task_id, lock = task.id, {"expected_version": task.version}
    if Action.ASSIGN in allowed:
        with st.form("assign"):
            department = st.selectbox(t("task_card.assignee"), departments, index=0 if departments else None,
                                      accept_new_options=True, key="assign_department")
            deadline = _deadline_picker(task, "assign_deadline")
            instructions = st.text_area(t("instructions"), key="assign_instructions")
            if st.form_submit_button(_action_label(Action.ASSIGN)):
                _act(_action_label(Action.ASSIGN), lambda: task_service.assign(
                    store, user, task_id, department=department, instructions=instructions,
                    deadline=deadline, **lock))
    if Action.SUBMIT_FEEDBACK in allowed:
        with st.form("feedback"):
            measures = st.text_area(t("measures"), key="feedback_measures")
            photos = st.file_uploader(t("photos"), accept_multiple_files=True, key="feedback_photos")
            if st.form_submit_button(_action_label(Action.SUBMIT_FEEDBACK)):
                _act(_action_label(Action.SUBMIT_FEEDBACK), lambda: task_service.submit_feedback(
                    store, user, task_id, measures, photos=_uploads(photos), **lock))
    if Action.CLOSE in allowed:
        # Side by side: 复核通过 with an optional comment, 退回 with the reason it must give and the rework's
        # new deadline, so nothing on the approving side asks for what only a return uses.
        approve_column, return_column = st.columns(2)
        with approve_column, st.form("review"):
            comment = st.text_input(t("review_comment"), key="review_comment")
            if st.form_submit_button(_action_label(Action.CLOSE), type="primary"):
                _act(_action_label(Action.CLOSE), lambda: task_service.review(
                    store, user, task_id, approve=True, comment=comment, **lock))
        with return_column, st.form("return"):
            reason = st.text_input(t("return_comment"), key="return_comment")
            rework_deadline = _deadline_picker(task, "return_deadline")
            if st.form_submit_button(_action_label(Action.RETURN)):
                _act(_action_label(Action.RETURN), lambda: task_service.review(
                    store, user, task_id, approve=False, comment=reason, deadline=rework_deadline, **lock))
    if Action.ESCALATE in allowed:
        with st.form("escalate"):
            comment = st.text_input(t("escalate_comment"), key="escalate_comment")
            escalated_deadline = _deadline_picker(task, "escalate_deadline")
            if st.form_submit_button(_action_label(Action.ESCALATE)):
                _act(_action_label(Action.ESCALATE), lambda: task_service.escalate(
                    store, user, task_id, comment=comment, deadline=escalated_deadline, **lock))
    if Action.HAND_OVER in allowed:
        _hand_over(store, user, task_id, lock)
    if Action.ADD_EVIDENCE in allowed:
        with st.form("evidence"):
            note = st.text_input(t("evidence_note"), key="evidence_note")
            photos = st.file_uploader(t("photos"), accept_multiple_files=True, key="evidence_photos")
            if st.form_submit_button(_action_label(Action.ADD_EVIDENCE)):
                _act(_action_label(Action.ADD_EVIDENCE), lambda: task_service.add_evidence(
                    store, user, task_id, photos=_uploads(photos), comment=note, **lock))


def _hand_over(store: Store, user: User, task_id: str, lock: dict) -> None:
    """Give the task to another person of its township's grid (supervisor, or the township's official)."""
    with store_busy_guard():
        task = task_service.get_task(store, task_id)
        people = people_of_township(store, task.township_code)
    people = people[people["id"] != task.holder]
    if people.empty:
        return
    lang = current_language()
    names = {row.id: f"{row.name} · {label('grid_post', row.post, lang)} · {row.cell_name}" for row in people.itertuples()}
    with st.form("hand_over"):
        holder = st.selectbox(t("hand_over_to"), list(names), format_func=names.get, key="hand_over_holder")
        comment = st.text_input(t("hand_over_note"), key="hand_over_comment")
        if st.form_submit_button(_action_label(Action.HAND_OVER)):
            _act(_action_label(Action.HAND_OVER), lambda: task_service.hand_over(
                store, user, task_id, holder, comment=comment, **lock))


def _holder_line(rows, task_id: str) -> str:
    """Who holds the task now, as its card says it."""
    row = rows.set_index("id").loc[task_id]
    if not isinstance(row["holder_name"], str):
        return t("task_held_by_township")
    cell = row["grid_cell_name"] if isinstance(row["grid_cell_name"], str) else row["township_name"]
    return escape_markdown(t("task_held_by", holder=row["holder_name"], cell=cell))


def _photos(store: Store, task_id: str, history) -> None:
    """Before (found, evidence) and after (feedback) photos side by side, each captioned with who sent it when."""
    with store_busy_guard():
        attachments = task_service.task_attachments(store, task_id)
    if attachments.empty:
        return
    st.markdown(f"**{t('task_photos', count=len(attachments))}**")
    # One row that never wraps, so a phone too shows the problem beside its fix (st.columns stack there).
    with st.container(horizontal=True, wrap=False, gap="medium", key="task_photos"):
        for side, photos in zip(("before", "after"), photo_sides(attachments, history)):
            with st.container(key=f"task_photos_{side}"):
                st.markdown(f"**{t(f'task_card.{side}')}**")
                if photos.empty:
                    st.caption(t("task_card.no_photo"))
                for photo in photos.itertuples():
                    st.image(str(task_service.attachment_path(store, task_id, photo.name)),
                             caption=escape_markdown(
                                 f"{photo.original_name} · {photo.uploaded_by} · {photo.uploaded_at:%Y-%m-%d %H:%M}"))


def _ranked_hotspots(store: Store, user: User, selection: HandlingListFilter) -> None:
    """The ranked hotspots under the same township, kind and date filters; a supervisor turns one
    without a task into a handling task."""
    st.subheader(t("ranked_hotspots"))
    with store_busy_guard():
        ranked = hotspots_for(store, user, HotspotFilter(
            kinds=(selection.kind,) if selection.kind else None, township=selection.township,
            start=selection.start, end=selection.end), top=LISTED_HOTSPOTS)
    st.caption(t("hotspots_listed", count=len(ranked), top=LISTED_HOTSPOTS))
    headers = {column: t(f"col_{column}") for column in HOTSPOT_COLUMNS}
    lang = current_language()
    shown = ranked.assign(card=[card_sentence(row, lang) for row in ranked.to_dict("records")],
                          kind=ranked["kind"].map(lambda code: label("hotspot_kind", code, lang)),
                          grade=ranked["grade"].map(lambda code: label("grade", code, lang)),
                          pollutant=ranked["pollutant"].map(lambda code: label("pollutant", code, lang)),
                          task_state=ranked["task_state"].map(lambda code: label("task_state", code, lang)))
    # A fire or mobile-source hotspot has no station: its cell reads '—' (shown_table), not 'None'.
    table = shown_table(shown[HOTSPOT_COLUMNS], decimals={"score": 1, "peak": 1})
    st.dataframe(table, key="hotspot_table", use_container_width=True, hide_index=True,
                 column_config=table_config(table, headers, {"score": "%.1f", "peak": "%.1f"}))
    if not may_take(user, Action.CREATE):
        return
    untasked = ranked[ranked["task_state"].isna()].head(50)
    if untasked.empty:
        return
    # Date and place tell a fresh finding from a year-old one before it becomes a task.
    labels = {row.id: f"#{row.rank} · {label('grade', row.grade, lang)} · {row.start_time:%Y-%m-%d} · "
                      f"{row.township_name if isinstance(row.township_name, str) else MISSING} · "
                      f"{label('hotspot_kind', row.kind, lang)}"
              for row in untasked.itertuples()}
    chosen = st.selectbox(t("hotspot_to_task"), list(labels), format_func=labels.get, key="hotspot_to_task")
    if st.button(t("create_task"), key="create_task"):
        _act(t("create_task"), lambda: task_service.create_task_from_hotspot(store, user, chosen))
    selected = st.multiselect(t("dispatch_choose"), list(labels), format_func=labels.get, key="dispatch_hotspots")
    if st.button(t("dispatch_selected"), key="dispatch_selected", disabled=not selected):
        _act(t("dispatch_selected"), lambda: dispatch(store, user, selected))


def _downloads(store: Store, user: User, selection: HandlingListFilter) -> None:
    if user.role not in EXPORT_ROLES:
        st.caption(t("export_supervisors_only"))
        return
    with store_busy_guard():
        rows = task_service.handling_list(store, user, selection)
    stamp = now_beijing().strftime("%Y%m%d")
    for column, (suffix, exporter) in zip(st.columns(len(EXPORTERS)), EXPORTERS.items()):
        column.download_button(t("download", format=suffix), data=exporter(rows),
                               file_name=f"handling_list_{stamp}{suffix}", mime=EXPORT_MEDIA[suffix],
                               key=f"download{suffix}")


def render() -> None:
    """Draw the page."""
    st.title(t("hotspots_title"))
    user = acting_user()
    if user is None:
        st.info(t("sign_in_for_hotspots"))
        return
    if FLASH_KEY in st.session_state:
        st.success(st.session_state.pop(FLASH_KEY))
    with store_busy_guard():
        store = open_store()
        townships = region_frames(store)[0]
    selection = _filters(user, dict(zip(townships["code"], townships["name"])))
    _ranked_hotspots(store, user, selection)
    field_observation(store, user, townships)
    st.subheader(t("handling_tasks"))
    with store_busy_guard():
        rows = task_service.list_tasks(store, selection)
    st.caption(t("tasks_listed", count=len(rows), overdue=int(rows["overdue"].fillna(False).sum())))
    lang = current_language()
    shown = rows[LIST_COLUMNS].assign(state=rows["state"].map(state_label),
                                      kind=rows["kind"].map(lambda code: label("task_kind", code, lang)),
                                      grade=rows["grade"].map(lambda code: label("grade", code, lang)),
                                      holder_name=rows["holder_name"].fillna(t("township_as_holder")),
                                      grid_cell_name=rows["grid_cell_name"].fillna(""))
    st.dataframe(shown_table(shown), key="task_table", use_container_width=True, hide_index=True,
                 column_config={column: t(f"task_{column}") for column in LIST_COLUMNS})
    _downloads(store, user, selection)
    if rows.empty:
        return
    titles = dict(zip(rows["id"], rows["title"]))
    linked = st.query_params.get(TASK_PARAMETER)
    if linked is not None:
        if linked in titles:
            st.session_state["chosen_task"] = linked
        del st.query_params[TASK_PARAMETER]
    task_id = st.selectbox(t("choose_task"), list(titles), key="chosen_task",
                           format_func=lambda task: f"{task} · {titles[task]}")
    with store_busy_guard():
        task = task_service.get_task(store, task_id)
        history = task_service.task_history(store, task_id)
    _task_card(store, user, task, history, rows, townships)


# The task card's map snippet: small beside the card's text, the place still among its roads and names.
SNIPPET_HEIGHT_PX = 240


def _place_snippet(store: Store, task, townships: gpd.GeoDataFrame) -> None:
    """Where the task is, on a small map of the region's own geography (no tile server is asked)."""
    st.markdown(f"**{t('task_card.map')}**")
    if task.lon is None or task.lat is None:
        st.caption(t("task_card.no_position"))
        return
    with store_busy_guard():
        dust = dust_sources(store)
    snippet = place_map(townships, task.lon, task.lat, task.state.value, current_language(),
                        roads=dust.geometry[dust["kind"] == "road"],
                        asset_url=asset_base_url(st.get_option("server.baseUrlPath")))
    # No value comes back: panning the snippet must not rerun the page.
    st_folium(snippet, key="task_map", height=SNIPPET_HEIGHT_PX, use_container_width=True, returned_objects=[])


def _task_card(store: Store, user: User, task, history, rows, townships: gpd.GeoDataFrame) -> None:
    """The task card (交办单): place and its map snippet, the hotspot's sentence, the requirement and deadline
    with a countdown, the history in words, before/after photos and the actions allowed now."""
    lang = current_language()
    row = rows[rows["id"] == task.id].iloc[0]
    township_name = row["township_name"] if isinstance(row["township_name"], str) else None
    with st.container(border=True, key="task_card"):
        words, where = st.columns([3, 2])
        with words:
            st.markdown(f"**{escape_markdown(task.title)}** · {state_label(task.state.value)}")
            st.markdown(f"{t('popup_responsible_township')}：{escape_markdown(township_name or '—')} · "
                        f"{t('popup_department')}：{escape_markdown(task.department or '—')}")
            st.markdown(f":material/person_pin: {_holder_line(rows, task.id)}")
            card = task_service.with_card_sentences(rows[rows["id"] == task.id], lang)["card"].iloc[0]
            if card != "—":
                st.markdown(f"#### {escape_markdown(card)}")
            st.markdown(f"**{t('task_card.requirement')}**："
                        f"{escape_markdown(task.instructions or t('task_card.no_requirement'))}")
            deadline = f"{deadline_text(task.deadline)} · " if task.deadline else ""
            st.markdown(f"**{t('task_card.deadline')}**：{deadline}{countdown(task.deadline, now_beijing(), lang)}")
            st.markdown(f"**{t('task_card.history')}**")
            st.markdown("\n".join(f"- {escape_markdown(sentence)}" for sentence in history_sentences(history, lang)))
        with where:
            _place_snippet(store, task, townships)
    _photos(store, task.id, history)
    _task_actions(store, user, task, department_choices(rows["department"], township_name))


if __name__ == "__main__":
    render()
