"""The data page: upload every register through the same importers as the CLI (each with its templates to
download), see what the store holds, the township register (townships without a boundary), the rasters,
the grid register (its people edited by supervisors), when the daily run last ran and what it did, the
mails and webhook calls sent, and the observation hours that failed quality checks."""
from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from app_pages.session import current_language, escape_markdown, t
from app_pages.sidebar import acting_user
from app_pages.store_access import (
    grid_overview,
    hotspots_for,
    open_store,
    register_overview,
    store_busy_guard,
    store_overview,
)
from core.errors import BadInputError, LantianError
from core.policy import DASHBOARD_ROLES, GRID_EDIT_ROLES, User, may_upload, sees_supervisor_findings
from core.vocabulary import label
from data.hotspots import HotspotFilter
from data.quality import describe_flags
from data.stations import STATION_KINDS
from data.store import Store
from data.zones import ZONE_KINDS
from hotspots.grid_register import update_people
from hotspots.tasks import TASK_KINDS
from ingest.dust import DUST_KINDS
from ingest.fires import FIRE_KINDS
from ingest.grid import duty_codes
from ingest.rasters import RASTER_KINDS
from ingest.service import REGISTERS, import_uploads
from ingest.templates import TEMPLATES, template_csv, template_xlsx

# The registers the page offers for upload: every one `lantian import <what>` takes, in the same order.
UPLOADABLE = tuple(REGISTERS)
# Registers whose files may lack a kind column: the kinds to choose from and where the vocabulary labels them.
KIND_CHOICES = {"stations": (STATION_KINDS, "station_kind"), "zones": (ZONE_KINDS, "zone_kind"),
                "dust-sources": (tuple(dict.fromkeys(DUST_KINDS.values())), "source_kind"),
                "fires": (FIRE_KINDS, "fire_source"), "raster": (RASTER_KINDS, "raster_kind")}
# Shapefiles arrive as several files sharing one stem; GeoPackage and GeoJSON as one.
UPLOAD_TYPES = ["csv", "txt", "xlsx", "xlsm", "parquet", "geojson", "json", "gpkg", "shp", "shx", "dbf", "prj", "cpg",
                "tif", "tiff"]
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _templates(what: str) -> None:
    """Download buttons for the register's templates (CSV and Excel), or why it has none."""
    names = [name for name, template in TEMPLATES.items() if template.register == what]
    if not names:
        st.caption(t("no_template"))
        return
    lang = current_language()
    st.caption(t("template_caption"))
    for name in names:
        titled = len(names) > 1
        csv_column, xlsx_column = st.columns(2)
        csv_column.download_button(
            t("template_download", format=f"{t(f'template_of_{name}')} CSV" if titled else "CSV"),
            template_csv(name), file_name=f"{name}.csv", mime="text/csv", key=f"template_csv_{name}",
            use_container_width=True)
        xlsx_column.download_button(
            t("template_download", format=f"{t(f'template_of_{name}')} Excel" if titled else "Excel"),
            template_xlsx(name, lang), file_name=f"{name}.xlsx", mime=XLSX_MIME, key=f"template_xlsx_{name}",
            use_container_width=True)


def _upload(store: Store, user: User) -> None:
    lang = current_language()
    st.subheader(t("upload_title"))
    what = st.selectbox(t("upload_what"), UPLOADABLE, key="upload_what", format_func=lambda key: t(f"import_{key}"))
    options = REGISTERS[what].options
    _templates(what)
    choices = []
    if what in KIND_CHOICES:
        choices.append("kind")
    choices += [name for name in ("crs", "sheet", "period") if name in options]
    columns = st.columns(max(len(choices), 1))
    given: dict[str, str | None] = {}
    for column, name in zip(columns, choices):
        if name == "kind":
            kinds, domain = KIND_CHOICES[what]
            given["kind"] = column.selectbox(t("upload_kind"), [None, *kinds], key="upload_kind",
                                             format_func=lambda k, d=domain: t("from_file") if k is None
                                             else label(d, k, lang))
        else:
            given[name] = column.text_input(t(f"upload_{name}"), key=f"upload_{name}").strip() or None
    skip = st.checkbox(t("skip_bad_rows"), key="upload_skip")
    files = st.file_uploader(t("upload_files"), accept_multiple_files=True, type=UPLOAD_TYPES, key="upload_files")
    if st.button(t("upload_run"), key="upload_run", disabled=not files, type="primary"):
        register = t(f"import_{what}")
        # A large file takes a while to check and store: the running status says so until it ends.
        status = st.status(t("upload_running", files=len(files), what=register))
        outcome = "upload_refused"
        try:
            with store_busy_guard():
                report = import_uploads(store, user, what, [(f.name, f.getvalue()) for f in files], skip_bad_rows=skip,
                                        **given)
            outcome = "upload_done"
        except LantianError as error:
            st.error(escape_markdown(error.render(lang)))
            return
        finally:  # also when a busy store ends the page
            status.update(label=t(outcome, what=register), state="complete" if outcome == "upload_done" else "error")
        st.success(escape_markdown(report.summary(lang)))
        for name, content in report.rejected_downloads:
            st.download_button(t("rejected_download", file=name), content, file_name=name, mime="text/csv",
                               key=f"rejected_{name}")
        for note in report.notes:
            st.caption(escape_markdown(note.render(lang)))


