"""The reduction list during an alert: its totals per level, a supervisor's edit, the per-township
checklist of sources that must act, its tasks (through the task service), compliance found per source
with a photo, and the dashboard of compliance by township and grade."""
from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pandas as pd

from core.errors import BadInputError
from core.policy import User, require_compliance, require_emergency
from core.vocabulary import label
from data import alerts as alert_repo
from data import reductions as repo
from data.alerts import ALERT_LEVELS, LEVEL_RANK
from data.store import Store
from hotspots.attachments import Upload
from hotspots.changes import change, clean_text, moment, save_photos
from hotspots.task_service import record_field_observation

MEASURE_FLAGS = ("stop_lines", "output_cut", "stop_earthwork", "off_peak_transport")
GRADE_ORDER = ("leading", "A", "B", "B-", "C", "D")
# Checklist tasks are graded like a field finding of the middle grade: a response within the alert.
CHECKLIST_TASK_GRADE = "II"


def _measure_flags(measures: pd.DataFrame) -> pd.DataFrame:
    """Which kinds of measure each list row holds (stop_lines, output_cut, stop_earthwork, off_peak_transport)."""
    return pd.DataFrame({
        "stop_lines": measures["stop_lines"].fillna("").str.strip().ne("").to_numpy(),
        "output_cut": (measures["output_cut_share"].fillna(0) > 0).to_numpy(),
        "stop_earthwork": measures["stop_earthwork"].fillna(False).astype(bool).to_numpy(),
        "off_peak_transport": measures["off_peak_transport"].fillna(False).astype(bool).to_numpy()},
        index=measures.index)


def must_act(measures: pd.DataFrame) -> np.ndarray:
    """Which list rows ask the source to do something (a measure flag or a written measure)."""
    return (_measure_flags(measures).any(axis=1) | measures["measures"].fillna("").str.strip().ne("")).to_numpy()


def reduction_totals(store: Store) -> pd.DataFrame:
    """The reduction list's totals per alert level: sources, enterprises, sites, and how many sources
    stop lines, cut output (and the mean share cut), stop earthwork, move transport off-peak."""
    with store.read() as con:
        measures = repo.read_measures(con)
    flags = _measure_flags(measures)
    frame = pd.concat([measures[["level", "source_kind", "output_cut_share"]], flags], axis=1)
    rows = []
    for level in ALERT_LEVELS:
        mine = frame[frame["level"] == level]
        rows.append({"level": level, "sources": len(mine), "enterprises": int((mine["source_kind"] == "enterprise").sum()),
                     "sites": int((mine["source_kind"] == "site").sum()),
                     **{flag: int(mine[flag].sum()) for flag in MEASURE_FLAGS},
                     "mean_output_cut_share": float(mine.loc[mine["output_cut"], "output_cut_share"].mean())
                     if mine["output_cut"].any() else np.nan})
    return pd.DataFrame(rows)


def reduction_list(store: Store, level: str | None = None) -> pd.DataFrame:
    """The reduction list (data.reductions.MEASURE_COLUMNS), optionally one level's rows."""
    with store.read() as con:
        return repo.read_measures(con, level)


def edit_measure(store: Store, user: User, source_id: str, level: str, **values) -> None:
    """Change a list row's grade or measures (supervisor): grade (A, B, B-, C, D, leading), stop_lines,
    output_cut_share (fraction 0–1), stop_earthwork, off_peak_transport, measures."""
    require_emergency(user)
    if "grade" in values and values["grade"] not in GRADE_ORDER:
        raise BadInputError("error.unknown_performance_grade", field="grade", grade=values["grade"],
                            known=list(GRADE_ORDER))
    share = values.get("output_cut_share")
    if share is not None and not 0 <= share <= 1:
        raise BadInputError("error.share_out_of_range", field="output_cut_share", share=share)
    for name in ("stop_lines", "measures"):
        if name in values:
            values[name] = clean_text(values[name], name)
    with change(store, user) as (con, _):
        if not repo.update_measure(con, source_id, level, values):
            raise BadInputError("error.no_such_list_row", field="source_id", source=source_id, level=level)


