"""Alert levels and the trigger rule: which level the daily AQI (observed, then forecast) calls for.

The default rule is the Ministry's (生态环境部《关于推进重污染天气应急预案修订工作的指导意见》, 环办大气函
〔2018〕875号), on the daily AQI of the city: yellow when AQI > 200 is expected for 2 days (48 h) or more;
orange for 3 days (72 h) with at least one day > 300; red for 4 days or more with at least 2 days > 300,
or any day reaching 500. Each figure is configuration (TriggerRule); the supervisor decides, the app only
suggests.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pandas as pd

from core.errors import BadInputError
from data.alerts import ALERT_LEVELS, LEVEL_RANK

# What officials write for a level: 黄色/黄/Ⅱ级 … (Ⅳ blue, Ⅲ yellow, Ⅱ orange, Ⅰ red).
LEVEL_WORDS = {"blue": "blue", "蓝": "blue", "蓝色": "blue", "iv": "blue", "4": "blue",
               "yellow": "yellow", "黄": "yellow", "黄色": "yellow", "iii": "yellow", "3": "yellow",
               "orange": "orange", "橙": "orange", "橙色": "orange", "ii": "orange", "2": "orange",
               "red": "red", "红": "red", "红色": "red", "i": "red", "1": "red"}


def read_level(text: str) -> str | None:
    """The level code (blue, yellow, orange, red) for a level as written (橙色, 橙色预警, II级, orange), else None."""
    word = unicodedata.normalize("NFKC", str(text)).strip().lower()
    for suffix in ("预警", "级", "level"):
        word = word.removesuffix(suffix).strip()
    return LEVEL_WORDS.get(word)


def level_code(text: str) -> str:
    """read_level, refusing (BadInputError) what is not a level."""
    level = read_level(text)
    if level is None:
        raise BadInputError("error.unknown_alert_level", field="level", level=text, known=list(ALERT_LEVELS))
    return level


def at_least(level: str | None, floor: str) -> bool:
    """Whether ``level`` (None: no alert) is ``floor`` or higher."""
    return level is not None and LEVEL_RANK[level] >= LEVEL_RANK[floor]


@dataclass(frozen=True)
class LevelTrigger:
    """Days in a row of daily AQI above ``over`` (default 200, 重度污染) needed, of which ``severe_days``
    above ``severe_over`` (default 300, 严重污染); or any day at ``extreme`` or more."""

    days: int
    severe_days: int = 0
    over: int = 200
    severe_over: int = 300
    extreme: int | None = None


@dataclass(frozen=True)
class TriggerRule:
    """The trigger for each level, from the Ministry's 2018 guidance (see the module docstring)."""

    yellow: LevelTrigger = LevelTrigger(days=2)
    orange: LevelTrigger = LevelTrigger(days=3, severe_days=1)
    red: LevelTrigger = LevelTrigger(days=4, severe_days=2, extreme=500)


@dataclass(frozen=True)
class Suggestion:
    """The level the AQI calls for, the days of the run it rests on and how many of them are forecast."""

    level: str
    first_day: pd.Timestamp
    last_day: pd.Timestamp
    days: int
    peak_aqi: int
    forecast_days: int


def suggest_level(daily: pd.DataFrame, rule: TriggerRule = TriggerRule()) -> Suggestion | None:
    """The highest level ``daily`` meets, or None. ``daily``: one row per consecutive day with ``date``,
    ``aqi`` (daily AQI; NaN breaks a run) and ``forecast`` (True for forecast days). The run judged is the
    one of days above the lowest ``over`` that contains the last observed day (or starts the day after)."""
    if daily.empty:
        return None
    frame = daily.sort_values("date").reset_index(drop=True)
    for level in ("red", "orange", "yellow"):
        trigger: LevelTrigger = getattr(rule, level)
        over = frame["aqi"].to_numpy(dtype=float) > trigger.over
        observed = ~frame["forecast"].to_numpy(dtype=bool)
        today = int(observed.nonzero()[0].max()) if observed.any() else -1
        start = today if today >= 0 and over[today] else today + 1
        if start >= len(frame) or not over[start]:
            continue
        while start > 0 and over[start - 1]:
            start -= 1
        end = start
        while end + 1 < len(frame) and over[end + 1]:
            end += 1
        run = frame.iloc[start:end + 1]
        severe = int((run["aqi"] > trigger.severe_over).sum())
        extreme = trigger.extreme is not None and bool((run["aqi"] >= trigger.extreme).any())
        if (len(run) >= trigger.days and severe >= trigger.severe_days) or extreme:
            return Suggestion(level, run["date"].iloc[0], run["date"].iloc[-1], len(run), int(run["aqi"].max()),
                              int(run["forecast"].sum()))
    return None
