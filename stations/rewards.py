"""Published lists and money: the bottom-N and most-improved lists of a ranking, and the reward, penalty,
eco-compensation and deduction amounts of each township under configurable rules (月排名暨奖惩办法)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from core.errors import BadInputError

REWARD_COLUMNS = ["township_code", "township", "period", "standard_version", "rank", "ranked",
                  "place_from_bottom", "rank_amount_cny", "pm25_change_ug", "eco_compensation_cny",
                  "deduction_cny", "total_cny"]


@dataclass(frozen=True)
class RewardRules:
    """The rules that turn a ranking into money, all configurable (Settings.reward_rules).

    The seeds name the rules (Qinyang's 月排名暨奖惩办法, Henan's PM2.5 eco-compensation, the fire-point
    deductions) but not one set of township amounts, so these defaults are illustrative and each city
    sets its own: ``top_amounts`` CNY by rank from the top; ``bottom_amounts`` CNY by place from the
    bottom (1 = last; negative = a penalty); ``bottom_n`` how many form the bottom list (Qinyang: leave
    the bottom 3); ``eco_cny_per_ug`` CNY per µg/m³ of PM2.5 change against the same period a year
    earlier (a fall earns it, a rise pays it); ``include_deductions`` whether the period's confirmed
    deductions (hotspots.deductions, as the ranking carries them) count in the total.
    """

    top_amounts: Mapping[int, float] = field(default_factory=lambda: MappingProxyType(
        {1: 30_000.0, 2: 20_000.0, 3: 10_000.0}))
    bottom_amounts: Mapping[int, float] = field(default_factory=lambda: MappingProxyType(
        {1: -30_000.0, 2: -20_000.0, 3: -10_000.0}))
    bottom_n: int = 3
    eco_cny_per_ug: float = 10_000.0
    include_deductions: bool = True

    def __post_init__(self) -> None:
        if self.bottom_n < 1 or self.eco_cny_per_ug < 0:
            raise BadInputError("error.reward_rules_invalid", field="reward_rules")

    def with_overrides(self, overrides: Mapping[str, Any]) -> RewardRules:
        """A copy with the named fields replaced (rank keys may be given as text, as JSON has them)."""
        known = {item.name for item in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise BadInputError("error.reward_rules_unknown", field="reward_rules", names=sorted(unknown),
                                known=sorted(known))
        values = dict(overrides)
        for name in ("top_amounts", "bottom_amounts"):
            if name in values:
                values[name] = MappingProxyType({int(rank): float(cny) for rank, cny in values[name].items()})
        return replace(self, **values)


def configured_rules() -> RewardRules:
    """The default rules with Settings.reward_rules applied."""
    from core.settings import get_settings

    return RewardRules().with_overrides(get_settings().reward_rules)


def _ranked(ranking: pd.DataFrame) -> pd.DataFrame:
    return ranking[ranking["rank"].notna()]


def bottom_list(ranking: pd.DataFrame, n: int) -> pd.DataFrame:
    """The ``n`` worst-ranked townships of ``ranking`` (stations.ranking.rank_townships), worst first, with
    place_from_bottom (1 = last). Ties at the cut-off are all listed."""
    ranked = _ranked(ranking).sort_values("rank", ascending=False)
    if ranked.empty:
        return ranked.assign(place_from_bottom=pd.Series(dtype="Int64"))
    worst = ranked["rank"].max()
    place = (worst - ranked["rank"] + 1).astype("Int64")
    cut = place.iloc[min(n, len(place)) - 1]
    return ranked.assign(place_from_bottom=place)[place <= cut].reset_index(drop=True)


def most_improved(ranking: pd.DataFrame, n: int, column: str = "composite_yoy_pct") -> pd.DataFrame:
    """The ``n`` ranked townships whose ``column`` (a year-on-year change in percent) fell most, most
    improved first; townships without a change (no valid year-ago period) are left out."""
    ranked = _ranked(ranking)
    changed = ranked[ranked[column].notna() & (ranked[column] < 0)]
    return changed.sort_values([column, "township_code"]).head(n).reset_index(drop=True)


def pm25_change_ug(ranking: pd.DataFrame) -> pd.Series:
    """PM2.5 now minus the same period a year earlier (µg/m³), from pm25 and pm25_yoy_pct; NaN without one."""
    before = ranking["pm25"] / (1 + ranking["pm25_yoy_pct"] / 100)
    return ranking["pm25"] - before


def reward_table(ranking: pd.DataFrame, rules: RewardRules) -> pd.DataFrame:
    """One row per township of ``ranking`` with the amounts ``rules`` give it (CNY; positive = paid to
    the township, negative = taken from it): rank_amount_cny (top or bottom places, ranked townships
    only), eco_compensation_cny (−eco_cny_per_ug × PM2.5 change), deduction_cny (−the period's
    deductions, when included) and total_cny. Rows keep the ranking's order; the same ranking and
    rules give the same table."""
    table = ranking[["township_code", "township", "period", "standard_version", "rank"]].copy()
    table["ranked"] = table["rank"].notna()
    worst = table["rank"].max()
    table["place_from_bottom"] = (worst - table["rank"] + 1).astype("Int64")
    top = table["rank"].map(lambda rank: rules.top_amounts.get(int(rank), 0.0) if pd.notna(rank) else 0.0)
    bottom = table["place_from_bottom"].map(
        lambda place: rules.bottom_amounts.get(int(place), 0.0) if pd.notna(place) and place <= rules.bottom_n
        else 0.0)
    # A township both near the top and the bottom (a short list) takes the bottom's rule.
    table["rank_amount_cny"] = np.where(bottom != 0, bottom, top).astype(float)
    table["pm25_change_ug"] = pm25_change_ug(ranking).round(1)
    table["eco_compensation_cny"] = (-rules.eco_cny_per_ug * table["pm25_change_ug"]).fillna(0.0).round(0) + 0.0
    table["deduction_cny"] = -ranking["deduction_cny"].astype(float) if rules.include_deductions else 0.0
    table["deduction_cny"] = table["deduction_cny"] + 0.0
    table["total_cny"] = table[["rank_amount_cny", "eco_compensation_cny", "deduction_cny"]].sum(axis=1)
    return table[REWARD_COLUMNS].reset_index(drop=True)
