"""The ranking page: townships (or counties) ranked over a week, month, quarter, year to date, year or range,
by level; the signed-in township's card; bottom and improvement lists, rewards and penalties; a labelled
monthly trend; sub-index contributions; the period's bulletin to download."""
from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.session import current_language, escape_markdown, t
from app_pages.sidebar import acting_user
from app_pages.store_access import (
    bulletin_files,
    has_counties,
    latest_hour,
    level_ranking,
    open_store,
    store_busy_guard,
    target_progress,
    trend,
)
from core.errors import BadInputError, PermissionDeniedError
from core.policy import may_set_targets
from core.settings import get_settings
from core.vocabulary import label, translate
from layers.charts import described
from reports.bulletin import MISSING, number, rank_text
from stations.composite import REASON_COLUMNS
from stations.evaluation import set_target
from stations.levels import PERIOD_KINDS
from stations.ranking import RANK_KEYS, Period
from stations.rewards import bottom_list, configured_rules, most_improved, reward_table
from stations.standards import VERSIONS, composite_config
from stations.standing import Standing, sub_index_table, township_standing, with_unranked_reasons
from stations.targets import TARGET_METRICS

HIGHLIGHT = "background-color: #fff3b0; font-weight: 600"
TABLE_COLUMNS = ["rank", "rank_change", "township", "composite_index", "pm25", "pm10", "good_day_ratio",
                 "composite_yoy_pct", "primary_pollutant", "fire_points", "fire_points_pending",
                 "fire_points_confirmed", "fire_points_struck_off", "deduction_cny", "invalid_reason"]
BULLETIN_KINDS = ("week", "month", "quarter", "year")
INDEX_COLOUR, RANK_COLOUR = "#d94801", "#1565c0"


def month_choices(latest: pd.Timestamp, months: int = 12) -> list[str]:
    """The ``months`` calendar months up to ``latest`` ('YYYY-MM', newest first) and its year ('YYYY')."""
    ends = pd.period_range(end=pd.Period(latest, "M"), periods=months, freq="M")
    return [str(period) for period in reversed(ends)] + [str(latest.year)]


def period_choices(kind: str, latest: pd.Timestamp) -> list[str]:
    """The periods of ``kind`` a reader may pick, newest first, as stations.levels.period_of reads them:
    whole weeks by their Monday, months, quarters, the year to the latest day, years."""
    if kind == "week":
        last_sunday = latest.normalize() - pd.Timedelta(days=(latest.weekday() + 1) % 7)
        monday = last_sunday - pd.Timedelta(days=6)
        return [f"{monday - pd.Timedelta(weeks=back):%Y-%m-%d}" for back in range(12)]
    if kind == "month":
        return month_choices(latest)[:-1]
    if kind == "quarter":
        quarters = pd.period_range(end=pd.Period(latest, "Q"), periods=4, freq="Q")
        return [f"{quarter.year}-Q{quarter.quarter}" for quarter in reversed(quarters)]
    if kind == "ytd":
        return [f"{latest:%Y-%m-%d}"]
    return [str(latest.year - back) for back in range(2)]


def _period_label(kind: str, text: str) -> str:
    if kind == "week":
        start = dt.date.fromisoformat(text)
        return t("bulletin.period_week", year=start.isocalendar().year, week=start.isocalendar().week,
                 start=f"{start:%m-%d}", end=f"{start + dt.timedelta(days=6):%m-%d}")
    return text


