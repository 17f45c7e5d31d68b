"""A person's in-app inbox: their notices rendered in their language, the unread count, marking read."""
from __future__ import annotations

import json

import pandas as pd

from core.policy import User
from core.timeutil import now_beijing
from data import notices as repo
from data.store import Store
from notify.outbox import notice_text


def inbox(store: Store, user: User, lang: str, limit: int = 200) -> pd.DataFrame:
    """``user``'s notices, newest first: id, kind, task_id, fire_point_id, text (in ``lang``), created_at,
    unread (bool); times naive Beijing."""
    with store.read() as con:
        rows = repo.read_inbox(con, user.name, limit)
    texts = [notice_text(kind, json.loads(params), lang) for kind, params in zip(rows["kind"], rows["params"])]
    return rows.assign(text=texts, unread=rows["read_at"].isna()).drop(columns=["params", "read_at"])


def unread_count(store: Store, user: User) -> int:
    with store.read() as con:
        return repo.unread_count(con, user.name)


def mark_read(store: Store, user: User, notification_ids: list[int]) -> int:
    """Mark ``user``'s own notices among ``notification_ids`` read (another's are left alone); returns how many."""
    with store.write() as con:
        return repo.mark_read(con, user.name, [int(i) for i in notification_ids], now_beijing().replace(microsecond=0))
