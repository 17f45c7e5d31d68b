"""The emergency-response page (应急管控): alerts (suggestion, issue, change, lift, history), the checklist of an
alert by township with its tasks and compliance records, the dashboard by township and grade, the reduction
list's totals and edits, and the report with the public notices."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app_pages.actions import run_action, signed_in_page, uploads
from app_pages.session import current_language, escape_markdown, t
from app_pages.store_access import open_store, region_frames, store_busy_guard
from core.policy import User, may_record_compliance, may_run_emergency, own_township_only
from core.timeutil import now_beijing
from core.vocabulary import label
from data.alerts import ALERT_LEVELS
from data.store import Store
from emergency import alerts, checklist
from emergency.report import alert_summary, notice_text, report_docx

FLASH_KEY = "emergency_flash"
PHOTO_TYPES = ["jpg", "jpeg", "png", "webp"]
ISSUE_LEVELS = ("yellow", "orange", "red", "blue")


def _act(done: str, action) -> None:
    run_action(FLASH_KEY, done, action)


def _alert_title(row, lang: str, names: dict[str, str]) -> str:
    area = "、".join(names.get(code, code) for code in row.area_codes) or t("alert.whole_city")
    return f"{label('alert_level', row.level, lang)} · {row.starts_at:%Y-%m-%d} · {area}"


def _suggestion(store: Store) -> None:
    suggestion, _ = alerts.alert_suggestion(store, now_beijing().date())
    lang = current_language()
    if suggestion is None:
        st.caption(t("alert.no_suggestion"))
        return
    st.warning(t("alert.suggestion", level=label("alert_level", suggestion.level, lang),
                 first=f"{suggestion.first_day:%m-%d}", last=f"{suggestion.last_day:%m-%d}", days=suggestion.days,
                 peak=suggestion.peak_aqi, forecast=suggestion.forecast_days))


def _issue_form(store: Store, user: User, names: dict[str, str]) -> None:
    lang = current_language()
    today = now_beijing().date()
    with st.expander(t("alert.issue_heading")), st.form("alert_issue"):
        level = st.selectbox(t("alert.level_field"), ISSUE_LEVELS, format_func=lambda code: label("alert_level", code, lang))
        first, last = st.columns(2)
        start = first.date_input(t("alert.from_field"), today, key="alert_from")
        end = last.date_input(t("alert.to_field"), today + dt.timedelta(days=2), key="alert_to")
        area = st.multiselect(t("alert.area_field"), list(names), format_func=names.get, key="alert_area")
        trigger, aqi = st.columns(2)
        kind = trigger.selectbox(t("alert.trigger_field"), alerts.TRIGGER_KINDS,
                                 format_func=lambda code: label("trigger_kind", code, lang))
        value = aqi.number_input(t("alert.aqi_field"), 0, 500, 220)
        note = st.text_input(t("alert.note_field"), key="alert_note")
        if st.form_submit_button(t("alert.issue_button"), type="primary"):
            _act(t("alert.issue_button"), lambda: alerts.issue_alert(
                store, user, level, dt.datetime.combine(start, dt.time()),
                dt.datetime.combine(end + dt.timedelta(days=1), dt.time()), area_codes=area, trigger_kind=kind,
                trigger_aqi=int(value), note=note))


def _change_form(store: Store, user: User, alert: dict) -> None:
    if alert["lifted_at"] is not None:
        return
    lang = current_language()
    with st.expander(t("alert.change_heading")):
        with st.form("alert_change"):
            level = st.selectbox(t("alert.level_field"), ALERT_LEVELS, index=ALERT_LEVELS.index(alert["level"]),
                                 format_func=lambda code: label("alert_level", code, lang))
            note = st.text_input(t("alert.note_field"), key="change_note")
            if st.form_submit_button(t("alert.change_button")):
                _act(t("alert.change_button"), lambda: alerts.change_alert(
                    store, user, alert["id"], level=level, comment=note, expected_version=alert["version"]))
        with st.form("alert_lift"):
            note = st.text_input(t("alert.note_field"), key="lift_note")
            if st.form_submit_button(t("alert.lift_button"), type="primary"):
                _act(t("alert.lift_button"), lambda: alerts.lift_alert(
                    store, user, alert["id"], comment=note, expected_version=alert["version"]))


def _history(store: Store, alert_id: str) -> None:
    lang = current_language()
    history = alerts.alert_history(store, alert_id)
    st.markdown(f"**{t('alert.history_heading')}**")
    st.dataframe(pd.DataFrame({
        t("alert.col_time"): history["occurred_at"].dt.strftime("%Y-%m-%d %H:%M"),
        t("alert.col_action"): history["action"].map(lambda code: label("alert_action", code, lang)),
        t("alert.col_level"): history["level"].map(lambda code: label("alert_level", code, lang)),
        t("alert.col_actor"): history["actor"], t("alert.col_comment"): history["comment"].fillna("")}),
        hide_index=True, width="stretch", key="alert_history")


def _checklist(store: Store, user: User, alert: dict, names: dict[str, str]) -> None:
    lang = current_language()
    st.subheader(t("alert.checklist_heading"))
    own = own_township_only(user)
    area = list(alert["area_codes"]) or list(names)
    codes = [own] if own else [""] + area
    township = st.selectbox(t("alert.township_filter"), codes, disabled=bool(own), key="checklist_township",
                            format_func=lambda code: names.get(code, code) if code else t("alert.all_townships"))
    with store_busy_guard():
        rows = checklist.checklist(store, alert["id"], township or None)
    result = rows["compliant"].map(lambda value: "—" if pd.isna(value) else t(
        "alert.compliant_yes" if value else "alert.compliant_no"))
    st.dataframe(pd.DataFrame({
        t("alert.col_township"): rows["township_code"].map(lambda code: names.get(code, code)),
        t("alert.col_name"): rows["name"],
        t("alert.col_source_kind"): rows["source_kind"].map(lambda code: label("source_kind", code, lang)),
        t("alert.col_grade"): rows["grade"].map(lambda code: label("performance_grade", code, lang)),
        t("alert.col_measures"): [checklist.measure_text(row) for row in rows.itertuples()],
        t("alert.col_task"): rows["task_id"].fillna("—"), t("alert.col_result"): result}),
        hide_index=True, width="stretch", key="checklist_table")
    if may_run_emergency(user) and len(rows):
        if st.button(t("alert.make_tasks"), key="make_tasks"):
            _act(t("alert.make_tasks"), lambda: checklist.make_checklist_tasks(store, user, alert["id"], township or None))
    if may_record_compliance(user) and len(rows) and alert["lifted_at"] is None:
        sources = dict(zip(rows["source_id"], rows["name"]))
        with st.expander(t("alert.record_heading")), st.form("record_compliance"):
            source = st.selectbox(t("alert.source_field"), list(sources), format_func=sources.get)
            compliant = st.checkbox(t("alert.compliant_field"), value=True)
            photos = st.file_uploader(t("alert.photo_field"), accept_multiple_files=True, type=PHOTO_TYPES,
                                      key="compliance_photos")
            note = st.text_input(t("alert.note_field"), key="compliance_note")
            if st.form_submit_button(t("alert.record_button"), type="primary"):
                _act(t("alert.record_button"), lambda: checklist.record_compliance(
                    store, user, alert["id"], source, compliant=compliant, photos=uploads(photos), note=note))


def _dashboard(store: Store, alert: dict, names: dict[str, str]) -> None:
    lang = current_language()
    st.subheader(t("alert.dashboard_heading"))
    board = checklist.compliance_dashboard(store, alert["id"])
    st.dataframe(pd.DataFrame({
        t("alert.col_township"): board["township_code"].map(lambda code: names.get(code, code)),
        t("alert.col_grade"): board["grade"].map(lambda code: label("performance_grade", code, lang)),
        t("alert.col_sources"): board["sources"], t("alert.col_checked"): board["checked"],
        t("alert.col_compliant"): board["compliant"], t("alert.col_not_compliant"): board["not_compliant"],
        t("alert.col_unchecked"): board["unchecked"],
        t("alert.col_rate"): board["compliance_rate"].map(lambda rate: "—" if pd.isna(rate) else f"{rate:.0%}")}),
        hide_index=True, width="stretch", key="compliance_board")


def _report(store: Store, alert: dict) -> None:
    lang = current_language()
    summary = alert_summary(store, alert["id"])
    st.download_button(t("alert.report_button"), report_docx(summary, lang), file_name=f"{alert['id']}.docx",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       key="alert_report")
    with st.expander(t("alert.notices_heading")):
        for kind in ("issue", "lift"):
            st.markdown(escape_markdown(notice_text(summary, kind, lang)))


def _reduction_list(store: Store, user: User) -> None:
    lang = current_language()
    st.subheader(t("alert.list_totals_heading"))
    totals = checklist.reduction_totals(store)
    st.dataframe(pd.DataFrame({
        t("alert.col_level"): totals["level"].map(lambda code: label("alert_level", code, lang)),
        t("alert.col_sources_total"): totals["sources"], t("alert.col_enterprises"): totals["enterprises"],
        t("alert.col_sites"): totals["sites"],
        **{label("measure", flag, lang): totals[flag] for flag in checklist.MEASURE_FLAGS},
        t("alert.col_mean_cut"): totals["mean_output_cut_share"].map(lambda share: "—" if pd.isna(share) else f"{share:.0%}")}),
        hide_index=True, width="stretch", key="reduction_totals")
    if not may_run_emergency(user):
        return
    rows = checklist.reduction_list(store)
    if rows.empty:
        return
    keys = list(zip(rows["source_id"], rows["level"]))
    titles = {key: f"{name} · {label('alert_level', key[1], lang)}" for key, name in zip(keys, rows["name"])}
    with st.expander(t("alert.edit_heading")):
        chosen = st.selectbox(t("alert.source_field"), keys, format_func=titles.get, key="edit_row")
        row = rows.set_index(["source_id", "level"]).loc[chosen]
        with st.form("edit_measure"):
            grades = list(checklist.GRADE_ORDER)
            grade = st.selectbox(t("alert.col_grade"), grades, index=grades.index(row["grade"]) if row["grade"] in grades
                                 else 0, format_func=lambda code: label("performance_grade", code, lang))
            share = st.slider(t("alert.share_field"), 0, 100, int(round((row["output_cut_share"] or 0) * 100))
                              if pd.notna(row["output_cut_share"]) else 0)
            earthwork = st.checkbox(label("measure", "stop_earthwork", lang), value=bool(row["stop_earthwork"]))
            off_peak = st.checkbox(label("measure", "off_peak_transport", lang), value=bool(row["off_peak_transport"]))
            measures = st.text_area(t("alert.col_measures"), value=row["measures"] or "")
            if st.form_submit_button(t("alert.edit_button")):
                _act(t("alert.edit_button"), lambda: checklist.edit_measure(
                    store, user, chosen[0], chosen[1], grade=grade, output_cut_share=share / 100,
                    stop_earthwork=earthwork, off_peak_transport=off_peak, measures=measures))


def render() -> None:
    """Draw the page."""
    user = signed_in_page("emergency_page", "alert.sign_in", FLASH_KEY)
    if user is None:
        return
    with store_busy_guard():
        store = open_store()
        townships = region_frames(store)[0]
        listed = alerts.list_alerts(store)
    names = dict(zip(townships["code"], townships["name"]))
    lang = current_language()
    alert_tab, check_tab, list_tab = st.tabs([t("alert.list_heading"), t("alert.checklist_heading"),
                                              t("alert.list_totals_heading")])
    with alert_tab:
        if may_run_emergency(user):
            _suggestion(store)
            _issue_form(store, user, names)
        if listed.empty:
            st.info(t("alert.none"))
        else:
            titles = {row.id: _alert_title(row, lang, names) for row in listed.itertuples()}
            chosen = st.selectbox(t("alert.choose"), list(titles), format_func=titles.get, key="chosen_alert")
            alert = alerts.get_alert(store, chosen)
            _history(store, chosen)
            if may_run_emergency(user):
                _change_form(store, user, alert)
            _report(store, alert)
    with check_tab:
        if not listed.empty:
            alert = alerts.get_alert(store, st.session_state.get("chosen_alert", listed["id"].iloc[0]))
            st.caption(titles[alert["id"]])
            _checklist(store, user, alert, names)
            _dashboard(store, alert, names)
        else:
            st.info(t("alert.none"))
    with list_tab:
        _reduction_list(store, user)


if __name__ == "__main__":
    render()
