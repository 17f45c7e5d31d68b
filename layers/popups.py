"""Popup and tooltip HTML for every map layer, with each stored or typed value HTML-escaped here.

Leaflet inserts popup content as HTML, so feedback like ``<script>…</script>`` must arrive as text.
layers.overlays.geojson_layer puts the result in a feature's ``popup`` property; no raw user text goes
in other properties.
"""
from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd

from core.vocabulary import label, translate
from hotspots.card import Card, hotspot_card
from hotspots.task_card import deadline_text


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
    cells = "".join(f"<tr><th>{html.escape(name)}</th><td>{display_text(value)}</td></tr>"
                    for name, value in rows if _present(value) and value != "")
    table = f"<table>{cells}</table>"
    return table if heading is None else f"<div class=\"lantian-popup\"><b>{display_text(heading)}</b>{table}</div>"


def _table(heading: object, rows: list[tuple[str, object]], lang: str) -> str:
    """popup_table with labels from the vocabulary's ``popup_<key>`` strings in ``lang``."""
    return popup_table([(translate(f"popup_{key}", lang), value) for key, value in rows], heading)


def _label(domain: str, value: object, lang: str) -> str | None:
    return label(domain, value, lang) if _present(value) else None


def task_popup_html(task: Mapping[str, object], lang: str = "zh") -> str:
    """Popup HTML for a handling-list row (see task_service.list_tasks): title, state, township,
    department, grade, deadline (Beijing time), overdue flag, instructions and the latest feedback."""
    return _table(task.get("title") or translate("popup_task", lang), [
        ("state", _label("task_state", task.get("state"), lang)),
        ("responsible_township", task.get("township_name") or task.get("township_code")),
        ("department", task.get("department")),
        ("kind", _label("task_kind", task.get("kind"), lang)),
        ("grade", _label("grade", task.get("grade"), lang)),
        ("deadline", deadline_text(task["deadline"]) if _present(task.get("deadline")) else None),
        ("overdue", translate("popup_yes", lang) if task.get("overdue") is True else None),
        ("instructions", task.get("instructions")),
        ("feedback", task.get("latest_feedback")),
    ], lang)


def card_html(card: Card) -> str:
    """A hotspot card's popup (every text escaped here): the title, then in ``.lantian-card-body`` (hidden on
    a phone, see layers.overlays.POPUP_CSS) its one-line sentence; the whole card opens in the side panel
    (app_pages.hotspot_card), so the popup does not cover the map with a second copy of it."""
    return (f'<div class="lantian-card"><b>{html.escape(card.title)}</b><div class="lantian-card-body">'
            f'<p class="lantian-card-sentence">{html.escape(card.sentence)}</p></div></div>')


def hotspot_popup_html(hotspot: Mapping[str, object], lang: str = "zh") -> str:
    """Popup HTML for a hotspots row (data.hotspots.read_hotspots' columns): its card's title and sentence."""
    return card_html(hotspot_card(hotspot, lang))
