"""Calendar arithmetic of the rules: "N months after D" keeps the day, clipped to the month's end."""

from __future__ import annotations

import datetime as dt

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """Number of days of `month` (1–12) in `year`."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def add_months(date: dt.date, months: int) -> dt.date:
    """`date` plus `months` calendar months (2024-01-31 + 1 month = 2024-02-29)."""
    year, month0 = divmod(date.year * 12 + date.month - 1 + months, 12)
    month = month0 + 1
    day = date.day
    if day > 28:
        day = min(day, days_in_month(year, month))
    return dt.date(year, month, day)


def whole_months_between(start: dt.date, end: dt.date) -> int:
    """The largest m ≥ 0 with `add_months(start, m) ≤ end` (0 when `end < start`)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def months_between(start: dt.date, end: dt.date) -> float:
    """Calendar months from `start` to `end` (whole months, then the rest as a fraction of the next month)."""
    if end <= start:
        return 0.0
    whole = whole_months_between(start, end)
    low = add_months(start, whole)
    high = add_months(start, whole + 1)
    return whole + (end - low).days / (high - low).days