def display_table(table: pd.DataFrame, lang: str, rank_column: str = "rank") -> pd.DataFrame:
    """The ranking as the page shows it: text in every cell, '—' where a value is missing (never 'None'),
    pollutants by their label, rank changes with arrows and words, reasons in ``lang``; indexed by code."""
    reasons = table[REASON_COLUMNS[lang]]
    shown = pd.DataFrame({
        "rank": table[rank_column].map(rank_text),
        "rank_change": table["rank_change"].map(lambda change: _change(change, lang)),
        "township": table["township"].fillna(MISSING).astype(str),
        "composite_index": table["composite_index"].map(lambda value: number(value, 2)),
        "pm25": table["pm25"].map(number), "pm10": table["pm10"].map(number),
        "good_day_ratio": table["good_day_ratio"].map(lambda value: number(value, 0, percent=True)),
        "composite_yoy_pct": table["composite_yoy_pct"].map(
            lambda value: MISSING if pd.isna(value) else f"{value:+.1f}%"),
        "primary_pollutant": table["primary_pollutant"].map(lambda code: label("pollutant", code, lang)),
        **{column: table[column].map(lambda count: str(int(count))) for column in
           ("fire_points", "fire_points_pending", "fire_points_confirmed", "fire_points_struck_off")},
        "deduction_cny": table["deduction_cny"].map(lambda value: f"{value:,.0f}"),
        "invalid_reason": reasons.map(lambda reason: MISSING if pd.isna(reason) else str(reason)),
    })
    shown.index = pd.Index(table["township_code"], name="township_code")
    return shown[TABLE_COLUMNS]


def _change(change, lang: str) -> str:
    if pd.isna(change):
        return translate("standing.rank_new", lang)
    if change > 0:
        return translate("standing.rank_up", lang, places=int(change))
    if change < 0:
        return translate("standing.rank_down", lang, places=int(-change))
    return translate("standing.rank_same", lang)


def _styled(shown: pd.DataFrame, own_code: str | None):
    def highlight(row: pd.Series) -> list[str]:
        return [HIGHLIGHT if row.name == own_code else ""] * len(row)

    return shown.style.apply(highlight, axis=1)


def _controls(latest: pd.Timestamp, store) -> tuple[str, str, str, str]:
    kind_column, period_column, level_column, by_column = st.columns(4)
    kind = kind_column.selectbox(t("ranking_kind"), PERIOD_KINDS, index=PERIOD_KINDS.index("month"),
                                 key="ranking_kind", format_func=lambda code: label("period_kind", code,
                                                                                    current_language()))
    if kind == "range":
        chosen = period_column.date_input(t("ranking_range"), value=(latest.date().replace(day=1), latest.date()),
                                          key="ranking_range")
        dates = tuple(chosen) if isinstance(chosen, (list, tuple)) else (chosen,)
        text = f"{dates[0]:%Y-%m-%d}..{dates[-1]:%Y-%m-%d}"
    else:
        text = period_column.selectbox(t("ranking_period"), period_choices(kind, latest), key=f"ranking_period_{kind}"
                                       if kind != "month" else "ranking_period",
                                       format_func=lambda value: _period_label(kind, value))
    levels = ["township_in_city"] + (["township_in_county", "county_in_city"] if has_counties(store) else [])
    level = level_column.selectbox(t("ranking_level"), levels, key="ranking_level",
                                   format_func=lambda code: label("rank_level", code, current_language()))
    by = by_column.selectbox(t("ranking_by"), list(RANK_KEYS), key="ranking_by",
                             format_func=lambda key: t(f"rank_by_{key}"))
    return kind, text, level, by


def render() -> None:
    """Draw the page."""
    st.title(t("ranking_title"))
    user = acting_user()
    lang = current_language()
    with store_busy_guard():
        store = open_store()
        latest = latest_hour(store)
    if latest is None:
        st.info(t("no_observations"))
        return
    latest = pd.Timestamp(latest)
    kind, text, level, by = _controls(latest, store)
    try:
        with store_busy_guard():
            table = with_unranked_reasons(level_ranking(store, kind, text, level, by), by)
    except BadInputError as error:
        st.warning(escape_markdown(error.render(lang)))
        return
    own_code = user.township_code if user is not None else None
    ranked = int(table["level_rank"].notna().sum())
    version = table["standard_version"].iloc[0]
    st.caption(t("ranking_caption", ranked=ranked, total=len(table), version=version))
    if ranked == 0:
        reasons = table[REASON_COLUMNS[lang]].dropna().unique()
        st.warning(escape_markdown("；".join(map(str, reasons)) or t("standing.unranked_title", township=MISSING)))
    settings = get_settings()
    config = composite_config(version, settings.composite_divisors, settings.composite_weights)
    rules = configured_rules()
    townships_ranked = level != "county_in_city"
    names = dict(zip(table["township_code"], table["township"]))
    codes = list(names)
    if townships_ranked:
        default = codes.index(own_code) if own_code in codes else 0
        chosen = st.selectbox(t("card_township"), codes, index=default, format_func=names.get, key="trend_township")
        period_end = pd.Timestamp(level_period_end(table))
        _card(table, chosen, by, rules.bottom_n, config, target_progress(store, period_end.year,
                                                                          min(period_end, latest).date()))
    shown = display_table(table, lang, "level_rank")
    if level != "township_in_city":
        shown.insert(1, "parent_name", table["parent_name"].fillna(MISSING).to_numpy())
    st.dataframe(_styled(shown, own_code), key="ranking_table", use_container_width=True, hide_index=True,
                 column_config={column: t(f"col_{column}") for column in shown.columns})
    _lists(table, rules, lang)
    if townships_ranked:
        _trend(store, chosen, latest, len(codes))
    _sub_indices(table, config, lang)
    if kind in BULLETIN_KINDS:
        _bulletin(store, kind, text, lang)
    if may_set_targets(user):
        _target_form(store, user, names, latest.year)


