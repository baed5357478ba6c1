"""Calendar arithmetic: "N months after D" (clinical-rules.md, General)."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.clinical.calendar import add_months, months_between, whole_months_between

D = dt.date.fromisoformat


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2024-01-31", 1, "2024-02-29"),  # leap year, clipped to the month's end
        ("2023-01-31", 1, "2023-02-28"),
        ("2024-01-31", 2, "2024-03-31"),  # computed from the start, not chained
        ("2024-03-31", 1, "2024-04-30"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2023-02-28", 12, "2024-02-28"),
        ("2024-11-15", 3, "2025-02-15"),  # year rollover
        ("2024-12-31", 12, "2025-12-31"),
        ("2024-05-15", 0, "2024-05-15"),
        ("2024-03-31", -1, "2024-02-29"),
    ],
)
def test_add_months(start: str, months: int, expected: str) -> None:
    assert add_months(D(start), months) == D(expected)


@pytest.mark.parametrize(
    ("start", "end", "whole"),
    [
        ("2023-06-01", "2024-06-01", 12),
        ("2023-06-02", "2024-06-01", 11),
        ("2024-01-31", "2024-02-29", 1),
        ("2024-01-31", "2024-02-28", 0),
        ("2024-05-10", "2024-05-01", 0),
    ],
)
def test_whole_months_between(start: str, end: str, whole: int) -> None:
    assert whole_months_between(D(start), D(end)) == whole


def test_months_between_adds_the_fraction_of_the_next_month() -> None:
    assert months_between(D("2024-01-01"), D("2024-01-01")) == 0.0
    assert months_between(D("2023-06-01"), D("2024-06-01")) == 12.0
    assert months_between(D("2024-01-01"), D("2024-01-16")) == pytest.approx(15 / 31)
    assert 11.9 < months_between(D("2023-06-02"), D("2024-06-01")) < 12.0
