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


def legend_html(title: str, items: list[tuple[str, str]], element_id: str, shape: str = "square") -> str:
    """One legend section of colour swatches: ``items`` are (colour, label) pairs, drawn as squares
    (areas), circles (points) or lines; text escaped. legend_stack puts the sections over the map."""
    swatch = {"square": "width:14px;height:14px;border:1px solid #555",
              "circle": "width:12px;height:12px;border-radius:50%;border:1px solid #333",
              "line": "width:18px;height:0;border-top:3px solid"}[shape]
    rows = "".join(
        f'<div><span style="display:inline-block;{swatch};margin-right:6px;vertical-align:middle;'
        f'background:{"transparent" if shape == "line" else colour};border-color:{colour if shape == "line" else "#555"}">'
        f'</span>{html.escape(label)}</div>'
        for colour, label in items)
    return f'<div id="{element_id}" class="lantian-legend"><b>{html.escape(title)}</b>{rows}</div>'


# Below this map width (px) only the thematic legend is open; the other layers' legends fold under a
# toggle, so the legend never covers half of a narrow map (the 1440×900 layout's map is ~670 px wide).
LEGEND_FOLD_BELOW_PX = 900
LEGEND_CSS = """<style>
.lantian-legends {position:absolute; bottom:24px; right:10px; z-index:1000; max-height:calc(100% - 110px);
  overflow:auto; background:rgba(255,255,255,.93); padding:4px 8px; border-radius:4px; max-width:46%;
  font:11px/1.3 sans-serif; box-shadow:0 1px 4px rgba(0,0,0,.3); display:flex; flex-direction:column; gap:4px}
.lantian-legends > input {display:none}
.lantian-legends > label {cursor:pointer; color:#1565c0}
.lantian-legends > label::before {content:"\\25B8 "}
.lantian-legends > input:checked + label::before {content:"\\25BE "}
.lantian-legends .lantian-legend-more {display:flex; flex-direction:column; gap:4px}
@media (max-width: $FOLDpx) {
  .lantian-legends .lantian-legend-more {display:none}
  .lantian-legends > input:checked ~ .lantian-legend-more {display:flex}
}
@media (min-width: $WIDEpx) { .lantian-legends > label {display:none} }
</style>""".replace("$FOLD", str(LEGEND_FOLD_BELOW_PX)).replace("$WIDE", str(LEGEND_FOLD_BELOW_PX + 1))


def legend_stack(thematic: list[str], others: list[str], more_label: str) -> str:
    """Every legend section in one box at the map's bottom right, scrolling when taller than the map: the
    ``thematic`` sections always shown, the ``others`` folded under ``more_label`` on a narrow map."""
    more = (f'<input type="checkbox" id="lantian-legend-toggle"><label for="lantian-legend-toggle">'
            f'{html.escape(more_label)}</label><div class="lantian-legend-more">{"".join(others)}</div>'
            if others else "")
    return f'{LEGEND_CSS}<div class="lantian-legends">{"".join(thematic)}{more}</div>'


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