def _target_form(store, user, names: dict[str, str], year: int) -> None:
    """A supervisor sets (or replaces) a unit's target; the card and the bulletin read it on the next run."""
    lang = current_language()
    with st.expander(t("targets_form")), st.form("target_form"):
        unit_column, year_column, metric_column = st.columns(3)
        unit = unit_column.selectbox(t("target_unit"), list(names), format_func=names.get, key="target_unit")
        chosen_year = year_column.number_input(t("target_year"), min_value=2000, max_value=2100, value=year, step=1,
                                               key="target_year")
        metric = metric_column.selectbox(t("target_metric"), list(TARGET_METRICS), key="target_metric",
                                         format_func=lambda code: label("target_metric", code, lang))
        value_column, version_column = st.columns(2)
        value = value_column.number_input(t("target_value_hint"), min_value=0.0, value=46.0, key="target_value")
        version = version_column.selectbox(t("target_standard"), VERSIONS, index=None, key="target_standard")
        if st.form_submit_button(t("target_save")):
            try:
                set_target(store, user, unit_code=unit, year=int(chosen_year), metric=metric, value=float(value),
                           version=version)
            except (BadInputError, PermissionDeniedError) as error:
                st.error(escape_markdown(error.render(lang)))
            else:
                st.success(escape_markdown(t("target_saved", unit=names[unit], year=int(chosen_year),
                                             metric=label("target_metric", metric, lang), value=value)))


def level_period_end(table: pd.DataFrame) -> dt.date:
    """The last day of the ranked period, from the ranking's period label."""
    return Period.parse(table["period"].iloc[0]).end


def _card(table: pd.DataFrame, code: str, by: str, bottom_n: int, config: pd.DataFrame,
          progress: pd.DataFrame) -> None:
    """The chosen township's card: rank and change in words, top pollutant, distances, target progress."""
    lang = current_language()
    standing = township_standing(table.assign(rank=table["level_rank"]), code, by, bottom_n, config)
    with st.container(border=True, key="township_card"):
        if standing.rank is None:
            st.subheader(t("standing.unranked_title", township=standing.township))
            reason = standing.reason_zh if lang == "zh" else standing.reason_en
            st.markdown(f"**{t('standing.reason')}**：{escape_markdown(reason or MISSING)}")
        else:
            st.subheader(t("standing.title", township=standing.township, rank=standing.rank, total=standing.ranked))
            lines = [(t("standing.change"), _change(standing.rank_change, lang)),
                     (t("standing.to_next"), _next_words(standing)),
                     (t("standing.to_leave_bottom", n=bottom_n), _bottom_words(standing, bottom_n))]
            for name, words in lines:
                st.markdown(f"**{name}**：{escape_markdown(words)}")
        if standing.top_pollutant is not None:
            st.markdown(f"**{t('standing.top_pollutant')}**：" + escape_markdown(t(
                "standing.top_pollutant_value", pollutant=label("pollutant", standing.top_pollutant, lang),
                value=f"{standing.top_sub_index:.2f}", share=f"{standing.top_share:.0%}")))
        mine = progress[progress["unit_code"] == code]
        st.markdown(f"**{t('standing.targets')}**：" + ("" if not mine.empty else t("standing.no_targets")))
        for row in mine.itertuples():
            state = MISSING if pd.isna(row.on_track) else t("standing.on_track" if row.on_track else "standing.off_track")
            st.markdown("- " + escape_markdown(
                f"{label('target_metric', row.metric, lang)}：{t('col_target_value')} {_figure(row.metric, row.target_value)}，"
                f"{t('col_ytd_value')} {_figure(row.metric, row.ytd_value)}，{state}；{_allowance(row)}"))


