"""The task card's words for the deadline: the day the supervisor picked, and the time left or overdue."""
from __future__ import annotations

from datetime import datetime

from hotspots.task_card import countdown, deadline_text


def test_a_deadline_at_midnight_reads_as_the_end_of_the_day_picked():
    assert deadline_text(datetime(2026, 12, 7)) == "2026-12-06 24:00"
    assert deadline_text(datetime(2026, 1, 1)) == "2025-12-31 24:00"
    assert deadline_text(datetime(2026, 12, 3, 14, 55)) == "2026-12-03 14:55"


def test_countdown_counts_whole_hours_towards_the_deadline():
    now = datetime(2026, 12, 2, 14, 50)
    assert countdown(datetime(2026, 12, 7), now) == "还剩 4 天 9 小时"
    assert countdown(datetime(2026, 12, 2, 20, 0), now) == "还剩 5 小时"
    assert countdown(datetime(2026, 12, 2, 9, 20), now, "en") == "overdue by 6 h"
    assert countdown(None, now) == "未设期限"
