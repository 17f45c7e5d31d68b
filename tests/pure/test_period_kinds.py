"""The period a week, month, quarter, year to date, year or range names."""
from __future__ import annotations

import datetime as dt

import pytest

from core.errors import BadInputError
from stations.levels import period_of


@pytest.mark.parametrize(("kind", "text", "start", "end"), [
    ("week", "2025-06-18", dt.date(2025, 6, 16), dt.date(2025, 6, 22)),  # a Wednesday: its Monday–Sunday
    ("week", "2025-06", dt.date(2025, 6, 23), dt.date(2025, 6, 29)),  # June's last whole week
    ("week", "2025-08", dt.date(2025, 8, 25), dt.date(2025, 8, 31)),  # 31 August 2025 is a Sunday
    ("month", "2025-06", dt.date(2025, 6, 1), dt.date(2025, 6, 30)),
    ("quarter", "2025-Q2", dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
    ("quarter", "2025-11", dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
    ("ytd", "2025-06", dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
    ("ytd", "2025-03-15", dt.date(2025, 1, 1), dt.date(2025, 3, 15)),
    ("year", "2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ("range", "2025-05-03..2025-05-20", dt.date(2025, 5, 3), dt.date(2025, 5, 20)),
])
def test_period_of_each_kind(kind, text, start, end):
    period = period_of(kind, text)
    assert (period.start, period.end) == (start, end)


def test_an_unknown_kind_is_refused():
    with pytest.raises(BadInputError) as raised:
        period_of("fortnight", "2025-06")
    assert raised.value.field == "kind"
