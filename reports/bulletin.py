"""The monthly (weekly, quarterly, annual) township bulletin (通报): the ranking by level, bottom and
improvement lists, rewards and penalties, a map of the composite index, target progress, hotspots and
their handling, fire points and deductions, closed-loop rates — as a Document for the writers."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from core.policy import SYSTEM_USER
from core.settings import get_settings
from core.timeutil import now_beijing
from core.vocabulary import label, translate
from data.hotspots import HotspotFilter
from data.store import Store
from data.tasks import HandlingListFilter
from data.townships import read_admin_units, read_townships
from hotspots.service import visible_hotspots
from hotspots.task_service import list_tasks
from hotspots.tasks import TaskState
from reports.document import Document, Heading, Image, Paragraph, Table
from reports.map_image import composite_map_png
from stations.assessment import rank_store
from stations.evaluation import progress_of_targets, rank_level
from stations.levels import period_of
from stations.ranking import Period
from stations.rewards import bottom_list, configured_rules, most_improved, reward_table
from stations.standards import STANDARD_NAMES

MISSING = "—"
IMPROVED_N = 3
HOTSPOTS_LISTED = 10


def number(value, digits: int = 1, *, signed: bool = False, percent: bool = False) -> str:
    """A figure as the bulletin prints it: fixed digits, optional sign and %, '—' when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return MISSING
    text = f"{float(value) * 100 if percent else float(value):{'+' if signed else ''}.{digits}f}"
    return text + ("%" if percent else "")


def rank_text(value) -> str:
    return MISSING if pd.isna(value) else str(int(value))


def closed_loop_rates(tasks: pd.DataFrame) -> pd.DataFrame:
    """Per township, of the tasks created in the period (hotspots.task_service.list_tasks rows, ``overdue``
    as of the period's end): assigned, closed on time (closed no later than the deadline, or without
    one), late (closed after the deadline, or still owing past it), returned (sent back at least once)
    and the on-time rate (0–1)."""
    if tasks.empty:
        return pd.DataFrame(columns=["township_code", "township", "assigned", "closed_on_time", "late", "returned",
                                     "on_time_rate"])
    closed = tasks["state"] == TaskState.CLOSED.value
    on_time = closed & (tasks["deadline"].isna() | (tasks["updated_at"] <= tasks["deadline"]))
    frame = pd.DataFrame({"township_code": tasks["township_code"].fillna(""),
                          "township": tasks["township_name"].fillna(MISSING), "assigned": 1,
                          "closed_on_time": on_time, "late": (closed & ~on_time) | tasks["overdue"].fillna(False),
                          "returned": tasks["returns"] > 0})
    rates = frame.groupby(["township_code", "township"], as_index=False).sum()
    rates["on_time_rate"] = rates["closed_on_time"] / rates["assigned"]
    return rates.sort_values(["on_time_rate", "township_code"]).reset_index(drop=True)


def _period_words(period: Period, kind: str, lang: str) -> tuple[str, int]:
    """The period as a title names it, and the serial number of the bulletin within its year."""
    if kind == "month":
        return translate("bulletin.period_month", lang, year=period.start.year, month=period.start.month), \
            period.start.month
    if kind == "quarter":
        quarter = (period.start.month - 1) // 3 + 1
        return translate("bulletin.period_quarter", lang, year=period.start.year, quarter=quarter), quarter
    if kind == "week":
        week = period.start.isocalendar().week
        return translate("bulletin.period_week", lang, year=period.start.year, week=week,
                         start=f"{period.start:%m-%d}", end=f"{period.end:%m-%d}"), week
    if kind == "year":
        return translate("bulletin.period_year", lang, year=period.start.year), 1
    return translate("bulletin.period_range", lang, start=f"{period.start:%Y-%m-%d}", end=f"{period.end:%Y-%m-%d}"), 1


def _ranking_table(ranking: pd.DataFrame, lang: str, rank_column: str = "rank") -> Table:
    """The ranking as printed: rank, name, composite index (2 decimals, as the ranking page shows it),
    PM2.5, PM10, good days, year on year, primary pollutant, change; a reasons column only when some
    township is unranked."""
    columns = ["col_rank", "col_township", "col_composite_index", "col_pm25", "col_pm10", "col_good_day_ratio",
               "col_composite_yoy_pct", "col_primary_pollutant", "col_rank_change"]
    reasons = ranking["invalid_reason_zh" if lang == "zh" else "invalid_reason"]
    unranked = bool(ranking[rank_column].isna().any())
    rows = []
    for (_, row), reason in zip(ranking.iterrows(), reasons):
        cells = [rank_text(row[rank_column]), str(row["township"]), number(row["composite_index"], 2),
                 number(row["pm25"]), number(row["pm10"]), number(row["good_day_ratio"], 1, percent=True),
                 number(row["composite_yoy_pct"], 1, signed=True) + ("" if pd.isna(row["composite_yoy_pct"]) else "%"),
                 label("pollutant", row["primary_pollutant"], lang), _change_words(row["rank_change"], lang)]
        rows.append(tuple(cells + ([MISSING if pd.isna(reason) else str(reason)] if unranked else [])))
    widths = (0.6, 1.4, 1, 0.8, 0.8, 1, 1, 0.9, 1.3) + ((2.4,) if unranked else ())
    return Table(tuple(translate(column, lang) for column in columns + (["col_invalid_reason"] if unranked else [])),
                 tuple(rows), widths=widths)


