"""Beijing time (UTC+8, no daylight saving): the one clock everything stored and shown uses."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

BEIJING_OFFSET = timedelta(hours=8)
BEIJING = timezone(BEIJING_OFFSET, name="Asia/Shanghai")


def now_beijing() -> datetime:
    """The current Beijing wall-clock time as a naive datetime, the way the store keeps times."""
    return datetime.now(BEIJING).replace(tzinfo=None)