def _figure(metric: str, value) -> str:
    return number(value, 1, percent=True) if metric.endswith("_ratio") else number(
        value, 2 if metric == "composite_index" else 1)


def _allowance(row) -> str:
    if row.days_left == 0 and row.metric in ("pm25", "pm10"):
        return t("standing.year_over")
    if pd.isna(row.allowance):
        return MISSING
    if row.metric in ("pm25", "pm10"):
        return t("standing.allowance_mean", value=number(row.allowance), days=int(row.days_left))
    if row.metric == "heavy_day_ratio":
        return t("standing.allowance_heavy", days=int(row.allowance))
    if row.metric == "good_day_ratio":
        return t("standing.allowance_good", days=int(row.allowance))
    return t("standing.allowance_index", value=number(row.allowance, 2))


def _gap(value: float | None) -> str:
    return MISSING if value is None else f"{value:.2f}"


def _next_words(standing: Standing) -> str:
    if standing.next_up is None:
        return t("standing.at_top")
    return t("standing.to_next_value", gap=_gap(standing.gap_to_next), township=standing.next_up)


def _bottom_words(standing: Standing, bottom_n: int) -> str:
    if standing.bottom_neighbour is None:
        return MISSING
    if standing.in_bottom:
        return t("standing.leave_bottom_value", gap=_gap(standing.bottom_gap), township=standing.bottom_neighbour,
                 n=bottom_n)
    return t("standing.not_in_bottom", n=bottom_n, rank=standing.ranked - bottom_n + 1, gap=_gap(standing.bottom_gap))


def _lists(table: pd.DataFrame, rules, lang: str) -> None:
    ranked = table.assign(rank=table["level_rank"])
    improved_n = 3
    st.subheader(t("lists_title", n=rules.bottom_n, m=improved_n))
    bottom_column, improved_column = st.columns(2)
    bottom = bottom_list(ranked, rules.bottom_n)
    bottom_column.dataframe(pd.DataFrame({t("col_rank"): bottom["rank"].map(rank_text),
                                          t("col_township"): bottom["township"],
                                          t("col_composite_index"): bottom["composite_index"].map(
                                              lambda value: number(value, 2))}),
                            hide_index=True, key="bottom_list", use_container_width=True)
    improved = most_improved(ranked, improved_n)
    if improved.empty:
        improved_column.caption(t("bulletin.none_improved"))
    else:
        improved_column.dataframe(pd.DataFrame({t("col_township"): improved["township"],
                                                t("col_composite_yoy_pct"): improved["composite_yoy_pct"].map(
                                                    lambda value: f"{value:+.1f}%")}),
                                  hide_index=True, key="improved_list", use_container_width=True)
    with st.expander(t("money_title")):
        money = reward_table(ranked, rules)
        st.dataframe(pd.DataFrame({
            t("col_rank"): money["rank"].map(rank_text), t("col_township"): money["township"],
            **{t(f"col_{column}"): money[column].map(lambda value: number(value, 0))
               for column in ("rank_amount_cny", "eco_compensation_cny", "deduction_cny", "total_cny")},
            t("col_pm25_change_ug"): money["pm25_change_ug"].map(lambda value: number(value, 1, signed=True))}),
            hide_index=True, key="money_table", use_container_width=True)
        st.caption(translate("bulletin.money_rule", lang, bottom_n=rules.bottom_n, eco=number(rules.eco_cny_per_ug, 0)))


