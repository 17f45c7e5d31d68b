"""The hotspot card (研判卡): what a stored hotspot means in one plain sentence with units, its evidence, its
likely sources with direction and distance, what to do about each, and links that open a phone's map app."""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

import pandas as pd

from core.gcj02 import wgs84_to_bd09, wgs84_to_gcj02
from core.vocabulary import MISSING, label, translate
from hotspots.config import HotspotConfig
from hotspots.scoring import PARTS

# Concentration units by pollutant (CO in mg/m³); the limit readings carry their own.
UNITS = {"co": "mg/m³", "road_dust_load": "g/m²", "dustfall": "t/(km²·month)"}
DEFAULT_UNIT = "µg/m³"
COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
# The steps suggested for each kind of source, and for the hotspot kinds whose finding is about the place or the
# instrument itself. Steps, not sentences, so that two sources sharing one (a site and a stockpile are both
# covered) suggest it once.
ACTION_STEPS = {
    "road": ("water_sweep",),
    "site": ("stop_work", "cover"),
    "stockpile": ("cover", "water_sweep"),
    "enterprise": ("inspect_emissions",),
    "fire": ("verify_on_site",),
    "anomaly": ("check_instrument",),
    "machinery": ("check_machine", "stop_use"),
    "truck": ("check_truck", "penalise"),
    "coal": ("clear_coal",),
    "grid": ("patrol_cell",),
    "survey": ("survey",),
}
FINDING_ACTION_KINDS = ("fire", "anomaly", "grid", "coal")
SOURCE_ACTION_KINDS = ("road", "site", "stockpile", "enterprise", "fire", "machinery", "truck", "coal")
LIMIT_POLLUTANTS = ("road_dust_load", "dustfall")
_CHINA_STAGE = re.compile(r"China\s+(VI|IV|V|III|II|I)\b")
_STAGE_NUMERALS = {"I": "一", "II": "二", "III": "三", "IV": "四", "V": "五", "VI": "六"}


@dataclass(frozen=True)
class Card:
    """One hotspot's card in one language: ``title`` (kind · township · start), ``sentence``, ``evidence``
    and ``details`` as (label, value with unit) rows, ``sources`` named with direction, distance and
    suggested action, ``actions`` (what to do, most likely source first) and ``navigation`` links
    ('geo', 'gaode', 'baidu')."""

    title: str
    sentence: str
    evidence: tuple[tuple[str, str], ...]
    sources: tuple[str, ...]
    actions: tuple[str, ...]
    navigation: Mapping[str, str]
    details: tuple[tuple[str, str], ...]


def _parsed(value: object, empty):
    if isinstance(value, str):
        return json.loads(value) if value else empty
    return empty if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)) else value


def _present(value: object) -> bool:
    return value is not None and not (not isinstance(value, (str, list, dict)) and pd.isna(value))


def number(value: float, digits: int = 1) -> str:
    """A figure as a person reads it: no decimals from 100 up, else ``digits`` decimals without trailing zeros."""
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def unit_of(pollutant: object, lang: str) -> str:
    """The unit a pollutant's value is stored and shown in."""
    unit = UNITS.get(str(pollutant), DEFAULT_UNIT)
    return unit.replace("month", "月") if lang == "zh" else unit


def distance_text(metres: float, lang: str) -> str:
    """84 m, 2.3 km."""
    return f"{metres:.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km"


def compass(bearing_deg: float, lang: str) -> str:
    """The eight-point direction of a bearing (degrees clockwise from north): 北, 东北 … / north, north-east …"""
    return translate(f"card.dir.{COMPASS[int(((bearing_deg % 360) + 22.5) // 45) % 8]}", lang)


def stage_text(stage: object, lang: str) -> str:
    """An emission stage as written in China: 'China III' → 国三 in Chinese."""
    text = str(stage) if _present(stage) else MISSING
    return _CHINA_STAGE.sub(lambda match: "国" + _STAGE_NUMERALS[match.group(1)], text) if lang == "zh" else text


