"""The data page: upload every register through the same importers as the CLI (each with its templates to
download), see what the store holds, the township register (townships without a boundary), the rasters,
and the observation hours that failed quality checks."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.session import current_language, escape_markdown, t
from app_pages.sidebar import current_user
from app_pages.store_access import (
    hotspots_for,
    open_store,
    register_overview,
    store_busy_guard,
    store_overview,
)
from core.errors import LantianError
from core.policy import User, may_upload, sees_supervisor_findings
from core.vocabulary import label
from data.hotspots import HotspotFilter
from data.quality import describe_flags
from data.stations import STATION_KINDS
from data.store import Store
from data.zones import ZONE_KINDS
from ingest.dust import DUST_KINDS
from ingest.fires import FIRE_KINDS
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
        try:
            with store_busy_guard():
                report = import_uploads(store, user, what, [(f.name, f.getvalue()) for f in files], skip_bad_rows=skip,
                                        **given)
        except LantianError as error:
            st.error(escape_markdown(error.render(lang)))
            return
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
    user = current_user()
    if user is None:
        st.info(t("sign_in_required"))
        return
    with store_busy_guard():
        store = open_store()
    if may_upload(user):
        _upload(store, user)
    _holdings(store)
    _register(store)
    if sees_supervisor_findings(user):
        _anomalies(store, user)


if __name__ == "__main__":
    render()