def trend_chart(months: pd.DataFrame, townships: int) -> alt.LayerChart:
    """The township's monthly composite index and rank: two labelled lines with a legend, the rank on its
    own reversed axis of whole ranks 1…``townships`` (1 at the top)."""
    index_name, rank_name = t("col_composite_index"), t("trend_rank_axis")
    colour = alt.Color("measure:N", title=t("trend_legend"),
                       scale=alt.Scale(domain=[index_name, rank_name], range=[INDEX_COLOUR, RANK_COLOUR]),
                       legend=alt.Legend(orient="bottom"))
    base = alt.Chart(months).encode(x=alt.X("month:O", title=t("month")))
    month_tip = alt.Tooltip("month:O", title=t("month"))  # tooltips name fields by their code unless titled
    index_line = base.mark_line(point=True).encode(
        y=alt.Y("composite_index:Q", title=index_name, axis=alt.Axis(titleColor=INDEX_COLOUR)),
        color=colour, tooltip=[month_tip, alt.Tooltip("composite_index:Q", format=".2f", title=index_name)]
    ).transform_calculate(measure=f"'{index_name}'")
    rank_line = base.mark_line(point=True, strokeDash=[4, 3]).encode(
        y=alt.Y("rank:Q", title=rank_name, scale=alt.Scale(reverse=True, domain=[1, max(townships, 2)], nice=False),
                axis=alt.Axis(values=list(range(1, max(townships, 2) + 1)), format="d", titleColor=RANK_COLOUR)),
        color=colour, tooltip=[month_tip, alt.Tooltip("rank:Q", format="d", title=rank_name)]
    ).transform_calculate(measure=f"'{rank_name}'")
    return described(alt.layer(index_line, rank_line, title=t("trend_title")).resolve_scale(y="independent"),
                     t("chart.describe.trend"))


def _trend(store, code: str, latest: pd.Timestamp, townships: int) -> None:
    """The township's composite index and composite rank over the 12 months up to ``latest``'s month."""
    with store_busy_guard():
        months = trend(store, f"{latest:%Y-%m}")
    chosen = months[months["township_code"] == code][["month", "rank", "composite_index"]].dropna()
    if chosen.empty:
        return
    st.altair_chart(trend_chart(chosen.astype({"rank": int}), townships), use_container_width=True)


def _sub_indices(table: pd.DataFrame, config: pd.DataFrame, lang: str) -> None:
    parts = sub_index_table(table.assign(rank=table["level_rank"]), config)
    if parts.empty:
        return
    long = parts.melt(id_vars="township", var_name="pollutant", value_name="sub_index")
    long["pollutant"] = long["pollutant"].map(lambda code: label("pollutant", code, lang))
    chart = alt.Chart(long, title=t("sub_index_title")).mark_bar().encode(
        y=alt.Y("township:N", sort=list(parts["township"]), title=None),
        x=alt.X("sum(sub_index):Q", title=t("col_composite_index")),
        color=alt.Color("pollutant:N", title=t("col_pollutant")),
        tooltip=[alt.Tooltip("township:N", title=t("col_township")),
                 alt.Tooltip("pollutant:N", title=t("col_pollutant")),
                 alt.Tooltip("sub_index:Q", format=".2f", title=t("col_composite_index"))])
    st.altair_chart(described(chart, t("chart.describe.sub_indices")), use_container_width=True)


def _bulletin(store, kind: str, text: str, lang: str) -> None:
    """Make the period's bulletin on request, then offer it as DOCX and PDF (or say why no PDF)."""
    wanted = st.session_state.get("bulletin_for") == (kind, text, lang)
    if not wanted and st.button(t("bulletin_make"), key="bulletin_make"):
        st.session_state["bulletin_for"] = wanted = (kind, text, lang)
    if not wanted:
        return
    with st.spinner(t("bulletin_make")), store_busy_guard():
        docx, pdf, missing_font = bulletin_files(store, kind, text, lang)
    stem = f"bulletin-{kind}-{text}"
    docx_column, pdf_column = st.columns(2)
    docx_column.download_button(t("bulletin_download_docx"), docx, file_name=f"{stem}.docx", key="bulletin_docx",
                                mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    if pdf is None:
        pdf_column.warning(escape_markdown(missing_font))
    else:
        pdf_column.download_button(t("bulletin_download_pdf"), pdf, file_name=f"{stem}.pdf", key="bulletin_pdf",
                                   mime="application/pdf")


if __name__ == "__main__":
    render()
