"""The ranking page: the township ranking of a chosen month or year, the user's own township highlighted,
rank changes, a monthly trend, sub-index contributions, fire points and deductions."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.session import current_language, escape_markdown, t
from app_pages.sidebar import current_user
from app_pages.store_access import latest_hour, open_store, ranking, store_busy_guard, trend
from core.errors import BadInputError
from core.settings import get_settings
from core.vocabulary import label
from stations.composite import REASON_COLUMNS
from stations.ranking import RANK_KEYS
from stations.standards import composite_config

SUB_INDICES = {"so2": "so2", "no2": "no2", "pm10": "pm10", "pm25": "pm25", "co": "co_p95", "o3": "o3_8h_p90"}
HIGHLIGHT = "background-color: #fff3b0; font-weight: 600"
TABLE_COLUMNS = ["rank", "rank_change", "township", "composite_index", "pm25", "pm10", "good_day_ratio",
                 "composite_yoy_pct", "primary_pollutant", "fire_points", "fire_points_pending",
                 "fire_points_confirmed", "fire_points_struck_off", "deduction_cny", "invalid_reason"]


def month_choices(latest: pd.Timestamp, months: int = 12) -> list[str]:
    """The ``months`` calendar months up to ``latest`` ('YYYY-MM', newest first) and its year ('YYYY')."""
    ends = pd.period_range(end=pd.Period(latest, "M"), periods=months, freq="M")
    return [str(period) for period in reversed(ends)] + [str(latest.year)]


def sub_index_table(table: pd.DataFrame, config: pd.DataFrame) -> pd.DataFrame:
    """Each ranked township's sub-indices weight_i × C_i / S_i (HJ 663), one column per pollutant, from
    the ranking's statistics and ``config`` (stations.standards.composite_config: divisor S_i in µg/m³,
    CO mg/m³, and weight per pollutant); they sum to the composite index."""
    ranked = table[table["rank"].notna()]
    parts = pd.DataFrame({pollutant: ranked[column] * config.at[pollutant, "weight"] / config.at[pollutant, "divisor"]
                          for pollutant, column in SUB_INDICES.items()}, index=ranked.index)
    parts.insert(0, "township", ranked["township"])
    return parts


def _styled(table: pd.DataFrame, own_code: str | None):
    def highlight(row: pd.Series) -> list[str]:
        return [HIGHLIGHT if row.name == own_code else ""] * len(row)

    shown = table.set_index("township_code")
    # The reason a township is unranked, in the reader's language (stations.composite.REASON_COLUMNS).
    shown = shown.assign(invalid_reason=shown[REASON_COLUMNS[current_language()]])[TABLE_COLUMNS]
    shown = shown.assign(primary_pollutant=shown["primary_pollutant"].map(
        lambda code: label("pollutant", code, current_language())))
    return shown.style.apply(highlight, axis=1).format(na_rep="—").format(
        {"composite_index": "{:.2f}", "pm25": "{:.1f}", "pm10": "{:.1f}", "good_day_ratio": "{:.0%}",
         "composite_yoy_pct": "{:+.1f}%", "deduction_cny": "{:,.0f}"}, na_rep="—")


def render() -> None:
    """Draw the page."""
    st.title(t("ranking_title"))
    user = current_user()
    with store_busy_guard():
        store = open_store()
        latest = latest_hour(store)
    if latest is None:
        st.info(t("no_observations"))
        return
    choices = month_choices(pd.Timestamp(latest))
    period_column, by_column = st.columns(2)
    period = period_column.selectbox(t("ranking_period"), choices, key="ranking_period")
    by = by_column.selectbox(t("ranking_by"), list(RANK_KEYS), key="ranking_by",
                             format_func=lambda key: t(f"rank_by_{key}"))
    try:
        with store_busy_guard():
            table = ranking(store, period, by)
    except BadInputError as error:
        st.warning(escape_markdown(error.render(current_language())))
        return
    own_code = user.township_code if user is not None else None
    st.caption(t("ranking_caption", ranked=int(table["rank"].notna().sum()), total=len(table),
                 version=table["standard_version"].iloc[0]))
    st.dataframe(_styled(table, own_code), key="ranking_table", use_container_width=True, hide_index=True,
                 column_config={column: t(f"col_{column}") for column in TABLE_COLUMNS})
    names = dict(zip(table["township_code"], table["township"]))
    codes = list(names)
    default = codes.index(own_code) if own_code in codes else 0
    chosen = st.selectbox(t("trend_township"), codes, index=default, format_func=names.get, key="trend_township")
    _trend(store, chosen, pd.Timestamp(latest))
    settings = get_settings()
    _sub_indices(table, composite_config(table["standard_version"].iloc[0], settings.composite_divisors,
                                         settings.composite_weights))


def _trend(store, code: str, latest: pd.Timestamp) -> None:
    """The township's composite index and composite rank over the 12 months up to ``latest``'s month."""
    with store_busy_guard():
        months = trend(store, f"{latest:%Y-%m}")
    chosen = months[months["township_code"] == code][["month", "rank", "composite_index"]].dropna()
    if chosen.empty:
        return
    base = alt.Chart(chosen.astype({"rank": int}), title=t("trend_title")).encode(
        x=alt.X("month:O", title=t("month")))
    index_line = base.mark_line(point=True, color="#d94801").encode(
        y=alt.Y("composite_index:Q", title=t("col_composite_index")))
    rank_line = base.mark_line(point=True, strokeDash=[4, 3], color="#1565c0").encode(
        y=alt.Y("rank:Q", title=t("col_rank"), scale=alt.Scale(reverse=True)))
    st.altair_chart(alt.layer(index_line, rank_line).resolve_scale(y="independent"), use_container_width=True)


def _sub_indices(table: pd.DataFrame, config: pd.DataFrame) -> None:
    parts = sub_index_table(table, config)
    if parts.empty:
        return
    long = parts.melt(id_vars="township", var_name="pollutant", value_name="sub_index")
    chart = alt.Chart(long, title=t("sub_index_title")).mark_bar().encode(
        y=alt.Y("township:N", sort=list(parts["township"]), title=None),
        x=alt.X("sum(sub_index):Q", title=t("col_composite_index")),
        color=alt.Color("pollutant:N", title=None),
        tooltip=["township:N", "pollutant:N", alt.Tooltip("sub_index:Q", format=".2f")])
    st.altair_chart(chart, use_container_width=True)


if __name__ == "__main__":
    render()
