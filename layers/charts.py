"""Altair charts for a station's detail panel (six factors with AQI over time, and a wind rose), and the one
way every chart of the app is described to a screen reader.

Altair hands Vega specs to Streamlit's bundled Vega, so the charts need no internet."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core.compass import COMPASS_POINTS as SECTOR_NAMES
from core.vocabulary import label, translate

SECTORS = len(SECTOR_NAMES)
# Wind-speed classes (m/s, lower bounds) of the rose: calm-ish, light, moderate, fresh, strong.
SPEED_EDGES = (0.0, 1.5, 3.3, 5.5, 8.0)
FACTORS = ("pm25", "pm10", "so2", "no2", "o3", "co")
# The rose's outer edge (px from its centre) and where the compass letters stand, just outside it.
ROSE_RADIUS_PX, COMPASS_RADIUS_PX = 105, 119
CARDINAL_POINTS = ("N", "E", "S", "W")


def wind_rose_table(ws: pd.Series, wd: pd.Series) -> pd.DataFrame:
    """Share of hours per direction sector and speed class.

    ``wd`` in degrees the wind comes FROM (0 = north), ``ws`` in m/s; hours missing either are left
    out. Returns sector (0–15, clockwise from north), direction ('N', 'NNE', ...), speed (class label
    like '1.5–3.3'), speed_order, share (0–1 of all counted hours), and for drawing: inner/outer (the
    class's band, cumulative share within its sector, calmest innermost) and theta_start/theta_end
    (the sector's edges in radians clockwise from north)."""
    present = ws.notna() & wd.notna()
    sector = np.floor(((wd[present].to_numpy(float) % 360) + 360 / SECTORS / 2) / (360 / SECTORS)).astype(int) % SECTORS
    speed_class = np.searchsorted(SPEED_EDGES, ws[present].to_numpy(float), side="right") - 1
    speed_class = np.clip(speed_class, 0, len(SPEED_EDGES) - 1)
    labels = [f"{low:g}–{high:g}" for low, high in zip(SPEED_EDGES, SPEED_EDGES[1:])] + [f"≥{SPEED_EDGES[-1]:g}"]
    counted = pd.DataFrame({"sector": sector, "speed_order": speed_class}).value_counts().rename("hours").reset_index()
    total = counted["hours"].sum()
    counted["share"] = counted["hours"] / total if total else 0.0
    counted["direction"] = [SECTOR_NAMES[s] for s in counted["sector"]]
    counted["speed"] = [labels[c] for c in counted["speed_order"]]
    counted = counted.sort_values(["sector", "speed_order"]).reset_index(drop=True)
    counted["outer"] = counted.groupby("sector")["share"].cumsum()
    counted["inner"] = counted["outer"] - counted["share"]
    width = 2 * np.pi / SECTORS
    counted["theta_start"] = counted["sector"] * width - width / 2
    counted["theta_end"] = counted["theta_start"] + width
    return counted


def direction_name(code: str, lang: str) -> str:
    """A compass sector's name ('N', 'NNE', ... of SECTOR_NAMES) in ``lang``: 北, 北东北, ..."""
    return translate(f"wind_direction.{code}", lang)


def time_format(lang: str) -> str:
    """The d3 time format of a chart's time axis in ``lang`` ('06-25 14时'), so no English day or month name
    ('Thu 25', '12 PM') reaches a Chinese page."""
    return translate("chart.time_format", lang)


def wind_rose_chart(table: pd.DataFrame, lang: str) -> alt.TopLevelMixin:
    """A polar bar chart of wind_rose_table: one wedge per sector, its speed classes stacked outwards, with
    北/东/南/西 (N/E/S/W) around it and the directions named in ``lang`` in the tooltips."""
    named = table.assign(direction=table["direction"].map(lambda code: direction_name(code, lang)))
    wedges = alt.Chart(named).mark_arc(stroke="white", strokeWidth=0.5).encode(
        theta=alt.Theta("theta_start:Q", scale=None), theta2="theta_end:Q",
        radius=alt.Radius("outer:Q", scale=alt.Scale(type="sqrt", zero=True, range=[0, ROSE_RADIUS_PX])),
        radius2="inner:Q",
        color=alt.Color("speed:N", sort=alt.SortField("speed_order"), title=translate("wind_speed", lang),
                        scale=alt.Scale(scheme="blues")),
        tooltip=[alt.Tooltip("direction:N", title=translate("wind_direction", lang)),
                 alt.Tooltip("speed:N", title=translate("wind_speed", lang)),
                 alt.Tooltip("share:Q", format=".1%", title=translate("wind_share", lang))],
    )
    compass = pd.DataFrame({"name": [direction_name(code, lang) for code in CARDINAL_POINTS],
                            "theta": [SECTOR_NAMES.index(code) * 2 * np.pi / SECTORS for code in CARDINAL_POINTS]})
    letters = alt.Chart(compass).mark_text(fontSize=13, fontWeight="bold", color="#333333").encode(
        theta=alt.Theta("theta:Q", scale=None), radius=alt.value(COMPASS_RADIUS_PX), text="name:N")
    return described(alt.layer(wedges, letters, title=translate("wind_rose", lang)).properties(width=260, height=260),
                     translate("chart.describe.wind_rose", lang))


def described(chart: alt.TopLevelMixin, description: str) -> alt.TopLevelMixin:
    """``chart`` read out by a screen reader as ``description``, its axes, legends and marks hidden from it:
    Vega's own labels of those are English and name the fields by their codes ("X-axis titled …", "aqi: 71;
    colour: #FFFF00"). The few words Vega still writes (its titles, "visualization") are translated on the page
    with Streamlit's own texts (app_pages.page_scripts)."""
    return chart.properties(description=description).configure(aria=False).configure_mark(aria=False)


def factor_chart(series: pd.DataFrame, lang: str) -> alt.TopLevelMixin:
    """Lines of the six factors (µg/m³, CO mg/m³) over ``series['time']`` above a line of the hourly AQI
    (points in their HJ 633 colours). ``series`` holds time, the factor columns, aqi and colour. No width: the
    page stretches it to its container; the factors' legend sits above the charts, not beside them, so a phone
    keeps its width for the lines."""
    long = series.melt(id_vars=["time"], value_vars=[f for f in FACTORS if f in series], var_name="factor",
                       value_name="value").dropna(subset=["value"])
    long["factor"] = long["factor"].map(lambda code: label("pollutant", code, lang))
    time_axis = alt.X("time:T", title=translate("time_beijing", lang), axis=alt.Axis(format=time_format(lang)))
    time_tip = alt.Tooltip("time:T", title=translate("time_beijing", lang), format=translate("chart.hour_format", lang))
    factors = alt.Chart(long, title=translate("six_factors", lang)).mark_line(strokeWidth=1.5).encode(
        x=time_axis, y=alt.Y("value:Q", title=translate("concentration", lang)),
        color=alt.Color("factor:N", title=None, legend=alt.Legend(orient="top", columns=3)),
        tooltip=[time_tip, alt.Tooltip("factor:N", title=translate("chart.pollutant", lang)),
                 alt.Tooltip("value:Q", format=".1f", title=translate("concentration", lang))],
    ).properties(height=220)
    aqi_points = series.dropna(subset=["aqi"])
    aqi = alt.Chart(aqi_points, title="AQI").mark_line(color="#555555", point=alt.OverlayMarkDef(size=18)).encode(
        x=time_axis, y=alt.Y("aqi:Q", title="AQI"),
        tooltip=[time_tip, alt.Tooltip("aqi:Q", format=".0f", title="AQI")],
    ) + alt.Chart(aqi_points).mark_point(filled=True, size=28, opacity=1).encode(
        x=time_axis, y="aqi:Q", color=alt.Color("colour:N", scale=None))
    # Fitted to the container's width, axes and legend included: Streamlit picks this itself for a plain
    # vconcat, but the AQI's layered points make this one nested, which it leaves at its natural width.
    return described(alt.vconcat(factors, aqi.properties(height=140),
                                 autosize=alt.AutoSizeParams(type="fit-x", contains="padding")),
                     translate("chart.describe.factors", lang))