def ordered_sources(sources: Sequence[Mapping[str, object]]) -> list[Mapping[str, object]]:
    """Candidate sources most likely first: upwind ones before the rest, each group nearest first."""
    return sorted(sources, key=lambda source: (not source.get("upwind", False), source.get("distance_m") or 0.0))


def source_text(source: Mapping[str, object], lang: str) -> str:
    """'上风向 84 m 焦克路（道路扬尘）' or '西南 2.3 km 承留水泥厂（企业排放）'; a source without a
    position (a zone violation's machine) by its kind and name alone."""
    kind = str(source.get("kind"))
    name = source.get("name") or source.get("id") or MISSING
    emission = translate(f"card.emission.{kind}", lang) if kind in SOURCE_ACTION_KINDS else label("source_kind", kind, lang)
    if not _present(source.get("distance_m")):
        return translate("card.source_plain", lang, name=name, emission=emission)
    key = "card.source_upwind" if source.get("upwind") else "card.source_direction"
    return translate(key, lang, name=name, emission=emission, distance=distance_text(float(source["distance_m"]), lang),
                     direction=compass(float(source.get("bearing_deg") or 0.0), lang))


def navigation_links(lon: float, lat: float, name: str) -> dict[str, str]:
    """Links that open the phone's map app at a WGS84 (EPSG:4326) position: a ``geo:`` URI (RFC 5870,
    WGS84), Gaode's marker URL (GCJ-02, ``coordinate=gaode``) and Baidu's (BD-09, ``coord_type=bd09ll``)."""
    gcj_lon, gcj_lat = (float(value) for value in wgs84_to_gcj02(lon, lat))
    bd_lon, bd_lat = (float(value) for value in wgs84_to_bd09(lon, lat))
    title = quote(name, safe="")
    return {
        "geo": f"geo:{lat:.6f},{lon:.6f}?q={lat:.6f},{lon:.6f}({title})",
        "gaode": (f"https://uri.amap.com/marker?position={gcj_lon:.6f},{gcj_lat:.6f}&name={title}"
                  "&coordinate=gaode&callnative=1&src=lantian"),
        "baidu": (f"https://api.map.baidu.com/marker?location={bd_lat:.6f},{bd_lon:.6f}&title={title}"
                  f"&content={title}&coord_type=bd09ll&output=html&src=webapp.lantian"),
    }


def steps_text(kind: str, lang: str) -> str:
    """The steps suggested for one source kind, as one phrase: '停工整改、苫盖'."""
    return translate("card.step_separator", lang).join(translate(f"card.step.{step}", lang) for step in ACTION_STEPS[kind])


def _actions(hotspot_kind: str, sources: Sequence[Mapping[str, object]], lang: str) -> tuple[str, ...]:
    """The steps to take, the finding's own first, then each source's most likely first, each step once."""
    kinds = [hotspot_kind] if hotspot_kind in FINDING_ACTION_KINDS else []
    kinds += [str(source.get("kind")) for source in sources if source.get("kind") in SOURCE_ACTION_KINDS]
    steps = [step for kind in (kinds or ["survey"]) for step in ACTION_STEPS[kind]]
    return tuple(translate(f"card.step.{step}", lang) for step in dict.fromkeys(steps))


def _zone_name(context: Mapping[str, object], lang: str) -> str:
    zones = context.get("zones") or []
    return label("zone_kind", zones[0].get("kind"), lang) if zones else translate("card.zone_any", lang)


def _when(value: object) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M") if _present(value) else MISSING