def _headers(columns) -> dict[str, str]:
    """Column name -> its header in the interface language (the ``col_`` strings of core.vocabulary)."""
    return {column: t(f"col_{column}") for column in columns}


def _register(store: Store) -> None:
    """The township register, townships still without a boundary named first, and the stored rasters."""
    lang = current_language()
    with store_busy_guard():
        townships, rasters = register_overview(store)
    st.subheader(t("townships_title"))
    unbounded = townships[~townships["has_boundary"]]
    if unbounded.empty:
        st.caption(t("all_townships_bounded"))
    else:
        st.warning(escape_markdown(t("townships_without_boundary", count=len(unbounded),
                                     names="、".join(unbounded["name"].head(12)))))
    if not townships.empty:
        shown = townships.assign(kind=townships["kind"].map(lambda code: label("township_kind", code, lang)),
                                 county=townships["county"].fillna(""), city=townships["city"].fillna(""))
        columns = ["code", "name", "kind", "county", "city", "has_boundary", "provisional", "stations"]
        st.dataframe(shown[columns], key="township_register", hide_index=True, use_container_width=True,
                     column_config=_headers(columns))
    st.subheader(t("rasters_title"))
    if rasters.empty:
        st.caption(t("no_rasters"))
        return
    shown = rasters.assign(kind=rasters["kind"].map(lambda code: label("raster_kind", code, lang)))
    columns = ["kind", "period", "source", "crs"]
    st.dataframe(shown[columns], key="rasters", hide_index=True, use_container_width=True,
                 column_config=_headers(columns))


def _holdings(store: Store) -> None:
    with store_busy_guard():
        holdings, _ = store_overview(store)
    st.subheader(t("holdings_title"))
    shown = holdings.assign(data=holdings["data"].map(lambda key: t(f"table_{key}")),
                            **{column: holdings[column].map(_when) for column in ("first", "last")})
    st.dataframe(shown, key="holdings", hide_index=True, use_container_width=True,
                 column_config=_headers(holdings.columns))


def _when(value) -> str:
    """A time as the page shows it: to the minute, blank when there is none."""
    return "" if pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d %H:%M}"


def _duties_text(kinds: list[str], lang: str) -> str:
    """A person's duties as the register writes them: kind labels joined by 、, or 全部 for every kind."""
    return "、".join(label("task_kind", kind, lang) for kind in kinds) if kinds else t("all")


def _grid(store: Store, user: User) -> None:
    """The grid's cells and people; a supervisor edits people's phone, e-mail, duties, sign-in and duty."""
    lang = current_language()
    with store_busy_guard():
        cells, people, _, _ = grid_overview(store)
    st.subheader(t("grid_title"))
    if cells.empty:
        st.caption(t("grid_empty"))
        return
    cell_columns = ["code", "name", "level", "township_name", "parent_code", "shaped"]
    st.dataframe(cells.assign(level=cells["level"].map(lambda code: label("grid_level", code, lang)),
                              parent_code=cells["parent_code"].fillna(""))[cell_columns],
                 key="grid_cells", hide_index=True, use_container_width=True,
                 column_config={**_headers(cell_columns), "name": t("col_cell_name")})
    people_columns = ["id", "cell_name", "name", "post", "phone", "email", "duties", "user_name", "active"]
    shown = people.assign(post=people["post"].map(lambda code: label("grid_post", code, lang)),
                          duties=people["duties"].map(lambda kinds: _duties_text(kinds, lang)),
                          **{column: people[column].fillna("") for column in ("phone", "email", "user_name")}
                          )[people_columns]
    config = {**_headers(people_columns), "cell_name": t("col_cell_name"), "name": t("col_person_name")}
    if user.role not in GRID_EDIT_ROLES:
        st.dataframe(shown, key="grid_people", hide_index=True, use_container_width=True, column_config=config)
        return
    edited = st.data_editor(shown, key="grid_people_editor", hide_index=True, use_container_width=True,
                            column_config=config, disabled=["id", "cell_name", "name", "post"])
    changed = edited[(edited.fillna("") != shown.fillna("")).any(axis=1)]
    if st.button(t("grid_save"), key="grid_save", disabled=changed.empty):
        try:
            changes = [{"id": row.id, "phone": row.phone, "email": row.email, "user_name": row.user_name,
                        "active": row.active, "duties": _duty_kinds(row.duties, row.id)} for row in changed.itertuples()]
            with store_busy_guard():
                count = update_people(store, user, changes)
        except LantianError as error:
            st.error(escape_markdown(error.render(lang)))
            return
        st.success(t("grid_saved", count=count))


