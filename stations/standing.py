"""Where one township stands in a ranking, for its card: rank and change, the pollutant contributing most,
the distance to the next rank up and to leaving (or falling into) the bottom N."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.vocabulary import term
from stations.composite import REASON_COLUMNS, reason_text
from stations.ranking import KEY, RANK_KEYS

# The ranking's statistic of each pollutant that its HJ 663 sub-index divides.
SUB_INDICES = {"so2": "so2", "no2": "no2", "pm10": "pm10", "pm25": "pm25", "co": "co_p95", "o3": "o3_8h_p90"}


def sub_index_table(table: pd.DataFrame, config: pd.DataFrame) -> pd.DataFrame:
    """Each ranked township's sub-indices weight_i × C_i / S_i (HJ 663), one column per pollutant, from
    the ranking's statistics and ``config`` (stations.standards.composite_config: divisor S_i in µg/m³,
    CO mg/m³, and weight per pollutant); they sum to the composite index."""
    ranked = table[table["rank"].notna()]
    parts = pd.DataFrame({pollutant: ranked[column] * config.at[pollutant, "weight"] / config.at[pollutant, "divisor"]
                          for pollutant, column in SUB_INDICES.items()}, index=ranked.index)
    parts.insert(0, "township", ranked["township"])
    return parts


@dataclass(frozen=True)
class Standing:
    """One township's place: ``rank`` of ``ranked`` (None: unranked, ``reason`` says why), ``rank_change``
    (positive = moved up), the top pollutant with its sub-index and share of the index, the township
    one rank up and the gap to it, and the bottom-N boundary: ``in_bottom``, the township to pass
    (or the first one inside) and the gap, in the ranking key's unit."""

    township: str
    rank: int | None
    ranked: int
    rank_change: int | None
    reason_zh: str | None
    reason_en: str | None
    top_pollutant: str | None
    top_sub_index: float | None
    top_share: float | None
    next_up: str | None
    gap_to_next: float | None
    in_bottom: bool
    bottom_neighbour: str | None
    bottom_gap: float | None


def _text(value) -> str | None:
    return None if pd.isna(value) else str(value)


def township_standing(ranking: pd.DataFrame, code: str, by: str, bottom_n: int, config: pd.DataFrame) -> Standing:
    """The Standing of township ``code`` in ``ranking`` (rank_townships' rows, ranked by ``by``, one of
    RANK_KEYS) with the bottom list ``bottom_n`` long; sub-indices from ``config`` (composite_config)."""
    column = RANK_KEYS[by][0]
    row = ranking.set_index(KEY).loc[code]
    ranked = ranking[ranking["rank"].notna()].sort_values(["rank", KEY])
    parts = sub_index_table(ranking[ranking[KEY] == code].assign(rank=1), config)
    top = parts.drop(columns="township").iloc[0] if not parts.empty else pd.Series(dtype=float)
    top = top.dropna()
    top_pollutant = top.idxmax() if not top.empty else None
    standing = dict(township=str(row["township"]), ranked=len(ranked), reason_zh=_text(row["invalid_reason_zh"]),
                    reason_en=_text(row["invalid_reason"]), top_pollutant=top_pollutant,
                    top_sub_index=float(top.max()) if top_pollutant else None,
                    top_share=float(top.max() / top.sum()) if top_pollutant else None,
                    rank_change=None if pd.isna(row["rank_change"]) else int(row["rank_change"]))
    if pd.isna(row["rank"]):
        return Standing(rank=None, next_up=None, gap_to_next=None, in_bottom=False, bottom_neighbour=None,
                        bottom_gap=None, **standing)
    rank, own = int(row["rank"]), float(row[column])
    better = ranked[ranked["rank"] < rank]
    next_row = better.iloc[-1] if not better.empty else None
    cut = len(ranked) - bottom_n  # ranks above the cut are outside the bottom list
    in_bottom = rank > cut
    boundary = ranked[ranked["rank"] <= cut].tail(1) if in_bottom else ranked[ranked["rank"] > cut].head(1)
    neighbour = boundary.iloc[0] if not boundary.empty else None
    return Standing(rank=rank, next_up=None if next_row is None else str(next_row["township"]),
                    gap_to_next=None if next_row is None else abs(own - float(next_row[column])),
                    in_bottom=in_bottom, bottom_neighbour=None if neighbour is None else str(neighbour["township"]),
                    bottom_gap=None if neighbour is None else abs(own - float(neighbour[column])), **standing)


def with_unranked_reasons(ranking: pd.DataFrame, by: str) -> pd.DataFrame:
    """``ranking`` with a reason for every unranked township: a valid period that still has no rank
    lacks the ranking key itself, which for a year-on-year key means no valid value a year earlier."""
    column = RANK_KEYS[by][0]
    silent = ranking["rank"].isna() & ranking["invalid_reason"].isna() & ranking[column].isna()
    explained = ranking.copy()
    for lang, reason_column in REASON_COLUMNS.items():
        explained[reason_column] = explained[reason_column].astype(object).where(
            ~silent, reason_text([term("reason.no_year_ago_value")], lang))
    return explained