def _finding(hotspot: Mapping[str, object], context: Mapping[str, object], lang: str) -> str:
    """The first half of the sentence: what was found, with its figures and units."""
    kind, pollutant = hotspot.get("kind"), hotspot.get("pollutant")
    peak = float(hotspot["peak"]) if _present(hotspot.get("peak")) else None
    ratio = float(hotspot["peak_ratio"]) if _present(hotspot.get("peak_ratio")) else None
    hours = int(hotspot.get("hours") or 0)
    name = label("pollutant", pollutant, lang)
    if kind in ("station", "dust") and pollutant in LIMIT_POLLUTANTS and peak is not None:
        limit = context.get("limit")
        return translate("card.sentence.limit", lang, pollutant=name, peak=number(peak), unit=unit_of(pollutant, lang),
                         limit=number(float(limit)) if _present(limit) else MISSING, ratio=number(ratio or 0.0))
    if kind in ("station", "dust") and peak is not None and ratio is not None:
        return translate(f"card.sentence.{kind}", lang, pollutant=name, peak=number(peak), unit=unit_of(pollutant, lang),
                         ratio=number(ratio), hours=hours)
    if kind in ("station", "dust") and peak is not None:
        return translate("card.sentence.peak", lang, pollutant=name, peak=number(peak), unit=unit_of(pollutant, lang))
    if kind == "fire" and context.get("fire_class") == "industrial":
        return translate("card.sentence.industrial_heat", lang, days=context.get("place_days") or MISSING,
                         points=context.get("points") or MISSING)
    if kind == "fire":
        return translate("card.sentence.fire", lang, points=context.get("points") or MISSING,
                         days=context.get("days") or 1, start=_when(hotspot.get("start_time")))
    if kind == "grid" and peak is not None:
        mean = context.get("regional_mean")
        return translate("card.sentence.grid", lang, period=context.get("period") or MISSING, peak=number(peak),
                         mean=number(float(mean)) if _present(mean) else MISSING,
                         excess=number(100.0 * float(context.get("excess") or 0.0), 0),
                         cell=number(float(context.get("cell_m") or 3000.0) / 1000.0))
    if kind == "anomaly":
        return translate("card.sentence.anomaly", lang, station=hotspot.get("station_code") or MISSING,
                         anomaly=label("anomaly", context.get("anomaly"), lang), hours=hours)
    if kind == "mobile":
        subject = context.get("subject")
        key = "card.sentence.truck" if subject == "truck" else "card.sentence.machinery"
        return translate(key, lang, id=context.get("subject_id") or MISSING, type=context.get("type") or MISSING,
                         stage=stage_text(context.get("emission_stage") or context.get("emission_standard"), lang),
                         zone=_zone_name(context, lang), count=context.get("count") or MISSING,
                         first=context.get("first_time") or MISSING, last=context.get("last_time") or MISSING)
    if kind == "coal":
        return translate("card.sentence.coal", lang, zone=_zone_name(context, lang),
                         note=context.get("note") or MISSING, day=context.get("day") or MISSING)
    return translate("card.sentence.other", lang, kind=label("hotspot_kind", kind, lang))


def _evidence(hotspot: Mapping[str, object], context: Mapping[str, object], parts: Mapping[str, object],
              recurrence_days: int, lang: str) -> list[tuple[str, str]]:
    """(label, value with unit) rows of what the finding rests on; rows without a value are left out."""
    pollutant = hotspot.get("pollutant")
    unit = unit_of(pollutant, lang)
    at_peak = context.get("at_peak") or {}
    wind_from, wind_speed = context.get("wind_from"), context.get("wind_speed")
    rows = [
        ("peak", f"{number(float(hotspot['peak']))} {unit}" if _present(hotspot.get("peak")) and _present(pollutant)
         else None),
        ("peak_time", _when(context["peak_time"]) if _present(context.get("peak_time")) else None),
        ("threshold", f"{number(float(at_peak['threshold']))} {unit}" if _present(at_peak.get("threshold")) else None),
        ("median", f"{number(float(at_peak['median']))} {unit}" if _present(at_peak.get("median")) else None),
        ("limit", f"{number(float(context['limit']))} {unit}" if _present(context.get("limit")) else None),
        ("wind", translate("card.wind_value", lang, direction=compass(float(wind_from), lang),
                           speed=number(float(wind_speed)) if _present(wind_speed) else MISSING)
         if _present(wind_from) else None),
        ("duration", translate("card.hours_value", lang, hours=int(hotspot["hours"]))
         if _present(hotspot.get("hours")) else None),
        ("period", f"{_when(hotspot.get('start_time'))} – {_when(hotspot.get('end_time'))}"),
        ("recurrence", translate("card.times_value", lang, count=int(parts["recurrences"]), days=recurrence_days)
         if _present(parts.get("recurrences")) else None),
        ("fire_points", context.get("points")),
    ]
    return [(translate(f"card.evidence.{key}", lang), str(value)) for key, value in rows if _present(value)]