def _change_words(change, lang: str) -> str:
    if pd.isna(change):
        return MISSING
    if change > 0:
        return translate("standing.rank_up", lang, places=int(change))
    if change < 0:
        return translate("standing.rank_down", lang, places=int(-change))
    return translate("standing.rank_same", lang)


def _lists(ranking: pd.DataFrame, bottom_n: int, lang: str) -> list:
    bottom = bottom_list(ranking, bottom_n)
    improved = most_improved(ranking, IMPROVED_N)
    blocks = [Heading(translate("bulletin.lists", lang)),
              Paragraph(translate("bulletin.bottom_list", lang, n=bottom_n,
                                  names="、".join(f"{row.township}（{rank_text(row.rank)}）"
                                                 for row in bottom.itertuples()) or MISSING))]
    blocks.append(Paragraph(translate("bulletin.improved_list", lang, n=IMPROVED_N, names="、".join(
        f"{row.township}（{number(row.composite_yoy_pct, 1, signed=True)}%）" for row in improved.itertuples())
        or translate("bulletin.none_improved", lang))))
    return blocks


def _money(ranking: pd.DataFrame, lang: str) -> list:
    rules = configured_rules()
    table = reward_table(ranking, rules)
    rows = tuple((rank_text(row.rank), str(row.township), number(row.rank_amount_cny, 0),
                  number(row.pm25_change_ug, 1, signed=True), number(row.eco_compensation_cny, 0),
                  number(row.deduction_cny, 0), number(row.total_cny, 0)) for row in table.itertuples())
    columns = ("col_rank", "col_township", "col_rank_amount_cny", "col_pm25_change_ug", "col_eco_compensation_cny",
               "col_deduction_cny", "col_total_cny")
    return [Heading(translate("bulletin.money", lang)),
            Table(tuple(translate(column, lang) for column in columns), rows,
                  note=translate("bulletin.money_rule", lang, bottom_n=rules.bottom_n,
                                 eco=number(rules.eco_cny_per_ug, 0)))]


def _targets(store: Store, period: Period, lang: str) -> list:
    progress = progress_of_targets(store, period.end.year, as_of=period.end)
    blocks: list = [Heading(translate("bulletin.targets", lang))]
    if progress.empty:
        return blocks + [Paragraph(translate("bulletin.no_targets", lang, year=period.end.year))]
    rows = tuple((str(row.unit_name), label("target_metric", row.metric, lang), _target_figure(row.metric, row.target_value),
                  _target_figure(row.metric, row.ytd_value),
                  MISSING if pd.isna(row.on_track) else translate("standing.on_track" if row.on_track else "standing.off_track",
                                                                 lang),
                  _allowance_words(row, lang)) for row in progress.itertuples())
    columns = ("col_unit", "col_target_metric", "col_target_value", "col_ytd_value", "col_on_track", "col_allowance")
    return blocks + [Table(tuple(translate(column, lang) for column in columns), rows)]


def _target_figure(metric: str, value) -> str:
    return number(value, 1, percent=True) if metric.endswith("_ratio") else number(
        value, 2 if metric == "composite_index" else 1)


def _allowance_words(row, lang: str) -> str:
    """What the rest of the year may still hold, in words."""
    if pd.isna(row.allowance):
        return MISSING
    if row.metric in ("pm25", "pm10"):
        return translate("standing.allowance_mean", lang, value=number(row.allowance), days=int(row.days_left))
    if row.metric == "heavy_day_ratio":
        return translate("standing.allowance_heavy", lang, days=int(row.allowance))
    if row.metric == "good_day_ratio":
        return translate("standing.allowance_good", lang, days=int(row.allowance))
    return translate("standing.allowance_index", lang, value=number(row.allowance, 2))


def _hotspots(store: Store, period: Period, lang: str) -> list:
    found = visible_hotspots(store, SYSTEM_USER, HotspotFilter(start=period.start, end=period.end))
    blocks: list = [Heading(translate("bulletin.hotspots", lang)),
                    Paragraph(translate("bulletin.hotspot_count", lang, count=len(found),
                                        townships=found["township_code"].nunique()))]
    if found.empty:
        return blocks
    rows = tuple((str(row.rank), label("hotspot_kind", row.kind, lang), str(row.township_name or MISSING),
                  label("pollutant", row.pollutant, lang), number(row.peak), str(row.grade or MISSING),
                  f"{row.start_time:%m-%d %H:%M}") for row in found.head(HOTSPOTS_LISTED).itertuples())
    columns = ("col_rank", "col_kind", "col_township_name", "col_pollutant", "col_peak", "col_grade", "col_start_time")
    return blocks + [Table(tuple(translate(column, lang) for column in columns), rows)]