def _alert(con, alert_id: str) -> dict:
    alert = alert_repo.read_alert(con, alert_id)
    if alert is None:
        raise BadInputError("error.no_such_alert", field="alert_id", alert=alert_id)
    return alert


def _rows_for(measures: pd.DataFrame, level: str) -> pd.DataFrame:
    """Per source, its list row for ``level``, else for the highest level below it it has one for."""
    eligible = measures[measures["level"].map(LEVEL_RANK) <= LEVEL_RANK[level]]
    ranked = eligible.assign(rank=eligible["level"].map(LEVEL_RANK)).sort_values(["source_id", "rank"])
    return ranked.drop_duplicates("source_id", keep="last").drop(columns="rank").rename(
        columns={"level": "measure_level"})


def checklist(store: Store, alert_id: str, township_code: str | None = None) -> pd.DataFrame:
    """The sources in the alert's area (one township's with ``township_code``) that must act at its level
    (their list row for it, else the nearest lower one): MEASURE_COLUMNS with measure_level, task_id and
    task state, and the latest check (compliant, checked_at, inspector), ordered by township and grade
    (D first: the worst performers cut most and are checked first)."""
    with store.read() as con:
        alert = _alert(con, alert_id)
        areas = [township_code] if township_code else list(alert["area_codes"])
        measures = repo.read_measures(con, None, areas)
        tasks = repo.read_emergency_tasks(con, alert_id)
        checks = repo.read_checks(con, alert_id)
    if township_code and alert["area_codes"] and township_code not in alert["area_codes"]:
        measures = measures.iloc[0:0]
    rows = _rows_for(measures, alert["level"])
    rows = rows[must_act(rows)]
    latest = checks.sort_values(["checked_at", "id"]).drop_duplicates("source_id", keep="last")
    rows = rows.merge(tasks[["source_id", "task_id", "state"]].rename(columns={"state": "task_state"}),
                      on="source_id", how="left")
    rows = rows.merge(latest[["source_id", "compliant", "checked_at", "inspector"]], on="source_id", how="left")
    order = {grade: rank for rank, grade in enumerate(reversed(GRADE_ORDER))}
    rows = rows.assign(grade_order=rows["grade"].map(order).fillna(len(order)))
    return rows.sort_values(["township_code", "grade_order", "source_id"]).drop(columns="grade_order").reset_index(drop=True)


def measure_text(row) -> str:
    """The measures of one checklist row in Chinese, as the task carries them to the township: the
    written measures, preceded by what the flags say that the text does not already."""
    written = row.measures.strip() if isinstance(row.measures, str) else ""
    parts = []
    if isinstance(row.stop_lines, str) and row.stop_lines.strip():
        parts.append(f"停产：{row.stop_lines.strip()}")
    if pd.notna(row.output_cut_share) and 0 < row.output_cut_share < 1:
        parts.append(f"限产{row.output_cut_share:.0%}")
    if bool(row.stop_earthwork):
        parts.append("停止土石方作业")
    if bool(row.off_peak_transport):
        parts.append("错峰运输")
    return "；".join([part for part in parts if part not in written] + ([written] if written else []))