def _details(hotspot: Mapping[str, object], parts: Mapping[str, object], weights: Mapping[str, float],
             lang: str) -> list[tuple[str, str]]:
    """The score's parts (each 0–1, with its weight), the peak over the threshold it passed, and the score."""
    rows = [(translate(f"card.part.{part}", lang),
             translate("card.part_value", lang, value=f"{float(parts[part]):.2f}", weight=number(float(weights.get(part, 0)), 2)))
            for part in PARTS if _present(parts.get(part))]
    if _present(parts.get("peak_over_threshold")):
        rows.append((translate("card.part.peak_over_threshold", lang),
                     translate("card.times_threshold", lang, ratio=number(float(parts["peak_over_threshold"]), 2))))
    if _present(hotspot.get("score")):
        rows.append((translate("card.part.score", lang), f"{float(hotspot['score']):.1f} / 100"))
    return rows


def hotspot_card(hotspot: Mapping[str, object], lang: str = "zh", config: HotspotConfig | None = None) -> Card:
    """The card of a stored hotspot row (data.hotspots' columns, score_parts/sources/context as JSON text or
    parsed, optionally township_name) in ``lang``; ``config`` (the defaults when None) gives the score
    weights shown in the details and the recurrence window.

    >>> card = hotspot_card({"kind": "station", "pollutant": "pm10", "peak": 277.0, "peak_ratio": 2.4, "hours": 8,
    ...     "lon": 112.6, "lat": 35.1, "sources": [{"kind": "road", "name": "焦克路", "distance_m": 84.0,
    ...     "bearing_deg": 90.0, "upwind": True}]})
    >>> card.sentence
    'PM10 峰值 277 µg/m³，为同时段全区中位数的 2.4 倍，持续 8 小时；最可能来源：上风向 84 m 焦克路（道路扬尘）'
    """
    config = config or HotspotConfig()
    context = _parsed(hotspot.get("context"), {})
    parts = _parsed(hotspot.get("score_parts"), {})
    # A scattered-coal finding's only "source" is the inspection record itself: nothing to name.
    sources = ordered_sources([source for source in _parsed(hotspot.get("sources"), [])
                               if source.get("name") or source.get("kind") in ("machinery", "truck")])
    kind = str(hotspot.get("kind"))
    named = [source_text(source, lang) for source in sources]
    finding = _finding(hotspot, context, lang)
    sentence = finding + translate("card.likely_source", lang, source=named[0]) if named and kind in (
        "station", "dust", "grid") else finding
    place = hotspot.get("township_name") or hotspot.get("township_code") or MISSING
    title = translate("card.title", lang, kind=label("hotspot_kind", kind, lang), place=place,
                      start=_when(hotspot.get("start_time")), grade=label("grade", hotspot.get("grade"), lang))
    source_rows = tuple(
        translate("card.source_with_action", lang, source=text, action=steps_text(str(source.get("kind")), lang))
        if source.get("kind") in SOURCE_ACTION_KINDS else text for source, text in zip(sources, named))
    links = (navigation_links(float(hotspot["lon"]), float(hotspot["lat"]), f"{label('hotspot_kind', kind, lang)} {place}")
             if _present(hotspot.get("lon")) and _present(hotspot.get("lat")) else {})
    return Card(title=title, sentence=sentence, evidence=tuple(_evidence(hotspot, context, parts, config.recurrence_days, lang)),
                sources=source_rows, actions=_actions(kind, sources, lang), navigation=links,
                details=tuple(_details(hotspot, parts, config.weights, lang)))


def card_sentence(hotspot: Mapping[str, object], lang: str = "zh") -> str:
    """The card's sentence alone (for a list row or an export cell); a row without a hotspot (a field
    observation's task) has none: '—'."""
    return hotspot_card(hotspot, lang).sentence if _present(hotspot.get("kind")) else MISSING
