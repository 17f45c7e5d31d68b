"""After an alert: its summary (timeline, PM2.5 and AQI during it against the days before, compliance found,
hotspots handled), the DOCX report made from it, and the public notice texts for issue and lift."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import pandas as pd
from docx import Document

from core.vocabulary import label, translate
from data import hotspots as hotspot_repo
from data import townships as township_repo
from data.hotspots import HotspotFilter
from data.store import Store
from data.tasks import HandlingListFilter
from emergency.air import area_daily
from emergency.alerts import alert_history, get_alert
from emergency.checklist import checklist, compliance_dashboard
from hotspots.task_service import list_tasks
from zones.emergency import DEFAULT_CLAUSES


@dataclass(frozen=True)
class AlertSummary:
    """What the report says about one alert; times naive Beijing, concentrations µg/m³."""

    alert: dict
    city: str
    area_names: list[str]
    township_names: dict[str, str]   # code -> name, for the tables
    history: pd.DataFrame            # the alert's events (emergency.alerts.alert_history)
    daily: pd.DataFrame              # date, pm25, aqi, period ('before' or 'during')
    means: dict                      # {'before': {'pm25', 'aqi', 'days'}, 'during': {...}}
    compliance: pd.DataFrame         # emergency.checklist.compliance_dashboard
    checklist: pd.DataFrame          # emergency.checklist.checklist
    hotspots: pd.DataFrame           # kind, found, with_task, closed, emergency_findings

    @property
    def totals(self) -> dict:
        """Sources that must act, checked, compliant, not compliant, and the compliance rate (NaN unchecked)."""
        frame = self.compliance
        checked = int(frame["checked"].sum()) if len(frame) else 0
        compliant = int(frame["compliant"].sum()) if len(frame) else 0
        return {"sources": int(frame["sources"].sum()) if len(frame) else 0, "checked": checked,
                "compliant": compliant, "not_compliant": checked - compliant,
                "rate": compliant / checked if checked else float("nan")}


def _in_force_until(alert: dict) -> datetime:
    return alert["lifted_at"] or alert["ends_at"]


def alert_summary(store: Store, alert_id: str) -> AlertSummary:
    """Everything the report of ``alert_id`` shows: the days before are as many as the alert lasted."""
    alert = get_alert(store, alert_id)
    start, until = alert["starts_at"], _in_force_until(alert)
    first_day, last_day = start.date(), (until - timedelta(seconds=1)).date()
    span = (last_day - first_day).days + 1
    daily = area_daily(store, first_day - timedelta(days=span), last_day, alert["area_codes"])
    daily = daily.assign(period=(daily["date"] >= pd.Timestamp(first_day)).map({True: "during", False: "before"}))
    means = {period: {"pm25": float(part["pm25"].mean()), "aqi": float(part["aqi"].mean()), "days": len(part)}
             for period, part in ((name, daily[daily["period"] == name]) for name in ("before", "during"))}
    with store.read() as con:
        units = township_repo.read_admin_units(con)
        names = dict(township_repo.read_township_register(con)[["code", "name"]].itertuples(index=False))
        found = hotspot_repo.read_hotspots(con, HotspotFilter(start=first_day, end=last_day))
    tasks = list_tasks(store, HandlingListFilter(start=first_day, end=(until + timedelta(days=7)).date()))
    handled = found.merge(tasks[["hotspot_id", "state"]], left_on="id", right_on="hotspot_id", how="left")
    handled["emergency"] = handled["context"].fillna("").str.contains(f'"alert_id": "{alert_id}"', regex=False)
    hotspots = handled.groupby("kind").agg(found=("id", "nunique"), with_task=("hotspot_id", "nunique"),
                                           closed=("state", lambda states: int((states == "closed").sum())),
                                           emergency_findings=("emergency", "sum")).reset_index()
    city = units.loc[units["level"] == "city", "name"]
    return AlertSummary(alert, city.iloc[0] if len(city) else "", [names.get(code, code) for code in alert["area_codes"]],
                        names, alert_history(store, alert_id), daily, means, compliance_dashboard(store, alert_id),
                        checklist(store, alert_id), hotspots)


def _area(summary: AlertSummary, lang: str) -> str:
    return "、".join(summary.area_names) if summary.area_names else (summary.city or translate("alert.whole_city", lang))


def notice_text(summary: AlertSummary, kind: str, lang: str = "zh") -> str:
    """The public notice (公告) of the alert's issue (``kind`` 'issue', at the level it was issued at, with
    the zone clauses that level switches on) or lift ('lift', at its last level) in ``lang``."""
    alert = summary.alert
    level = summary.history["level"].iloc[0] if kind == "issue" and len(summary.history) else alert["level"]
    clauses = [label("clause", clause.key, lang) for kind_clauses in DEFAULT_CLAUSES.values()
               for clause in kind_clauses if clause.applies_at(level)]
    values = {"city": summary.city, "area": _area(summary, lang), "level": label("alert_level", level, lang),
              "clauses": translate("alert.notice_clauses", lang, clauses=clauses) if clauses else "",
              "start": f"{alert['starts_at']:%Y-%m-%d %H:%M}", "end": f"{alert['ends_at']:%Y-%m-%d %H:%M}",
              "lifted": f"{_in_force_until(alert):%Y-%m-%d %H:%M}"}
    return translate(f"alert.notice_{kind}", lang, **values)


def _number(value: float, digits: int = 0) -> str:
    return "—" if pd.isna(value) else f"{value:.{digits}f}"


def _table(document, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = str(text)


def report_docx(summary: AlertSummary, lang: str = "zh") -> bytes:
    """The alert's report as a DOCX document in ``lang``: timeline, air quality during and before,
    compliance by township and grade, hotspots handled, and the two public notices."""
    t = partial(translate, lang=lang)
    alert = summary.alert
    document = Document()
    document.add_heading(t("alert.report_title", city=summary.city, level=label("alert_level", alert["level"], lang)), 0)
    document.add_paragraph(t("alert.report_lead", id=alert["id"], area=_area(summary, lang), issuer=alert["issuer"],
                             start=f"{alert['starts_at']:%Y-%m-%d %H:%M}",
                             until=f"{_in_force_until(alert):%Y-%m-%d %H:%M}"))
    document.add_heading(t("alert.report_timeline"), 1)
    _table(document, [t("alert.col_time"), t("alert.col_action"), t("alert.col_level"), t("alert.col_actor"),
                      t("alert.col_comment")],
           [[f"{row.occurred_at:%Y-%m-%d %H:%M}", label("alert_action", row.action, lang),
             label("alert_level", row.level, lang), row.actor, row.comment or ""]
            for row in summary.history.itertuples()])
    document.add_heading(t("alert.report_air"), 1)
    before, during = summary.means["before"], summary.means["during"]
    document.add_paragraph(t("alert.report_air_text", pm25_during=_number(during["pm25"]), aqi_during=_number(during["aqi"]),
                             pm25_before=_number(before["pm25"]), aqi_before=_number(before["aqi"]),
                             days=before["days"]))
    _table(document, [t("alert.col_date"), t("alert.col_period"), "PM2.5 (μg/m³)", "AQI"],
           [[f"{row.date:%Y-%m-%d}", label("alert_period", row.period, lang), _number(row.pm25), _number(row.aqi)]
            for row in summary.daily.itertuples()])
    document.add_heading(t("alert.report_compliance"), 1)
    totals = summary.totals
    document.add_paragraph(t("alert.report_compliance_text", sources=totals["sources"], checked=totals["checked"],
                             compliant=totals["compliant"], not_compliant=totals["not_compliant"],
                             rate="—" if pd.isna(totals["rate"]) else f"{totals['rate']:.0%}"))
    _table(document, [t("alert.col_township"), t("alert.col_grade"), t("alert.col_sources"), t("alert.col_checked"),
                      t("alert.col_compliant"), t("alert.col_not_compliant")],
           [[summary.township_names.get(row.township_code, row.township_code), label("performance_grade", row.grade, lang), row.sources, row.checked, row.compliant,
             row.not_compliant] for row in summary.compliance.itertuples()])
    failed = summary.checklist[summary.checklist["compliant"].eq(False)]
    if len(failed):
        document.add_paragraph(t("alert.report_not_compliant", names="、".join(failed["name"])))
    document.add_heading(t("alert.report_hotspots"), 1)
    _table(document, [t("alert.col_kind"), t("alert.col_found"), t("alert.col_with_task"), t("alert.col_closed"),
                      t("alert.col_emergency_findings")],
           [[label("hotspot_kind", row.kind, lang), row.found, row.with_task, row.closed, row.emergency_findings]
            for row in summary.hotspots.itertuples()])
    document.add_heading(t("alert.report_notices"), 1)
    for kind in ("issue", "lift"):
        document.add_paragraph(notice_text(summary, kind, lang))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