def _duty_kinds(text: str | None, person: str) -> list[str]:
    """The kind codes a duties cell names (every kind for 全部 or blank); BadInputError for a word it does not know."""
    if text is None or not str(text).strip() or str(text).strip() == t("all"):
        return []
    codes = duty_codes(str(text))
    if codes is None:
        raise BadInputError("error.unknown_duties", field="duties", person=person, kinds=text,
                            known=[label("task_kind", kind, current_language()) for kind in TASK_KINDS])
    return json.loads(codes)


def _runs(store: Store) -> None:
    """When the daily run last ran and what it did, each run, and the mails and webhook calls sent."""
    lang = current_language()
    with store_busy_guard():
        _, _, runs, outbox = grid_overview(store)
    st.subheader(t("runs_title"))
    if runs.empty:
        st.caption(t("runs_none"))
    else:
        summaries = [json.loads(text) if isinstance(text, str) else {} for text in runs["summary"]]
        figures = pd.DataFrame({
            "day": runs["day"].astype(str), "started_at": runs["started_at"].map(_when),
            "finished_at": runs["finished_at"].map(_when),
            "outcome": runs["outcome"].map(lambda code: label("run_outcome", code, lang)),
            "detected": [s.get("detected", 0) for s in summaries],
            "escalated": [len(s.get("escalated", [])) for s in summaries],
            "dispatched": [len(s.get("dispatched", [])) for s in summaries],
            "delivered": [s.get("delivered", 0) for s in summaries],
            "retrying": [s.get("retrying", 0) for s in summaries]})
        last = figures.iloc[0]
        st.markdown(t("runs_last", when=last["started_at"], outcome=last["outcome"], detected=last["detected"],
                      escalated=last["escalated"], dispatched=last["dispatched"], delivered=last["delivered"],
                      retrying=last["retrying"]))
        st.dataframe(figures, key="daily_runs", hide_index=True, use_container_width=True,
                     column_config=_headers(figures.columns))
    st.subheader(t("outbox_title"))
    if outbox.empty:
        st.caption(t("outbox_empty"))
        return
    columns = ["created_at", "channel", "recipient", "subject", "attempts", "delivered_at", "last_error"]
    shown = outbox.assign(channel=outbox["channel"].map(lambda code: label("channel", code, lang)),
                          **{column: outbox[column].map(_when) for column in ("created_at", "delivered_at")})
    st.dataframe(shown[columns], key="outbox", hide_index=True, use_container_width=True,
                 column_config=_headers(columns))


def _anomalies(store: Store, user: User) -> None:
    """Detected data anomalies and the hours flagged on import (supervisors and inspectors)."""
    with store_busy_guard():
        _, flagged = store_overview(store)
        detected = hotspots_for(store, user, HotspotFilter(kinds=("anomaly",)))
    st.subheader(t("anomalies_title"))
    st.caption(t("detected_anomalies"))
    anomaly_columns = ["rank", "station_code", "township_name", "start_time", "end_time", "hours", "context"]
    st.dataframe(detected[anomaly_columns], key="detected_anomalies", hide_index=True, use_container_width=True,
                 column_config=_headers(anomaly_columns))
    st.caption(t("flagged_hours"))
    if flagged.empty:
        st.info(t("no_anomalies"))
        return
    flagged = flagged.assign(problems=flagged["quality_flag"].map(lambda v: ", ".join(describe_flags(int(v)))))
    flagged_columns = ["station_code", "problems", "hours", "first", "last"]
    st.dataframe(flagged[flagged_columns], key="anomalies", hide_index=True, use_container_width=True,
                 column_config=_headers(flagged_columns))


def render() -> None:
    """Draw the page."""
    st.title(t("data_title"))
    user = acting_user()
    if user is None:
        st.info(t("sign_in_required"))
        return
    with store_busy_guard():
        store = open_store()
    if may_upload(user):
        _upload(store, user)
    _holdings(store)
    _register(store)
    _grid(store, user)
    if user.role in DASHBOARD_ROLES:
        _runs(store)
    if sees_supervisor_findings(user):
        _anomalies(store, user)


if __name__ == "__main__":
    render()