def make_checklist_tasks(store: Store, user: User, alert_id: str, township_code: str | None = None,
                         now: datetime | None = None) -> list[str]:
    """Make one task (a field task through hotspots.task_service, at the source's position) per checklist
    source that has none yet for this alert, so the township's grid people check it; returns the new
    task ids. Making them again adds none. Sources without a position are left out (BadInputError when
    that leaves nothing to make while some lack one)."""
    require_emergency(user)
    now = moment(now)
    rows = checklist(store, alert_id, township_code)
    alert = get_alert_level(store, alert_id)
    todo = rows[rows["task_id"].isna()]
    placed = todo[todo["lon"].notna() & todo["lat"].notna() & todo["township_code"].notna()]
    if placed.empty and len(todo):
        raise BadInputError("error.checklist_sources_unplaced", field="lon/lat", sources=todo["source_id"].tolist()[:8])
    made = []
    level_name = label("alert_level", alert, "zh")  # the stored title is Chinese, as officials file it
    for row in placed.itertuples():
        task = record_field_observation(
            store, user, float(row.lon), float(row.lat), title=f"{level_name}预警应急减排核查：{row.name}",
            description=measure_text(row) or "按应急减排清单落实减排措施", grade=CHECKLIST_TASK_GRADE,
            township_code=row.township_code, now=now)
        with change(store, user) as (con, _):
            repo.insert_emergency_task(con, alert_id, row.source_id, task.id, now)
        made.append(task.id)
    return made


def get_alert_level(store: Store, alert_id: str) -> str:
    with store.read() as con:
        return _alert(con, alert_id)["level"]


def record_compliance(store: Store, user: User, alert_id: str, source_id: str, *, compliant: bool,
                      photos: Sequence[Upload], note: str | None = None, now: datetime | None = None) -> dict:
    """Record what an inspector found at a checklist source during the alert: compliant or not, with at
    least one photo (checked and saved as task photos are) and a note (required when not compliant).
    ``now`` is naive Beijing time and must fall within the alert."""
    require_compliance(user)
    now = moment(now)
    if not photos:
        raise BadInputError("error.compliance_photo_required", field="photos")
    note = clean_text(note, "note", required=not compliant)
    rows = checklist(store, alert_id)
    source = rows[rows["source_id"] == source_id]
    if source.empty:
        raise BadInputError("error.source_not_on_checklist", field="source_id", source=source_id, alert=alert_id)
    with change(store, user) as (con, written):
        alert = _alert(con, alert_id)
        until = alert["lifted_at"] or alert["ends_at"]
        if not alert["starts_at"] <= now < until:
            raise BadInputError("error.check_outside_alert", field="checked_at", at=f"{now:%Y-%m-%d %H:%M}")
        saved = save_photos(store, written, photos)
        check = {"id": f"C{now:%Y%m%d}-{uuid.uuid4().hex[:8]}", "alert_id": alert_id, "source_id": source_id,
                 "township_code": source["township_code"].iloc[0], "checked_at": now, "compliant": bool(compliant),
                 "note": note, "inspector": user.name, "photos": json.dumps([item["name"] for item in saved]),
                 "task_id": None if pd.isna(source["task_id"].iloc[0]) else source["task_id"].iloc[0]}
        repo.insert_check(con, check)
    return check


def compliance_dashboard(store: Store, alert_id: str) -> pd.DataFrame:
    """Compliance during the alert by township and grade: sources that must act, checked, compliant,
    not_compliant, unchecked and compliance_rate (compliant / checked; NaN before any check), judged on
    each source's latest check."""
    rows = checklist(store, alert_id)
    if rows.empty:
        return pd.DataFrame(columns=["township_code", "grade", "sources", "checked", "compliant", "not_compliant",
                                     "unchecked", "compliance_rate"])
    rows = rows.assign(grade=rows["grade"].fillna("—"), checked=rows["compliant"].notna(),
                       ok=rows["compliant"].fillna(False).astype(bool))
    grouped = rows.groupby(["township_code", "grade"], sort=True)
    frame = pd.DataFrame({"sources": grouped.size(), "checked": grouped["checked"].sum(),
                          "compliant": grouped["ok"].sum()}).reset_index()
    frame["not_compliant"] = frame["checked"] - frame["compliant"]
    frame["unchecked"] = frame["sources"] - frame["checked"]
    frame["compliance_rate"] = frame["compliant"] / frame["checked"].where(frame["checked"] > 0)
    return frame
