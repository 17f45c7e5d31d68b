"""What the task card (交办单) states beyond the stored task: the deadline and its countdown, the history as
sentences, which photos show the problem and which the fix, and the departments a task can go to."""
from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime

import pandas as pd

from core.vocabulary import label, translate

# Photos sent with these actions show the problem as found; feedback photos show it fixed.
BEFORE_ACTIONS = frozenset({"create", "record_observation", "add_evidence"})
AFTER_ACTIONS = frozenset({"submit_feedback"})


def countdown(deadline: datetime | None, now: datetime, lang: str = "zh") -> str:
    """'还剩 2 天 3 小时' / '已逾期 5 小时' (whole hours, rounded towards the deadline's side), '—' without one."""
    if deadline is None or pd.isna(deadline):
        return translate("task_card.no_deadline", lang)
    hours = (pd.Timestamp(deadline) - pd.Timestamp(now)).total_seconds() / 3600.0
    whole = math.floor(hours) if hours >= 0 else math.ceil(-hours)
    days, rest = divmod(whole, 24)
    span = translate("task_card.days_hours", lang, days=days, hours=rest) if days else \
        translate("task_card.hours", lang, hours=rest)
    return translate("task_card.left" if hours >= 0 else "task_card.overdue_by", lang, span=span)


def deadline_text(deadline: datetime) -> str:
    """A deadline (naive Beijing time) to the minute, one at midnight as the end of the day before
    ('2026-12-06 24:00'): the day the supervisor picked ('当日 24 时前'), not the next day's 00:00."""
    moment = pd.Timestamp(deadline)
    if moment == moment.normalize():
        return f"{moment - pd.Timedelta(days=1):%Y-%m-%d} 24:00"
    return f"{moment:%Y-%m-%d %H:%M}"


def history_sentences(history: pd.DataFrame, lang: str = "zh") -> list[str]:
    """Each event of a task's log (data.tasks.read_history) as one sentence: when, who (role), what, the
    state it led to and the comment."""
    sentences = []
    for event in history.to_dict("records"):
        comment = event.get("comment")
        sentences.append(translate(
            "task_card.event_with_comment" if isinstance(comment, str) and comment else "task_card.event", lang,
            when=pd.Timestamp(event["occurred_at"]).strftime("%Y-%m-%d %H:%M"), actor=event["actor"],
            role=label("role", event.get("role"), lang), action=label("task_action", event["action"], lang),
            state=label("task_state", event.get("to_state"), lang), comment=comment))
    return sentences


def photo_sides(attachments: pd.DataFrame, history: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The task's photos split into before (sent when the problem was found or evidenced) and after (sent
    with feedback), each oldest first; ``attachments`` and ``history`` as data.tasks reads them."""
    action = attachments["event_id"].map(history.set_index("id")["action"]) if len(attachments) else attachments.get("event_id")
    if action is None:
        return attachments, attachments
    return attachments[action.isin(BEFORE_ACTIONS)], attachments[action.isin(AFTER_ACTIONS)]


def department_choices(known: Iterable[object], township_name: str | None) -> list[str]:
    """Who a task can be assigned to: the task's township government first, then every department earlier
    tasks went to, each once."""
    choices = [f"{township_name}人民政府"] if township_name else []
    return list(dict.fromkeys(choices + sorted({str(name) for name in known if isinstance(name, str) and name})))
