"""The composite index by township as a map image, drawn offline with matplotlib (no tiles, no network)."""
from __future__ import annotations

import io

import geopandas as gpd
import matplotlib
import pandas as pd

matplotlib.use("Agg")  # no display: images are drawn to memory

import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
from matplotlib.font_manager import FontProperties  # noqa: E402

from reports.fonts import require_cjk_font  # noqa: E402

MISSING_COLOUR = "#d9d9d9"


def composite_map_png(townships: gpd.GeoDataFrame, ranking, legend: str, *, dpi: int = 150) -> bytes:
    """A PNG of ``townships`` (data.townships.read_townships, EPSG:4326) shaded by their composite index
    from ``ranking`` (stations.ranking.rank_townships' rows), each labelled with its name, rank and
    index (small ones with their rank alone); unranked townships grey. Drawn in the UTM zone the townships fall in, so shapes keep their
    proportions. Needs a CJK font (reports.fonts)."""
    font = FontProperties(fname=str(require_cjk_font()))
    shaded = townships.merge(ranking[["township_code", "rank", "composite_index"]], left_on="code",
                             right_on="township_code", how="left")
    if not shaded.empty:
        shaded = shaded.to_crs(shaded.estimate_utm_crs())
    figure, axes = plt.subplots(figsize=(8, 6.5))
    try:
        if not shaded.empty:
            shaded.plot(column="composite_index", ax=axes, cmap="YlOrRd", edgecolor="#555555", linewidth=0.6,
                        legend=True, legend_kwds={"shrink": 0.7},
                        missing_kwds={"color": MISSING_COLOUR, "edgecolor": "#555555"})
            # Small townships (city districts) get their rank alone, so labels do not run into each other.
            small = shaded.area < shaded.area.median() / 3
            for row, point, tight in zip(shaded.itertuples(), shaded.representative_point(), small):
                ranked = pd.notna(row.rank) and pd.notna(row.composite_index)
                rank = f"{int(row.rank)}" if ranked else "—"
                text = rank if tight else f"{row.name}\n{rank} · {row.composite_index:.2f}" if ranked else row.name
                axes.annotate(text, (point.x, point.y), ha="center", va="center", fontproperties=font,
                              fontsize=6 if tight else 7)
            colour_bar = figure.axes[-1] if len(figure.axes) > 1 else None
            if colour_bar is not None:
                colour_bar.set_ylabel(legend, fontproperties=font)
        axes.set_axis_off()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
        return buffer.getvalue()
    finally:
        plt.close(figure)
