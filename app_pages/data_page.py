"""The data page: upload files through the same importers as the CLI, see what the store holds, and see
the observation hours that failed quality checks."""
from __future__ import annotations

import streamlit as st

from app_pages.session import current_language, escape_markdown, t
from app_pages.sidebar import current_user
from app_pages.store_access import hotspots_for, open_store, store_busy_guard, store_overview
from core.errors import LantianError
from core.policy import User, may_upload, sees_supervisor_findings
from core.vocabulary import label
from data.hotspots import HotspotFilter
from data.quality import describe_flags
from data.stations import STATION_KINDS
from data.store import Store
from data.zones import ZONE_KINDS
from ingest.service import import_uploads

# The registers the page offers for upload (ingest.service.REGISTERS, as `lantian import <what>` takes them).
UPLOADABLE = ("stations", "observations", "cnemc", "firms", "townships", "zones")
KIND_CHOICES = {"stations": STATION_KINDS, "zones": ZONE_KINDS}
KIND_DOMAINS = {"stations": "station_kind", "zones": "zone_kind"}  # where core.vocabulary labels each kind
CRS_KINDS = ("stations", "townships", "zones")
# Shapefiles arrive as several files sharing one stem; GeoPackage and GeoJSON as one.
UPLOAD_TYPES = ["csv", "txt", "parquet", "geojson", "json", "gpkg", "shp", "shx", "dbf", "prj", "cpg"]


def _upload(store: Store, user: User) -> None:
    lang = current_language()
    st.subheader(t("upload_title"))
    what_column, kind_column, crs_column = st.columns(3)
    what = what_column.selectbox(t("upload_what"), UPLOADABLE, key="upload_what",
                                 format_func=lambda key: t(f"import_{key}"))
    kind = (kind_column.selectbox(t("upload_kind"), [None, *KIND_CHOICES[what]], key="upload_kind",
                                  format_func=lambda k: t("from_file") if k is None
                                  else label(KIND_DOMAINS[what], k, lang))
            if what in KIND_CHOICES else None)
    crs = crs_column.text_input(t("upload_crs"), key="upload_crs") if what in CRS_KINDS else None
    skip = st.checkbox(t("skip_bad_rows"), key="upload_skip")
    files = st.file_uploader(t("upload_files"), accept_multiple_files=True, type=UPLOAD_TYPES, key="upload_files")
    if st.button(t("upload_run"), key="upload_run", disabled=not files):
        try:
            with store_busy_guard():
                report = import_uploads(store, user, what, [(f.name, f.getvalue()) for f in files], kind=kind,
                                        crs=crs or None, skip_bad_rows=skip)
        except LantianError as error:
            st.error(escape_markdown(error.render(lang)))
            return
        st.success(escape_markdown(report.summary(lang)))
        for note in report.notes:
            st.caption(escape_markdown(note.render(lang)))


def _headers(columns) -> dict[str, str]:
    """Column name -> its header in the interface language (the ``col_`` strings of core.vocabulary)."""
    return {column: t(f"col_{column}") for column in columns}


def _holdings(store: Store, user: User, show_anomalies: bool) -> None:
    with store_busy_guard():
        holdings, flagged = store_overview(store)
        detected = hotspots_for(store, user, HotspotFilter(kinds=("anomaly",))) if show_anomalies else None
    st.subheader(t("holdings_title"))
    st.dataframe(holdings.assign(data=holdings["data"].map(lambda key: t(f"table_{key}"))), key="holdings",
                 hide_index=True, use_container_width=True, column_config=_headers(holdings.columns))
    if not show_anomalies:
        return
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
    user = current_user()
    if user is None:
        st.info(t("sign_in_required"))
        return
    with store_busy_guard():
        store = open_store()
    if may_upload(user):
        _upload(store, user)
    _holdings(store, user, show_anomalies=sees_supervisor_findings(user))


if __name__ == "__main__":
    render()
