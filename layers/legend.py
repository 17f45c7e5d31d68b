"""Map colour rules with no folium: HJ 633 AQI colours, quantile classes for a choropleth, and HTML legends."""
from __future__ import annotations

import html

import numpy as np
import pandas as pd

from core.vocabulary import translate
from stations.standards import LEVELS

NO_DATA_COLOUR = "#BDBDBD"
# Light to dark, one colour per class; worse (higher) values are darker.
CHOROPLETH_COLOURS = ("#FFF5EB", "#FDD0A2", "#FD8D3C", "#D94801", "#7F2704")


def quantile_classes(values: pd.Series, classes: int = len(CHOROPLETH_COLOURS)) -> tuple[pd.Series, list[float]]:
    """Each value's quantile class colour (CHOROPLETH_COLOURS, darker = higher) and the class edges.

    Missing values get NO_DATA_COLOUR. Fewer distinct values than ``classes`` give fewer classes
    (repeated edges are merged), spread over the whole palette so the top class is always darkest.
    """
    present = values.dropna().astype(float)
    if present.empty:
        return pd.Series(NO_DATA_COLOUR, index=values.index), []
    edges = np.unique(np.quantile(present, np.linspace(0, 1, classes + 1)))
    if len(edges) == 1:
        palette_positions = np.array([len(CHOROPLETH_COLOURS) - 1])
        position = pd.Series(0, index=present.index)
    else:
        position = pd.Series(np.clip(np.searchsorted(edges, present, side="right") - 1, 0, len(edges) - 2),
                             index=present.index)
        palette_positions = np.round(np.linspace(0, len(CHOROPLETH_COLOURS) - 1, len(edges) - 1)).astype(int)
    colours = pd.Series(NO_DATA_COLOUR, index=values.index, dtype=object)
    colours[present.index] = [CHOROPLETH_COLOURS[palette_positions[i]] for i in position]
    return colours, edges.tolist()


def legend_html(title: str, items: list[tuple[str, str]], element_id: str, corner: str = "bottomright") -> str:
    """A fixed box of colour swatches over the map: ``items`` are (colour, label) pairs; text escaped."""
    vertical, horizontal = ("bottom", "right") if corner == "bottomright" else ("bottom", "left")
    rows = "".join(
        f'<div><span style="display:inline-block;width:14px;height:14px;margin-right:6px;'
        f'vertical-align:middle;border:1px solid #555;background:{colour}"></span>{html.escape(label)}</div>'
        for colour, label in items)
    return (f'<div id="{element_id}" class="lantian-legend" style="position:absolute;{vertical}:24px;'
            f'{horizontal}:12px;z-index:1000;background:rgba(255,255,255,.92);padding:6px 8px;'
            f'border-radius:4px;font:12px sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)">'
            f'<b>{html.escape(title)}</b>{rows}</div>')


def aqi_legend_items(lang: str) -> list[tuple[str, str]]:
    """(colour, 'range name') for the six HJ 633 levels and no data, in ``lang``."""
    items, lower = [], 0
    for level in LEVELS.itertuples():
        span = f"{lower}–{int(level.aqi_max)}" if np.isfinite(level.aqi_max) else f">{lower - 1}"
        items.append((level.colour, f"{span} {level.name_zh if lang == 'zh' else level.name_en}"))
        lower = int(level.aqi_max) + 1 if np.isfinite(level.aqi_max) else lower
    items.append((NO_DATA_COLOUR, translate("no_data", lang)))
    return items


def class_legend_items(edges: list[float], decimals: int = 2) -> list[tuple[str, str]]:
    """(colour, 'low–high') for the classes quantile_classes made from ``edges``."""
    if len(edges) < 2:
        return [(CHOROPLETH_COLOURS[-1], f"{edges[0]:.{decimals}f}")] if edges else []
    positions = np.round(np.linspace(0, len(CHOROPLETH_COLOURS) - 1, len(edges) - 1)).astype(int)
    return [(CHOROPLETH_COLOURS[p], f"{low:.{decimals}f}–{high:.{decimals}f}")
            for p, low, high in zip(positions, edges[:-1], edges[1:])]