def _fires(ranking: pd.DataFrame, lang: str) -> list:
    burned = ranking[(ranking["fire_points"] > 0) | (ranking["deduction_cny"] > 0)]
    blocks: list = [Heading(translate("bulletin.fires", lang)),
                    Paragraph(translate("bulletin.fire_count", lang, count=int(ranking["fire_points"].sum()),
                                        confirmed=int(ranking["fire_points_confirmed"].sum()),
                                        struck_off=int(ranking["fire_points_struck_off"].sum()),
                                        cny=number(ranking["deduction_cny"].sum(), 0)))]
    if burned.empty:
        return blocks
    rows = tuple((str(row.township), str(row.fire_points), str(row.fire_points_pending), str(row.fire_points_confirmed),
                  str(row.fire_points_struck_off), number(row.deduction_cny, 0)) for row in burned.itertuples())
    columns = ("col_township", "col_fire_points", "col_fire_points_pending", "col_fire_points_confirmed",
               "col_fire_points_struck_off", "col_deduction_cny")
    return blocks + [Table(tuple(translate(column, lang) for column in columns), rows)]


def _closed_loop(store: Store, period: Period, lang: str) -> list:
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time())
    rates = closed_loop_rates(list_tasks(store, HandlingListFilter(start=period.start, end=period.end),
                                         now=min(end, now_beijing())))
    blocks: list = [Heading(translate("bulletin.closed_loop", lang))]
    if rates.empty:
        return blocks + [Paragraph(translate("bulletin.no_tasks", lang))]
    rows = tuple((str(row.township), str(row.assigned), str(row.closed_on_time), str(row.late), str(row.returned),
                  number(row.on_time_rate, 0, percent=True)) for row in rates.itertuples())
    columns = ("col_township", "col_assigned", "col_closed_on_time", "col_late", "col_returned", "col_on_time_rate")
    return blocks + [Table(tuple(translate(column, lang) for column in columns), rows)]


def build_bulletin(store: Store, period_text: str, kind: str = "month", *, lang: str = "zh",
                   as_of: dt.datetime | None = None, issued_on: dt.date | None = None) -> Document:
    """The bulletin of the ``kind`` period ``period_text`` names (stations.levels.period_of) from the store:
    the township ranking exactly as stations.assessment.rank_store gives it (and by county when the
    region has counties), the lists, the money table under the configured rules, the map, target
    progress, hotspots, fire points and the closed loop. Fire points and deductions as they stood at
    ``as_of`` (None: now); dated ``issued_on`` (default today, Beijing)."""
    settings = get_settings()
    period = period_of(kind, period_text)
    ranking = rank_store(store, period, as_of=as_of)
    with store.read() as con:
        townships = read_townships(con)
        counties = read_admin_units(con).query("level == 'county'")
    words, serial = _period_words(period, kind, lang)
    version = ranking["standard_version"].iloc[0]
    ranked = int(ranking["rank"].notna().sum())
    blocks: list = [Paragraph(translate("bulletin.opening", lang, period=words, ranked=ranked, total=len(ranking),
                                        version=STANDARD_NAMES[version])),
                    Heading(translate("bulletin.ranking", lang)), _ranking_table(ranking, lang)]
    if not counties.empty:
        by_county = rank_level(store, period, "township_in_county", as_of=as_of)
        blocks += [Heading(translate("bulletin.ranking_in_county", lang)),
                   _ranking_table(by_county.assign(township=by_county["parent_name"].fillna(MISSING) + " · "
                                                   + by_county["township"]), lang, "level_rank"),
                   Heading(translate("bulletin.ranking_counties", lang)),
                   _ranking_table(rank_level(store, period, "county_in_city", as_of=as_of), lang, "level_rank")]
    blocks.append(Image(composite_map_png(townships, ranking, translate("bulletin.map_legend", lang)),
                        translate("bulletin.map_caption", lang, period=words)))
    blocks += _lists(ranking, configured_rules().bottom_n, lang)
    blocks += _money(ranking, lang)
    blocks += _targets(store, period, lang)
    blocks += _hotspots(store, period, lang)
    blocks += _fires(ranking, lang)
    blocks += _closed_loop(store, period, lang)
    day = issued_on or now_beijing().date()
    return Document(issuer=settings.bulletin_issuer,
                    number=settings.bulletin_number.format(year=period.end.year, serial=serial),
                    title=translate("bulletin.title", lang, period=words), issued_on=translate(
                        "bulletin.date", lang, year=day.year, month=day.month, day=day.day),
                    blocks=tuple(blocks))
