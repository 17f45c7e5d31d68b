"""Popup and tooltip HTML for every map layer, with each stored or typed value HTML-escaped here.

Leaflet inserts popup content as HTML, so feedback like ``<script>…</script>`` must arrive as text.
layers.overlays.geojson_layer puts the result in a feature's ``popup`` property; no raw user text goes
in other properties.
"""
from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd

from hotspots.tasks import KIND_LABELS_ZH, TaskState

_LABELS: dict[str, dict[str, str]] = {
    "task": {"zh": "交办单", "en": "Task"},
    "state": {"zh": "状态", "en": "State"},
    "township": {"zh": "责任乡镇", "en": "Township"},
    "department": {"zh": "责任部门", "en": "Department"},
    "grade": {"zh": "等级", "en": "Grade"},
    "deadline": {"zh": "整改期限", "en": "Deadline"},
    "overdue": {"zh": "已逾期", "en": "Overdue"},
    "instructions": {"zh": "整改要求", "en": "Instructions"},
    "feedback": {"zh": "最新反馈", "en": "Latest feedback"},
    "kind": {"zh": "类型", "en": "Kind"},
    "pollutant": {"zh": "污染物", "en": "Pollutant"},
    "peak": {"zh": "峰值", "en": "Peak"},
    "period": {"zh": "时段", "en": "Period"},
    "score": {"zh": "评分", "en": "Score"},
    "station": {"zh": "站点", "en": "Station"},
    "hotspot": {"zh": "热点", "en": "Hotspot"},
    "yes": {"zh": "是", "en": "yes"},
}


def _present(value: object) -> bool:
    return value is not None and not (not isinstance(value, str) and pd.isna(value))


def display_text(value: object) -> str:
    """A value as HTML-escaped text for a popup or tooltip; times to the minute (Beijing time);
    missing values as ''."""
    if not _present(value):
        return ""
    if isinstance(value, pd.Timestamp) or hasattr(value, "strftime"):
        value = pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")
    return html.escape(str(value), quote=True)


def popup_table(rows: list[tuple[str, object]], heading: object = None) -> str:
    """An HTML table of (label, value) rows, labels and values escaped here, under an optional
    heading; rows with no value are left out."""
    cells = "".join(f"<tr><th>{html.escape(label)}</th><td>{display_text(value)}</td></tr>"
                    for label, value in rows if _present(value) and value != "")
    table = f"<table>{cells}</table>"
    return table if heading is None else f"<div class=\"lantian-popup\"><b>{display_text(heading)}</b>{table}</div>"


def _table(heading: object, rows: list[tuple[str, object]], lang: str) -> str:
    """popup_table with label keys of _LABELS in ``lang``."""
    return popup_table([(_LABELS[key][lang], value) for key, value in rows], heading)


def _state_label(value: object, lang: str) -> str | None:
    if not _present(value):
        return None
    state = TaskState(value)
    return state.label_zh if lang == "zh" else state.label_en


def _kind_label(value: object, lang: str) -> object:
    return KIND_LABELS_ZH.get(value, value) if lang == "zh" else value


def task_popup_html(task: Mapping[str, object], lang: str = "zh") -> str:
    """Popup HTML for a handling-list row (see task_service.list_tasks): title, state, township,
    department, grade, deadline (Beijing time), overdue flag, instructions and the latest feedback."""
    return _table(task.get("title") or _LABELS["task"][lang], [
        ("state", _state_label(task.get("state"), lang)),
        ("township", task.get("township_name") or task.get("township_code")),
        ("department", task.get("department")),
        ("kind", _kind_label(task.get("kind"), lang)),
        ("grade", task.get("grade")),
        ("deadline", task.get("deadline")),
        ("overdue", _LABELS["yes"][lang] if task.get("overdue") is True else None),
        ("instructions", task.get("instructions")),
        ("feedback", task.get("latest_feedback")),
    ], lang)


def hotspot_popup_html(hotspot: Mapping[str, object], lang: str = "zh") -> str:
    """Popup HTML for a hotspots row: kind, pollutant, peak (µg/m³; CO mg/m³), grade, score, township,
    station and period (Beijing time)."""
    start, end = hotspot.get("start_time"), hotspot.get("end_time")
    period = " – ".join(pd.Timestamp(t).strftime("%Y-%m-%d %H:%M") for t in (start, end) if _present(t))
    peak = hotspot.get("peak")
    return _table(hotspot.get("id") or _LABELS["hotspot"][lang], [
        ("kind", _kind_label(hotspot.get("kind"), lang)),
        ("pollutant", hotspot.get("pollutant")),
        ("peak", f"{peak:.1f}" if _present(peak) else None),
        ("grade", hotspot.get("grade")),
        ("score", f"{hotspot['score']:.2f}" if _present(hotspot.get("score")) else None),
        ("township", hotspot.get("township_name") or hotspot.get("township_code")),
        ("station", hotspot.get("station_code")),
        ("period", period or None),
    ], lang)
